"""The warehouse connection Python steps use, whatever RI_TARGET is.

On DuckDB it is DuckDB's own connection to the warehouse file. On PostgreSQL it is a connection
with the small part of DuckDB's interface the steps use (`execute` with `?` parameters, then
`fetchall`, `fetchone`, `df` or `arrow`), so a reader is written once. Writing a whole table differs
by engine and has its helpers here (`replace_table`, `replace_rows`). Values are bound parameters
everywhere; identifiers come quoted from runtime.relations or runtime.sql.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from runtime.relations import Relation
from runtime.settings import PostgresServer, Settings
from runtime.sql import quote_identifier
from targets.postgres import column_type, copy_arrow, open_connection

if TYPE_CHECKING:
    import pandas as pd


@contextmanager
def connect(cfg: Settings, *, read_only: bool = False) -> Iterator[Warehouse]:
    """The run's warehouse: DuckDB's connection to the warehouse file, or a PostgresConnection."""
    if cfg.target == "postgres":
        con = PostgresConnection(cfg.postgres)
    else:
        con = duckdb.connect(str(cfg.warehouse_path), read_only=read_only)
    try:
        yield con
    finally:
        con.close()


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


# Postgres type oids -> Arrow types of the columns a query returns (the rest are read as text)
_ARROW_TYPES = {
    16: pa.bool_(), 20: pa.int64(), 21: pa.int16(), 23: pa.int32(), 700: pa.float32(), 701: pa.float64(),
    1700: pa.float64(), 25: pa.string(), 1043: pa.string(), 1042: pa.string(), 1082: pa.date32(),
    1114: pa.timestamp("us"), 1184: pa.timestamp("us", tz="UTC"), 1009: pa.list_(pa.string()),
    1015: pa.list_(pa.string()),
}


class PostgresConnection:
    """A Postgres connection speaking the part of DuckDB's connection interface the steps use.
    Autocommit, as DuckDB: `begin transaction` ... `commit` makes a transaction."""

    Error = Exception

    def __init__(self, server: PostgresServer):
        self._con = open_connection(server)
        self._con.autocommit = True
        self._cursor = None

    def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> PostgresConnection:
        cursor = self._con.cursor()
        if parameters is None:
            cursor.execute(sql)  # psycopg2 reads % as a placeholder only when given parameters
        else:
            cursor.execute(_pyformat(sql), tuple(parameters))
        self._cursor = cursor
        return self

    def sql(self, sql: str) -> PostgresConnection:
        return self.execute(sql)

    def fetchall(self) -> list[tuple]:
        return self._cursor.fetchall()

    def fetchone(self) -> tuple | None:
        return self._cursor.fetchone()

    def arrow(self) -> pa.Table:
        """The result as an Arrow table (numeric as double, as DuckDB gives a decimal to pandas)."""
        description = self._cursor.description
        rows = self._cursor.fetchall()
        columns = {}
        for i, column in enumerate(description):
            kind = _ARROW_TYPES.get(column.type_code, pa.string())
            values = [row[i] for row in rows]
            if column.type_code == 1700:
                values = [None if v is None else float(v) for v in values]
            elif kind == pa.string():
                values = [None if v is None else str(v) for v in values]
            columns[column.name] = pa.array(values, type=kind)
        return pa.table(columns) if columns else pa.table({})

    to_arrow_table = arrow

    def df(self) -> pd.DataFrame:
        """The result as DuckDB would convert it to pandas (the same dtypes on every target)."""
        table = self.arrow()
        return duckdb.from_arrow(table).df()

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


# What `connect` gives: a step's connection to the warehouse, whatever the target.
Warehouse = duckdb.DuckDBPyConnection | PostgresConnection


def table_exists(con: Warehouse, relation: Relation) -> bool:
    return con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                       [relation.schema, relation.identifier]).fetchall()[0][0] > 0


def column_names(con: Warehouse, relation: Relation) -> list[str]:
    return [name for (name,) in con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
        "order by ordinal_position", [relation.schema, relation.identifier]).fetchall()]


def replace_table(con: Warehouse, relation: Relation, table: pa.Table) -> None:
    """Make `relation` hold exactly `table` (created in its schema when missing), in the caller's
    transaction."""
    con.execute(f"create schema if not exists {quote_identifier(relation.schema)}")
    if is_duckdb(con):
        con.register("incoming", table)
        con.execute(f"create or replace table {relation.sql} as select * from incoming")
        con.unregister("incoming")
        return
    columns_sql = ", ".join(f"{quote_identifier(f.name)} {column_type(f.type)}" for f in table.schema)
    con.execute(f"drop table if exists {relation.sql}")
    con.execute(f"create table {relation.sql} ({columns_sql})")
    con.copy_in(relation, table)


def replace_rows(con: Warehouse, relation: Relation, table: pa.Table, key_column: str) -> None:
    """Write `table` into `relation`, replacing the rows whose `key_column` value it holds (the
    table is created from it when missing; columns it has and the table lacks are added, so older
    rows read null there). Callers hold the transaction."""
    key_sql = quote_identifier(key_column)
    if not table_exists(con, relation):
        replace_table(con, relation, table.slice(0, 0))
    have = set(column_names(con, relation))
    if is_duckdb(con):
        con.register("incoming", table)
        for name, type_sql in con.execute("select column_name, column_type from (describe incoming)").fetchall():
            if name not in have:
                # type_sql is DuckDB's own name for a type it just inferred, not outside text
                con.execute(f"alter table {relation.sql} add column {quote_identifier(name)} {type_sql}")
        con.execute(f"delete from {relation.sql} where {key_sql} in (select distinct {key_sql} from incoming)")
        con.execute(f"insert into {relation.sql} by name select * from incoming")
        con.unregister("incoming")
        return
    for field in table.schema:
        if field.name not in have:
            type_sql = column_type(field.type)
            con.execute(f"alter table {relation.sql} add column {quote_identifier(field.name)} {type_sql}")
    keys = sorted({k for k in table.column(key_column).to_pylist() if k is not None})
    if keys:
        con.execute(f"delete from {relation.sql} where {key_sql} = any(?)", [keys])
    con.copy_in(relation, table)
