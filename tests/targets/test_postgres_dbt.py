"""The postgres target's loading and dbt build on a real server: landed batches loaded by what
changed, every dbt model, contract and test passing there with the tables DuckDB builds, and a
night after new batches leaving the tables a build of everything leaves."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingest.extract_writer import write_batch
from ingest.landing import land_all
from orchestration.defs.dbt_models import SERVING_SELECTION
from runtime import relations, serving, settings
from runtime.relations import Relation
from runtime.settings import PostgresServer
from runtime.sql import qualified
from targets.postgres import load_landed
from targets.warehouse import PostgresConnection
from tests.dbt import fixture_org
from tests.dbt.test_dbt_build import WITHOUT_UNIT_TESTS, dbt

QUIET = lambda message: None  # noqa: E731 - progress lines are not what these tests check


def comparable(value: Any) -> Any:
    """A value as both engines' drivers can agree on: numbers to 6 decimals, instants in UTC."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (float, decimal.Decimal)):
        return round(float(value), 6)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, list):
        return tuple(value)
    return value


def rows_of(con: Any, relation: Relation) -> list[tuple]:
    columns = [name for (name,) in con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
        "and column_name <> 'dbt_invocation_id' order by column_name", [relation.schema, relation.identifier]).fetchall()]
    columns_sql = ", ".join(qualified(c) for c in columns)
    rows = con.execute(f"select {columns_sql} from {relation.sql}").fetchall()
    return sorted((tuple(comparable(v) for v in row) for row in rows), key=repr)


# ------------------------------------------------------------------------------------------ loading

def test_loading_takes_in_new_and_replaced_batches_and_removes_gone_ones(postgres: PostgresServer, tmp_path: Path) -> None:
    extracts, landed = tmp_path / "extracts", tmp_path / "landed"
    fixture_org.write_extracts(extracts)
    land_all(extracts, landed)
    activities = relations.load().source("landed", "activities")

    def statuses() -> dict[str, str]:
        with PostgresConnection(postgres) as con:
            return dict(con.execute(f"select activity_id || '@' || _batch_id, status from {activities.sql}").fetchall())

    landed_rows = duckdb.sql("select count(*) from read_parquet(?)", params=[str(landed / "activities" / "*.parquet")]).fetchall()[0][0]
    first = load_landed(landed, postgres, QUIET)
    assert first.loaded > 0 and first.deleted == 0
    assert len(statuses()) == landed_rows
    assert load_landed(landed, postgres, QUIET) == type(first)()  # nothing changed, nothing loaded

    # a batch delivered again with other content replaces its rows
    write_batch(extracts, "activities", fixture_org.BATCH_2, [{**a, "status": "cancelled"} for a, _ in fixture_org.ACTIVITY_BATCH_2])
    land_all(extracts, landed)
    replaced = load_landed(landed, postgres, QUIET)
    assert (replaced.loaded, replaced.deleted) == (1, 1)
    batch_2 = {k: v for k, v in statuses().items() if k.endswith(f"@{fixture_org.BATCH_2}")}
    assert batch_2 and set(batch_2.values()) == {"cancelled"}
    assert len(statuses()) == landed_rows

    # a batch whose landed files went away leaves the server too
    for path in landed.rglob(f"activities/{fixture_org.BATCH_2}.*"):
        path.unlink()
    removed = load_landed(landed, postgres, QUIET)
    assert (removed.loaded, removed.deleted) == (0, 1)
    assert not any(k.endswith(f"@{fixture_org.BATCH_2}") for k in statuses())


# ---------------------------------------------------------------------------------------------- dbt

@dataclasses.dataclass
class Builds:
    duckdb_warehouse: Path
    postgres: PostgresServer
    duckdb_result: subprocess.CompletedProcess
    postgres_result: subprocess.CompletedProcess


@pytest.fixture(scope="module")
def builds(postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> Builds:
    """The fixture organisation built by `dbt build` on the server and by `dbt run` on DuckDB (whose
    build and tests tests/dbt/test_dbt_build.py runs) from the same landed folder."""
    root = tmp_path_factory.mktemp("targets")
    fixture_org.write_extracts(root / "extracts")
    land_all(root / "extracts", root / "landed")
    on_duckdb = settings.load({"RI_DATA_DIR": str(root), "RI_INTERNAL_DOMAINS": fixture_org.INTERNAL_DOMAINS})
    on_postgres = dataclasses.replace(on_duckdb, target="postgres", postgres=postgres)
    load_landed(root / "landed", postgres, QUIET)
    as_of = dt.date.fromisoformat(fixture_org.AS_OF_DATE)
    return Builds(on_duckdb.warehouse_path, postgres,
                  dbt(["run", "--exclude", SERVING_SELECTION], on_duckdb.dbt_arguments(as_of), root / "duckdb"),
                  dbt(["build", "--exclude", SERVING_SELECTION], on_postgres.dbt_arguments(as_of), root / "postgres"))


def test_every_model_contract_and_test_passes_on_postgres(builds: Builds) -> None:
    assert builds.postgres_result.returncode == 0, builds.postgres_result.stdout[-5000:]
    assert "Registered adapter: postgres" in builds.postgres_result.stdout
    assert builds.duckdb_result.returncode == 0, builds.duckdb_result.stdout[-5000:]


def assert_same_tables(duckdb_warehouse: Path, server: PostgresServer) -> None:
    """Every table a build materialises (marts, hygiene, features, intermediate, staging) holds the
    same rows on the server as in the DuckDB file."""
    manifest = relations.load()
    tables = [r for r in manifest.models().values()
              if manifest.nodes[f"model.relintel.{r.name}"]["config"]["materialized"] in ("table", "incremental")]
    compared = 0
    with duckdb.connect(str(duckdb_warehouse), read_only=True) as on_duckdb, PostgresConnection(server) as on_postgres:
        built = {name for (name,) in on_postgres.execute("select table_name from information_schema.tables").fetchall()}
        for relation in tables:
            if relation.identifier not in built or relation.identifier in manifest.run_logs():
                continue  # the serving step's models are not built here; a run's own log differs by design
            assert rows_of(on_postgres, relation) == rows_of(on_duckdb, relation), relation.name
            compared += 1
    assert compared >= 30


def test_postgres_builds_the_tables_duckdb_builds(builds: Builds) -> None:
    assert_same_tables(builds.duckdb_warehouse, builds.postgres)


def test_a_night_after_new_batches_gives_the_tables_of_a_build_of_everything(builds: Builds, another_database: PostgresServer,
                                                                              tmp_path: Path) -> None:
    """The first batches, then the rest, built on the server: the incremental staging, the
    activities rebuilt per activity, the day windows and the batch-wise loading leave the tables
    DuckDB's build of everything has."""
    as_of = dt.date.fromisoformat(fixture_org.AS_OF_DATE)
    nightly, held = tmp_path / "nightly", tmp_path / "held"
    extracts = nightly / "extracts"
    fixture_org.write_extracts(extracts)
    later = [path for batch in (fixture_org.BATCH_2, fixture_org.BATCH_3) for path in sorted(extracts.rglob(f"{batch}*"))]
    for path in later + [extracts / "activities" / "2025-10-03.csv"]:
        (held / path.parent.name).mkdir(parents=True, exist_ok=True)
        path.rename(held / path.parent.name / path.name)
    on_postgres = dataclasses.replace(settings.load({"RI_DATA_DIR": str(nightly), "RI_INTERNAL_DOMAINS": fixture_org.INTERNAL_DOMAINS}),
                                      target="postgres", postgres=another_database)
    land_all(extracts, nightly / "landed")
    load_landed(nightly / "landed", another_database, QUIET)
    first = dbt(["run", "--exclude", SERVING_SELECTION], on_postgres.dbt_arguments(as_of), nightly / "first")
    assert first.returncode == 0, first.stdout[-5000:]
    for path in sorted(held.rglob("*.csv")):
        path.rename(extracts / path.parent.name / path.name)
    land_all(extracts, nightly / "landed")
    assert load_landed(nightly / "landed", another_database, QUIET).loaded > 0
    second = dbt(["build", "--exclude", SERVING_SELECTION, *WITHOUT_UNIT_TESTS], on_postgres.dbt_arguments(as_of), nightly / "second")
    assert second.returncode == 0, second.stdout[-5000:]
    with PostgresConnection(another_database) as con:
        rebuilt = con.execute(f"select count(*), bool_or(rebuild_all) from {relations.load().model('int_activities__to_rebuild').sql}").fetchall()
    assert rebuilt == [(12, False)]  # the night rebuilt the activities it changed, not all of them

    assert_same_tables(builds.duckdb_warehouse, another_database)
