"""Dagster's own records on the PostgreSQL server: the instance settings a deployment appends to
its dagster.yaml (orchestration/dagster_postgres_storage.yaml) store runs and events there."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from runtime.settings import POSTGRES_PASSWORD_VARIABLE, PROJECT_ROOT, PostgresServer
from targets.warehouse import PostgresConnection

ORCHESTRATION = PROJECT_ROOT / "orchestration"


@dg.asset
def counted() -> int:
    return 3


def test_runs_and_events_are_stored_on_the_server(postgres: PostgresServer, tmp_path: Path) -> None:
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text((ORCHESTRATION / "dagster.yaml").read_text()
                                       + (ORCHESTRATION / "dagster_postgres_storage.yaml").read_text())
    with pytest.MonkeyPatch.context() as mp:
        for name, value in {"RI_PG_HOST": postgres.host, "RI_PG_PORT": str(postgres.port), "RI_PG_USER": postgres.user,
                            "RI_PG_DATABASE": postgres.database, POSTGRES_PASSWORD_VARIABLE: postgres.password}.items():
            mp.setenv(name, value)
        with dg.DagsterInstance.from_config(str(home)) as instance:
            result = dg.materialize([counted], instance=instance)
            assert result.success
            assert [r.run_id for r in instance.get_runs()] == [result.run_id]
    with PostgresConnection(postgres) as con:
        stored = con.execute("select count(*) from event_logs where run_id = ?", [result.run_id]).fetchall()[0][0]
    assert stored > 5
