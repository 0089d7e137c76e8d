"""Publish tables for BI tools: a complete release is built aside, then swapped in atomically.

    <serving_dir>/releases/<release_id>/...    the release's files (runtime/serving.py)
    <serving_dir>/current -> releases/<release_id>        (a symlink, replaced in one rename)

A BI tool opens `current/relintel.duckdb` (read-only) or `current/parquet/*.parquet` (and
`current/parquet/<table>/*.parquet` for the append-only health tables, one file a month). It never
sees half a run, and never waits on the pipeline's DuckDB lock, because the pipeline never
writes a file that has already been published.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from runtime import local_duckdb, serving
from runtime.relations import Relation
from runtime.settings import PostgresServer, SparkServer
from runtime.sql import qualified, quote_identifier
from targets.warehouse import server_connection

BUILDING_SUFFIX = ".building"  # a release folder while it is written: hidden, renamed when complete
KEEP_RELEASES = 3  # older releases are pruned; a reader still holding one open keeps its data


@dataclass(frozen=True)
class Release:
    release_id: str
    path: Path
    tables: dict[str, int]  # published table -> row count
    kept_until: dict[str, dt.date]  # append-only table -> last day kept from the previous release (absent: copied whole)


def publish(warehouse: Path | PostgresServer | SparkServer, serving_dir: Path, relations: dict[str, Relation], release_id: str,
            decorate: Callable[[Path], None] | None = None, append_only: frozenset[str] = frozenset()) -> Release:
    """Copy each relation (published table name -> warehouse relation) into a new release, let
    `decorate` add to the folder (the static pages), then swap it in. The warehouse is the DuckDB
    file's path, or the server (Postgres, Spark) whose tables are read through Arrow.

    The tables named in `append_only` (history never rewritten: the health snapshots) start from
    the previous release: only their days after its last one are copied, and only the months of
    Parquet that gained rows are written (the others are hard links to the previous release's
    files). Whenever the previous release holds other columns, or not as many rows up to its last
    day as the warehouse does (a full refresh that changed history, a changed model), the table is
    copied whole."""
    releases = serving_dir / "releases"
    target = releases / release_id
    building = releases / f".{release_id}{BUILDING_SUFFIX}"
    # The caller holds the warehouse lock, so no other publish is under way: any folder still being
    # built is what a killed publish left behind.
    _remove_abandoned_builds(releases)
    (building / serving.PARQUET_DIR).mkdir(parents=True)
    previous = current_release(serving_dir)
    if append_only and previous is not None and (previous / serving.DATABASE_FILE).exists():
        shutil.copyfile(previous / serving.DATABASE_FILE, building / serving.DATABASE_FILE)
    counts: dict[str, int] = {}
    kept_until: dict[str, dt.date] = {}
    with local_duckdb.connect(building / serving.DATABASE_FILE) as con, _source(con, warehouse) as source_of:
        con.execute(f"create schema if not exists {quote_identifier(serving.SCHEMA)}")
        _drop_unpublished(con, set(relations))
        for name in sorted(relations):
            table_sql = qualified(serving.SCHEMA, name)
            source_sql = source_of(relations[name])
            kept = _kept_until(con, table_sql, source_sql) if name in append_only else None
            if kept is None:
                con.execute(f"create or replace table {table_sql} as select * from {source_sql}")
            else:
                kept_until[name] = kept
                date_sql = quote_identifier(serving.APPEND_DATE_COLUMN)
                con.execute(f"insert into {table_sql} by name select * from {source_sql} where {date_sql} > ?", [kept])
            if name in append_only:
                _write_months(con, table_sql, building / serving.PARQUET_DIR / name,
                              previous / serving.PARQUET_DIR / name if previous and kept else None, kept)
            else:
                parquet = building / serving.PARQUET_DIR / f"{name}.parquet"
                con.execute(f"copy {table_sql} to ? (format parquet, compression zstd)", [str(parquet)])
            for statement_sql in relations[name].comment_statements(table_sql):
                con.execute(statement_sql)  # the dbt descriptions, where a BI tool shows them
            counts[name] = con.sql(f"select count(*) from {table_sql}").fetchall()[0][0]
    if decorate is not None:
        decorate(building)  # still invisible: what it writes becomes current with the tables
    shutil.rmtree(target, ignore_errors=True)
    os.replace(building, target)
    _swap_current(serving_dir, target)
    _prune(releases, keep=target)
    return Release(release_id, target, counts, kept_until)


@contextmanager
def _source(con: duckdb.DuckDBPyConnection, warehouse: Path | PostgresServer | SparkServer) -> Iterator[Callable[[Relation], str]]:
    """relation -> what the release connection reads it as. A DuckDB warehouse is attached
    read-only under its own database name (the file's stem), which is how dbt's relation names
    refer to it; a server's relation (Postgres, Spark) is read into Arrow and registered under a name of its own.
    Paths are bound parameters, names quoted identifiers."""
    if isinstance(warehouse, Path):
        database_sql = quote_identifier(warehouse.stem)
        con.execute(f"attach ? as {database_sql} (read_only)", [str(warehouse)])
        try:
            yield lambda relation: f"{database_sql}.{relation.sql}"
        finally:
            con.execute(f"detach {database_sql}")
        return
    with server_connection(warehouse, read_only=True) as server:
        def read(relation: Relation) -> str:
            name = f"published_{relation.identifier}"
            con.register(name, server.execute(f"select * from {relation.sql}").arrow())
            return quote_identifier(name)

        yield read


def _drop_unpublished(con: duckdb.DuckDBPyConnection, names: set[str]) -> None:
    """Tables the previous release had that are no longer published."""
    present = con.execute("select table_name from information_schema.tables where table_catalog = current_database() "
                          "and table_schema = ?", [serving.SCHEMA]).fetchall()
    for (name,) in present:
        if name not in names:
            con.execute(f"drop table {qualified(serving.SCHEMA, name)}")


def _kept_until(con: duckdb.DuckDBPyConnection, table_sql: str, source_sql: str) -> dt.date | None:
    """The last day of an append-only table the release may keep from the previous one: it has the
    warehouse's columns and as many rows up to that day. None: copy the table whole."""
    try:
        same_columns = _columns(con, table_sql) == _columns(con, source_sql)
    except duckdb.CatalogException:
        return None  # not in the previous release
    date_sql = quote_identifier(serving.APPEND_DATE_COLUMN)
    last = con.execute(f"select max({date_sql}) from {table_sql}").fetchall()[0][0]
    if not same_columns or last is None:
        return None
    ours = con.execute(f"select count(*) from {table_sql}").fetchall()[0][0]
    theirs = con.execute(f"select count(*) from {source_sql} where {date_sql} <= ?", [last]).fetchall()[0][0]
    return last if ours == theirs else None


def _columns(con: duckdb.DuckDBPyConnection, relation_sql: str) -> list[tuple[str, str]]:
    """Names and types, in order. Not nullability: a release's copy (create table as) does not carry
    the NOT NULL constraints of the warehouse's contracted tables, and comparing them made every
    release copy the append-only tables whole."""
    return [(name, column_type) for name, column_type, *_ in con.execute(f"describe {relation_sql}").fetchall()]


def _write_months(con: duckdb.DuckDBPyConnection, table_sql: str, folder: Path, previous: Path | None,
                  kept: dt.date | None) -> None:
    """One Parquet file per month of an append-only table; months wholly up to `kept` are linked
    from the previous release's folder, not written again."""
    folder.mkdir()
    date_sql = quote_identifier(serving.APPEND_DATE_COLUMN)
    months = [m for (m,) in con.execute(f"select distinct strftime({date_sql}, '%Y-%m') from {table_sql} order by 1").fetchall()]
    for month in months:
        first = dt.date.fromisoformat(f"{month}-01")
        after = (first + dt.timedelta(days=32)).replace(day=1)
        target = folder / f"{month}.parquet"
        unchanged = previous is not None and kept is not None and after <= kept + dt.timedelta(days=1)
        if unchanged and (previous / target.name).exists():
            os.link(previous / target.name, target)
            continue
        con.execute(f"copy (select * from {table_sql} where {date_sql} >= ? and {date_sql} < ?) "
                    "to ? (format parquet, compression zstd)", [first, after, str(target)])


def _remove_abandoned_builds(releases: Path) -> None:
    if releases.is_dir():
        for folder in releases.glob(f".*{BUILDING_SUFFIX}"):
            shutil.rmtree(folder, ignore_errors=True)


def current_release(serving_dir: Path) -> Path | None:
    link = serving_dir / "current"
    return link.resolve() if link.exists() else None


def _swap_current(serving_dir: Path, target: Path) -> None:
    tmp_link = serving_dir / ".current.tmp"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(target.relative_to(serving_dir))
    os.replace(tmp_link, serving_dir / "current")  # rename(2) is atomic: readers see old or new


def _prune(releases: Path, keep: Path) -> None:
    done = sorted((p for p in releases.iterdir() if not p.name.startswith(".")), key=lambda p: p.stat().st_mtime)
    for old in done[:-KEEP_RELEASES]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
