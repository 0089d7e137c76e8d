"""Reasons only with their evidence: every phrase template shows on a hand-made row that holds its
evidence and not on one that lacks it, and a factor without evidence leaves its place to the next
strongest factor."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models_ml import warehouse
from models_ml.config import ScoringConfig
from models_ml.factors import FACTORS
from models_ml.reasons import top_reasons
from models_ml.scoring import score_frame
from tests.scoring.conftest import Warehouse

# One row per entity type in which every phrase has its evidence.
BASE = {
    "contact": dict(days_since_meaningful=5, customer_touch_days_90d=6, meetings_90d=2, reply_rate_90d=0.2,
                    emails_outbound_raw_90d=10, unanswered_streak=0, their_response_hours_90d=12, channel_count_90d=2,
                    sentiment_90d=0.3, interactions_90d=20),
    "account": dict(days_since_meaningful=5, customer_touch_days_90d=6, meetings_90d=2, reply_rate_90d=0.2,
                    max_unanswered_streak=0, their_response_hours_90d=12, channel_count_90d=2, sentiment_90d=0.3,
                    interactions_90d=20, contacts_engaged_90d=3, decision_makers_engaged_90d=1, is_single_threaded=False,
                    open_opportunity_count=1, won_last_365d=1, close_date_slips=2),
    "opportunity": dict(primary_contact_name="Ann Lee", primary_days_since_meaningful=8, best_days_since_meaningful=3,
                        primary_unanswered_streak=0, customer_touch_days_90d=4, meetings_90d=1, reply_rate_90d=0.25,
                        sentiment_90d=0.2, contact_count=4, contacts_engaged_90d=2, decision_makers_engaged_90d=1,
                        stage_change_30d=1, days_to_expected_close=20, close_date_slips=1, days_in_stage=30,
                        interactions_90d=10),
}
NO_EMAIL_OUT = {"reply_rate_90d": None, "emails_outbound_raw_90d": 0}
STREAK = {"contact": "unanswered_streak", "account": "max_unanswered_streak"}

# (entity, factor, direction, phrase, the row with its evidence, rows without it)
SHARED = [
    ("recency", "up", "last meaningful interaction 5 days ago", {}, [{"days_since_meaningful": None}]),
    ("recency", "down", "no meaningful interaction in 40 days", {"days_since_meaningful": 40},
     [{"days_since_meaningful": None}]),
    ("recency", "down", "no meaningful interaction yet", {"days_since_meaningful": None}, [{"days_since_meaningful": 40}]),
    ("frequency", "up", "customer reached out on 6 days and 2 meetings in 90 days", {},
     [{"customer_touch_days_90d": 0, "meetings_90d": 0}]),
    ("frequency", "down", "little two-way activity: 1 customer touches in 90 days", {"customer_touch_days_90d": 1},
     [{"customer_touch_days_90d": None}]),
    ("reciprocity", "up", "replies to 60% of our e-mails", {"reply_rate_90d": 0.6},
     [NO_EMAIL_OUT, {"reply_rate_90d": 0.0}]),
    ("reciprocity", "down", "no reply to the last 3 e-mails or calls", {"STREAK": 3}, [{"STREAK": 1}]),
    ("reciprocity", "down", "replies to only 20% of our e-mails", {}, [NO_EMAIL_OUT, {"reply_rate_90d": 0.8}]),
    ("response_time", "up", "answers in 12 hours on average", {}, [{"their_response_hours_90d": None}]),
    ("response_time", "down", "takes 12 hours to answer on average", {}, [{"their_response_hours_90d": None}]),
    ("activity_mix", "up", "engaged over 2 channels", {}, [{"channel_count_90d": 0}]),
    ("activity_mix", "down", "engaged over 1 of 3 channels", {"channel_count_90d": 1}, [{"channel_count_90d": None}]),
    ("sentiment", "up", "positive tone in their e-mails", {}, [{"sentiment_90d": None}]),
    ("sentiment", "down", "negative tone in their e-mails", {}, [{"sentiment_90d": None}]),
]
CASES = [(e, *c) for e in ("contact", "account") for c in SHARED] + [
    ("account", "breadth", "up", "3 people engaged, 1 decision-makers", {}, [{"contacts_engaged_90d": 0}]),
    ("account", "breadth", "down", "single-threaded: one contact engaged",
     {"is_single_threaded": True, "contacts_engaged_90d": 1}, [{"is_single_threaded": False}]),
    ("account", "breadth", "down", "only 3 people and 1 decision-makers engaged", {},
     [{"contacts_engaged_90d": None, "is_single_threaded": None}]),
    ("account", "pipeline", "up", "1 open deals, 1 won this year", {}, [{"open_opportunity_count": 0, "won_last_365d": None}]),
    ("account", "pipeline", "down", "close dates slipped 2 times on open deals", {}, [{"close_date_slips": 0}]),
    ("opportunity", "recency", "up", "last meaningful interaction 3 days ago", {},
     [{"best_days_since_meaningful": None, "primary_days_since_meaningful": None}]),
    ("opportunity", "recency", "down", "no meaningful interaction with Ann Lee (primary contact) in 8 days", {},
     [{"primary_days_since_meaningful": None}]),
    ("opportunity", "recency", "down", "no meaningful interaction yet",
     {"primary_days_since_meaningful": None, "best_days_since_meaningful": None},
     [{"best_days_since_meaningful": 3}]),  # another deal contact did interact
    ("opportunity", "frequency", "up", "customer reached out on 4 days and 1 meetings in 90 days", {},
     [{"customer_touch_days_90d": 0, "meetings_90d": 0}]),
    ("opportunity", "frequency", "down", "little two-way activity: 4 customer touches in 90 days", {},
     [{"customer_touch_days_90d": None}]),
    ("opportunity", "reciprocity", "up", "replies to 70% of our e-mails", {"reply_rate_90d": 0.7},
     [{"reply_rate_90d": None}, {"reply_rate_90d": 0.0}]),
    ("opportunity", "reciprocity", "down", "Ann Lee (primary contact) has not responded to the last 4 e-mails or calls",
     {"primary_unanswered_streak": 4}, [{"primary_unanswered_streak": 1}]),
    ("opportunity", "reciprocity", "down", "replies to only 25% of our e-mails", {},
     [{"reply_rate_90d": None}, {"reply_rate_90d": 0.5}]),
    ("opportunity", "sentiment", "up", "positive tone in the customer's e-mails", {}, [{"sentiment_90d": None}]),
    ("opportunity", "sentiment", "down", "negative tone in the customer's e-mails", {}, [{"sentiment_90d": None}]),
    ("opportunity", "breadth", "up", "2 of 4 deal contacts engaged", {}, [{"contact_count": 0, "contacts_engaged_90d": 0}]),
    ("opportunity", "breadth", "down", "only 2 of 4 deal contacts engaged, 1 decision-makers", {},
     [{"contact_count": 0, "contacts_engaged_90d": 0}]),
    ("opportunity", "pipeline", "up", "stage moved forward recently", {}, [{"stage_change_30d": 0}, {"stage_change_30d": -1}]),
    ("opportunity", "pipeline", "down", "past its expected close date", {"days_to_expected_close": -5},
     [{"days_to_expected_close": None}, {"days_to_expected_close": 3}]),
    ("opportunity", "pipeline", "down", "close date slipped 1 times, 30 days in stage", {},
     [{"close_date_slips": 0}]),
    ("opportunity", "pipeline", "down", "close date slipped 0 times, 90 days in stage",  # stalled: > 60 days in stage
     {"close_date_slips": 0, "days_in_stage": 90}, [{"close_date_slips": 0, "days_in_stage": 60}]),
]


def row(entity: str, overrides: dict) -> pd.DataFrame:
    values = {**BASE[entity], **{(STREAK[entity] if k == "STREAK" else k): v for k, v in overrides.items()}}
    return pd.DataFrame([values])


def sub_scores(entity: str, **levels: float) -> pd.DataFrame:
    """Every factor of the entity at the midpoint (no pull) unless given."""
    present = {"opportunity": ("recency", "frequency", "reciprocity", "sentiment", "breadth", "pipeline")}.get(entity, FACTORS)
    return pd.DataFrame([{f: levels.get(f, 50.0) if f in present else np.nan for f in FACTORS}])


def reasons(entity: str, df: pd.DataFrame, factors: pd.DataFrame, config: ScoringConfig, direction: str) -> str:
    up, down = top_reasons(entity, df, factors, config.weights, config.factors)
    return (up if direction == "up" else down).iloc[0]


@pytest.mark.parametrize(("entity", "factor", "direction", "phrase", "with_evidence", "without"), CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[2]}-{c[3][:28]}" for c in CASES])
def test_a_reason_shows_only_with_its_evidence(entity: str, factor: str, direction: str, phrase: str,
                                              with_evidence: dict, without: list[dict], config: ScoringConfig) -> None:
    factors = sub_scores(entity, **{factor: 100.0 if direction == "up" else 0.0})
    assert phrase in reasons(entity, row(entity, with_evidence), factors, config, direction)
    for lacking in without:
        assert phrase not in reasons(entity, row(entity, {**with_evidence, **lacking}), factors, config, direction), lacking


def test_without_evidence_the_next_strongest_factor_takes_the_place(config: ScoringConfig) -> None:
    # pulls up: sentiment 0.07 x 50 = 3.5, recency 2.2, frequency 1.8, activity mix 1.6, response time 1.4
    factors = sub_scores("contact", sentiment=100.0, recency=60.0, frequency=65.0, activity_mix=70.0, response_time=70.0)
    shown = reasons("contact", row("contact", {}), factors, config, "up").split("; ")
    assert shown == ["positive tone in their e-mails", "last meaningful interaction 5 days ago",
                     "customer reached out on 6 days and 2 meetings in 90 days"]
    shown = reasons("contact", row("contact", {"sentiment_90d": None}), factors, config, "up").split("; ")
    assert shown == ["last meaningful interaction 5 days ago", "customer reached out on 6 days and 2 meetings in 90 days",
                     "engaged over 2 channels"]


def test_snapshot_reasons_on_the_small_sample_quote_only_measured_figures(sim: Warehouse, trained: dict,
                                                                           config: ScoringConfig) -> None:
    for entity in ("contact", "account", "opportunity"):
        with sim.connect() as con:
            features = warehouse.load_features(con, entity, sim.as_of.replace(day=1), sim.as_of)
        model, card = trained["models"][entity]
        snap = score_frame(entity, features, config, model, card["version"])
        text = snap["reasons_up"].fillna("") + "; " + snap["reasons_down"].fillna("")
        no_outreach = pd.to_numeric(features["reply_rate_90d"], errors="coerce").isna()
        never_scored = pd.to_numeric(features["sentiment_90d"], errors="coerce").isna()
        assert not text[no_outreach].str.contains("replies to").any(), entity
        assert not text[never_scored].str.contains(" tone in ").any(), entity
        if entity != "opportunity":
            no_reply = pd.to_numeric(features["their_response_hours_90d"], errors="coerce").isna()
            assert not text[no_reply].str.contains("hours to answer|answers in").any(), entity
