"""Point-in-time scoring: the version current on each date, written once; smooth calibration; the
silence cap."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pytest
import pandas as pd
from sklearn.isotonic import IsotonicRegression

from models_ml import artefacts, pipeline, warehouse
from models_ml.config import ScoringConfig
from models_ml.entities import SPECS
from models_ml.scoring import finish, score_frame
from models_ml.training.estimator import smooth_isotonic
from tests.scoring.conftest import Warehouse
from tests.scoring.conftest import one_row
from tests.scoring.test_scores import scorers


def _rule_card(entity: str, cutoff: str, version: str) -> dict:
    return {"entity": entity, "version": version, "as_of_date": cutoff, "method": "weighted_rule",
            "fallback_reason": "too few labelled outcomes", "label": "", "metrics": {}}


def test_the_version_current_on_a_date_is_the_latest_trained_by_then(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(artefacts, "card_markdown", lambda card: "")  # the cards here carry only what this needs
    for cutoff, version in (("2025-03-03", "contact-a"), ("2025-03-10", "contact-b"), ("2025-03-10", "contact-c")):
        artefacts.save("contact", version, None, _rule_card("contact", cutoff, version), tmp_path)
    assert artefacts.version_on("contact", dt.date(2025, 3, 2), tmp_path) is None
    assert artefacts.version_on("contact", dt.date(2025, 3, 9), tmp_path) == "contact-a"
    # two versions on one cut-off (a re-run with late data): the one trained last
    assert artefacts.version_on("contact", dt.date(2025, 3, 31), tmp_path) == "contact-c"
    assert pipeline.training_cutoffs(dt.date(2025, 3, 1), dt.date(2025, 3, 31), 7) == [
        dt.date(2025, 3, d) for d in (3, 10, 17, 24, 31)]
    assert pipeline.training_cutoffs(dt.date(2025, 3, 31), dt.date(2025, 3, 31), 7) == [dt.date(2025, 3, 31)]


def test_a_first_run_trains_a_version_for_every_day_of_its_trend_window() -> None:
    """A one-day first run also trains the version of its weekly sequence on or before the first day
    of the trend window (else its 30-day trend would compare the model with the weighted rule); a
    range that starts early enough keeps its own cut-offs."""
    one_day = pipeline.first_run_cutoffs(dt.date(2025, 3, 31), dt.date(2025, 3, 31), 7)
    assert one_day == [dt.date(2025, 2, 24), dt.date(2025, 3, 31)]
    assert pipeline.first_run_cutoffs(dt.date(2025, 3, 1), dt.date(2025, 3, 31), 7) == [
        dt.date(2025, 2, 24), *(dt.date(2025, 3, d) for d in (3, 10, 17, 24, 31))]
    window_start = dt.date(2025, 3, 31) - dt.timedelta(days=pipeline.TREND_LOOKBACK_DAYS)
    for every in (1, 5, 7, 14, 30, 31):
        cutoffs = pipeline.first_run_cutoffs(dt.date(2025, 3, 31), dt.date(2025, 3, 31), every)
        assert len(cutoffs) == 2 and window_start - dt.timedelta(days=every) < cutoffs[0] <= window_start, every
        assert (dt.date(2025, 3, 31) - cutoffs[0]).days % every == 0
    assert pipeline.first_run_cutoffs(dt.date(2025, 1, 1), dt.date(2025, 3, 31), 7) == \
        pipeline.training_cutoffs(dt.date(2025, 1, 1), dt.date(2025, 3, 31), 7)


def test_written_dates_are_never_rescored(sim: Warehouse, config: ScoringConfig, tmp_path: Path) -> None:
    start, end = sim.as_of - dt.timedelta(days=20), sim.as_of
    models = pipeline.PointInTimeModels(tmp_path / "none-yet")
    with sim.connect(read_only=False) as con:
        con.execute("drop schema if exists ml cascade")
        first = pipeline.score_range(con, start, end - dt.timedelta(days=7), config, models, skip_written=True)
        pipeline.write_scores(con, first)
        stored = con.sql("select * from ml.contact_scores order by all").df()
        second = pipeline.score_range(con, start, end, config, models, skip_written=True)
        pipeline.write_scores(con, second)
        after = con.sql("select * from ml.contact_scores order by all").df()
        con.execute("drop schema ml cascade")
    new_days = set(second["contact"]["snapshot_date"])
    assert new_days == {end - dt.timedelta(days=d) for d in range(7)}
    pd.testing.assert_frame_equal(after[pd.to_datetime(after["snapshot_date"]).dt.date.isin(set(stored["snapshot_date"].dt.date))]
                                  .reset_index(drop=True), stored)
    # the trends of the new days read the written ones
    later = second["contact"].set_index(["contact_id", "snapshot_date"])
    earlier = stored.assign(snapshot_date=stored["snapshot_date"].dt.date).set_index(["contact_id", "snapshot_date"])["score"]
    week_ago = pd.MultiIndex.from_tuples([(c, d - dt.timedelta(days=7)) for c, d in later.index])
    known = week_ago.isin(earlier.index) & earlier.reindex(week_ago).notna().to_numpy()
    assert known.sum() > 100
    assert (later["score_7d_ago"].to_numpy()[known] == earlier.reindex(week_ago[known]).to_numpy()).all()
    assert (second["contact"]["model_version"] == "contact-untrained").all()


def test_smoothed_isotonic_keeps_the_steps_values_and_the_ranking_within_them() -> None:
    rng = np.random.default_rng(0)
    raw = rng.normal(size=2000)
    y = (rng.random(2000) < 1 / (1 + np.exp(-2 * raw))).astype(int)
    iso = IsotonicRegression(out_of_bounds="clip").fit(raw, y)
    stepped, smooth = iso.predict(raw), smooth_isotonic(iso, raw)
    assert len(np.unique(np.round(stepped, 3))) < 60 < len(np.unique(np.round(smooth, 3)))
    order = np.argsort(raw)
    assert (np.diff(smooth[order]) >= -1e-12).all()  # monotone in the raw score
    assert abs(smooth.mean() - stepped.mean()) < 0.01 and np.abs(smooth - stepped).max() < 0.2


def test_a_silent_contact_is_fair_at_best(sim: Warehouse, trained: dict, config: ScoringConfig) -> None:
    busy = dict(emails_outbound_30d=6, emails_outbound_90d=12, meetings_90d=3, meetings_30d=1, calls_90d=4,
                interactions_90d=40, reply_rate_90d=0.8, two_way_exchanges_90d=10, meaningful_days_90d=12,
                customer_touch_days_90d=9, customer_touch_days_30d=0, days_since_meaningful=22, sentiment_90d=0.6)
    for model, version in scorers(trained, "contact"):
        for streak, quiet, capped in ((6, 33, True), (5, 21, True), (6, None, True), (4, 60, False), (9, 20, False)):
            row = one_row(sim, "contact", **busy, unanswered_streak=streak, days_since_customer_touch=quiet)
            free = finish("contact", score_frame("contact", row, dataclasses.replace(config, silence={"unanswered_streak": 10**6, "days_since_customer_touch": 10**6}), model, version), config)
            snap = finish("contact", score_frame("contact", row, config, model, version), config)
            if capped:
                t = config.thresholds_for("contact", snap["segment"].iloc[0])
                before = free["score"].iloc[0]
                expected = before if before <= t.fair else round(t.fair + (before - t.fair) * (t.good - 0.1 - t.fair) / (100 - t.fair), 1)
                assert snap["score"].iloc[0] == expected < t.good
                assert snap["rating"].iloc[0] in ("Fair", "Poor")
                assert snap["reasons_down"].iloc[0].startswith(f"silent: our last {streak} e-mails and calls unanswered")
            else:
                assert snap["score"].iloc[0] == free["score"].iloc[0]
                assert "silent:" not in snap["reasons_down"].iloc[0]


def test_no_silent_contact_is_good_on_the_sample(sim: Warehouse, trained: dict, config: ScoringConfig) -> None:
    with sim.connect() as con:
        frames = pipeline.score_range(con, sim.as_of - dt.timedelta(days=14), sim.as_of, config, trained["models"])
    contacts = frames["contact"]
    silent = (contacts["unanswered_streak"] >= 5) & (contacts["days_since_customer_touch"].isna()
                                                   | (contacts["days_since_customer_touch"] >= 21))
    assert silent.any()
    assert not contacts.loc[silent, "rating"].isin(["Good", "Excellent"]).any()


def test_a_deliberate_rescore_writes_beside_the_published_snapshots(sim: Warehouse, trained: dict, config: ScoringConfig) -> None:
    from models_ml.rescore import RESCORE_SCHEMA, rescore, rescore_table

    start, end = sim.as_of - dt.timedelta(days=3), sim.as_of
    with sim.connect(read_only=False) as con:
        con.execute("drop schema if exists ml cascade")
        rows = rescore(con, "with_hindsight", start, end, sim.root / "models", config)
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables where table_schema = ?",
                                            [RESCORE_SCHEMA]).fetchall()}
        published = con.execute("select count(*) from information_schema.tables where table_schema = 'ml'").fetchall()[0][0]
        versions = con.execute(f"select distinct model_version from {RESCORE_SCHEMA}.contact_scores__with_hindsight").fetchall()
    assert tables == {rescore_table(e, "with_hindsight") for e in rows} and rows["contact"] > 0
    assert published == 0  # nothing published was written
    assert versions == [(trained["models"]["contact"][1]["version"],)]
    with pytest.raises(ValueError):
        rescore_table("contact", "x; drop table y")


def test_a_block_holds_more_days_when_the_entities_are_few(sim: Warehouse, config: ScoringConfig) -> None:
    """Blocks are `scoring_block_days` long, longer when the rows a day are few (fewer reads and
    writes), never shorter; a range within one block asks the warehouse nothing."""
    import dataclasses

    start, end = sim.as_of - dt.timedelta(days=120), sim.as_of
    with sim.connect() as con:
        contacts_a_day = warehouse.feature_rows(con, "contact", start, end) / 121
        assert contacts_a_day > 50
        few = dataclasses.replace(config, scoring_block_days=7, scoring_block_rows=int(contacts_a_day * 60))
        assert 55 <= pipeline.block_days(con, start, end, few) <= 65
        many = dataclasses.replace(config, scoring_block_days=7, scoring_block_rows=int(contacts_a_day * 3))
        assert pipeline.block_days(con, start, end, many) == 7
    assert pipeline.block_days(None, end, end, config) == config.scoring_block_days  # type: ignore[arg-type]


def test_scoring_block_by_block_equals_scoring_the_range_at_once(sim: Warehouse, trained: dict, config: ScoringConfig,
                                                                  tmp_path: Path) -> None:
    """A first run scores the history a block of days at a time (memory bounded by the entities);
    every snapshot equals the one scoring the whole range in one pass gives, trends and roll-ups
    included, and a night's single day equals that day of a longer range."""
    import shutil

    import duckdb

    start, end = sim.as_of - dt.timedelta(days=40), sim.as_of
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(sim.path, copy)
    with duckdb.connect(str(copy)) as con:
        for entity in SPECS:
            drop_sql = f"drop table if exists {warehouse.ML_SOURCE}.{SPECS[entity].snapshot_table}"
            con.execute(drop_sql)
        at_once = pipeline.score_range(con, start, end, config, trained["models"], skip_written=True)
        blocks = pipeline.score_blocks(start, end, 7)
        assert len(blocks) == 6 and blocks[0] == (start, start + dt.timedelta(days=6)) and blocks[-1][1] == end
        for first, last in blocks:
            pipeline.write_scores(con, pipeline.score_range(con, first, last, config, trained["models"], skip_written=True))
        for entity, frame in at_once.items():
            assert len(frame) > 0
            stored = warehouse.read_snapshots(con, entity, tuple(frame.columns), start, end)
            expected = frame.sort_values(["snapshot_date", SPECS[entity].key]).reset_index(drop=True)
            for both in (stored, expected):
                both[["snapshot_date", "training_cutoff"]] = both[["snapshot_date", "training_cutoff"]].apply(pd.to_datetime)
            # the same values; missing ones as None on both sides (the warehouse reads NULL text as NaN)
            same = lambda df: df.reset_index(drop=True).astype(object).where(df.notna().to_numpy(), None)  # noqa: E731
            pd.testing.assert_frame_equal(same(stored), same(expected), check_dtype=False)
