"""Publish tables for BI tools: a complete release is built aside, then swapped in atomically.

    <serving_dir>/releases/<release_id>/...    the release's files (runtime/serving.py)
    <serving_dir>/current -> releases/<release_id>        (a symlink, replaced in one rename)

A BI tool opens `current/relintel.duckdb` (read-only) or `current/parquet/*.parquet` (and
`current/parquet/<table>/*.parquet` for the tables published by month: the facts and the health
snapshots, one file a month; in the DuckDB file they are views over those files). It never
sees half a run, and never waits on the pipeline's DuckDB lock, because the pipeline never
writes a file that has already been published.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from runtime import local_duckdb, serving
from runtime.relations import WRITER_COLUMN, Relation
from runtime.settings import PostgresServer, SparkServer
from runtime.sql import qualified, quote_identifier, quote_literal
from targets.warehouse import server_connection

BUILDING_SUFFIX = ".building"  # a release folder while it is written: hidden, renamed when complete
KEEP_RELEASES = 3  # older releases are pruned; a reader still holding one open keeps its data
UNDATED = "undated"  # the month of rows whose month column is null
SCRATCH_FILE = ".months.duckdb"  # where a release gathers the months it writes; deleted after each table
SCHEMA_FILE = "_columns.parquet"  # the file of a table published by month that has no rows: its columns


@dataclass(frozen=True)
class Release:
    release_id: str
    path: Path
    tables: dict[str, int]  # published table -> row count
    months: dict[str, MonthsWritten]  # table published by month -> which of its months were written


@dataclass(frozen=True)
class MonthsWritten:
    written: tuple[str, ...]  # months copied from the warehouse ("YYYY-MM", or UNDATED)
    kept: int  # months taken over unchanged from the previous release


def publish(warehouse: Path | PostgresServer | SparkServer, serving_dir: Path, relations: dict[str, Relation], release_id: str,
            decorate: Callable[[Path], None] | None = None, *, memory_limit: str | None = None) -> Release:
    """Copy each relation (published table name -> warehouse relation) into a new release, let
    `decorate` add to the folder (the static pages), then swap it in. The warehouse is the DuckDB
    file's path, or the server (Postgres, Spark) whose tables are read through Arrow.

    A relation with a `month_column` (the facts and the health snapshots, the tables that grow
    with history) is published month by month, as Parquet files the release's DuckDB file reads
    through a view: a month whose rows are the same as in the previous release (same count and
    fingerprint, same columns) is kept from it as a hard link of its file. Only the months that
    changed are written, which on a nightly run is the last one or two; after a full refresh that
    changed history, every changed month is. The release's DuckDB file holds the other tables and
    the views, so a night neither copies nor rewrites the history. The rows of a month are hashed
    for its fingerprint only when a build may have written them since the previous release
    (_month_fingerprints).

    `memory_limit` bounds the release's DuckDB (the pipeline's setting by default): beyond it the
    sort of the months being written spills to disk."""
    releases = serving_dir / "releases"
    target = releases / release_id
    building = releases / f".{release_id}{BUILDING_SUFFIX}"
    # The caller holds the warehouse lock, so no other publish is under way: any folder still being
    # built is what a killed publish left behind.
    _remove_abandoned_builds(releases)
    (building / serving.PARQUET_DIR).mkdir(parents=True)
    previous = current_release(serving_dir)
    previous_months = _read_months(previous)
    counts: dict[str, int] = {}
    months: dict[str, MonthsWritten] = {}
    recorded: dict[str, dict] = {}
    with (local_duckdb.connect(building / serving.DATABASE_FILE, memory_limit=memory_limit) as con,
          _source(con, warehouse) as (source_of, whole_of)):
        con.execute(f"create schema if not exists {quote_identifier(serving.SCHEMA)}")
        for name in sorted(relations):
            relation = relations[name]
            table_sql = qualified(serving.SCHEMA, name)
            source_sql = source_of(relation)
            if relation.month_column is None:
                con.execute(f"create table {table_sql} as select * from {source_sql}")
                parquet = building / serving.PARQUET_DIR / f"{name}.parquet"
                con.execute(f"copy {table_sql} to ? (format parquet, compression zstd)", [str(parquet)])
            else:
                whole_sql = whole_of(relation) if relation.marks_writers else None
                before = previous_months.get(name, {})
                columns = [list(column) for column in _columns(con, source_sql)]
                fingerprints = _month_fingerprints(con, source_sql, whole_sql, relation.month_column, before.get("months", {}))
                kept = before.get("months", {}) if before.get("columns") == columns else {}
                folder = building / serving.PARQUET_DIR / name
                months[name] = _write_months(con, source_sql, relation.month_column, fingerprints, kept, folder,
                                             previous / serving.PARQUET_DIR / name if kept else None,
                                             building / SCRATCH_FILE)
                recorded[name] = {"columns": columns, "months": fingerprints}
            _describe(con, relation, table_sql, building / serving.PARQUET_DIR / name if relation.month_column else None)
            counts[name] = con.sql(f"select count(*) from {table_sql}").fetchall()[0][0]
    (building / serving.MONTHS_FILE).write_text(json.dumps(recorded, indent=1, sort_keys=True))
    if decorate is not None:
        decorate(building)  # still invisible: what it writes becomes current with the tables
    shutil.rmtree(target, ignore_errors=True)
    os.replace(building, target)
    # The views name their files by path: now the release's own, before anyone can open it.
    with local_duckdb.connect(target / serving.DATABASE_FILE, memory_limit=memory_limit) as con:
        for name in sorted(recorded):
            _describe(con, relations[name], qualified(serving.SCHEMA, name), target / serving.PARQUET_DIR / name)
    _swap_current(serving_dir, target)
    _prune(releases, keep=target)
    return Release(release_id, target, counts, months)


SourceOf = Callable[[Relation], str]
WholeOf = Callable[[Relation], str | None]


@contextmanager
def _source(con: duckdb.DuckDBPyConnection, warehouse: Path | PostgresServer | SparkServer) -> Iterator[tuple[SourceOf, WholeOf]]:
    """(relation -> what the release connection reads it as, relation -> its whole table with the
    unpublished columns too, or None where that is not at hand). A DuckDB warehouse is attached
    read-only under its own database name (the file's stem), which is how dbt's relation names
    refer to it; a server's relation (Postgres, Spark) is read into Arrow and registered under a
    name of its own, and only the columns a release publishes are read (Relation.published_columns_sql).
    Paths are bound parameters, names quoted identifiers."""
    if isinstance(warehouse, Path):
        database_sql = quote_identifier(warehouse.stem)
        con.execute(f"attach ? as {database_sql} (read_only)", [str(warehouse)])

        def whole(relation: Relation) -> str:
            return f"{database_sql}.{relation.sql}"

        def attached(relation: Relation) -> str:
            columns_sql, table_sql = relation.published_columns_sql, whole(relation)
            return table_sql if columns_sql == "*" else f"(select {columns_sql} from {table_sql})"

        try:
            yield attached, whole
        finally:
            con.execute(f"detach {database_sql}")
        return
    with server_connection(warehouse, read_only=True) as server:
        def read(relation: Relation) -> str:
            name = f"published_{relation.identifier}"
            con.register(name, server.execute(f"select {relation.published_columns_sql} from {relation.sql}").arrow())
            return quote_identifier(name)

        yield read, lambda relation: None


def _read_months(release: Path | None) -> dict[str, dict]:
    """The previous release's record per table published by month: its `columns` (name and type)
    and its `months` (month -> fingerprint); none when there is no previous release, or it was
    written before the months were kept as files (its tables are then written whole once)."""
    if release is None or not (release / serving.MONTHS_FILE).exists():
        return {}
    recorded = json.loads((release / serving.MONTHS_FILE).read_text())
    return {name: table for name, table in recorded.items() if isinstance(table, dict) and "months" in table}


def _month_fingerprints(con: duckdb.DuckDBPyConnection, relation_sql: str, whole_sql: str | None, month_column: str,
                        previous: dict[str, list]) -> dict[str, list]:
    """month -> [rows, fingerprint (_fingerprints), the dbt invocations that wrote its rows (a
    digest; None when unknown)]. `whole_sql`, when given, is the relation with its writer column
    (Relation.marks_writers): every build marks the rows it writes, so a month with the same rows
    count and the same writers as the `previous` release recorded has not been written since and
    keeps its recorded fingerprint. Only the other months' rows are hashed: on a nightly run the
    last one or two, not the history."""
    if whole_sql is None:
        return {month: [*counted, None] for month, counted in _fingerprints(con, relation_sql, month_column).items()}
    writers = _writers(con, whole_sql, month_column)
    known = {month: previous[month][:2] for month, (count, written_by) in writers.items()
             if len(previous.get(month, ())) == 3 and previous[month][0] == count and previous[month][2] == written_by}
    unknown = sorted(set(writers) - set(known))
    since = min((month for month in unknown if month != UNDATED), default=None)
    hashed = _fingerprints(con, relation_sql, month_column, since) if unknown else {}
    return {month: [*(known[month] if month in known else hashed[month]), written_by]
            for month, (_, written_by) in writers.items()}


def _writers(con: duckdb.DuckDBPyConnection, whole_sql: str, month_column: str) -> dict[str, list]:
    """month -> [rows, a digest of the distinct dbt invocations that wrote them]: a read of two
    columns, not of the rows, counted per month and writer (a few groups) before the months are
    named and their writers joined (at ten million activities 2.3 CPU-s for every table published
    by month, where naming each row's month and gathering distinct writers per month took 11.8)."""
    date_sql, writer_sql = quote_identifier(month_column), quote_identifier(WRITER_COLUMN)
    rows = con.execute(f"select coalesce(strftime(month_start, '%Y-%m'), ?) as month, cast(sum(rows_written) as bigint), "
                       f"md5(coalesce(string_agg({writer_sql}, ',' order by {writer_sql}), '')) "
                       f"from (select date_trunc('month', {date_sql}) as month_start, {writer_sql}, count(*) as rows_written "
                       f"from {whole_sql} group by all) as per_writer group by all order by all", [UNDATED]).fetchall()
    return {month: [count, written_by] for month, count, written_by in rows}


def _fingerprints(con: duckdb.DuckDBPyConnection, relation_sql: str, month_column: str,
                  since: str | None = None) -> dict[str, list]:
    """month -> [rows, the sum of the rows' hashes as text]: equal for two copies of the same rows,
    whatever their order. Rows without a date are the month UNDATED. With `since` (a month), only
    that month, the later ones and UNDATED."""
    date_sql = quote_identifier(month_column)
    where_sql, params = (f"{date_sql} is null or {date_sql} >= ?", [dt.date.fromisoformat(f"{since}-01")]) if since else ("true", [])
    rows = con.execute(f"select coalesce(strftime({date_sql}, '%Y-%m'), ?) as month, count(*), "
                       f"cast(sum(hash(published_row)) as varchar) from {relation_sql} as published_row "
                       f"where {where_sql} group by all order by all", [UNDATED, *params]).fetchall()
    return {month: [count, fingerprint] for month, count, fingerprint in rows}


def _columns(con: duckdb.DuckDBPyConnection, relation_sql: str) -> list[tuple[str, str]]:
    return [(name, column_type) for name, column_type, *_ in con.execute(f"describe {relation_sql}").fetchall()]


def _write_months(con: duckdb.DuckDBPyConnection, source_sql: str, month_column: str, fingerprints: dict[str, list],
                  kept: dict[str, list], folder: Path, previous: Path | None, scratch: Path) -> MonthsWritten:
    """One Parquet file per month of the warehouse's rows in `folder`: a hard link of the previous
    release's file (in `previous`) where `kept`, its fingerprints, say the month's rows are the
    same; else written from the warehouse. The months to write are first gathered, sorted by date,
    in a table of `scratch` (a DuckDB file of its own, deleted afterwards: stored compressed, where a
    temporary table would spill to disk uncompressed, at ten million activities more than the
    disk had), so each month is a contiguous range read by its blocks' min/max dates instead of a
    scan of the whole warehouse table per month."""
    folder.mkdir()
    to_write = []
    for month in sorted(fingerprints):
        file = folder / f"{month}.parquet"
        if _same_rows(kept.get(month), fingerprints[month]) and previous is not None and (previous / file.name).exists():
            os.link(previous / file.name, file)
        else:
            to_write.append(month)
    date_sql = quote_identifier(month_column)
    if to_write:
        filters = [_month_filter(date_sql, month) for month in to_write]
        # every month (a first release): the whole table, not a condition per month on every row
        everything = len(to_write) == len(fingerprints)
        where_sql = "true" if everything else " or ".join(f"({condition_sql})" for condition_sql, _ in filters)
        con.execute("attach ? as months_scratch", [str(scratch)])
        try:
            con.execute(f"create table months_scratch.months_written as select * from {source_sql} where {where_sql} "
                        f"order by {date_sql}", [] if everything else [value for _, params in filters for value in params])
            for month, (condition_sql, params) in zip(to_write, filters):
                con.execute(f"copy (select * from months_scratch.months_written where {condition_sql}) to ? "
                            "(format parquet, compression zstd)", [*params, str(folder / f"{month}.parquet")])
        finally:
            con.execute("detach months_scratch")
            for leftover in (scratch, scratch.with_name(f"{scratch.name}.wal")):
                leftover.unlink(missing_ok=True)
    if not fingerprints:
        # no rows: a file with the columns alone, so the view has them
        con.execute(f"copy (select * from {source_sql} limit 0) to ? (format parquet)", [str(folder / SCHEMA_FILE)])
    return MonthsWritten(tuple(to_write), len(fingerprints) - len(to_write))


def _describe(con: duckdb.DuckDBPyConnection, relation: Relation, table_sql: str, month_files: Path | None) -> None:
    """Give the release's table its dbt descriptions, where a BI tool shows them; a table published
    by month is first (re)made the view of its files in `month_files`, named by path (each through
    the quoting helper: a view cannot take bound parameters), which a view made again forgets."""
    if month_files is not None:
        files_sql = ", ".join(quote_literal(str(path)) for path in sorted(month_files.glob("*.parquet")))
        con.execute(f"create or replace view {table_sql} as select * from read_parquet([{files_sql}])")
    for statement_sql in relation.comment_statements(table_sql):
        con.execute(statement_sql)


def _same_rows(recorded: list | None, found: list | None) -> bool:
    """Whether two records of a month (rows, fingerprint, writers) are of the same rows, whoever
    wrote them: a night rewriting a month's rows as they were leaves it as it was."""
    return recorded is not None and found is not None and recorded[:2] == found[:2]


def _month_filter(date_sql: str, month: str) -> tuple[str, list]:
    """The SQL condition (and its parameters) selecting one month's rows of a date column."""
    if month == UNDATED:
        return f"{date_sql} is null", []
    first = dt.date.fromisoformat(f"{month}-01")
    return f"{date_sql} >= ? and {date_sql} < ?", [first, (first + dt.timedelta(days=32)).replace(day=1)]


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
