"""Training mechanics on hand-made rows: one deal is one outcome, the walk-forward evaluation never
trains on what was not yet known, the ECE sampling floor, and the contact roll-up of deals."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest
import yaml
from threadpoolctl import threadpool_info

from models_ml.config import load_config
from models_ml.entities import SPECS
from models_ml.evaluation import ece_noise_floor
from models_ml.scoring import contact_rollup, deal_contact_links
from models_ml.training import estimator, trainer
from models_ml.training.rows import SEGMENT, holdout_start, labelled_outcomes, row_weights, training_dates, walk_forward
from runtime import settings

SCORING_CONFIG = settings.load().scoring_config

AS_OF = dt.date(2025, 12, 31)


def deal_rows() -> pd.DataFrame:
    """Deal A open 90 days (won), deal B open 10 days (lost), deal C open 30 days (won), one row a day."""
    parts = []
    for deal, opened, days, label in (("A", "2025-06-01", 90, 1), ("B", "2025-09-20", 10, 0), ("C", "2025-11-15", 30, 1)):
        dates = pd.date_range(opened, periods=days, freq="D")
        parts.append(pd.DataFrame({"opportunity_id": deal, "as_of_date": dates, "label": label,
                                   "label_known_date": dates.max() + pd.Timedelta(days=1)}))
    return pd.concat(parts, ignore_index=True)


def test_every_deal_weighs_as_one_outcome_however_long_it_was_open() -> None:
    rows = deal_rows()
    w = pd.Series(row_weights(rows, SPECS["opportunity"]), index=rows.index)
    per_deal = w.groupby(rows["opportunity_id"]).sum()
    assert np.allclose(per_deal, per_deal.iloc[0])
    assert np.isclose(w.mean(), 1.0)
    assert labelled_outcomes(rows, SPECS["opportunity"]) == {0: 1, 1: 2}
    # contacts have one outcome per row: plain weights, outcomes counted per row
    contact_rows = rows.rename(columns={"opportunity_id": "contact_id"})
    assert (row_weights(contact_rows, SPECS["contact"]) == 1.0).all()
    assert labelled_outcomes(contact_rows, SPECS["contact"]) == {0: 10, 1: 120}


def test_walk_forward_trains_each_block_only_on_what_was_known_at_its_start() -> None:
    config = dataclasses.replace(load_config(SCORING_CONFIG), holdout_days=100, refit_every_days=40)
    rows = deal_rows()
    blocks = walk_forward(rows, AS_OF, config)
    # The blocks start on the calendar's grid of every 40th day, the first 100 to 139 days back.
    first = blocks[0].trained_until
    assert 100 <= (AS_OF - first).days < 140
    assert all(b.trained_until.toordinal() % 40 == 0 for b in blocks)
    assert [(b.trained_until, b.scores_to) for b in blocks] == [
        (first + dt.timedelta(days=40 * i), min(first + dt.timedelta(days=40 * (i + 1)), AS_OF)) for i in range(len(blocks))]
    assert blocks[-1].scores_to == AS_OF
    for block in blocks:
        cut = pd.Timestamp(block.trained_until)
        assert (block.train["as_of_date"] <= cut).all() and (block.train["label_known_date"] <= cut).all()
        assert (block.test["as_of_date"] > cut).all()
        assert (block.test["as_of_date"] <= pd.Timestamp(block.scores_to)).all()
    # deal B closed on 2025-09-30: its rows before that are not yet labelled at a cut before it
    closed_b = pd.Timestamp("2025-09-30")
    assert all("B" not in set(b.train["opportunity_id"]) for b in blocks if pd.Timestamp(b.trained_until) < closed_b)
    assert all("B" in set(b.train["opportunity_id"]) for b in blocks if pd.Timestamp(b.trained_until) >= closed_b)
    # every held-out row is scored exactly once
    held = pd.concat([b.test for b in blocks])
    assert len(held) == int((rows["as_of_date"] > pd.Timestamp(first)).sum())
    assert not held.duplicated().any()


def test_a_block_learns_from_the_window_before_its_own_start() -> None:
    """A block is the model a training on its first day would have published: rows from the
    `window_days` before that day, whatever the later cut-off's own window."""
    config = dataclasses.replace(load_config(SCORING_CONFIG), holdout_days=100, refit_every_days=40, training_window_days=60)
    blocks = walk_forward(deal_rows(), AS_OF, config)
    for block in blocks:
        dates = block.train["as_of_date"]
        assert dates.empty or dates.min() >= pd.Timestamp(block.trained_until - dt.timedelta(days=60))


def test_trainings_a_week_apart_read_the_same_days() -> None:
    """Training days are a fixed grid of the calendar, not counted back from each cut-off."""
    config = load_config(SCORING_CONFIG)
    earlier, later = training_dates(AS_OF - dt.timedelta(days=7), 14, config), training_dates(AS_OF, 14, config)
    assert all(day.toordinal() % 14 == 0 for day in later)
    shared = set(earlier) & set(later)
    assert len(shared) >= len(later) - 1 and max(later) <= AS_OF
    assert min(later) <= holdout_start(AS_OF, config) - dt.timedelta(days=config.training_window_days - 13)


def test_ece_sampling_floor_shrinks_with_more_outcomes_and_is_reproducible() -> None:
    p = np.random.default_rng(1).uniform(0.05, 0.95, 4000)
    few = ece_noise_floor(p, groups=np.arange(4000) // 40)  # 100 deals of 40 rows
    many = ece_noise_floor(p)  # 4000 independent rows
    assert few == ece_noise_floor(p, groups=np.arange(4000) // 40)
    assert many["median"] < few["median"] <= few["p90"]
    assert 0.0 < many["median"] < 0.03


def test_deal_health_weighs_the_primary_decision_maker_most_and_keeps_its_own_score() -> None:
    config = load_config(SCORING_CONFIG)
    day = dt.date(2026, 3, 31)
    deal_contacts = pd.DataFrame({
        "opportunity_id": ["o1", "o1", "o2"], "contact_id": ["c1", "c2", "c3"],
        "deal_role": ["decision_maker", "influencer", "user"], "is_primary": [True, False, True]})
    contacts = pd.DataFrame({"contact_id": ["c1", "c2", "c3"], "snapshot_date": day, "score": [40.0, 100.0, None]})
    deals = pd.DataFrame({"opportunity_id": ["o1", "o2", "o3"], "snapshot_date": day, "score": [20.0, 70.0, None]})
    out = contact_rollup(deals, "opportunity_id", contacts, deal_contact_links(deal_contacts, config),
                         config.contact_share["opportunity"]).set_index("opportunity_id")
    w_primary = config.role_weights["decision_maker"] * config.primary_contact_weight
    w_other = config.role_weights["influencer"]
    rollup = round((w_primary * 40 + w_other * 100) / (w_primary + w_other), 1)
    share = config.contact_share["opportunity"]
    assert out.loc["o1", "contact_rollup_score"] == rollup and rollup < 70  # the silent primary pulls hardest
    assert out.loc["o1", "score"] == round(share * rollup + (1 - share) * 20.0, 1)
    assert out.loc["o1", "own_score"] == 20.0 and out.loc["o1", "scored_contacts"] == 2
    # no scored contact: the deal keeps its own score; an unscored deal stays unscored
    assert out.loc["o2", "score"] == 70.0 and out.loc["o2", "scored_contacts"] == 0
    assert pd.isna(out.loc["o3", "score"])


def test_snapshot_table_takes_columns_a_newer_scorer_adds() -> None:
    import duckdb

    from models_ml.warehouse import ML_SOURCE, write_snapshots
    from runtime import relations

    con = duckdb.connect()
    day1, day2 = dt.date(2026, 3, 30), dt.date(2026, 3, 31)
    write_snapshots(con, "opportunity", pd.DataFrame({"snapshot_date": [day1], "score": [50.0]}))
    write_snapshots(con, "opportunity", pd.DataFrame({"snapshot_date": [day2], "score": [40.0],
                                                      "win_probability": [0.3]}))
    table = relations.load().source(ML_SOURCE, "opportunity_scores").sql
    rows = con.sql(f"select snapshot_date, score, win_probability from {table} order by 1").fetchall()
    assert rows == [(day1, 50.0, None), (day2, 40.0, 0.3)]


def test_fits_use_the_configured_number_of_threads(monkeypatch) -> None:
    """training.threads bounds OpenMP for every fit (one per process by default: on a busy machine
    gradient boosting with a thread per core costs many times the CPU)."""
    seen: dict[str, list[int]] = {}

    def inside(*args: object, **kwargs: object) -> str:
        seen["openmp"] = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "openmp"]
        return "trained"

    monkeypatch.setattr(trainer, "_train_entity", inside)
    config = dataclasses.replace(load_config(SCORING_CONFIG), threads=1)
    assert config.threads == load_config(SCORING_CONFIG).threads == 1
    assert trainer.train_entity(None, None, "contact", dt.date(2026, 3, 31), config) == "trained"
    assert seen["openmp"] and set(seen["openmp"]) == {1}


def test_each_entity_type_is_calibrated_on_its_configured_number_of_folds(monkeypatch, tmp_path) -> None:
    """A calibrated model costs its folds plus one final fit: scoring.yml's calibration_folds per entity
    type; a setting under 2 is refused."""
    config = load_config(SCORING_CONFIG)
    fits: list[int] = []
    fit = estimator.WeightedPipeline.fit

    def counted(self, X, y=None, **params):  # noqa: ANN001, ANN003, ANN202 - WeightedPipeline.fit's own
        fits.append(len(X))
        return fit(self, X, y, **params)

    monkeypatch.setattr(estimator.WeightedPipeline, "fit", counted)
    rng = np.random.default_rng(3)
    for entity, spec in SPECS.items():
        rows = pd.DataFrame({feature: rng.random(300) for feature in spec.features})
        rows[SEGMENT] = "smb"
        rows[spec.key] = [f"{entity}-{i % 60}" for i in range(300)]
        rows["label"] = (rng.random(300) < 0.5).astype(int)
        fits.clear()
        estimator.fit_calibrated(rows, spec, config.seed, {**config.model[entity], "params": {"max_iter": 5}})
        assert len(fits) == config.model[entity]["calibration_folds"] + 1, entity
        assert fits[-1] == len(rows)  # the published model is fitted on every row
    raw = yaml.safe_load(SCORING_CONFIG.read_text())
    raw["training"]["model"]["opportunity"]["calibration_folds"] = 1
    (tmp_path / "scoring.yml").write_text(yaml.safe_dump(raw))
    with pytest.raises(ValueError, match="training.model.opportunity.calibration_folds must be at least 2"):
        load_config(tmp_path / "scoring.yml")
