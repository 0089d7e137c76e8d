"""Reading the scorer's inputs from, and writing its snapshots to, the warehouse.

The scorer reads contracted dbt models only (models/scoring: inputs and labels) and writes the
tables of the dbt source `ml`; every relation name comes from the manifest (runtime.relations).
Values reach SQL as bound parameters; identifiers through runtime.sql. Callers hold the warehouse
lock (DuckDB has one writer) and pass targets.warehouse.connect's connection, whatever the target.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from models_ml.entities import SPECS
from runtime import relations
from runtime.sql import quote_identifier
from targets.warehouse import Warehouse, replace_rows, table_exists

if TYPE_CHECKING:
    import pandas as pd

ML_SOURCE = "ml"  # the dbt source of the scorer's output (models/serving/_ml__sources.yml)


def read_model(con: Warehouse, model: str, order_by: tuple[str, ...] = (),
               start: dt.date | None = None, end: dt.date | None = None, date_column: str = "as_of_date",
               columns: tuple[str, ...] = (), dates: list[dt.date] | None = None) -> pd.DataFrame:
    """Rows of a dbt model, optionally within start..end of its date column (and on `dates` only), in a
    stable order."""
    return _read(con, relations.load().model(model), order_by, start, end, date_column, columns, dates)


def read_snapshots(con: Warehouse, entity: str, columns: tuple[str, ...],
                   since: dt.date | None = None, until: dt.date | None = None) -> pd.DataFrame:
    """Columns of an entity's snapshots written by the scorer (from `since`, up to `until`); none yet: no rows."""
    import pandas as pd

    relation = relations.load().source(ML_SOURCE, SPECS[entity].snapshot_table)
    if not table_exists(con, relation):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return _read(con, relation, ("snapshot_date", SPECS[entity].key), since, until, "snapshot_date", columns)


def _read(con: Warehouse, relation: relations.Relation, order_by: tuple[str, ...], start: dt.date | None,
          end: dt.date | None, date_column: str, columns: tuple[str, ...], dates: list[dt.date] | None = None) -> pd.DataFrame:
    where, params = [], []
    if dates is not None:
        # one bound value per date: a list parameter would be typed differently by each engine
        where.append(f"{quote_identifier(date_column)} in ({', '.join('?' * len(dates))})" if dates else "false")
        params.extend(dates)
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


def load_features(con: Warehouse, entity: str, start: dt.date | None = None,
                  end: dt.date | None = None, dates: list[dt.date] | None = None) -> pd.DataFrame:
    """The scorer's input rows of an entity type (signals, segment, names), ordered by date and key;
    with `dates`, those days only."""
    import pandas as pd

    spec = SPECS[entity]
    df = read_model(con, spec.inputs_model, ("as_of_date", spec.key), start, end, dates=dates)
    df["as_of_date"] = pd.to_datetime(df["as_of_date"])
    return df


def load_labels(con: Warehouse, entity: str, dates: list[dt.date] | None = None) -> pd.DataFrame:
    """An entity type's outcomes with the day each became known (per as-of date: of `dates` only,
    when given; one outcome per entity: all of them), without the mark of the build that wrote them."""
    spec = SPECS[entity]
    columns = tuple(column for column, _ in relations.load().model(spec.label_model).column_descriptions
                    if column != relations.WRITER_COLUMN)
    if spec.one_outcome_per_entity:
        return read_model(con, spec.label_model, (spec.key,), columns=columns)
    return read_model(con, spec.label_model, (spec.key, "as_of_date"), columns=columns, dates=dates)


def load_deal_contacts(con: Warehouse) -> pd.DataFrame:
    """opportunity_id, contact_id, deal_role, is_primary of every deal (the dim_opportunity_contacts mart)."""
    return read_model(con, "dim_opportunity_contacts", ("opportunity_id", "contact_id"),
                      columns=("opportunity_id", "contact_id", "deal_role", "is_primary"))


def first_feature_date(con: Warehouse) -> dt.date | None:
    """The first as-of date the contact signals hold."""
    relation = relations.load().model(SPECS["contact"].inputs_model)
    return con.execute(f"select min(as_of_date) from {relation.sql}").fetchall()[0][0]


def last_feature_date(con: Warehouse) -> dt.date | None:
    """The last as-of date the contact signals hold."""
    relation = relations.load().model(SPECS["contact"].inputs_model)
    return con.execute(f"select max(as_of_date) from {relation.sql}").fetchall()[0][0]


def feature_rows(con: Warehouse, entity: str, start: dt.date, end: dt.date) -> int:
    """How many input rows an entity type has in start..end (one snapshot is due for each)."""
    relation = relations.load().model(SPECS[entity].inputs_model)
    return con.execute(f"select count(*) from {relation.sql} where as_of_date between ? and ?",
                       [start, end]).fetchall()[0][0]


def snapshot_dates(con: Warehouse, entity: str) -> set[dt.date]:
    """The snapshot dates written so far for an entity type (none when the table does not exist yet)."""
    source = relations.load().source(ML_SOURCE, SPECS[entity].snapshot_table)
    if not table_exists(con, source):
        return set()
    return {d for (d,) in con.execute(f"select distinct snapshot_date from {source.sql}").fetchall()}


def snapshot_rows_between(con: Warehouse, entity: str, start: dt.date, end: dt.date) -> int:
    """Snapshots written for an entity type with dates in start..end."""
    source = relations.load().source(ML_SOURCE, SPECS[entity].snapshot_table)
    if not table_exists(con, source):
        return 0
    return con.execute(f"select count(*) from {source.sql} where snapshot_date between ? and ?", [start, end]).fetchall()[0][0]


def snapshot_rows(con: Warehouse, entity: str) -> int:
    """Snapshots written so far for an entity type (0 when the table does not exist yet)."""
    source = relations.load().source(ML_SOURCE, SPECS[entity].snapshot_table)
    if not table_exists(con, source):
        return 0
    return con.execute(f"select count(*) from {source.sql}").fetchall()[0][0]


def write_snapshots(con: Warehouse, entity: str, frame: pd.DataFrame) -> None:
    """Write the frame's snapshot dates into the entity's ml table, replacing rows of those dates only
    (the scoring asset passes only dates not written yet: published snapshots are never rewritten)."""
    import pyarrow as pa

    source = relations.load().source(ML_SOURCE, SPECS[entity].snapshot_table)
    # An object column with no value (no rows, or a first day without any 30-day-old rating) tells
    # nothing of its type, and it would be typed NULL: no later value could be written. Every
    # object column here is text.
    frame = frame.astype({c: "string" for c in frame.columns if frame[c].dtype == object and frame[c].isna().all()})
    table = pa.Table.from_pandas(frame, preserve_index=False)
    dates = table.schema.get_field_index("snapshot_date")
    table = table.set_column(dates, "snapshot_date", table.column(dates).cast(pa.date32()))
    replace_rows(con, source, table, "snapshot_date")
