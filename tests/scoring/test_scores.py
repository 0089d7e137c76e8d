"""Scores on a small simulated organisation: deterministic, not fooled by seller volume, fair across
segments, honest about too little history, and falling back to the rule when labels are scarce."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from models_ml import artefacts, pipeline, warehouse
from models_ml.config import ScoringConfig
from models_ml.scoring import METHOD_RULE, finish, score_frame
from models_ml.training import train_entity
from tests.scoring.conftest import Warehouse, assert_enterprise_cadence_is_not_poor, one_row

RANGE = (dt.date(2025, 12, 1), dt.date(2025, 12, 31))


def scorers(trained: dict, entity: str) -> list[tuple[object | None, str]]:
    model, card = trained["models"][entity]
    return [(None, "rule"), (model, card["version"])] if model is not None else [(None, "rule")]


def test_rescoring_a_range_gives_an_identical_snapshot(sim: Warehouse, trained: dict, config: ScoringConfig) -> None:
    with sim.connect(read_only=False) as con:
        first = pipeline.score_range(con, *RANGE, config, trained["models"])
        pipeline.write_scores(con, first)
        stored = con.sql("select * from ml.contact_scores order by snapshot_date, contact_id").df()
        second = pipeline.score_range(con, *RANGE, config, trained["models"])
        pipeline.write_scores(con, second)
        again = con.sql("select * from ml.contact_scores order by snapshot_date, contact_id").df()
    for entity in first:
        pd.testing.assert_frame_equal(first[entity], second[entity])
    pd.testing.assert_frame_equal(stored, again)
    assert pd.Timestamp(stored["snapshot_date"].min()) == pd.Timestamp(RANGE[0])
    assert pd.Timestamp(stored["snapshot_date"].max()) == pd.Timestamp(RANGE[1])


def test_seller_logged_activity_without_response_is_not_good(sim: Warehouse, trained: dict, config: ScoringConfig) -> None:
    row = one_row(sim, "contact", emails_outbound_30d=60, emails_outbound_90d=180, emails_outbound_raw_90d=180,
                  calls_90d=0, interactions_90d=200, unanswered_streak=180, emails_inbound_30d=0, emails_inbound_90d=0,
                  replies_received_30d=0, replies_received_90d=0, reply_rate_90d=0.0, customer_touch_days_30d=0,
                  customer_touch_days_90d=0, meaningful_days_30d=0, meaningful_days_90d=0, meetings_90d=0,
                  meetings_30d=0, two_way_exchanges_90d=0, days_since_meaningful=None, days_since_customer_touch=None,
                  channel_count_90d=0, sentiment_90d=None, their_response_hours_90d=None)
    for model, version in scorers(trained, "contact"):
        snap = finish("contact", score_frame("contact", row, config, model, version), config)
        assert snap["score"].notna().all()
        assert snap["rating"].iloc[0] in ("Fair", "Poor"), (version, snap["score"].iloc[0])
        assert "no reply to the last 180" in snap["reasons_down"].iloc[0]


def test_enterprise_cadence_is_not_poor_for_having_fewer_activities(sim: Warehouse, config: ScoringConfig) -> None:
    """The weighted rule here; the trained account model on the default sample
    (tests/scoring/test_default_sample.py): a model fitted on this small organisation's few outcomes
    need not rank one hand-made row sensibly."""
    assert_enterprise_cadence_is_not_poor(sim, config, None, "rule")


def test_below_the_history_minimum_there_is_no_score_but_a_reason(sim: Warehouse, trained: dict,
                                                                  config: ScoringConfig) -> None:
    row = one_row(sim, "contact", interactions_90d=1)
    for model, version in scorers(trained, "contact"):
        snap = finish("contact", score_frame("contact", row, config, model, version), config)
        assert snap["score"].isna().all() and snap["rating"].isna().all()
        assert snap["unscored_reason"].iloc[0] == "insufficient data: 1 interaction in 90 days"


def test_scarce_labels_fall_back_to_the_weighted_rule_and_say_so(sim: Warehouse, config: ScoringConfig) -> None:
    strict = dataclasses.replace(config, minimum_labels_per_class={**config.minimum_labels_per_class, "contact": 10**9})
    with sim.connect() as con:
        features = warehouse.load_features(con, "contact", end=sim.as_of)
        result = train_entity(features, warehouse.load_labels(con, "contact"), "contact", sim.as_of, strict)
    assert result.model is None and result.card["method"] == METHOD_RULE
    assert "too few labelled outcomes" in result.card["fallback_reason"]
    folder = artefacts.save("contact", result.version, None, result.card, sim.root / "fallback_models")
    assert not (folder / "model.skops").exists()
    model, card = artefacts.load_current("contact", sim.root / "fallback_models")
    snap = score_frame("contact", features.tail(50), strict, model, card["version"], card["fallback_reason"])
    assert (snap["scoring_method"] == METHOD_RULE).all() and (snap["model_version"] == result.version).all()
    assert (snap["scoring_method_reason"] == card["fallback_reason"]).all()


def test_model_artefacts_are_skops_with_a_card(trained: dict, sim: Warehouse) -> None:
    model, card = trained["models"]["contact"]
    assert model is not None, card.get("fallback_reason")
    folder = sim.root / "models" / "contact" / card["version"]
    assert (folder / "model.skops").exists() and (folder / "model_card.md").exists()
    assert {"data_hash", "features", "metrics", "libraries", "window"} <= set(card)
    assert card["window"]["max_label_known_date"] <= card["as_of_date"]
    assert card["metrics"]["model"]["roc_auc"] > 0.5


def test_seed_scenario_reads_right(sim: Warehouse, trained: dict, config: ScoringConfig) -> None:
    """Blue Ridge: the deal falls over the last 30 days, its reasons name the primary contact's
    silence, and the Regional Operations Manager shows as engaged."""
    import json

    scenario = json.loads((sim.root / "truth" / "scenario.json").read_text())
    opp, primary = scenario["opportunity"]["opportunity_id"], scenario["primary_contact"]
    engaged = scenario["engaged_contact"]["contact_id"]
    start = sim.as_of - dt.timedelta(days=30)
    with sim.connect() as con:
        frames = pipeline.score_range(con, start, sim.as_of, config, trained["models"])
    deal = frames["opportunity"].set_index("opportunity_id").loc[opp].set_index("snapshot_date")
    first, last = deal.loc[start], deal.loc[sim.as_of]
    assert last["score"] < first["score"] - 5
    assert primary["full_name"] in last["reasons_down"] and "has not responded" in last["reasons_down"]
    contacts = frames["contact"].set_index(["contact_id", "snapshot_date"])
    assert contacts.loc[(engaged, sim.as_of), "rating"] in ("Good", "Excellent")
    assert contacts.loc[(primary["contact_id"], sim.as_of), "score"] < contacts.loc[(engaged, sim.as_of), "score"]
