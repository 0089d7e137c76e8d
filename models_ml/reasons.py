"""The top three reasons pulling a score up and down, in words a seller understands.

A factor pulls by weight x (sub-score - 50): above the midpoint it lifts the score, below it
drags. Each factor has a phrase for either direction, filled with the row's own numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models_ml.factors import FACTORS

TOP = 3


def _i(df: pd.DataFrame, col: str, fill: float = 0) -> pd.Series:
    return pd.to_numeric(df[col], errors="coerce").fillna(fill).round().astype("int64").astype(str)


def _pct(df: pd.DataFrame, col: str) -> pd.Series:
    return (pd.to_numeric(df[col], errors="coerce").fillna(0) * 100).round().astype("int64").astype(str) + "%"


def _days_ago(days: pd.Series, never: str, template: str) -> pd.Series:
    """template with {d} filled with the day count, or `never` when there is none."""
    d = pd.to_numeric(days, errors="coerce")
    prefix, suffix = template.split("{d}")
    text = prefix + d.fillna(0).astype("int64").astype(str) + suffix
    return pd.Series(np.where(d.isna(), never, text), index=days.index, dtype=object)


def phrases(entity: str, df: pd.DataFrame) -> dict[str, tuple[pd.Series, pd.Series]]:
    """factor -> (phrase when it pulls up, phrase when it pulls down)."""
    if entity == "opportunity":
        who = df["primary_contact_name"].fillna("the primary contact").astype(str) + " (primary contact)"
        streak = pd.to_numeric(df["primary_unanswered_streak"], errors="coerce").fillna(0)
        recency_up = "last meaningful interaction " + _i(df, "best_days_since_meaningful") + " days ago"
        recency_down = _days_ago(df["primary_days_since_meaningful"], "no meaningful interaction yet",
                                 "no meaningful interaction with PRIMARY in {d} days")
        recency_down = pd.Series([r.replace("PRIMARY", w) for r, w in zip(recency_down, who)], index=df.index)
        recip_down = pd.Series(np.where(
            streak >= 2, who + " has not responded to the last " + streak.astype("int64").astype(str) + " e-mails or calls",
            "replies to only " + _pct(df, "reply_rate_90d") + " of our e-mails"), index=df.index)
        return {
            "recency": (recency_up, recency_down),
            "frequency": ("customer reached out on " + _i(df, "customer_touch_days_90d") + " days and "
                          + _i(df, "meetings_90d") + " meetings in 90 days",
                          "little two-way activity: " + _i(df, "customer_touch_days_90d") + " customer touches in 90 days"),
            "reciprocity": ("replies to " + _pct(df, "reply_rate_90d") + " of our e-mails", recip_down),
            "sentiment": (pd.Series("positive tone in the customer's e-mails", index=df.index),
                          pd.Series("negative tone in the customer's e-mails", index=df.index)),
            "breadth": (_i(df, "contacts_engaged_90d") + " of " + _i(df, "contact_count") + " deal contacts engaged",
                        "only " + _i(df, "contacts_engaged_90d") + " of " + _i(df, "contact_count")
                        + " deal contacts engaged, " + _i(df, "decision_makers_engaged_90d") + " decision-makers"),
            "pipeline": ("stage moved forward recently", pd.Series(np.where(
                pd.to_numeric(df["days_to_expected_close"], errors="coerce").fillna(1) < 0, "past its expected close date",
                "close date slipped " + _i(df, "close_date_slips") + " times, " + _i(df, "days_in_stage") + " days in stage"),
                index=df.index)),
        }
    streak_col = "unanswered_streak" if entity == "contact" else "max_unanswered_streak"
    streak = pd.to_numeric(df[streak_col], errors="coerce").fillna(0)
    out: dict[str, tuple[pd.Series, pd.Series]] = {
        "recency": ("last meaningful interaction " + _i(df, "days_since_meaningful") + " days ago",
                    _days_ago(df["days_since_meaningful"], "no meaningful interaction yet",
                              "no meaningful interaction in {d} days")),
        "frequency": ("customer reached out on " + _i(df, "customer_touch_days_90d") + " days and "
                      + _i(df, "meetings_90d") + " meetings in 90 days",
                      "little two-way activity: " + _i(df, "customer_touch_days_90d") + " customer touches in 90 days"),
        "reciprocity": ("replies to " + _pct(df, "reply_rate_90d") + " of our e-mails", pd.Series(np.where(
            streak >= 2, "no reply to the last " + streak.astype("int64").astype(str) + " e-mails or calls",
            "replies to only " + _pct(df, "reply_rate_90d") + " of our e-mails"), index=df.index)),
        "response_time": ("answers in " + _i(df, "their_response_hours_90d", 24) + " hours on average",
                          "takes " + _i(df, "their_response_hours_90d", 24) + " hours to answer on average"),
        "activity_mix": ("engaged over " + _i(df, "channel_count_90d") + " channels",
                         "engaged over " + _i(df, "channel_count_90d") + " of 3 channels (e-mail, meetings, calls)"),
        "sentiment": (pd.Series("positive tone in their e-mails", index=df.index),
                      pd.Series("negative tone in their e-mails", index=df.index)),
    }
    if entity == "account":
        single = df["is_single_threaded"].fillna(False).astype(bool)
        out["breadth"] = (_i(df, "contacts_engaged_90d") + " people engaged, " + _i(df, "decision_makers_engaged_90d")
                          + " decision-makers", pd.Series(np.where(
                              single, "single-threaded: one contact engaged",
                              "only " + _i(df, "contacts_engaged_90d") + " people and "
                              + _i(df, "decision_makers_engaged_90d") + " decision-makers engaged"), index=df.index))
        out["pipeline"] = (_i(df, "open_opportunity_count") + " open deals, " + _i(df, "won_last_365d") + " won this year",
                           "close dates slipped " + _i(df, "close_date_slips") + " times on open deals")
    return out


def top_reasons(entity: str, df: pd.DataFrame, factors: pd.DataFrame, weights: dict[str, float]) -> tuple[pd.Series, pd.Series]:
    """('; '-joined reasons up, reasons down) per row; empty when nothing pulls that way."""
    texts = phrases(entity, df)
    names = [f for f in FACTORS if f in texts]
    pull = np.column_stack([weights.get(f, 0.0) * (factors[f].to_numpy(dtype="float64") - 50.0) for f in names])
    pull = np.nan_to_num(pull, nan=0.0)
    up = np.column_stack([np.asarray(pd.Series(texts[f][0], index=df.index).astype(object)) for f in names])
    down = np.column_stack([np.asarray(pd.Series(texts[f][1], index=df.index).astype(object)) for f in names])
    return _pick(up, pull, df.index), _pick(down, -pull, df.index)


def _pick(text: np.ndarray, strength: np.ndarray, index: pd.Index) -> pd.Series:
    order = np.argsort(-strength, axis=1, kind="stable")[:, :TOP]
    rows = np.arange(len(strength))[:, None]
    chosen = np.where(strength[rows, order] > 0, text[rows, order], "")
    return pd.Series(["; ".join(t for t in r if t) for r in chosen], index=index, dtype=object)
