"""Reading features from, and writing scores to, the warehouse DuckDB.

Callers hold the warehouse lock (orchestration/locks.py): DuckDB has one writer.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

FEATURES_SCHEMA = "main_features"
MARTS_SCHEMA = "main"
ML_SCHEMA = "ml"

_EXTRA = {
    "contact": f"""
        select f.*, coalesce(a.segment, 'unknown') as segment, c.account_id, c.full_name as entity_name,
               c.contact_role, a.owner_user_id
        from {FEATURES_SCHEMA}.feat_contact_daily_signals as f
        left join {MARTS_SCHEMA}.dim_contacts as c on f.contact_id = c.contact_id
        left join {MARTS_SCHEMA}.dim_accounts as a on c.account_id = a.account_id""",
    "account": f"""
        select f.*, coalesce(a.segment, 'unknown') as segment, a.account_name as entity_name
        from {FEATURES_SCHEMA}.feat_account_daily_signals as f
        left join {MARTS_SCHEMA}.dim_accounts as a on f.account_id = a.account_id""",
    "opportunity": f"""
        select f.*, coalesce(a.segment, 'unknown') as segment, o.opportunity_name as entity_name,
               o.primary_contact_id, pc.full_name as primary_contact_name
        from {FEATURES_SCHEMA}.feat_opportunity_daily_signals as f
        left join {MARTS_SCHEMA}.dim_opportunities as o on f.opportunity_id = o.opportunity_id
        left join {MARTS_SCHEMA}.dim_accounts as a on f.account_id = a.account_id
        left join {MARTS_SCHEMA}.dim_contacts as pc on o.primary_contact_id = pc.contact_id""",
}

KEYS = {"contact": "contact_id", "account": "account_id", "opportunity": "opportunity_id"}


def load_deal_contacts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """opportunity_id, contact_id, deal_role, is_primary of every deal (the dim_opportunity_contacts mart)."""
    return con.sql(f"""
        select opportunity_id, contact_id, deal_role, is_primary
        from {MARTS_SCHEMA}.dim_opportunity_contacts order by opportunity_id, contact_id
    """).df()


def load_features(con: duckdb.DuckDBPyConnection, entity: str, start: dt.date | None = None,
                  end: dt.date | None = None) -> pd.DataFrame:
    """Feature rows of an entity type with segment and display names, ordered by date and key."""
    where = []
    if start is not None:
        where.append(f"as_of_date >= date '{start.isoformat()}'")
    if end is not None:
        where.append(f"as_of_date <= date '{end.isoformat()}'")
    sql = f"select * from ({_EXTRA[entity]}) as x {'where ' + ' and '.join(where) if where else ''} order by as_of_date, {KEYS[entity]}"
    df = con.sql(sql).df()
    df["as_of_date"] = pd.to_datetime(df["as_of_date"])
    return df


def write_snapshots(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, start: dt.date,
                    end: dt.date) -> None:
    """Replace the rows of snapshot dates start..end in ml.<table>: a re-run of a range gives the same table."""
    con.execute(f"create schema if not exists {ML_SCHEMA}")
    if frame.empty:
        # With no rows pandas cannot tell what an object column holds; DuckDB would type it NULL,
        # and the serving models could not read the table. Every object column here is text.
        frame = frame.astype({c: "string" for c in frame.columns if frame[c].dtype == object})
    con.register("incoming", frame)
    exists = con.sql(
        f"select count(*) from information_schema.tables where table_schema = '{ML_SCHEMA}' and table_name = '{table}'"
    ).fetchall()[0][0]
    if not exists:
        con.execute(
            f"create table {ML_SCHEMA}.{table} as "
            "select * replace (cast(snapshot_date as date) as snapshot_date) from incoming limit 0"
        )
    else:
        # A newer scorer may publish more columns than the table was created with: add them, so
        # earlier snapshots read as null there instead of the write failing.
        have = {r[0] for r in con.sql(f"select column_name from information_schema.columns where table_schema = "
                                      f"'{ML_SCHEMA}' and table_name = '{table}'").fetchall()}
        for name, dtype in con.sql("select column_name, column_type from (describe incoming)").fetchall():
            if name not in have:
                con.execute(f'alter table {ML_SCHEMA}.{table} add column "{name}" {dtype}')
    con.execute(f"delete from {ML_SCHEMA}.{table} where snapshot_date between date '{start}' and date '{end}'")
    con.execute(f"insert into {ML_SCHEMA}.{table} by name select * from incoming")
    con.unregister("incoming")
