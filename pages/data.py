"""What the pages show, read from the published tables of one release (or of the warehouse).

Every value on a page comes from a published table; the pages name it (`serving.<table>.<column>`).
Tables are read whole for the as-of date, or for the entities that get a page, then grouped in
Python: one query per table, never one per page. A table an older release lacks reads as empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from pages.config import PagesConfig
from runtime.sql import quote_identifier

# Published table -> the SQL relation to read it from (a release's `serving` schema, or the warehouse).
TableSql = Callable[[str], str]

HEALTH_TABLES = {"opportunity": "opportunity_health", "account": "account_health", "contact": "contact_health"}
KEYS = {"opportunity": "opportunity_id", "account": "account_id", "contact": "contact_id"}


@dataclass
class PageData:
    as_of: dt.date
    latest: dict[str, pd.DataFrame]  # entity type -> the as-of snapshot, indexed by key
    trends: dict[str, pd.DataFrame]  # entity type -> key, snapshot_date, score, rating, rating_transition
    timeline: pd.DataFrame  # entity_type, entity_id, activity_date, channel, side, interactions
    opportunities: pd.DataFrame  # dim_opportunities of the open deals with a page
    accounts: pd.DataFrame  # dim_accounts with a page
    contacts: pd.DataFrame  # dim_contacts with a page
    deal_contacts: pd.DataFrame  # dim_opportunity_contacts of those deals
    users: pd.DataFrame
    recommendations: pd.DataFrame  # open ones
    colleagues: pd.DataFrame  # relationship_strength, top colleagues per contact
    quadrant: pd.DataFrame
    my_accounts: pd.DataFrame
    book: pd.DataFrame
    alerts: pd.DataFrame  # open ones
    account_news: pd.DataFrame
    contact_news: pd.DataFrame
    tables: set[str] = field(default_factory=set)  # the published tables that were there


class Reader:
    def __init__(self, con: duckdb.DuckDBPyConnection, table_sql: TableSql, available: set[str]):
        self.con, self.table_sql, self.available = con, table_sql, available

    def read(self, table: str, where_sql: str = "true", params: list[object] | None = None,
             columns_sql: str = "*") -> pd.DataFrame:
        """Rows of a published table (`where_sql` and `columns_sql` are this module's own text, values
        are bound); an empty frame when the release has no such table."""
        if table not in self.available:
            return pd.DataFrame()
        relation_sql = self.table_sql(table)
        return self.con.execute(f"select {columns_sql} from {relation_sql} where {where_sql}", params or []).df()

    def for_ids(self, table: str, key: str, ids: list[str], where_sql: str = "true",
                params: list[object] | None = None, columns: tuple[str, ...] = ()) -> pd.DataFrame:
        """Rows (all columns, or `columns`) of a published table whose `key` is one of `ids`."""
        if table not in self.available or not ids:
            return pd.DataFrame()
        self.con.register("page_ids", pd.DataFrame({"page_id": ids}))
        try:
            relation_sql, key_sql = self.table_sql(table), quote_identifier(key)
            columns_sql = ", ".join(f"t.{quote_identifier(c)}" for c in columns) if columns else "t.*"
            return self.con.execute(f"select {columns_sql} from {relation_sql} as t inner join page_ids on t.{key_sql} = page_ids.page_id "
                                    f"where {where_sql}", params or []).df()
        finally:
            self.con.unregister("page_ids")


def as_of_date(reader: Reader) -> dt.date | None:
    """The release's as-of date: the last snapshot of the account health table."""
    frame = reader.read("account_health", columns_sql="max(snapshot_date) as as_of")
    value = frame["as_of"].iloc[0] if len(frame) else None
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def load(reader: Reader, config: PagesConfig, as_of: dt.date) -> PageData:
    """Everything the pages of the release need, for the entities that get a page."""
    latest = {kind: reader.read(table, "snapshot_date = ?", [as_of]) for kind, table in HEALTH_TABLES.items()}
    opportunities = reader.read("dim_opportunities", "is_open")
    opportunities = _riskiest(opportunities, latest["opportunity"], "opportunity_id", config.max_pages["opportunity"])
    active = reader.read("account_health", "snapshot_date = ? and days_since_meaningful <= ?",
                         [as_of, config.account_activity_days], columns_sql="account_id")
    account_ids = sorted(set(active["account_id"] if len(active) else []) | set(opportunities["account_id"]))
    accounts = reader.for_ids("dim_accounts", "account_id", account_ids)
    accounts = _riskiest(accounts, latest["account"], "account_id", config.max_pages["account"])
    deal_contacts = reader.for_ids("dim_opportunity_contacts", "opportunity_id", list(opportunities["opportunity_id"]))
    contacts = reader.for_ids("dim_contacts", "account_id", list(accounts["account_id"]))
    contacts = _riskiest(contacts, latest["contact"], "contact_id", config.max_pages["contact"])
    trend_since = as_of - dt.timedelta(days=config.trend_days)
    ids = {"opportunity": list(opportunities["opportunity_id"]), "account": list(accounts["account_id"]),
           "contact": sorted(set(contacts["contact_id"]) | set(deal_contacts.get("contact_id", [])))}
    trends = {kind: reader.for_ids(HEALTH_TABLES[kind], KEYS[kind], ids[kind], "snapshot_date > ? and snapshot_date <= ?",
                                   [trend_since, as_of], columns=(KEYS[kind], "snapshot_date", "score", "rating"))
              for kind in HEALTH_TABLES}
    timeline = pd.concat([reader.for_ids("interaction_timeline", "entity_id", ids[kind], "entity_type = ?", [kind])
                          for kind in HEALTH_TABLES], ignore_index=True)
    colleagues = reader.for_ids("relationship_strength", "contact_id", ids["contact"], "is_top_colleague")
    return PageData(
        as_of=as_of,
        latest={kind: frame.set_index(KEYS[kind]) if len(frame) else frame for kind, frame in latest.items()},
        trends=trends, timeline=timeline, opportunities=opportunities, accounts=accounts, contacts=contacts,
        deal_contacts=deal_contacts, users=reader.read("dim_users"),
        recommendations=reader.read("recommendations", "status = 'open'"),
        colleagues=colleagues,
        quadrant=reader.read("opportunity_quadrant", "snapshot_date = ?", [as_of]),
        my_accounts=reader.read("my_accounts", "snapshot_date = ?", [as_of]),
        book=reader.read("book_health_by_rep", "snapshot_date = ?", [as_of]),
        alerts=reader.read("alerts", "status = 'open'"),
        account_news=reader.for_ids("account_news", "account_id", list(accounts["account_id"])),
        contact_news=reader.for_ids("contact_news", "contact_id", ids["contact"]),
        tables=set(reader.available),
    )


def _riskiest(entities: pd.DataFrame, latest: pd.DataFrame, key: str, cap: int) -> pd.DataFrame:
    """At most `cap` entities, the lowest scores first (unscored last), in a stable order."""
    if len(entities) <= cap:
        return entities.sort_values(key).reset_index(drop=True)
    scores = latest[[key, "score"]] if len(latest) else pd.DataFrame({key: [], "score": []})
    ranked = entities.merge(scores, on=key, how="left").sort_values(["score", key], na_position="last")
    return ranked.head(cap).drop(columns="score").sort_values(key).reset_index(drop=True)
