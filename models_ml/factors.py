"""Factor sub-scores (0-100, monotone in their inputs) and the transparent weighted rule.

Every formula is a saturating curve, so volume the seller can create alone (e-mails out, logged
calls) earns little and stops counting early, while what only the customer can do (replies,
customer-initiated touches, attending meetings) carries the weight. docs/scoring.md lists them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FACTORS = ("recency", "frequency", "reciprocity", "response_time", "activity_mix", "sentiment", "breadth", "pipeline")

# Which factors each entity type has (contacts have no breadth or pipeline of their own).
ENTITY_FACTORS = {
    "contact": FACTORS[:6],
    "account": FACTORS,
    "opportunity": ("recency", "frequency", "reciprocity", "sentiment", "breadth", "pipeline"),
}


def _num(df: pd.DataFrame, col: str, fill: float) -> np.ndarray:
    return pd.to_numeric(df[col], errors="coerce").astype("float64").fillna(fill).to_numpy()


def _decay(days: np.ndarray, half_life: float) -> np.ndarray:
    """1 today, 0.5 after half_life days; days never seen count as a year."""
    return np.power(0.5, np.clip(days, 0, None) / half_life)


def _saturate(x: np.ndarray, scale: float) -> np.ndarray:
    """Diminishing returns: 0 at 0, 0.63 at `scale`, approaching 1."""
    return 1.0 - np.exp(-np.clip(x, 0, None) / scale)


def _clip100(x: np.ndarray) -> np.ndarray:
    return np.round(np.clip(x, 0.0, 1.0) * 100.0, 1)


def contact_factors(df: pd.DataFrame) -> pd.DataFrame:
    recency = 0.6 * _decay(_num(df, "days_since_meaningful", 365), 21) + 0.4 * _decay(
        _num(df, "days_since_customer_touch", 365), 30)
    # Seller-only e-mails saturate at 8 in 90 days and count a quarter of a customer touch.
    volume = (_num(df, "emails_inbound_90d", 0) + 2.0 * _num(df, "meetings_90d", 0) + 1.0 * _num(df, "calls_90d", 0)
              + 0.25 * np.minimum(_num(df, "emails_outbound_30d", 0), 8))
    frequency = _saturate(volume, 8.0)
    reciprocity = _reciprocity(_num(df, "reply_rate_90d", 0.5), _num(df, "two_way_exchanges_90d", 0),
                               _num(df, "unanswered_streak", 0))
    response = 0.75 * _decay(_num(df, "their_response_hours_90d", 24), 24) + 0.25 * _decay(
        _num(df, "our_response_hours_90d", 24), 24)
    mix = _num(df, "channel_count_90d", 0) / 3.0
    sentiment = (np.clip(_num(df, "sentiment_90d", 0.1), -1, 1) + 1.0) / 2.0
    return pd.DataFrame({
        "recency": _clip100(recency), "frequency": _clip100(frequency), "reciprocity": _clip100(reciprocity),
        "response_time": _clip100(response), "activity_mix": _clip100(mix), "sentiment": _clip100(sentiment),
    }, index=df.index)


def _reciprocity(reply_rate: np.ndarray, two_way: np.ndarray, streak: np.ndarray) -> np.ndarray:
    base = 0.5 * np.clip(reply_rate, 0, 1) + 0.5 * _saturate(two_way, 4.0)
    # Each unanswered e-mail or call in a row cuts what is left: three in a row halve it.
    return base * (0.3 + 0.7 * np.power(0.5, np.clip(streak, 0, None) / 2.0))


def account_factors(df: pd.DataFrame) -> pd.DataFrame:
    out = contact_factors(df.assign(
        unanswered_streak=df["max_unanswered_streak"], emails_inbound_90d=df["customer_touch_days_90d"],
        calls_90d=0, meetings_90d=df["meetings_90d"]))
    out["breadth"] = _clip100(0.4 * _saturate(_num(df, "contacts_engaged_90d", 0), 2.0)
                              + 0.35 * np.minimum(_num(df, "decision_makers_engaged_90d", 0), 2) / 2.0
                              + 0.25 * _num(df, "role_coverage_90d", 0))
    out["pipeline"] = _clip100(0.5 + 0.1 * np.minimum(_num(df, "open_opportunity_count", 0), 2)
                               + 0.1 * np.minimum(_num(df, "won_last_365d", 0), 2)
                               - 0.1 * np.minimum(_num(df, "close_date_slips", 0), 3)
                               - 0.1 * np.minimum(_num(df, "overdue_opportunity_count", 0), 2))
    return out


def opportunity_factors(df: pd.DataFrame) -> pd.DataFrame:
    primary_days = _num(df, "primary_days_since_meaningful", 365)
    best_days = _num(df, "best_days_since_meaningful", 365)
    recency = 0.6 * _decay(primary_days, 21) + 0.4 * _decay(best_days, 21)
    volume = _num(df, "customer_touch_days_90d", 0) + 2.0 * _num(df, "meetings_90d", 0)
    frequency = _saturate(volume, 10.0)
    streak = np.maximum(_num(df, "primary_unanswered_streak", 0), 0.5 * _num(df, "max_unanswered_streak", 0))
    reciprocity = _reciprocity(_num(df, "reply_rate_90d", 0.5), _num(df, "customer_touch_days_90d", 0), streak)
    contacts = np.maximum(_num(df, "contact_count", 0), 1)
    breadth = (0.5 * _num(df, "contacts_engaged_90d", 0) / contacts
               + 0.5 * np.minimum(_num(df, "decision_makers_engaged_90d", 0), 1))
    days_to_close = _num(df, "days_to_expected_close", 30)
    pipeline = (0.6 + 0.15 * np.clip(_num(df, "stage_change_30d", 0), -1, 2)
                - 0.1 * np.minimum(_num(df, "close_date_slips", 0), 3)
                - 0.2 * (days_to_close < 0) - 0.1 * (_num(df, "days_in_stage", 0) > 60))
    sentiment = (np.clip(_num(df, "sentiment_90d", 0.1), -1, 1) + 1.0) / 2.0
    return pd.DataFrame({
        "recency": _clip100(recency), "frequency": _clip100(frequency), "reciprocity": _clip100(reciprocity),
        "response_time": np.full(len(df), np.nan), "activity_mix": np.full(len(df), np.nan),
        "sentiment": _clip100(sentiment), "breadth": _clip100(breadth), "pipeline": _clip100(pipeline),
    }, index=df.index)


FACTOR_FUNCTIONS = {"contact": contact_factors, "account": account_factors, "opportunity": opportunity_factors}


def factor_scores(entity: str, df: pd.DataFrame) -> pd.DataFrame:
    """Sub-scores 0-100 for every row; a factor an entity does not have is NaN."""
    out = FACTOR_FUNCTIONS[entity](df)
    for f in FACTORS:
        if f not in out:
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
