"""The server targets end to end: the whole pipeline publishing the same health on DuckDB, on a
real PostgreSQL server and on a local Spark server, and a published schema a BI connection to
PostgreSQL never sees half of."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from runtime import serving
from runtime.relations import Relation
from runtime.settings import PostgresServer, SparkServer
from runtime.sql import qualified
from targets import postgres as postgres_target
from targets.postgres import publish_schema
from targets.warehouse import PostgresConnection, SparkConnection
from tests.targets import descriptions

# The first test on each target runs the whole pipeline in its fixture: on Spark, a dbt build of
# ~380 nodes through a local server, minutes on a busy 2-core machine.
pytestmark = pytest.mark.timeout(2400)

# ------------------------------------------------------------------------------------- end to end

SAMPLE = ("--activities", "3000", "--start", "2025-01-01", "--end", "2025-04-30")
AS_OF = "2025-04-30"
HEALTH_TABLES = {"contact_health": "contact_id", "account_health": "account_id", "opportunity_health": "opportunity_id"}


def run_daily(root: Path, environment: dict[str, str]) -> dg.ExecuteInProcessResult:
    """The daily job for AS_OF (a first run: it trains, then scores the history) on an in-memory
    instance, with these settings."""
    from orchestration.definitions import defs

    with pytest.MonkeyPatch.context() as mp:
        for name in ("RI_EXTRACT_DIR", "RI_LANDED_DIR", "RI_WAREHOUSE", "RI_SERVING_DIR", "RI_FEEDS", "RI_GROUND_TRUTH_DIR"):
            mp.delenv(name, raising=False)
        mp.setenv("RI_DATA_DIR", str(root))
        for name, value in environment.items():
            mp.setenv(name, value)
        job = defs().resolve_job_def("daily_pipeline")
        with dg.DagsterInstance.ephemeral() as instance:
            return job.execute_in_process(instance=instance, partition_key=AS_OF, raise_on_error=False)


def run_sample(root: Path, target: str, environment: dict[str, str]) -> Path:
    """The simulator's reduced sample run end to end on `target` in `root`; returns `root`."""
    subprocess.run([sys.executable, "-m", "simulator", "--out", str(root / "extracts"),
                    "--truth", str(root / "ground_truth"), *SAMPLE], check=True, capture_output=True)
    result = run_daily(root, {"RI_TARGET": target, **environment})
    failed = [e.step_key for e in result.all_events if e.is_step_failure]
    assert result.success, f"{target}: failed steps {failed}"
    return root


@pytest.fixture(scope="module")
def on_duckdb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_sample(tmp_path_factory.mktemp("duckdb"), "duckdb", {})


@pytest.fixture(scope="module")
def on_postgres(postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_sample(tmp_path_factory.mktemp("postgres"), "postgres", {
        "RI_PG_HOST": postgres.host, "RI_PG_PORT": str(postgres.port), "RI_PG_USER": postgres.user,
        "RI_PG_DATABASE": postgres.database})


@pytest.fixture(scope="module")
def on_spark(spark: SparkServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_sample(tmp_path_factory.mktemp("spark"), "spark", {"RI_SPARK_REMOTE": spark.remote})


def published_health(root: Path) -> dict[str, dict[tuple, tuple]]:
    """table -> (key, day) -> (rating, score), from the release the run published."""
    with duckdb.connect(str(root / "serving" / "current" / serving.DATABASE_FILE), read_only=True) as con:
        return {table: {(key, day): (rating, score) for key, day, rating, score in con.execute(
                    f"select {qualified(key)}, snapshot_date, rating, score from {qualified(serving.SCHEMA, table)}").fetchall()}
                for table, key in HEALTH_TABLES.items()}


def assert_same_health(on_duckdb: Path, other: Path) -> None:
    """Same rows, same ratings, scores equal within 1e-6."""
    expected, found = published_health(on_duckdb), published_health(other)
    for table in HEALTH_TABLES:
        assert len(expected[table]) > 100 and found[table].keys() == expected[table].keys(), table
        assert {k: v[0] for k, v in found[table].items()} == {k: v[0] for k, v in expected[table].items()}, table
        worst = max(abs((found[table][k][1] or 0) - (expected[table][k][1] or 0)) for k in expected[table])
        assert worst <= 1e-6, f"{table}: scores differ by up to {worst}"


def test_the_pipeline_publishes_the_same_health_on_postgres_as_on_duckdb(on_duckdb: Path, on_postgres: Path) -> None:
    assert_same_health(on_duckdb, on_postgres)


def test_the_pipeline_publishes_the_same_health_on_spark_as_on_duckdb(on_duckdb: Path, on_spark: Path) -> None:
    assert_same_health(on_duckdb, on_spark)


def test_postgres_and_spark_publish_the_same_health(on_postgres: Path, on_spark: Path) -> None:
    """The two servers against each other too: the three targets agree pairwise."""
    assert_same_health(on_postgres, on_spark)


def test_the_server_holds_the_published_schema(on_postgres: Path, postgres: PostgresServer) -> None:
    """BI tools connected to the server read schema `serving`: the release's tables and counts."""
    with duckdb.connect(str(on_postgres / "serving" / "current" / serving.DATABASE_FILE), read_only=True) as release:
        expected = {name: release.execute(f"select count(*) from {qualified(serving.SCHEMA, name)}").fetchall()[0][0]
                    for (name,) in release.execute("select table_name from information_schema.tables where table_schema = ?",
                                                   [serving.SCHEMA]).fetchall()}
    with PostgresConnection(postgres) as con:
        found = {name: con.execute(f"select count(*) from {qualified(serving.SCHEMA, name)}").fetchall()[0][0]
                 for (name,) in con.execute("select table_name from information_schema.tables where table_schema = ?",
                                            [serving.SCHEMA]).fetchall()}
    assert found == expected and len(found) >= 20


# ---------------------------------------------------------------------------------------- serving

# Releases swapped in under a looping reader: before the swap took the tables first, a statement
# reading the tables of two releases failed about one run in three of these 60 swaps.
RELEASES = 60


def test_a_bi_connection_never_sees_half_a_release(postgres: PostgresServer) -> None:
    """A reader querying every published table in a loop while releases are swapped in sees one
    whole release each time: never a missing table, never counts from two releases."""
    sources = {name: Relation(name, "release_inputs", name) for name in ("first", "second", "third")}
    with PostgresConnection(postgres) as con:
        con.execute("create schema release_inputs")
        for relation in sources.values():
            con.execute(f"create table {relation.sql} (n integer)")

    def release(size: int) -> None:
        with PostgresConnection(postgres) as con:
            for relation in sources.values():
                con.execute(f"delete from {relation.sql}")
                con.execute(f"insert into {relation.sql} select generate_series(1, ?)", [size])
        publish_schema(postgres, sources, "bi_serving", f"r{size}")

    release(1)
    seen, errors, done = [], [], threading.Event()
    counts_sql = ", ".join(f"(select count(*) from {qualified('bi_serving', name)})" for name in sources)

    def read() -> None:
        with PostgresConnection(postgres) as con:
            while not done.is_set():
                try:
                    seen.append(con.execute(f"select {counts_sql}").fetchall()[0])
                except Exception as exc:  # noqa: BLE001 - any error is what the test looks for
                    errors.append(repr(exc))
                done.wait(0.005)

    def reader_has_seen(size: int) -> None:
        """Wait until the reader has read release `size`, so every release is read, however slow
        the machine; the wait is bounded so a dead reader fails the test instead of hanging it."""
        deadline = time.monotonic() + 60
        while not any(counts[0] == size for counts in seen) and not errors and time.monotonic() < deadline:
            time.sleep(0.01)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        reader_has_seen(1)
        for size in range(2, RELEASES + 1):
            release(size)
            reader_has_seen(size)
    finally:
        done.set()
        reader.join()
    assert errors == []
    assert all(len(set(counts)) == 1 for counts in seen), [c for c in seen if len(set(c)) > 1][:3]
    assert {counts[0] for counts in seen} == set(range(1, RELEASES + 1))


def test_a_release_replaces_a_published_schema_without_tables(postgres: PostgresServer) -> None:
    """A published schema left empty (a user's cleanup, a first release) is swapped out like any."""
    source = Relation("only", "empty_release_inputs", "only")
    with PostgresConnection(postgres) as con:
        con.execute("create schema empty_release_inputs")
        con.execute(f"create table {source.sql} as select 1 as n")
        con.execute("create schema empty_serving")
    assert publish_schema(postgres, {"only": source}, "empty_serving", "r1") == {"only": 1}
    with PostgresConnection(postgres) as con:
        assert con.execute(f"select n from {qualified('empty_serving', 'only')}").fetchall() == [(1,)]


def test_a_release_readers_never_let_go_of_fails_and_leaves_no_copy(postgres: PostgresServer,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader holding a published table past the swap's patience fails the release with a clear
    error, and the built copy is dropped: only the published schema is left."""
    source = Relation("held", "held_release_inputs", "held")
    with PostgresConnection(postgres) as con:
        con.execute("create schema held_release_inputs")
        con.execute(f"create table {source.sql} as select 1 as n")
    publish_schema(postgres, {"held": source}, "held_serving", "r1")
    monkeypatch.setattr(postgres_target, "SWAP_WAIT_SECONDS", 1)
    reader = postgres_target.open_connection(postgres)
    try:
        with reader.cursor() as cur:  # a transaction left open on the published table
            cur.execute(f"select count(*) from {qualified('held_serving', 'held')}")
        with pytest.raises(RuntimeError, match="readers held the published schema 'held_serving'"):
            publish_schema(postgres, {"held": source}, "held_serving", "r2")
    finally:
        reader.close()
    with PostgresConnection(postgres) as con:
        schemas = {name for (name,) in con.execute(
            "select schema_name from information_schema.schemata where schema_name like ?", ["held_serving%"]).fetchall()}
    assert schemas == {"held_serving"}


def test_the_published_tables_carry_the_dbt_descriptions_on_postgres(on_postgres: Path, postgres: PostgresServer) -> None:
    """A BI tool on the server, or on the release the postgres run wrote, sees every published
    table's and column's dbt description."""
    expected = descriptions.expected()
    with PostgresConnection(postgres) as con:
        on_server = descriptions.in_postgres(con, serving.SCHEMA)
    with duckdb.connect(str(on_postgres / "serving" / "current" / serving.DATABASE_FILE), read_only=True) as con:
        in_release = descriptions.in_duckdb(con, serving.SCHEMA)
    assert {t: on_server.get(t, {}) for t in expected} == expected
    assert {t: in_release.get(t, {}) for t in expected} == expected


def test_the_published_tables_carry_the_dbt_descriptions_on_spark(on_spark: Path, spark: SparkServer) -> None:
    """A BI tool reading Spark's catalog, or the release the spark run wrote, sees every published
    table's and column's dbt description."""
    expected = descriptions.expected()
    with SparkConnection(spark) as con:
        in_catalog = descriptions.in_spark(con)
    with duckdb.connect(str(on_spark / "serving" / "current" / serving.DATABASE_FILE), read_only=True) as con:
        in_release = descriptions.in_duckdb(con, serving.SCHEMA)
    where_built = descriptions.expected(released=False)
    assert {t: in_catalog.get(t, {}) for t in where_built} == where_built
    assert {t: in_release.get(t, {}) for t in expected} == expected
