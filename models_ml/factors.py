"""Factor sub-scores (0-100, monotone in their inputs) and the transparent weighted rule.

Every formula is a saturating curve, so volume the seller can create alone (e-mails out, logged
calls) earns little and stops counting early, while what only the customer can do (replies,
customer-initiated touches, attending meetings) carries the weight. The curves' numbers (weights,
half-lives, caps) are in config/scoring.yml under `factors`; docs/scoring.md explains each.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from models_ml.entities import SPECS

FACTORS = ("recency", "frequency", "reciprocity", "response_time", "activity_mix", "sentiment", "breadth", "pipeline")

Params = Mapping[str, Any]


def _num(df: pd.DataFrame, col: str, fill: float) -> np.ndarray:
    return pd.to_numeric(df[col], errors="coerce").astype("float64").fillna(fill).to_numpy()


def _decay(days: np.ndarray, half_life: float) -> np.ndarray:
    """1 today, 0.5 after half_life days."""
    return np.power(0.5, np.clip(days, 0, None) / half_life)


def _saturate(x: np.ndarray, scale: float) -> np.ndarray:
    """Diminishing returns: 0 at 0, 0.63 at `scale`, approaching 1."""
    return 1.0 - np.exp(-np.clip(x, 0, None) / scale)


def _clip100(x: np.ndarray) -> np.ndarray:
    return np.round(np.clip(x, 0.0, 1.0) * 100.0, 1)


def _sentiment(df: pd.DataFrame, p: Params) -> np.ndarray:
    return (np.clip(_num(df, "sentiment_90d", p["sentiment"]["unknown"]), -1, 1) + 1.0) / 2.0


def contact_factors(df: pd.DataFrame, params: Params) -> pd.DataFrame:
    p, never = params["contact"], params["never_days"]
    r = p["recency"]
    recency = r["meaningful_weight"] * _decay(_num(df, "days_since_meaningful", never), r["meaningful_half_life_days"]) \
        + r["customer_touch_weight"] * _decay(_num(df, "days_since_customer_touch", never),
                                              r["customer_touch_half_life_days"])
    # Seller-only e-mails are capped and count a fraction of a customer touch.
    f = p["frequency"]
    volume = (_num(df, "emails_inbound_90d", 0) + f["meeting_weight"] * _num(df, "meetings_90d", 0)
              + f["call_weight"] * _num(df, "calls_90d", 0)
              + f["outbound_email_weight"] * np.minimum(_num(df, "emails_outbound_30d", 0), f["outbound_email_cap_30d"]))
    frequency = _saturate(volume, f["saturation"])
    reciprocity = _reciprocity(_num(df, "reply_rate_90d", params["reciprocity"]["unknown_reply_rate"]),
                               _num(df, "two_way_exchanges_90d", 0), _num(df, "unanswered_streak", 0), params)
    t = p["response_time"]
    response = t["their_weight"] * _decay(_num(df, "their_response_hours_90d", t["unknown_hours"]), t["half_life_hours"]) \
        + t["our_weight"] * _decay(_num(df, "our_response_hours_90d", t["unknown_hours"]), t["half_life_hours"])
    mix = _num(df, "channel_count_90d", 0) / p["activity_mix"]["channels"]
    return pd.DataFrame({
        "recency": _clip100(recency), "frequency": _clip100(frequency), "reciprocity": _clip100(reciprocity),
        "response_time": _clip100(response), "activity_mix": _clip100(mix), "sentiment": _clip100(_sentiment(df, params)),
    }, index=df.index)


def _reciprocity(reply_rate: np.ndarray, two_way: np.ndarray, streak: np.ndarray, params: Params) -> np.ndarray:
    p = params["reciprocity"]
    base = p["reply_rate_weight"] * np.clip(reply_rate, 0, 1) + p["two_way_weight"] * _saturate(two_way, p["two_way_saturation"])
    # Each unanswered e-mail or call in a row cuts what is left, towards `streak_floor` of it: with
    # the defaults (floor 0.3, half count 2) three in a row leave 55 %.
    return base * (p["streak_floor"] + p["streak_weight"] * np.power(0.5, np.clip(streak, 0, None) / p["streak_half_count"]))


def account_factors(df: pd.DataFrame, params: Params) -> pd.DataFrame:
    out = contact_factors(df.assign(
        unanswered_streak=df["max_unanswered_streak"], emails_inbound_90d=df["customer_touch_days_90d"],
        calls_90d=0, meetings_90d=df["meetings_90d"]), params)
    b, pl = params["account"]["breadth"], params["account"]["pipeline"]
    out["breadth"] = _clip100(b["contacts_weight"] * _saturate(_num(df, "contacts_engaged_90d", 0), b["contacts_saturation"])
                              + b["decision_makers_weight"] * np.minimum(_num(df, "decision_makers_engaged_90d", 0),
                                                                         b["decision_makers_cap"]) / b["decision_makers_cap"]
                              + b["role_coverage_weight"] * _num(df, "role_coverage_90d", 0))
    out["pipeline"] = _clip100(pl["base"] + pl["step"] * np.minimum(_num(df, "open_opportunity_count", 0), pl["open_cap"])
                               + pl["step"] * np.minimum(_num(df, "won_last_365d", 0), pl["won_cap"])
                               - pl["step"] * np.minimum(_num(df, "close_date_slips", 0), pl["slips_cap"])
                               - pl["step"] * np.minimum(_num(df, "overdue_opportunity_count", 0), pl["overdue_cap"]))
    return out


def opportunity_factors(df: pd.DataFrame, params: Params) -> pd.DataFrame:
    p, never = params["opportunity"], params["never_days"]
    r, f, b, pl = p["recency"], p["frequency"], p["breadth"], p["pipeline"]
    primary_days = _num(df, "primary_days_since_meaningful", never)
    best_days = _num(df, "best_days_since_meaningful", never)
    recency = r["primary_weight"] * _decay(primary_days, r["half_life_days"]) + r["best_weight"] * _decay(best_days, r["half_life_days"])
    volume = _num(df, "customer_touch_days_90d", 0) + f["meeting_weight"] * _num(df, "meetings_90d", 0)
    frequency = _saturate(volume, f["saturation"])
    streak = np.maximum(_num(df, "primary_unanswered_streak", 0),
                        p["reciprocity"]["any_contact_streak_share"] * _num(df, "max_unanswered_streak", 0))
    reciprocity = _reciprocity(_num(df, "reply_rate_90d", params["reciprocity"]["unknown_reply_rate"]),
                               _num(df, "customer_touch_days_90d", 0), streak, params)
    contacts = np.maximum(_num(df, "contact_count", 0), 1)
    breadth = (b["engaged_share_weight"] * _num(df, "contacts_engaged_90d", 0) / contacts
               + b["decision_maker_weight"] * np.minimum(_num(df, "decision_makers_engaged_90d", 0), 1))
    days_to_close = _num(df, "days_to_expected_close", pl["unknown_days_to_close"])
    pipeline = (pl["base"] + pl["stage_change_weight"] * np.clip(_num(df, "stage_change_30d", 0), -1, 2)
                - pl["slip_penalty"] * np.minimum(_num(df, "close_date_slips", 0), pl["slips_cap"])
                - pl["overdue_penalty"] * (days_to_close < 0)
                - pl["stalled_penalty"] * (_num(df, "days_in_stage", 0) > pl["stalled_after_days"]))
    return pd.DataFrame({
        "recency": _clip100(recency), "frequency": _clip100(frequency), "reciprocity": _clip100(reciprocity),
        "response_time": np.full(len(df), np.nan), "activity_mix": np.full(len(df), np.nan),
        "sentiment": _clip100(_sentiment(df, params)), "breadth": _clip100(breadth), "pipeline": _clip100(pipeline),
    }, index=df.index)


FACTOR_FUNCTIONS = {"contact": contact_factors, "account": account_factors, "opportunity": opportunity_factors}


def factor_scores(entity: str, df: pd.DataFrame, params: Params) -> pd.DataFrame:
    """Sub-scores 0-100 for every row; a factor the entity type does not have is NaN."""
    out = FACTOR_FUNCTIONS[entity](df, params)
    for f in FACTORS:
        if f not in SPECS[entity].factors or f not in out:
            out[f] = np.nan
    return out[list(FACTORS)]


def weighted_rule(factors: pd.DataFrame, weights: dict[str, float]) -> np.ndarray:
    """The weighted rule: weighted mean of the available sub-scores, 0-100."""
    w = np.array([weights.get(f, 0.0) for f in FACTORS])
    values = factors[list(FACTORS)].to_numpy(dtype="float64")
    present = ~np.isnan(values)
    num = np.where(present, values, 0.0) @ w
    den = present.astype("float64") @ w
    return np.round(np.divide(num, den, out=np.full(len(values), np.nan), where=den > 0), 1)
