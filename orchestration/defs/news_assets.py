"""What's New: fetch and land the configured news feeds, then match the items to accounts and classify them.

A feed that fails (or a feeds file that is wrong) is reported, in the feed-runs table, the asset's
metadata and the log, and never stops the run: the health tables are published either way.
"""

import datetime as dt

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from news.analysis import CONTACTS, EVENTS, MATCHES, NEWS_SOURCE, analyse, landed_items, read_matcher, write_analysis
from news.collecting import FEED_RUNS_DIR, ITEMS_DIR, collect
from news.feeds_config import FeedsConfigError, load_feeds_config
from news.matching import load_rules
from orchestration.defs.dbt_models import dbt_models
from orchestration.partitions import DAILY, SINGLE_RUN
from orchestration.step_locks import landing_step, warehouse_step
from runtime import settings
from runtime.dbt_vars import project_var
from targets.warehouse import connect as connect_warehouse

LANDED_KEYS = {name: dg.AssetKey(["news_landed", name]) for name in (ITEMS_DIR, FEED_RUNS_DIR)}
SOURCE_KEYS = {name: dg.AssetKey([NEWS_SOURCE, name]) for name in (MATCHES, EVENTS, CONTACTS)}
EVIDENCE_CHECK = "evidence"
FEEDS_CHECK = "feeds_config_valid"


@dg.multi_asset(
    specs=[
        dg.AssetSpec(LANDED_KEYS[ITEMS_DIR], group_name="news", kinds={"python", "parquet"},
                     description="News items from the configured feeds (config/feeds.yml or RI_FEEDS), normalised and de-duplicated across feeds and runs."),
        dg.AssetSpec(LANDED_KEYS[FEED_RUNS_DIR], group_name="news", kinds={"python", "parquet"},
                     description="One record per feed and run: fetched, not modified or failed (why), malformed or not, entries and new items."),
    ],
    check_specs=[dg.AssetCheckSpec(FEEDS_CHECK, asset=LANDED_KEYS[FEED_RUNS_DIR],
                                   description="the feeds file is valid (a wrong one is reported; no feed is read until it is fixed)")],
    partitions_def=DAILY,
    backfill_policy=SINGLE_RUN,
)
def news_feeds(context: dg.AssetExecutionContext):
    """Fetch every configured feed (conditional GET, time-outs, size cap, retries) and land the new items."""
    cfg = settings.load()
    try:
        feeds = load_feeds_config(cfg.feeds_config, cfg.data_dir)
    except FeedsConfigError as exc:
        context.log.error(str(exc))
        feeds, problem = None, str(exc)
    else:
        problem = None
    runs = []
    if feeds is not None:
        with landing_step(context, cfg):
            runs = collect(feeds, cfg.landed_dir, dt.datetime.now(dt.UTC).replace(tzinfo=None), context.log.info)
    for run in runs:
        if run.status == "failed":
            context.log.warning(f"news feed {run.feed_name}: failed: {run.reason}")
    per_feed = {r.feed_name: {"status": r.status, "reason": r.reason, "items_new": r.items_new,
                              "items_seen_before": r.items_duplicate, "entries_read": r.entries_read,
                              "malformed": r.bozo_reason if r.bozo else None, "attempts": r.attempts}
                for r in runs}
    table = ["| feed | status | new | seen before | malformed | reason |", "|---|---|---|---|---|---|"]
    table += [f"| {r.feed_name} | {r.status} | {r.items_new} | {r.items_duplicate} | {'yes' if r.bozo else ''} | "
              f"{(r.reason or '').replace('|', '/')} |" for r in runs]
    yield dg.MaterializeResult(asset_key=LANDED_KEYS[ITEMS_DIR], metadata={
        "items_new": sum(r.items_new for r in runs),
        "items_seen_before": sum(r.items_duplicate for r in runs),
    })
    yield dg.MaterializeResult(asset_key=LANDED_KEYS[FEED_RUNS_DIR], metadata={
        "feeds": len(runs),
        "failed": sum(r.status == "failed" for r in runs),
        "not_modified": sum(r.status == "not_modified" for r in runs),
        "malformed": sum(r.bozo for r in runs),
        "per_feed": dg.MetadataValue.json(per_feed),
        "feed_table": dg.MetadataValue.md("\n".join(table)),
        "feeds_file": dg.MetadataValue.path(str(cfg.feeds_config)),
    })
    yield dg.AssetCheckResult(asset_key=LANDED_KEYS[FEED_RUNS_DIR], check_name=FEEDS_CHECK, passed=problem is None,
                              severity=dg.AssetCheckSeverity.WARN, metadata={"problem": problem or ""})


@dg.multi_asset(
    specs=[
        dg.AssetSpec(SOURCE_KEYS[MATCHES], group_name="news", kinds={"python", "duckdb"},
                     deps=[LANDED_KEYS[ITEMS_DIR], get_asset_key_for_model([dbt_models], "dim_accounts"),
                           get_asset_key_for_model([dbt_models], "dim_contacts")],
                     description="Each news item's possible accounts, with the evidence (name, alias, domain, industry words, contacts) and a confidence."),
        dg.AssetSpec(SOURCE_KEYS[EVENTS], group_name="news", kinds={"python", "duckdb"},
                     deps=[LANDED_KEYS[ITEMS_DIR]],
                     description="Event type of each matched item (merger, leadership change, launch, funding, earnings, layoffs, legal, partnership, other)."),
        dg.AssetSpec(SOURCE_KEYS[CONTACTS], group_name="news", kinds={"python", "duckdb"},
                     deps=[LANDED_KEYS[ITEMS_DIR], get_asset_key_for_model([dbt_models], "dim_contacts")],
                     description="Contacts named in matched items."),
    ],
    check_specs=[dg.AssetCheckSpec(EVIDENCE_CHECK, asset=SOURCE_KEYS[MATCHES], blocking=True,
                                   description="every match that would be published carries its evidence and a confidence in 0-1")],
    partitions_def=DAILY,
    backfill_policy=SINGLE_RUN,
)
def news_matches(context: dg.AssetExecutionContext):
    """Match every landed item to the accounts (replacing the last run's matches) and classify the matched ones."""
    cfg = settings.load()
    rules = load_rules()
    items = landed_items(cfg.landed_dir)
    context.log.info(f"news: matching {len(items):,} items")
    with warehouse_step(context, cfg), connect_warehouse(cfg) as con:
        matcher = read_matcher(con, rules)
        analysis = analyse(items, matcher, context.log.info)
        write_analysis(con, analysis)
    minimum = float(project_var("news")["min_confidence"])
    matches = analysis.matches.to_pylist()
    published = [m for m in matches if m["confidence"] >= minimum]
    lacking = [m for m in published if not (m["evidence"] or "").strip() or not 0 <= m["confidence"] <= 1]
    events = analysis.events.column("event_type").to_pylist()
    yield dg.MaterializeResult(asset_key=SOURCE_KEYS[MATCHES], metadata={
        "dagster/row_count": len(matches),
        "items": analysis.items,
        "published_matches": len(published),
        "held_matches": len(matches) - len(published),
        "accounts_with_news": len({m["account_id"] for m in published}),
    })
    yield dg.MaterializeResult(asset_key=SOURCE_KEYS[EVENTS], metadata={
        "dagster/row_count": len(events),
        "event_types": dg.MetadataValue.json({e: events.count(e) for e in sorted(set(events))}),
    })
    yield dg.MaterializeResult(asset_key=SOURCE_KEYS[CONTACTS], metadata={
        "dagster/row_count": analysis.contacts.num_rows})
    yield dg.AssetCheckResult(asset_key=SOURCE_KEYS[MATCHES], check_name=EVIDENCE_CHECK, passed=not lacking,
                              metadata={"published_matches": len(published), "without_evidence": len(lacking)})
