"""A critical expectation that fails stops everything downstream: the tiny organisation's extracts
arrive with activity parties of activities no extract holds, the landed-parties suite
fails with ERROR, and no dbt model, score or serving release is built in that run. The failure is
in the run's check results and in the quality history; re-running adds the new run's rows without
duplicating anything, and the quarantine stays the same."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pandas as pd
import pyarrow.parquet as pq
import pytest

from data_quality import history
from ingest.extract_writer import write_batch
from ingest.landing import QUARANTINE_DIR
from orchestration.definitions import defs
from runtime import settings
from tests.tiny_org import write_tiny_org

STARTED = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
PARTITION = "2025-03-31"


def write_broken_org(extract_dir: Path) -> None:
    """The tiny org, with 20 activity parties of activities no extract holds (each row is valid on
    its own, so only the suite can see it) and one activity row landing must refuse."""
    write_tiny_org(extract_dir)
    orphans = [{"activity_id": f"missing-{i}", "party_role": "to", "email_address": f"p{i}@example.com"}
               for i in range(20)]
    write_batch(extract_dir, "activity_parties", "2025-03-orphans", orphans)
    write_batch(extract_dir, "activities", "2025-03-broken", [
        {"activity_id": "bad-status", "activity_type": "email", "started_at": STARTED,
         "status": "exploded", "source": "synced", "owner_user_id": "u-avery"}])


@pytest.fixture(scope="module")
def data_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("blocking")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RI_DATA_DIR", str(root))
        for var in ("RI_EXTRACT_DIR", "RI_LANDED_DIR", "RI_WAREHOUSE", "RI_SERVING_DIR", "RI_AS_OF_DATE",
                    "RI_QUALITY_DIR", "RI_REPORT_DIR", "RI_GROUND_TRUTH_DIR"):
            mp.delenv(var, raising=False)
        write_broken_org(root / "extracts")
        yield root


def run_once(definitions: dg.Definitions) -> dg.ExecuteInProcessResult:
    job = definitions.resolve_job_def("daily_pipeline")
    with dg.DagsterInstance.ephemeral() as instance:
        return job.execute_in_process(instance=instance, partition_key=PARTITION, raise_on_error=False)


@pytest.fixture(scope="module")
def runs(data_root: Path) -> tuple[dg.ExecuteInProcessResult, dg.ExecuteInProcessResult]:
    definitions = defs()
    return run_once(definitions), run_once(definitions)


def quarantined(root: Path) -> int:
    folder = root / "landed" / QUARANTINE_DIR / "activities"
    return sum(pq.read_metadata(f).num_rows for f in folder.glob("*.parquet") if not f.name.startswith("_"))


def test_failing_critical_expectation_stops_downstream(runs: tuple[dg.ExecuteInProcessResult, ...]) -> None:
    first = runs[0]
    assert not first.success
    checks = {(e.asset_key.to_user_string(), e.check_name): e for e in first.get_asset_check_evaluations()}
    failed = checks[("landed/activity_parties", "gx_landed_suite")]
    assert not failed.passed
    assert failed.severity == dg.AssetCheckSeverity.ERROR
    failures = failed.metadata["failures"].value
    assert failures["parties_reference_landed_activities"]["severity"] == "critical"
    assert failures["parties_reference_landed_activities"]["unexpected_count"] == 20
    # the other extracts are fine, so their suites pass
    assert checks[("landed/users", "gx_landed_suite")].passed
    # only landing ran (the extracts, and the news feeds, which need no extract): no dbt model
    # (staging, marts, hygiene, features, scores), no news matching, no release, no report
    materialised = {e.asset_key.to_user_string() for e in first.get_asset_materialization_events()}
    assert materialised and all(key.startswith(("landed/", "news_landed/")) for key in materialised)
    definitions_keys = {k.to_user_string() for k in defs().resolve_all_asset_keys()}
    assert {"serving/release", "quality/hygiene_report"} <= definitions_keys
    assert not (materialised & {"serving/release", "quality/hygiene_report"})
    # dbt never ran, so its published checks never ran either
    assert not any(name == "gx_published_suite" for _, name in checks)


def check_results(data_root: Path) -> pd.DataFrame:
    """The quality history where the settings of the runs put it (RI_DATA_DIR is data_root)."""
    return history.read_table("check_results", history.history_path(settings.load().quality_dir))


def test_failure_is_in_the_history_table(data_root: Path, runs: tuple[dg.ExecuteInProcessResult, ...]) -> None:
    results = check_results(data_root)
    row = results[(results["run_id"] == runs[0].run_id) & (results["suite"] == "landed.activity_parties")
                  & (results["check_name"] == "parties_reference_landed_activities")]
    assert len(row) == 1
    row = row.iloc[0]
    assert not row["success"] and row["severity"] == "critical" and row["unexpected_count"] == 20
    assert "false" in row["failure_sample"]  # the unexpected has_activity values
    assert row["asset_key"] == "landed/activity_parties"


def test_rerun_adds_its_own_rows_and_duplicates_nothing(data_root: Path,
                                                       runs: tuple[dg.ExecuteInProcessResult, ...]) -> None:
    first, second = runs
    assert not second.success
    results = check_results(data_root)
    assert not results.duplicated(["run_id", "suite", "check_name"]).any()
    per_run = results.groupby("run_id").size()
    assert set(per_run.index) == {first.run_id, second.run_id}
    assert per_run[first.run_id] == per_run[second.run_id]
    # both runs saw the same failure: the history shows since when it fails
    failing = results[(results["check_name"] == "parties_reference_landed_activities") & ~results["success"]]
    assert set(failing["run_id"]) == {first.run_id, second.run_id}
    # the refused row is quarantined once, however often landing runs
    assert quarantined(data_root) == 1
