"""Publishing by month: a table with a month column keeps the previous release's months that did not
change (its rows, and its Parquet files as hard links) and copies only the months that did,
whether days were added or history was rewritten."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb

from orchestration.publishing import MonthsWritten, publish
from runtime import serving
from runtime.relations import Relation

HEALTH = Relation("contact_health", "main_serving", "contact_health", month_column="snapshot_date")
DIMENSION = Relation("dim_contacts", "main", "dim_contacts")


def _add_days(warehouse: Path, first: dt.date, last: dt.date) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema if not exists main_serving")
        # not null, as the contracts of the published health tables declare
        con.execute("create table if not exists main_serving.contact_health "
                    "(snapshot_date date not null, contact_id varchar not null, score double)")
        con.execute("create table if not exists main.dim_contacts (contact_id varchar)")
        con.execute("insert into main_serving.contact_health (snapshot_date, contact_id, score) select d::date, c, 50 + (hash(d, c) % 50) "
                    "from generate_series(?::timestamp, ?::timestamp, interval 1 day) t(d), (values ('c-1'), ('c-2')) v(c)",
                    [first, last])


def _published(release: Path, table: str) -> list[tuple]:
    with duckdb.connect(str(release / serving.DATABASE_FILE), read_only=True) as con:
        return con.execute(f"select * from serving.{table} order by all").fetchall()


def _warehouse_rows(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select * from main_serving.contact_health order by all").fetchall()


def _parquet_rows(folder: Path) -> list[tuple]:
    return duckdb.execute("select * from read_parquet(?) order by all", [str(folder / "*.parquet")]).fetchall()


def test_a_release_copies_the_months_that_changed_and_links_the_others(tmp_path: Path) -> None:
    warehouse, serving_dir = tmp_path / "warehouse.duckdb", tmp_path / "serving"
    tables = {"contact_health": HEALTH, "dim_contacts": DIMENSION}
    _add_days(warehouse, dt.date(2025, 1, 1), dt.date(2025, 2, 10))
    first = publish(warehouse, serving_dir, tables, "r1")
    assert first.months["contact_health"] == MonthsWritten(("2025-01", "2025-02"), kept=0)
    assert sorted(p.name for p in (first.path / "parquet" / "contact_health").iterdir()) == ["2025-01.parquet", "2025-02.parquet"]

    _add_days(warehouse, dt.date(2025, 2, 11), dt.date(2025, 3, 2))
    second = publish(warehouse, serving_dir, tables, "r2")
    assert second.months["contact_health"] == MonthsWritten(("2025-02", "2025-03"), kept=1)
    assert _published(second.path, "contact_health") == _warehouse_rows(warehouse)
    assert second.tables["contact_health"] == 2 * 61
    months = second.path / "parquet" / "contact_health"
    assert _parquet_rows(months) == _warehouse_rows(warehouse)
    inode = lambda release, month: (release / "parquet" / "contact_health" / f"{month}.parquet").stat().st_ino  # noqa: E731
    assert inode(second.path, "2025-01") == inode(first.path, "2025-01")  # kept, not written again
    assert inode(second.path, "2025-02") != inode(first.path, "2025-02")  # gained days
    assert (months / "2025-03.parquet").exists()
    assert (second.path / "parquet" / "dim_contacts.parquet").exists()

    # history rewritten in the warehouse (a full refresh): a changed value and a removed day are
    # found by the fingerprints, not the dates; only their month is copied again, and a table no
    # longer published leaves the release
    with duckdb.connect(str(warehouse)) as con:
        con.execute("update main_serving.contact_health set score = score + 1 where snapshot_date = '2025-01-05'")
        con.execute("delete from main_serving.contact_health where snapshot_date = '2025-03-02'")
    third = publish(warehouse, serving_dir, {"contact_health": HEALTH}, "r3")
    assert third.months["contact_health"] == MonthsWritten(("2025-01", "2025-03"), kept=1)
    assert _published(third.path, "contact_health") == _warehouse_rows(warehouse)
    assert _parquet_rows(third.path / "parquet" / "contact_health") == _warehouse_rows(warehouse)
    assert inode(third.path, "2025-01") != inode(second.path, "2025-01")
    assert inode(third.path, "2025-02") == inode(second.path, "2025-02")
    with duckdb.connect(str(third.path / serving.DATABASE_FILE), read_only=True) as con:
        assert con.execute("select table_name from information_schema.tables").fetchall() == [("contact_health",)]

    # a month gone from the warehouse leaves the release; rows without a date are a month of their own
    with duckdb.connect(str(warehouse)) as con:
        con.execute("alter table main_serving.contact_health alter snapshot_date drop not null")
        con.execute("update main_serving.contact_health set snapshot_date = null where snapshot_date >= '2025-03-01'")
    fourth = publish(warehouse, serving_dir, {"contact_health": HEALTH}, "r4")
    assert fourth.months["contact_health"] == MonthsWritten(("undated",), kept=2)
    assert _published(fourth.path, "contact_health") == _warehouse_rows(warehouse)
    assert sorted(p.name for p in (fourth.path / "parquet" / "contact_health").iterdir()) == [
        "2025-01.parquet", "2025-02.parquet", "undated.parquet"]


def test_a_table_published_by_month_is_a_view_of_its_own_release_files(tmp_path: Path) -> None:
    """The release's DuckDB file holds no copy of the history: the health table is a view of the
    month files in its own release folder, which reads the same rows once the previous release is
    gone (its kept months are hard links) and has the model's description; a table with no rows
    yet is a view with its columns."""
    warehouse, serving_dir = tmp_path / "warehouse.duckdb", tmp_path / "serving"
    described = Relation("contact_health", "main_serving", "contact_health", description="Daily health.",
                         column_descriptions=(("score", "The score."),), month_column="snapshot_date")
    _add_days(warehouse, dt.date(2025, 1, 1), dt.date(2025, 2, 10))
    first = publish(warehouse, serving_dir, {"contact_health": described}, "r1")
    _add_days(warehouse, dt.date(2025, 2, 11), dt.date(2025, 2, 12))
    second = publish(warehouse, serving_dir, {"contact_health": described}, "r2")
    shutil.rmtree(first.path)
    assert _published(second.path, "contact_health") == _warehouse_rows(warehouse)
    with duckdb.connect(str(second.path / serving.DATABASE_FILE), read_only=True) as con:
        assert con.execute("select table_type from information_schema.tables where table_name = 'contact_health'").fetchall() == [("VIEW",)]
        assert con.execute("select comment from duckdb_views() where view_name = 'contact_health'").fetchall() == [("Daily health.",)]
        assert con.execute("select comment from duckdb_columns() where table_name = 'contact_health' and column_name = 'score'"
                           ).fetchall() == [("The score.",)]
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from main_serving.contact_health")
    empty = publish(warehouse, serving_dir, {"contact_health": described}, "r3")
    assert empty.tables["contact_health"] == 0 and empty.months["contact_health"] == MonthsWritten((), kept=0)
    with duckdb.connect(str(empty.path / serving.DATABASE_FILE), read_only=True) as con:
        assert [name for name, *_ in con.execute("describe serving.contact_health").fetchall()] == ["snapshot_date", "contact_id", "score"]


def test_a_table_whose_columns_changed_is_copied_whole(tmp_path: Path) -> None:
    warehouse, serving_dir = tmp_path / "warehouse.duckdb", tmp_path / "serving"
    _add_days(warehouse, dt.date(2025, 1, 1), dt.date(2025, 2, 10))
    publish(warehouse, serving_dir, {"contact_health": HEALTH}, "r1")
    with duckdb.connect(str(warehouse)) as con:
        con.execute("alter table main_serving.contact_health add column reason varchar")
    second = publish(warehouse, serving_dir, {"contact_health": HEALTH}, "r2")
    assert second.months["contact_health"] == MonthsWritten(("2025-01", "2025-02"), kept=0)
    assert _published(second.path, "contact_health") == _warehouse_rows(warehouse)


def test_an_unpublished_column_stays_in_the_warehouse_and_a_rewrite_of_it_copies_nothing(tmp_path: Path) -> None:
    """A column marked `published: false` (which dbt invocation wrote a row) is left out of the
    release's table and Parquet files, and a night that rewrote a month's rows as they were, with
    only that column new, keeps the month from the previous release."""
    warehouse, serving_dir = tmp_path / "warehouse.duckdb", tmp_path / "serving"
    _add_days(warehouse, dt.date(2025, 1, 1), dt.date(2025, 2, 10))
    with duckdb.connect(str(warehouse)) as con:
        con.execute("alter table main_serving.contact_health add column dbt_invocation_id varchar default 'first'")
    marked = Relation("contact_health", "main_serving", "contact_health",
                      column_descriptions=(("snapshot_date", ""), ("contact_id", ""), ("score", ""), ("dbt_invocation_id", "")),
                      month_column="snapshot_date", unpublished_columns=("dbt_invocation_id",))
    first = publish(warehouse, serving_dir, {"contact_health": marked}, "r1")
    published = ["snapshot_date", "contact_id", "score"]
    with duckdb.connect(str(first.path / serving.DATABASE_FILE), read_only=True) as con:
        assert [c for c, *_ in con.execute("describe serving.contact_health").fetchall()] == published
    parquet = str(first.path / "parquet" / "contact_health" / "*.parquet")
    assert [c for c, *_ in duckdb.execute("describe select * from read_parquet(?)", [parquet]).fetchall()] == published
    with duckdb.connect(str(warehouse)) as con:
        con.execute("update main_serving.contact_health set dbt_invocation_id = 'second' where snapshot_date >= '2025-02-01'")
    second = publish(warehouse, serving_dir, {"contact_health": marked}, "r2")
    assert second.months["contact_health"] == MonthsWritten((), kept=2)


def test_only_the_months_a_build_wrote_since_the_previous_release_are_hashed(tmp_path: Path, monkeypatch) -> None:
    """Every build marks the rows it writes: a month whose rows count and writers are those the
    previous release recorded keeps its fingerprint unhashed, so a night hashes the months it
    wrote, not the history; a month written again, whether to the same rows or to others, is
    hashed and copied only if its rows changed."""
    from orchestration import publishing

    warehouse, serving_dir = tmp_path / "warehouse.duckdb", tmp_path / "serving"
    _add_days(warehouse, dt.date(2025, 1, 1), dt.date(2025, 2, 10))
    with duckdb.connect(str(warehouse)) as con:
        con.execute("alter table main_serving.contact_health add column dbt_invocation_id varchar default 'build-1'")
    marked = {"contact_health": Relation(
        "contact_health", "main_serving", "contact_health",
        column_descriptions=(("snapshot_date", ""), ("contact_id", ""), ("score", ""), ("dbt_invocation_id", "")),
        month_column="snapshot_date", unpublished_columns=("dbt_invocation_id",))}
    hashed_since: list[str | None] = []
    fingerprints = publishing._fingerprints

    def observed(con, relation_sql, month_column, since=None):
        hashed_since.append(since)
        return fingerprints(con, relation_sql, month_column, since)

    monkeypatch.setattr(publishing, "_fingerprints", observed)

    def night(release_id: str, sql: str | None = None, params: tuple = ()) -> MonthsWritten:
        if sql:
            with duckdb.connect(str(warehouse)) as con:
                con.execute(sql, list(params))
        release = publish(warehouse, serving_dir, marked, release_id)
        published = [row[:3] for row in _warehouse_rows(warehouse)]  # all but the writer
        assert _published(release.path, "contact_health") == published
        assert _parquet_rows(release.path / "parquet" / "contact_health") == published
        return release.months["contact_health"]

    assert night("r1") == MonthsWritten(("2025-01", "2025-02"), kept=0) and hashed_since == ["2025-01"]
    # new days written by another build: January is neither hashed nor copied
    with duckdb.connect(str(warehouse)) as con:
        con.execute("alter table main_serving.contact_health alter dbt_invocation_id set default 'build-2'")
    _add_days(warehouse, dt.date(2025, 2, 11), dt.date(2025, 3, 2))
    assert night("r2") == MonthsWritten(("2025-02", "2025-03"), kept=1) and hashed_since[1:] == ["2025-02"]
    # nothing written: nothing hashed
    assert night("r3") == MonthsWritten((), kept=3) and hashed_since[2:] == []
    # January rewritten as it was: hashed, kept
    assert night("r4", "update main_serving.contact_health set dbt_invocation_id = 'build-3' "
                       "where snapshot_date < '2025-02-01'") == MonthsWritten((), kept=3)
    assert hashed_since[2:] == ["2025-01"]
    # January rewritten with a changed score: hashed, copied
    assert night("r5", "update main_serving.contact_health set score = score + 1, dbt_invocation_id = 'build-4' "
                       "where snapshot_date = ?", (dt.date(2025, 1, 9),)) == MonthsWritten(("2025-01",), kept=2)
    # a day of February deleted, no row written: its count tells
    assert night("r6", "delete from main_serving.contact_health where snapshot_date = ?",
                 (dt.date(2025, 2, 3),)) == MonthsWritten(("2025-02",), kept=2)
    assert hashed_since[3:] == ["2025-01", "2025-02"]


def test_the_release_is_copied_within_the_memory_limit_it_is_given(tmp_path: Path, monkeypatch) -> None:
    """The release step runs in the pipeline's own process, beside what earlier steps left there:
    its DuckDB gets the smaller share it is given, not the dbt builds' limit."""
    from runtime import local_duckdb

    warehouse = tmp_path / "warehouse.duckdb"
    _add_days(warehouse, dt.date(2026, 1, 30), dt.date(2026, 2, 2))
    limits: list[str] = []
    connect = local_duckdb.connect

    def observed(*args, **kwargs) -> duckdb.DuckDBPyConnection:
        con = connect(*args, **kwargs)
        limits.append(con.execute("select current_setting('memory_limit')").fetchall()[0][0])
        return con

    monkeypatch.setattr(local_duckdb, "connect", observed)
    publish(warehouse, tmp_path / "serving", {"contact_health": HEALTH}, "r1", memory_limit="300MB")
    assert limits and set(limits) == {limits[0]} and limits[0] in {"286.1 MiB", "300.0 MB"}
