"""The top three reasons pulling a score up and down, in words a seller understands.

A factor pulls by weight x (sub-score - 50): above the midpoint it lifts the score, below it
drags. Each factor has a phrase for either direction, filled with the row's own numbers.

A phrase is emitted only where its evidence exists: the numbers it quotes were measured on that
row and say what the phrase says. A sub-score can sit away from 50 on defaults alone (no e-mail out
means an unknown reply rate, counted as 0.5; no scored e-mail means a slightly positive tone), and
then the phrase would be false ("replies to only 0% of our e-mails" to a contact nobody e-mailed).
Where the evidence is missing the factor is no reason for that row, and the next strongest factor
takes its place. Every template with its evidence (docs/scoring.md lists the same):

    contact, account
    recency       up    last meaningful interaction N days ago        a meaningful interaction happened
                  down  no meaningful interaction in N days / yet     always (the days, or none ever)
    frequency     up    customer reached out on N days and M meetings customer touches or meetings in 90 d > 0
                  down  little two-way activity: N customer touches   the 90-day customer touch count is known
    reciprocity   up    replies to N% of our e-mails                  we sent e-mails (reply rate known), N > 0
                  down  no reply to the last N e-mails or calls       unanswered streak >= 2
                        replies to only N% of our e-mails             we sent e-mails (reply rate known), N < 50
    response_time up    answers in N hours on average                 they replied (their reply time known)
                  down  takes N hours to answer on average            they replied (their reply time known)
    activity_mix  up    engaged over N channels                       customer-side activity on a channel
                  down  engaged over N of 3 channels                  the channel count is known
    sentiment     up    positive tone in their e-mails                one of their e-mails was scored
                  down  negative tone in their e-mails                one of their e-mails was scored
    account only
    breadth       up    N people engaged, M decision-makers           someone engaged in 90 d
                  down  single-threaded: one contact engaged          the single-threaded flag
                        only N people and M decision-makers engaged   the engaged count is known
    pipeline      up    N open deals, M won this year                 an open deal or a won deal
                  down  close dates slipped N times on open deals     a close date slipped
    opportunity: as above for frequency, reciprocity (streak of the primary contact), sentiment, and
    recency       up    last meaningful interaction N days ago        some deal contact had one
                  down  no meaningful interaction with P in N days    the primary contact had one
                        no meaningful interaction yet                 no deal contact ever had one
    breadth       up    N of M deal contacts engaged                  the deal has contacts
                  down  only N of M deal contacts engaged, K DMs      the deal has contacts
    pipeline      up    stage moved forward recently                  the stage moved forward in 30 d
                  down  past its expected close date                  the expected close date has passed
                        close date slipped N times, D days in stage   a slip, or longer in stage than
                                                                      `stalled_after_days`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from models_ml.factors import FACTORS

TOP = 3
# "replies to only N%" claims a low rate: below half of our e-mails answered. (A rate lifts the score
# in "replies to N%" only when some e-mail was answered, N > 0.)
LOW_REPLY_RATE = 0.5


def _num(df: pd.DataFrame, col: str) -> pd.Series:
    return pd.to_numeric(df[col], errors="coerce").astype("float64")


def _i(df: pd.DataFrame, col: str, fill: float = 0) -> pd.Series:
    return _num(df, col).fillna(fill).round().astype("int64").astype(str)


def _pct(df: pd.DataFrame, col: str) -> pd.Series:
    return (_num(df, col).fillna(0) * 100).round().astype("int64").astype(str) + "%"


def _when(evidence: pd.Series, text: pd.Series | str, index: pd.Index) -> pd.Series:
    """`text` where `evidence` holds, None elsewhere (there the factor is no reason)."""
    text = pd.Series(text, index=index, dtype=object) if isinstance(text, str) else text.astype(object)
    return text.where(evidence.fillna(False).astype(bool).to_numpy(), None)


def _first(index: pd.Index, *cases: tuple[pd.Series, pd.Series | str]) -> pd.Series:
    """The text of the first case whose evidence holds, None when none does."""
    out = pd.Series(None, index=index, dtype=object)
    for evidence, text in reversed(cases):
        chosen = _when(evidence, text, index)
        out = chosen.where(chosen.notna(), out)
    return out


def _reply_rate(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(some of our e-mails answered, fewer than half answered): evidence for the reply-rate phrases up
    and down. Both need a known rate, i.e. we sent e-mails in the 90 days."""
    rate = _num(df, "reply_rate_90d")
    if "emails_outbound_raw_90d" in df:
        rate = rate.where(_num(df, "emails_outbound_raw_90d") > 0)
    return rate > 0, rate < LOW_REPLY_RATE


def _frequency(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    idx = df.index
    touches = _num(df, "customer_touch_days_90d")
    up = _when((touches > 0) | (_num(df, "meetings_90d") > 0),
               "customer reached out on " + _i(df, "customer_touch_days_90d") + " days and "
               + _i(df, "meetings_90d") + " meetings in 90 days", idx)
    down = _when(touches.notna(), "little two-way activity: " + _i(df, "customer_touch_days_90d")
                 + " customer touches in 90 days", idx)
    return up, down


def _sentiment(df: pd.DataFrame, whose: str) -> tuple[pd.Series, pd.Series]:
    scored = _num(df, "sentiment_90d").notna()
    return (_when(scored, f"positive tone in {whose} e-mails", df.index),
            _when(scored, f"negative tone in {whose} e-mails", df.index))


def phrases(entity: str, df: pd.DataFrame, params: Mapping[str, Any]) -> dict[str, tuple[pd.Series, pd.Series]]:
    """factor -> (phrase when it pulls up, phrase when it pulls down); None where its evidence is missing.

    `params` are the factor curves' numbers (config.factors), for the stalled-deal days.
    """
    idx = df.index
    some_replies, low_rate = _reply_rate(df)
    if entity == "opportunity":
        who = df["primary_contact_name"].fillna("the primary contact").astype(str) + " (primary contact)"
        streak = _num(df, "primary_unanswered_streak").fillna(0)
        primary_days, best_days = _num(df, "primary_days_since_meaningful"), _num(df, "best_days_since_meaningful")
        contacts = _num(df, "contact_count") > 0
        slips, in_stage = _num(df, "close_date_slips"), _num(df, "days_in_stage")
        stalled = in_stage > float(params["opportunity"]["pipeline"]["stalled_after_days"])
        return {
            "recency": (_when(best_days.notna(), "last meaningful interaction " + _i(df, "best_days_since_meaningful")
                              + " days ago", idx),
                        _first(idx, (primary_days.notna(), "no meaningful interaction with " + who + " in "
                                     + _i(df, "primary_days_since_meaningful") + " days"),
                               (best_days.isna(), "no meaningful interaction yet"))),
            "frequency": _frequency(df),
            "reciprocity": (_when(some_replies, "replies to " + _pct(df, "reply_rate_90d") + " of our e-mails", idx),
                            _first(idx, (streak >= 2, who + " has not responded to the last "
                                         + streak.astype("int64").astype(str) + " e-mails or calls"),
                                   (low_rate, "replies to only " + _pct(df, "reply_rate_90d") + " of our e-mails"))),
            "sentiment": _sentiment(df, "the customer's"),
            "breadth": (_when(contacts, _i(df, "contacts_engaged_90d") + " of " + _i(df, "contact_count")
                              + " deal contacts engaged", idx),
                        _when(contacts, "only " + _i(df, "contacts_engaged_90d") + " of " + _i(df, "contact_count")
                              + " deal contacts engaged, " + _i(df, "decision_makers_engaged_90d") + " decision-makers",
                              idx)),
            "pipeline": (_when(_num(df, "stage_change_30d") > 0, "stage moved forward recently", idx),
                         _first(idx, (_num(df, "days_to_expected_close") < 0, "past its expected close date"),
                                ((slips > 0) | stalled, "close date slipped " + _i(df, "close_date_slips") + " times, "
                                 + _i(df, "days_in_stage") + " days in stage"))),
        }
    streak_col = "unanswered_streak" if entity == "contact" else "max_unanswered_streak"
    streak = _num(df, streak_col).fillna(0)
    days, hours, channels = _num(df, "days_since_meaningful"), _num(df, "their_response_hours_90d"), _num(df, "channel_count_90d")
    out: dict[str, tuple[pd.Series, pd.Series]] = {
        "recency": (_when(days.notna(), "last meaningful interaction " + _i(df, "days_since_meaningful") + " days ago", idx),
                    _first(idx, (days.notna(), "no meaningful interaction in " + _i(df, "days_since_meaningful") + " days"),
                           (days.isna(), "no meaningful interaction yet"))),
        "frequency": _frequency(df),
        "reciprocity": (_when(some_replies, "replies to " + _pct(df, "reply_rate_90d") + " of our e-mails", idx),
                        _first(idx, (streak >= 2, "no reply to the last " + streak.astype("int64").astype(str)
                                     + " e-mails or calls"),
                               (low_rate, "replies to only " + _pct(df, "reply_rate_90d") + " of our e-mails"))),
        "response_time": (_when(hours.notna(), "answers in " + _i(df, "their_response_hours_90d") + " hours on average", idx),
                          _when(hours.notna(), "takes " + _i(df, "their_response_hours_90d") + " hours to answer on average",
                                idx)),
        "activity_mix": (_when(channels > 0, "engaged over " + _i(df, "channel_count_90d") + " channels", idx),
                         _when(channels.notna(), "engaged over " + _i(df, "channel_count_90d")
                               + " of 3 channels (e-mail, meetings, calls)", idx)),
        "sentiment": _sentiment(df, "their"),
    }
    if entity == "account":
        engaged = _num(df, "contacts_engaged_90d")
        single = df["is_single_threaded"].astype("boolean").fillna(False).astype(bool)
        out["breadth"] = (_when(engaged > 0, _i(df, "contacts_engaged_90d") + " people engaged, "
                                + _i(df, "decision_makers_engaged_90d") + " decision-makers", idx),
                          _first(idx, (single, "single-threaded: one contact engaged"),
                                 (engaged.notna(), "only " + _i(df, "contacts_engaged_90d") + " people and "
                                  + _i(df, "decision_makers_engaged_90d") + " decision-makers engaged")))
        out["pipeline"] = (_when((_num(df, "open_opportunity_count") > 0) | (_num(df, "won_last_365d") > 0),
                                 _i(df, "open_opportunity_count") + " open deals, " + _i(df, "won_last_365d")
                                 + " won this year", idx),
                           _when(_num(df, "close_date_slips") > 0, "close dates slipped " + _i(df, "close_date_slips")
                                 + " times on open deals", idx))
    return out


def top_reasons(entity: str, df: pd.DataFrame, factors: pd.DataFrame, weights: dict[str, float],
                params: Mapping[str, Any]) -> tuple[pd.Series, pd.Series]:
    """('; '-joined reasons up, reasons down) per row; empty when nothing pulls that way.

    A factor without the evidence for its phrase on a row does not count on that row, so the next
    strongest factor takes its place.
    """
    texts = phrases(entity, df, params)
    names = [f for f in FACTORS if f in texts]
    pull = np.column_stack([weights.get(f, 0.0) * (factors[f].to_numpy(dtype="float64") - 50.0) for f in names])
    pull = np.nan_to_num(pull, nan=0.0)
    up = np.column_stack([texts[f][0].to_numpy(dtype=object) for f in names])
    down = np.column_stack([texts[f][1].to_numpy(dtype=object) for f in names])
    return (_pick(up, np.where(pd.isna(up), 0.0, pull), df.index),
            _pick(down, np.where(pd.isna(down), 0.0, -pull), df.index))


def _pick(text: np.ndarray, strength: np.ndarray, index: pd.Index) -> pd.Series:
    """Each row's TOP strongest texts with a positive strength, strongest first, joined by "; "."""
    order = np.argsort(-strength, axis=1, kind="stable")[:, :TOP]
    rows = np.arange(len(strength))[:, None]
    chosen = np.where(strength[rows, order] > 0, text[rows, order], "")
    # Sorted by strength, a row's chosen texts come first and its blanks after them: joining column
    # by column, a blank adds nothing (a whole first-run history is millions of rows).
    joined = pd.Series(chosen[:, 0] if chosen.shape[1] else np.full(len(index), "", dtype=object), dtype=object)
    for column in range(1, chosen.shape[1]):
        following = pd.Series(chosen[:, column], dtype=object)
        joined = joined + ("; " + following).where(following != "", "")
    return joined.set_axis(index)
