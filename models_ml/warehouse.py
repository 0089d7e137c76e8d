"""Reading the scorer's inputs from, and writing its snapshots to, the warehouse DuckDB.

The scorer reads contracted dbt models only (models/scoring: inputs and labels) and writes the
tables of the dbt source `ml`; every relation name comes from the manifest (runtime.relations).
Values reach SQL as bound parameters; identifiers through runtime.sql. Callers hold the warehouse
lock: DuckDB has one writer.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import duckdb

from models_ml.entities import SPECS
from runtime import relations
from runtime.sql import quote_identifier

if TYPE_CHECKING:
    import pandas as pd

ML_SOURCE = "ml"  # the dbt source of the scorer's output (models/serving/_ml__sources.yml)


def read_model(con: duckdb.DuckDBPyConnection, model: str, order_by: tuple[str, ...] = (),
               start: dt.date | None = None, end: dt.date | None = None, date_column: str = "as_of_date",
               columns: tuple[str, ...] = (), dates: list[dt.date] | None = None) -> pd.DataFrame:
    """Rows of a dbt model, optionally within start..end of its date column (and on `dates` only), in a
    stable order."""
    return _read(con, relations.load().model(model), order_by, start, end, date_column, columns, dates)


def read_snapshots(con: duckdb.DuckDBPyConnection, entity: str, columns: tuple[str, ...],
                   since: dt.date | None = None, until: dt.date | None = None) -> pd.DataFrame:
    """Columns of an entity's snapshots written by the scorer (from `since`, up to `until`); none yet: no rows."""
    import pandas as pd

    relation = relations.load().source(ML_SOURCE, SPECS[entity].snapshot_table)
    if not _table_exists(con, relation.schema, relation.identifier):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return _read(con, relation, ("snapshot_date", SPECS[entity].key), since, until, "snapshot_date", columns)


def _read(con: duckdb.DuckDBPyConnection, relation: relations.Relation, order_by: tuple[str, ...], start: dt.date | None,
          end: dt.date | None, date_column: str, columns: tuple[str, ...], dates: list[dt.date] | None = None) -> pd.DataFrame:
    where, params = [], []
    if dates is not None:
        where.append(f"{quote_identifier(date_column)} in (select unnest(cast(? as date[])))")
        params.append(dates)
    if start is not None:
        where.append(f"{quote_identifier(date_column)} >= ?")
        params.append(start)
    if end is not None:
        where.append(f"{quote_identifier(date_column)} <= ?")
        params.append(end)
    columns_sql = ", ".join(quote_identifier(c) for c in columns) if columns else "*"
    sql = f"select {columns_sql} from {relation.sql}"
    if where:
        sql += " where " + " and ".join(where)
    if order_by:
        sql += " order by " + ", ".join(quote_identifier(c) for c in order_by)
    return con.execute(sql, params).df()


def load_features(con: duckdb.DuckDBPyConnection, entity: str, start: dt.date | None = None,
                  end: dt.date | None = None, dates: list[dt.date] | None = None) -> pd.DataFrame:
    """The scorer's input rows of an entity type (signals, segment, names), ordered by date and key;
    with `dates`, those days only."""
    import pandas as pd

    spec = SPECS[entity]
    df = read_model(con, spec.inputs_model, ("as_of_date", spec.key), start, end, dates=dates)
    df["as_of_date"] = pd.to_datetime(df["as_of_date"])
    return df


def load_labels(con: duckdb.DuckDBPyConnection, entity: str, dates: list[dt.date] | None = None) -> pd.DataFrame:
    """An entity type's outcomes with the day each became known (per as-of date: of `dates` only,
    when given; one outcome per entity: all of them)."""
    spec = SPECS[entity]
    if spec.one_outcome_per_entity:
        return read_model(con, spec.label_model, (spec.key,))
    return read_model(con, spec.label_model, (spec.key, "as_of_date"), dates=dates)


def load_deal_contacts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """opportunity_id, contact_id, deal_role, is_primary of every deal (the dim_opportunity_contacts mart)."""
    return read_model(con, "dim_opportunity_contacts", ("opportunity_id", "contact_id"),
                      columns=("opportunity_id", "contact_id", "deal_role", "is_primary"))


def first_feature_date(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The first as-of date the contact signals hold."""
    relation = relations.load().model(SPECS["contact"].inputs_model)
    return con.execute(f"select min(as_of_date) from {relation.sql}").fetchall()[0][0]


def last_feature_date(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The last as-of date the contact signals hold."""
    relation = relations.load().model(SPECS["contact"].inputs_model)
    return con.execute(f"select max(as_of_date) from {relation.sql}").fetchall()[0][0]


def feature_rows(con: duckdb.DuckDBPyConnection, entity: str, start: dt.date, end: dt.date) -> int:
    """How many input rows an entity type has in start..end (one snapshot is due for each)."""
    relation = relations.load().model(SPECS[entity].inputs_model)
    return con.execute(f"select count(*) from {relation.sql} where as_of_date between ? and ?",
                       [start, end]).fetchall()[0][0]


def snapshot_dates(con: duckdb.DuckDBPyConnection, entity: str) -> set[dt.date]:
    """The snapshot dates written so far for an entity type (none when the table does not exist yet)."""
    source = relations.load().source(ML_SOURCE, SPECS[entity].snapshot_table)
    if not _table_exists(con, source.schema, source.identifier):
        return set()
    return {d for (d,) in con.execute(f"select distinct snapshot_date from {source.sql}").fetchall()}


def snapshot_rows_between(con: duckdb.DuckDBPyConnection, entity: str, start: dt.date, end: dt.date) -> int:
    """Snapshots written for an entity type with dates in start..end."""
    source = relations.load().source(ML_SOURCE, SPECS[entity].snapshot_table)
    if not _table_exists(con, source.schema, source.identifier):
        return 0
    return con.execute(f"select count(*) from {source.sql} where snapshot_date between ? and ?", [start, end]).fetchall()[0][0]


def snapshot_rows(con: duckdb.DuckDBPyConnection, entity: str) -> int:
    """Snapshots written so far for an entity type (0 when the table does not exist yet)."""
    source = relations.load().source(ML_SOURCE, SPECS[entity].snapshot_table)
    if not _table_exists(con, source.schema, source.identifier):
        return 0
    return con.execute(f"select count(*) from {source.sql}").fetchall()[0][0]


def _table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                       [schema, table]).fetchall()[0][0] > 0


def write_snapshots(con: duckdb.DuckDBPyConnection, entity: str, frame: pd.DataFrame) -> None:
    """Write the frame's snapshot dates into the entity's ml table, replacing rows of those dates only
    (the scoring asset passes only dates not written yet: published snapshots are never rewritten)."""
    source = relations.load().source(ML_SOURCE, SPECS[entity].snapshot_table)
    con.execute(f"create schema if not exists {quote_identifier(source.schema)}")
    # An object column with no value (no rows, or a first day without any 30-day-old rating) tells
    # DuckDB nothing, and it would type it NULL: no later value could be written. Every object
    # column here is text.
    frame = frame.astype({c: "string" for c in frame.columns if frame[c].dtype == object and frame[c].isna().all()})
    con.register("incoming", frame)
    if not _table_exists(con, source.schema, source.identifier):
        con.execute(f"create table {source.sql} as "
                    "select * replace (cast(snapshot_date as date) as snapshot_date) from incoming limit 0")
    else:
        # A newer scorer may publish more columns than the table was created with: add them, so
        # earlier snapshots read as null there instead of the write failing.
        have = {r[0] for r in con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
            [source.schema, source.identifier]).fetchall()}
        for name, type_sql in con.execute("select column_name, column_type from (describe incoming)").fetchall():
            if name not in have:
                # type_sql is DuckDB's own name for a type it just inferred, not outside text
                con.execute(f"alter table {source.sql} add column {quote_identifier(name)} {type_sql}")
    con.execute(f"delete from {source.sql} where snapshot_date in (select distinct cast(snapshot_date as date) from incoming)")
    con.execute(f"insert into {source.sql} by name select * from incoming")
    con.unregister("incoming")
