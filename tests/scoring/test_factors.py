"""Factor sub-scores: 0-100, monotone in what they measure, and hard to game by volume alone."""

from __future__ import annotations

import numpy as np
import pandas as pd

from models_ml.config import load_config
from models_ml.factors import FACTORS, factor_scores, weighted_rule
from runtime import settings

PARAMS = load_config(settings.load().scoring_config).factors


def contact_row(**overrides: float) -> dict:
    base = {"days_since_meaningful": 10, "days_since_customer_touch": 10, "unanswered_streak": 0,
            "emails_inbound_90d": 4, "meetings_90d": 2, "calls_90d": 1, "emails_outbound_30d": 4,
            "reply_rate_90d": 0.5, "two_way_exchanges_90d": 6, "their_response_hours_90d": 8,
            "our_response_hours_90d": 4, "channel_count_90d": 2, "sentiment_90d": 0.2}
    return {**base, **overrides}


def test_sub_scores_stay_within_0_and_100() -> None:
    rng = np.random.default_rng(0)
    rows = pd.DataFrame([contact_row(days_since_meaningful=rng.integers(0, 400), unanswered_streak=rng.integers(0, 50),
                                     emails_inbound_90d=rng.integers(0, 500), reply_rate_90d=rng.random(),
                                     sentiment_90d=rng.uniform(-1, 1), emails_outbound_30d=rng.integers(0, 900))
                         for _ in range(200)])
    scores = factor_scores("contact", rows, PARAMS)
    values = scores[["recency", "frequency", "reciprocity", "response_time", "activity_mix", "sentiment"]].to_numpy()
    assert np.nanmin(values) >= 0 and np.nanmax(values) <= 100


def test_sub_scores_are_monotone_in_their_inputs() -> None:
    def sub(factor: str, **kw: float) -> float:
        return float(factor_scores("contact", pd.DataFrame([contact_row(**kw)]), PARAMS)[factor].iloc[0])

    assert sub("recency", days_since_meaningful=2) > sub("recency", days_since_meaningful=20) > sub("recency", days_since_meaningful=90)
    assert sub("reciprocity", unanswered_streak=0) > sub("reciprocity", unanswered_streak=3) > sub("reciprocity", unanswered_streak=8)
    assert sub("frequency", emails_inbound_90d=1) < sub("frequency", emails_inbound_90d=5) < sub("frequency", emails_inbound_90d=20)
    assert sub("response_time", their_response_hours_90d=2) > sub("response_time", their_response_hours_90d=48)


def test_seller_volume_saturates() -> None:
    """Logging ever more e-mails of our own adds at most a few points of frequency."""
    quiet = contact_row(emails_inbound_90d=0, meetings_90d=0, calls_90d=0)
    few = factor_scores("contact", pd.DataFrame([{**quiet, "emails_outbound_30d": 8}]), PARAMS)["frequency"].iloc[0]
    many = factor_scores("contact", pd.DataFrame([{**quiet, "emails_outbound_30d": 400}]), PARAMS)["frequency"].iloc[0]
    assert many == few < 25


def test_weighted_rule_ignores_missing_factors() -> None:
    factors = pd.DataFrame([{f: 80.0 for f in FACTORS}]).assign(breadth=np.nan, pipeline=np.nan)
    assert weighted_rule(factors, {f: 1.0 for f in FACTORS})[0] == 80.0
