"""The local Dagster instance keeps a connection per SQLite file, and its history stays Dagster's:
runs and events written through it are read whole by a second instance over the same folder (the
UI, the daemon) and by a plain Dagster instance, also after it let go of older files."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg

from orchestration.instance import OPEN_DATABASES, KeptConnectionEventLogStorage, LocalInstance
from runtime.settings import PROJECT_ROOT

RUNS = OPEN_DATABASES + 3


@dg.asset(check_specs=[dg.AssetCheckSpec("positive", asset="counted")])
def counted() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"rows": 3}, check_results=[dg.AssetCheckResult(passed=True)])


def run_ids_and_events(instance: dg.DagsterInstance) -> dict[str, int]:
    return {record.dagster_run.run_id: len(instance.all_logs(record.dagster_run.run_id))
            for record in instance.get_run_records()}


def test_runs_through_kept_connections_are_read_whole_by_other_instances(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    job = dg.Definitions(assets=[counted]).resolve_implicit_global_asset_job_def()
    with dg.DagsterInstance.from_config(str(home)) as writer, dg.DagsterInstance.from_config(str(home)) as reader:
        assert isinstance(writer, LocalInstance) and isinstance(writer.event_log_storage, KeptConnectionEventLogStorage)
        for n in range(RUNS):
            assert job.execute_in_process(instance=writer).success
            # the reader's kept connection to the index sees each new run's events as they land
            assert reader.get_latest_materialization_event(dg.AssetKey("counted")).run_id == writer.get_runs()[0].run_id
            assert len(run_ids_and_events(reader)) == n + 1
        written = run_ids_and_events(writer)
        assert len(written) == RUNS and min(written.values()) > 5
        assert run_ids_and_events(reader) == written
    plain = tmp_path / "plain"
    plain.mkdir()
    shutil.copytree(home / "history", plain / "history")
    with dg.DagsterInstance.from_config(str(plain)) as dagsters_own:
        assert type(dagsters_own) is dg.DagsterInstance
        assert run_ids_and_events(dagsters_own) == written
        check = dagsters_own.event_log_storage.get_latest_asset_check_execution_by_key(
            [dg.AssetCheckKey(dg.AssetKey("counted"), "positive")])
        assert len(check) == 1
