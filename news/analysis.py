"""Every landed news item matched to accounts and, when it matches any, classified.

Reads the landed items (Parquet) and the accounts and contacts (dbt marts); writes the three tables
of the dbt source `news` in one transaction, replaced whole each run (new accounts, aliases or
rules re-match old items). Relation names come from the dbt manifest; callers hold the warehouse lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ingest.landing import SCHEMA_FILE
from news.classifying import classify
from news.collecting import ITEMS_DIR, news_dir
from news.matching import Contact, Matcher, MatchingRules, accounts_from_rows
from runtime import relations
from targets.warehouse import Warehouse, replace_table

NEWS_SOURCE = "news"  # the dbt source of this step's tables (models/news/_news__sources.yml)
MATCHES, EVENTS, CONTACTS = "item_matches", "item_events", "item_contacts"  # its tables

MATCH_SCHEMA = pa.schema([("item_id", pa.string()), ("account_id", pa.string()), ("confidence", pa.float64()),
                          ("evidence", pa.string())])
EVENT_SCHEMA = pa.schema([("item_id", pa.string()), ("event_type", pa.string()), ("event_score", pa.int32()),
                          ("event_evidence", pa.string())])
CONTACT_SCHEMA = pa.schema([("item_id", pa.string()), ("account_id", pa.string()), ("contact_id", pa.string())])


@dataclass(frozen=True)
class NewsAnalysis:
    matches: pa.Table
    events: pa.Table
    contacts: pa.Table
    items: int


def landed_items(landed_dir: Path) -> list[dict[str, str | None]]:
    """item_id, title, summary, link of every landed item, in item_id order."""
    folder = news_dir(landed_dir) / ITEMS_DIR
    rows: list[dict[str, str | None]] = []
    for path in sorted(folder.glob("*.parquet")):
        if path.name != SCHEMA_FILE:
            rows += pq.read_table(path, columns=["item_id", "title", "summary", "link"]).to_pylist()
    return sorted({r["item_id"]: r for r in rows}.values(), key=lambda r: r["item_id"])


def read_matcher(con: Warehouse, rules: MatchingRules) -> Matcher:
    """A matcher over the accounts and contacts of the dim_accounts and dim_contacts marts."""
    models = relations.load()
    accounts = con.sql(f"select account_id, account_name, aliases, domains, industry "
                       f"from {models.model('dim_accounts').sql} order by account_id").to_arrow_table().to_pylist()
    contacts = con.execute(f"select contact_id, account_id, full_name from {models.model('dim_contacts').sql} "
                           "where account_id is not null and full_name is not null order by contact_id").fetchall()
    return Matcher(accounts_from_rows(accounts), [Contact(*row) for row in contacts], rules)


def analyse(items: list[dict[str, str | None]], matcher: Matcher,
            log: Callable[[str], None] = print) -> NewsAnalysis:
    """Match every item; classify those matching any account."""
    matches, events, named = [], [], []
    for n, item in enumerate(items, start=1):
        found = matcher.match(item["title"] or "", item["summary"] or "", item["link"])
        for m in found:
            matches.append({"item_id": item["item_id"], "account_id": m.account_id, "confidence": m.confidence,
                            "evidence": "; ".join(m.evidence)})
            named += [{"item_id": item["item_id"], "account_id": m.account_id, "contact_id": c}
                      for c in m.named_contact_ids]
        if found:
            event = classify(item["title"] or "", item["summary"] or "")
            events.append({"item_id": item["item_id"], "event_type": event.event_type, "event_score": event.score,
                           "event_evidence": "; ".join(event.evidence)})
        if n % 5000 == 0:
            log(f"news: matched {n:,} of {len(items):,} items")
    return NewsAnalysis(pa.Table.from_pylist(matches, schema=MATCH_SCHEMA),
                        pa.Table.from_pylist(events, schema=EVENT_SCHEMA),
                        pa.Table.from_pylist(named, schema=CONTACT_SCHEMA), len(items))


def write_analysis(con: Warehouse, analysis: NewsAnalysis) -> None:
    """Replace the `news` source tables with this run's, all or none."""
    models = relations.load()
    tables = {MATCHES: analysis.matches, EVENTS: analysis.events, CONTACTS: analysis.contacts}
    con.execute("begin transaction")
    try:
        for name, table in tables.items():
            replace_table(con, models.source(NEWS_SOURCE, name), table)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
