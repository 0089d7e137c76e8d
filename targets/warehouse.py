"""The warehouse connection Python steps use, whatever RI_TARGET is.

On DuckDB it is DuckDB's own connection to the warehouse file. On PostgreSQL and on Spark it is a
connection with the small part of DuckDB's interface the steps use (`execute` with `?` parameters,
then `fetchall`, `fetchone`, `df` or `arrow`), so a reader is written once. Writing a whole table differs
by engine and has its helpers here (`replace_table`, `replace_rows`). Values are bound parameters
everywhere; identifiers come quoted from runtime.relations or runtime.sql.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import psycopg2
import pyarrow as pa

from runtime import local_duckdb
from runtime.relations import Relation
from runtime.settings import PostgresServer, Settings, SparkServer
from runtime.sql import quote_identifier
from targets import spark
from targets.postgres import copy_arrow, ensure_table, open_connection

if TYPE_CHECKING:
    import pandas as pd


@contextmanager
def connect(cfg: Settings, *, read_only: bool = False) -> Iterator[Warehouse]:
    """The run's warehouse: DuckDB's connection to the warehouse file, a PostgresConnection or a
    SparkConnection. Its callers read into data frames: DuckDB gets their share of memory."""
    if cfg.target == "duckdb":
        con = local_duckdb.connect(cfg.warehouse_path, read_only=read_only, memory_limit=cfg.duckdb_frames_memory_limit)
    else:
        con = server_connection(cfg.postgres if cfg.target == "postgres" else cfg.spark, read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def server_connection(server: PostgresServer | SparkServer, *, read_only: bool = False) -> PostgresConnection | SparkConnection:
    """A connection to a server warehouse (closed by the caller, or used as a context manager)."""
    if isinstance(server, SparkServer):
        return SparkConnection(server)
    return PostgresConnection(server, read_only=read_only)


def is_duckdb(con: Warehouse) -> bool:
    return isinstance(con, duckdb.DuckDBPyConnection)


def _pyformat(sql: str) -> str:
    """DuckDB's `?` placeholders (outside quoted text) as psycopg2's `%s`, and every literal `%`
    doubled, as psycopg2 expects of a statement it is given parameters for."""
    out, quote = [], None
    for ch in sql:
        if quote:
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
        elif ch == "?":
            out.append("%s")
            continue
        if ch == "%":
            out.append("%%")
            continue
        out.append(ch)
    return "".join(out)


# Postgres type oids -> the DuckDB types a query's result is read back as (others: as text)
_DUCKDB_TYPES = {
    16: "BOOLEAN", 20: "BIGINT", 21: "SMALLINT", 23: "INTEGER", 700: "FLOAT", 701: "DOUBLE", 1700: "DOUBLE",
    1082: "DATE", 1114: "TIMESTAMP", 1184: "TIMESTAMPTZ",
}
_TEXT_ARRAYS = {1009, 1015}  # text[] and varchar[]: travel as JSON, arrive as lists
_QUERY = re.compile(r"\s*(select|with)\b", re.IGNORECASE)


class PostgresConnection:
    """A Postgres connection speaking the part of DuckDB's connection interface the steps use.
    Autocommit, as DuckDB: `begin transaction` ... `commit` makes a transaction.

    A query runs when its result is asked for: `fetchall`/`fetchone` through a cursor; `df`/`arrow`
    as one COPY to a CSV file that DuckDB reads with the query's own column types, so a million
    rows cost what the engines take to write and parse them, not a Python object per value."""

    def __init__(self, server: PostgresServer, *, read_only: bool = False):
        self._con = open_connection(server)
        self._con.set_session(readonly=read_only, autocommit=True)
        self._cursor = None
        self._query_sql: str | None = None  # a query whose result is still to be read

    def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> PostgresConnection:
        cursor = self._con.cursor()
        # Parameters are bound by psycopg2 (client side, as it always does), so the text can travel
        # inside a COPY; psycopg2 reads % as a placeholder only when given parameters.
        statement_sql = sql if parameters is None else cursor.mogrify(_pyformat(sql), tuple(parameters)).decode()
        self._cursor, self._query_sql = None, None
        if _QUERY.match(statement_sql):
            self._query_sql = statement_sql
        else:
            cursor.execute(statement_sql)
            self._cursor = cursor
        return self

    def sql(self, sql: str) -> PostgresConnection:
        return self.execute(sql)

    def _ran(self):
        if self._query_sql is not None:
            self._cursor = self._con.cursor()
            self._cursor.execute(self._query_sql)
            self._query_sql = None
        return self._cursor

    def fetchall(self) -> list[tuple]:
        return self._ran().fetchall()

    def fetchone(self) -> tuple | None:
        return self._ran().fetchone()

    def arrow(self) -> pa.Table:
        """The query's result as an Arrow table, with the types DuckDB gives the same columns."""
        query_sql, self._query_sql = self._query_sql, None
        with self._con.cursor() as cursor:
            cursor.execute(f"select * from ({query_sql}) as result limit 0")
            columns = [(c.name, c.type_code) for c in cursor.description]
            if len({name for name, _ in columns}) < len(columns):
                raise ValueError("a query read as a table needs distinct column names")
            select_sql = ", ".join(f"array_to_json({quote_identifier(n)})" if t in _TEXT_ARRAYS else quote_identifier(n)
                                   for n, t in columns)
            with tempfile.TemporaryDirectory(prefix="relintel-read-") as folder:
                csv = Path(folder) / "result.csv"
                with csv.open("wb") as out:
                    cursor.copy_expert(f"copy (select {select_sql} from ({query_sql}) as result) to stdout with (format csv)", out)
                with duckdb.connect() as local:
                    local.execute("set TimeZone = 'UTC'")
                    typed_sql = ", ".join(f"cast(cast({quote_identifier(n)} as json) as varchar[]) as {quote_identifier(n)}"
                                          if t in _TEXT_ARRAYS else quote_identifier(n) for n, t in columns)
                    # Postgres writes null unquoted and the empty string as "": both kept apart.
                    return local.sql(f"select {typed_sql} from read_csv(?, header = false, auto_detect = false, "
                                     "allow_quoted_nulls = false, columns = ?)",
                                     params=[str(csv), {n: _DUCKDB_TYPES.get(t, "VARCHAR") for n, t in columns}]).to_arrow_table()

    to_arrow_table = arrow

    def df(self) -> pd.DataFrame:
        """The result as DuckDB would convert it to pandas (the same dtypes on every target)."""
        table = self.arrow()
        return duckdb.from_arrow(table).df()

    def ensure_table(self, relation: Relation, schema: pa.Schema) -> None:
        """Create the table with these columns, or add the ones it lacks."""
        with self._con.cursor() as cursor:
            ensure_table(cursor, relation, schema)

    def copy_in(self, relation: Relation, table: pa.Table) -> None:
        """Bulk-append an Arrow table's rows (its columns by name) with COPY."""
        with self._con.cursor() as cursor:
            copy_arrow(cursor, relation, table)

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> PostgresConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_TRANSACTION = re.compile(r"\s*(begin|commit|rollback)\b", re.IGNORECASE)


class SparkConnection:
    """A Spark Connect session speaking the part of DuckDB's connection interface the steps use.
    Spark has no transactions: `begin`, `commit` and `rollback` are accepted and do nothing, so a
    table written by a step is replaced whole (replace_table, replace_rows) rather than edited.
    Results travel as Arrow record batches."""

    def __init__(self, server: SparkServer):
        self.spark = spark.open_session(server)
        self._frame = None

    def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> SparkConnection:
        self._frame = None
        if _TRANSACTION.match(sql):
            return self
        with spark.engine_errors():
            # Spark Connect runs a command (DDL, insert) here, a query when its result is read
            self._frame = self.spark.sql(sql, args=list(parameters)) if parameters else self.spark.sql(sql)
        return self

    def sql(self, sql: str) -> SparkConnection:
        return self.execute(sql)

    def fetchall(self) -> list[tuple]:
        with spark.engine_errors():
            return [tuple(row) for row in self._frame.collect()]

    def fetchone(self) -> tuple | None:
        with spark.engine_errors():
            rows = self._frame.take(1)
        return tuple(rows[0]) if rows else None

    def arrow(self) -> pa.Table:
        """The query's result as an Arrow table: Spark's instants as UTC timestamps."""
        with spark.engine_errors():
            return self._frame.toArrow()

    to_arrow_table = arrow

    def df(self) -> pd.DataFrame:
        """The result as DuckDB would convert it to pandas (the same dtypes on every target)."""
        return duckdb.from_arrow(self.arrow()).df()

    def table_exists(self, relation: Relation) -> bool:
        return self.spark.catalog.tableExists(relation.identifier, relation.schema)

    def column_names(self, relation: Relation) -> list[str]:
        return [column.name for column in self.spark.catalog.listColumns(relation.identifier, relation.schema)]

    def write_table(self, relation: Relation, table: pa.Table) -> None:
        spark.write_table(self.spark, relation, table)

    def close(self) -> None:
        self.spark.stop()

    def __enter__(self) -> SparkConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# What `connect` gives: a step's connection to the warehouse, whatever the target, and what its
# statements raise when the engine refuses them.
Warehouse = duckdb.DuckDBPyConnection | PostgresConnection | SparkConnection
ENGINE_ERRORS = (duckdb.Error, psycopg2.Error, spark.SparkError)


def table_exists(con: Warehouse, relation: Relation) -> bool:
    if isinstance(con, SparkConnection):
        return con.table_exists(relation)
    return con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                       [relation.schema, relation.identifier]).fetchall()[0][0] > 0


def column_names(con: Warehouse, relation: Relation) -> list[str]:
    if isinstance(con, SparkConnection):
        return con.column_names(relation)
    return [name for (name,) in con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
        "order by ordinal_position", [relation.schema, relation.identifier]).fetchall()]


def replace_table(con: Warehouse, relation: Relation, table: pa.Table) -> None:
    """Make `relation` hold exactly `table` (created in its schema when missing), in the caller's
    transaction."""
    if is_duckdb(con):
        con.execute(f"create schema if not exists {quote_identifier(relation.schema)}")
        con.register("incoming", table)
        con.execute(f"create or replace table {relation.sql} as select * from incoming")
        con.unregister("incoming")
        return
    if isinstance(con, SparkConnection):
        con.write_table(relation, table)
        return
    con.execute(f"drop table if exists {relation.sql}")
    con.ensure_table(relation, table.schema)
    con.copy_in(relation, table)


def replace_rows(con: Warehouse, relation: Relation, table: pa.Table, key_column: str) -> None:
    """Write `table` into `relation`, replacing the rows whose `key_column` value it holds (the
    table is created from it when missing; columns it has and the table lacks are added, so older
    rows read null there). Callers hold the transaction."""
    key_sql = quote_identifier(key_column)
    if isinstance(con, SparkConnection):
        # Parquet tables cannot delete rows: the table is partitioned by the key, whose partitions
        # the new rows replace
        with spark.engine_errors():
            spark.replace_partitions(con.spark, relation, table, key_column)
        return
    if not is_duckdb(con):
        con.ensure_table(relation, table.schema)
        keys = sorted({k for k in table.column(key_column).to_pylist() if k is not None})
        if keys:
            con.execute(f"delete from {relation.sql} where {key_sql} = any(?)", [keys])
        con.copy_in(relation, table)
        return
    if not table_exists(con, relation):
        replace_table(con, relation, table.slice(0, 0))
    have = set(column_names(con, relation))
    con.register("incoming", table)
    for name, type_sql in con.execute("select column_name, column_type from (describe incoming)").fetchall():
        if name not in have:
            # type_sql is DuckDB's own name for a type it just inferred, not outside text
            con.execute(f"alter table {relation.sql} add column {quote_identifier(name)} {type_sql}")
    con.execute(f"delete from {relation.sql} where {key_sql} in (select distinct {key_sql} from incoming)")
    con.execute(f"insert into {relation.sql} by name select * from incoming")
    con.unregister("incoming")
