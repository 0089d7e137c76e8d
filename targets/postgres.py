"""The `postgres` target: landed Parquet loaded into the server's `landed` schema, and connections.

dbt reads the landed entities as tables of the `landed` schema with the Parquet's columns (the
dbt source `landed`). Loading takes in only what changed since the last load, as dbt's
incremental staging expects: each batch is recorded in the source table `landed_batches` with the
version it was landed with (ingest/landing.py's manifest: the file's sha256 and the contract); a
batch that is new or was replaced is (re)loaded with bulk COPY, a batch whose landed files went
away is deleted. Each entity is loaded in one transaction, so a build never sees half of one.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import psycopg2
import pyarrow as pa

from ingest import contract, landing
from runtime import relations
from runtime.settings import PostgresServer
from runtime.sql import qualified, quote_identifier
from targets.column_types import column_type
from targets.landed import (BATCHES_TABLE, LANDED_SOURCE, NEWS_LANDED_SOURCE, QUARANTINE_TABLE, LandedBatch,
                            landed_batches, landed_news_tables)



def open_connection(server: PostgresServer) -> Any:
    """A new psycopg2 connection to the warehouse database (no password: the server's trust or
    peer authentication, or libpq's own password file)."""
    return psycopg2.connect(host=server.host, port=server.port, user=server.user, dbname=server.database,
                            password=server.password or None, application_name="relintel")


@contextmanager
def connect(server: PostgresServer) -> Iterator[Any]:
    """A psycopg2 connection to the warehouse database, closed on exit (commit is the caller's)."""
    con = open_connection(server)
    try:
        yield con
    finally:
        con.close()


@dataclass
class LoadSummary:
    loaded: int = 0  # batches (re)loaded
    deleted: int = 0  # batches whose rows were deleted: replaced or gone
    rows: int = 0  # data rows copied


def ensure_table(cur, relation: relations.Relation, schema: pa.Schema) -> None:
    """Create the table (and its schema) with these columns, or add the ones it lacks: rows
    written before read null there."""
    columns_sql = ", ".join(f"{quote_identifier(f.name)} {column_type(f.type, 'postgres')}" for f in schema)
    cur.execute(f"create schema if not exists {quote_identifier(relation.schema)}")
    cur.execute(f"create table if not exists {relation.sql} ({columns_sql})")
    cur.execute("select column_name from information_schema.columns where table_schema = %s and table_name = %s",
                (relation.schema, relation.identifier))
    have = {name for (name,) in cur.fetchall()}
    for f in schema:
        if f.name not in have:
            type_sql = column_type(f.type, "postgres")
            cur.execute(f"alter table {relation.sql} add column {quote_identifier(f.name)} {type_sql}")


def _csv_select(schema: pa.Schema) -> str:
    """DuckDB's select of a landed file's columns as Postgres reads them in CSV: lists as array
    literals (each element double-quoted, backslashes and quotes escaped), everything else as is."""
    items = []
    for f in schema:
        name = quote_identifier(f.name)
        if pa.types.is_list(f.type):
            element = "'\"' || replace(replace(e, '\\', '\\\\'), '\"', '\\\"') || '\"'"
            items.append(f"case when {name} is null then null else "
                         f"'{{' || array_to_string(list_transform({name}, lambda e: {element}), ',') || '}}' end as {name}")
        else:
            items.append(name)
    return ", ".join(items)


def _copy_reader(cur, relation: relations.Relation, names: list[str], reader) -> int:
    """COPY the record batches of `reader` (columns `names`, lists already written as array
    literals) into the table through a CSV file; returns the rows copied."""
    import pyarrow.csv

    rows = 0
    columns_sql = ", ".join(quote_identifier(n) for n in names)
    # Every value quoted and nulls not: Postgres reads an unquoted empty field as null and "" as
    # the empty string.
    options = pyarrow.csv.WriteOptions(include_header=False, quoting_style="all_valid")
    with tempfile.TemporaryFile() as csv:
        with pyarrow.csv.CSVWriter(csv, reader.schema, write_options=options) as writer:
            for batch in reader:
                writer.write_batch(batch)
                rows += batch.num_rows
        csv.seek(0)
        cur.copy_expert(f"copy {relation.sql} ({columns_sql}) from stdin with (format csv, header false)", csv)
    return rows


def _copy_query(cur, relation: relations.Relation, schema: pa.Schema, from_sql: str, parameters: list,
                table: pa.Table | None = None) -> int:
    """COPY the rows of a DuckDB `from` clause (over `table`, registered as `incoming`, or over
    files named by `parameters`) into the table, a record batch at a time."""
    with duckdb.connect() as local:
        local.execute("set TimeZone = 'UTC'")
        if table is not None:
            local.register("incoming", table)
        select_sql = _csv_select(schema)
        reader = local.sql(f"select {select_sql} from {from_sql}", params=parameters or None).to_arrow_reader(100_000)
        return _copy_reader(cur, relation, schema.names, reader)


def copy_arrow(cur, relation: relations.Relation, table: pa.Table) -> int:
    """Bulk-append an Arrow table's rows into the table (its columns by name)."""
    return _copy_query(cur, relation, table.schema, "incoming", [], table)


def _copy_files(cur, relation: relations.Relation, schema: pa.Schema, files: list[Path]) -> int:
    """Bulk-copy the rows of landed Parquet files into the table (the files a bound parameter)."""
    if not files:
        return 0
    return _copy_query(cur, relation, schema, "read_parquet(?, union_by_name = true)", [[str(p) for p in files]])


def _load_entity(cur, landed_dir: Path, entity: str, relation: relations.Relation, schema: pa.Schema,
                 batches_relation: relations.Relation) -> LoadSummary:
    """Bring one entity's landed table and its quarantine rows in line with the landed folder."""
    ensure_table(cur, relation, schema)
    landed_now = landed_batches(landed_dir, entity)
    cur.execute(f"select storage_key, batch_id, batch_version from {batches_relation.sql} where entity = %s order by 1",
                (entity,))
    loaded = {key: LandedBatch(entity, key, batch_id, version) for key, batch_id, version in cur.fetchall()}
    stale = [b for key, b in loaded.items() if landed_now.get(key) != b]
    fresh = [b for key, b in landed_now.items() if loaded.get(key) != b]
    quarantine = relations.load().source(LANDED_SOURCE, QUARANTINE_TABLE)
    for batch in stale:
        cur.execute(f"delete from {relation.sql} where _batch_id = %s", (batch.batch_id,))
        cur.execute(f"delete from {quarantine.sql} where entity = %s and batch_id = %s", (entity, batch.batch_id))
        cur.execute(f"delete from {batches_relation.sql} where entity = %s and storage_key = %s", (entity, batch.storage_key))
    data = [landed_dir / entity / f"{b.storage_key}.parquet" for b in fresh]
    rows = _copy_files(cur, relation, schema, [p for p in data if p.exists()])
    rejected = [landed_dir / landing.QUARANTINE_DIR / entity / f"{b.storage_key}.parquet" for b in fresh]
    _copy_files(cur, quarantine, landing.QUARANTINE_SCHEMA, [p for p in rejected if p.exists()])
    for batch in fresh:
        cur.execute(f"insert into {batches_relation.sql} (entity, storage_key, batch_id, batch_version) values (%s, %s, %s, %s)",
                    (entity, batch.storage_key, batch.batch_id, batch.version))
    return LoadSummary(loaded=len(fresh), deleted=len(stale), rows=rows)


def load_landed(landed_dir: Path, server: PostgresServer, progress: Callable[[str], None] = print) -> LoadSummary:
    """Make the server's `landed` tables hold what the landed folder holds, loading only batches
    that are new or replaced; one transaction per entity."""
    summary = LoadSummary()
    sources = relations.load()
    batches_relation = sources.source(LANDED_SOURCE, BATCHES_TABLE)
    with connect(server) as con:
        with con, con.cursor() as cur:
            cur.execute(f"create schema if not exists {quote_identifier(batches_relation.schema)}")
            cur.execute(f"create table if not exists {batches_relation.sql} (entity text not null, storage_key text not null, "
                        "batch_id text not null, batch_version text not null, primary key (entity, storage_key))")
            ensure_table(cur, sources.source(LANDED_SOURCE, QUARANTINE_TABLE), landing.QUARANTINE_SCHEMA)
            # Landed timestamps are UTC and the models take their days in UTC, as on DuckDB: every
            # later session of this role in this database (dbt's included) runs in UTC.
            cur.execute(f"alter role current_user in database {quote_identifier(server.database)} set timezone to 'UTC'")
        for entity in sorted(contract.ENTITIES):
            with con, con.cursor() as cur:
                done = _load_entity(cur, landed_dir, entity, sources.source(LANDED_SOURCE, entity),
                                    contract.entity(entity).landed_schema(), batches_relation)
            if done.loaded or done.deleted:
                progress(f"landed -> postgres: {entity}: {done.loaded} batches loaded ({done.rows:,} rows), {done.deleted} removed")
            summary = LoadSummary(summary.loaded + done.loaded, summary.deleted + done.deleted, summary.rows + done.rows)
    return summary


def load_news(folders: dict[str, Path], server: PostgresServer, progress: Callable[[str], None] = print) -> int:
    """Replace the server's landed news tables (source `news_landed`: table name -> the landed
    folder of its files) with what the folders hold, each table in one transaction; returns the
    rows copied. News is a few thousand rows a year, so it is copied whole rather than by batch."""
    sources = relations.load()
    copied = 0
    with connect(server) as con:
        for table, folder, schema in landed_news_tables(folders):
            relation = sources.source(NEWS_LANDED_SOURCE, table)
            with con, con.cursor() as cur:
                ensure_table(cur, relation, schema)
                cur.execute(f"truncate {relation.sql}")
                rows = _copy_files(cur, relation, schema, sorted(folder.glob("*.parquet")))
            progress(f"landed news -> postgres: {table}: {rows:,} rows")
            copied += rows
    return copied


def publish_schema(server: PostgresServer, tables: dict[str, relations.Relation], schema: str, release_id: str) -> dict[str, int]:
    """Copy the published tables (name -> warehouse relation) into a new schema, then make it
    `schema` in one transaction: a BI tool connected to the server sees the whole previous release
    or the whole new one, never a missing table or half a run. Returns each table's row count."""
    building_sql = quote_identifier(f"{schema}__{release_id}")
    previous_sql = quote_identifier(f"{schema}__previous")
    with connect(server) as con:
        with con, con.cursor() as cur:
            cur.execute(f"drop schema if exists {building_sql} cascade")
            cur.execute(f"create schema {building_sql}")
            counts = {}
            for name in sorted(tables):
                target_sql = f"{building_sql}.{quote_identifier(name)}"
                cur.execute(f"create table {target_sql} as select {tables[name].published_columns_sql} from {tables[name].sql}")
                counts[name] = cur.rowcount
                for statement_sql in tables[name].comment_statements(target_sql):
                    cur.execute(statement_sql)  # the dbt descriptions, where a BI tool shows them
        try:
            _swap_schemas(con, building_sql, schema, previous_sql)
        except RuntimeError:
            with con, con.cursor() as cur:
                cur.execute(f"drop schema if exists {building_sql} cascade")  # a whole copy nobody reads
            raise
        with con, con.cursor() as cur:
            # A reader still inside the old tables holds them; the next publish drops them then.
            cur.execute("set local lock_timeout = '5s'")
            try:
                cur.execute(f"drop schema if exists {previous_sql} cascade")
            except psycopg2.errors.LockNotAvailable:  # left for the next publish
                con.rollback()
    return counts


# The swap takes the published tables only when it can take them all within SWAP_LOCK_TIMEOUT;
# otherwise it lets go of the ones it holds and tries again, for up to SWAP_WAIT_SECONDS in all.
SWAP_LOCK_TIMEOUT = "200ms"
SWAP_WAIT_SECONDS = 600


def _swap_schemas(con: Any, building_sql: str, schema: str, previous_sql: str) -> None:
    """Rename the published schema away and the built one in its place, in one transaction.

    A statement resolves each table name on its own, as it reaches it: between two names the renames
    could commit, and one statement would count a table of each release. So the swap first takes every
    published table exclusively: a statement that has locked one old table finishes on the old
    release before the swap goes on, and a statement that comes later waits and then finds only the
    new tables. The swap never waits long while it holds some of them: a reader holding a later
    table and waiting for an earlier one would be a deadlock, and the reader might be the one
    Postgres cancels."""
    deadline = time.monotonic() + SWAP_WAIT_SECONDS
    while True:
        try:
            with con, con.cursor() as cur:
                cur.execute("set local lock_timeout = %s", (SWAP_LOCK_TIMEOUT,))
                # What a killed publish left is removed first; then two renames, one commit.
                cur.execute(f"drop schema if exists {previous_sql} cascade")
                cur.execute("select count(*) from information_schema.schemata where schema_name = %s", (schema,))
                if cur.fetchone()[0]:
                    cur.execute("select tablename from pg_catalog.pg_tables where schemaname = %s order by 1", (schema,))
                    published = [qualified(schema, name) for (name,) in cur.fetchall()]
                    if published:
                        cur.execute(f"lock table {', '.join(published)} in access exclusive mode")
                    cur.execute(f"alter schema {quote_identifier(schema)} rename to {previous_sql}")
                cur.execute(f"alter schema {building_sql} rename to {quote_identifier(schema)}")
            return
        except psycopg2.errors.LockNotAvailable as exc:
            if time.monotonic() > deadline:
                raise RuntimeError(f"readers held the published schema {schema!r} for {SWAP_WAIT_SECONDS} s; "
                                   "the new release was not swapped in") from exc
            time.sleep(0.05)
