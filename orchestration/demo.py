"""`make demo`: simulate a sales organisation if needed, run the daily pipeline as of its last day, summarise."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pyarrow.parquet as pq

from ingest.landing import QUARANTINE_DIR
from orchestration.alerting import deliver_release_alerts
from orchestration.publishing import current_release
from orchestration.run import run_job
from pages.build import page_path
from runtime import serving, settings
from runtime.settings import Settings
from runtime.sql import qualified
from simulator import SimulationConfig, simulate


def ensure_sample(cfg: Settings) -> tuple[str, str]:
    """Generate the default sample unless extracts are already there; returns its date range."""
    manifest = cfg.ground_truth_dir / "manifest.json"
    if not manifest.exists():
        print(f"Simulating the default sales organisation into {cfg.extract_dir} ...", flush=True)
        started = time.perf_counter()
        simulate(SimulationConfig(out_dir=cfg.extract_dir, truth_dir=cfg.ground_truth_dir))
        print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)
    params = json.loads(manifest.read_text())["parameters"]
    return params["start"], params["end"]


def quarantined_rows(landed: Path) -> dict[str, int]:
    counts = {}
    for folder in sorted((landed / QUARANTINE_DIR).iterdir()):
        n = sum(
            pq.read_metadata(f).num_rows for f in folder.glob("*.parquet") if f.name != "_schema.parquet"
        )
        if n:
            counts[folder.name] = n
    return counts


def print_release(release: Path) -> None:
    """Every table of the serving release with its row count."""
    import duckdb

    with duckdb.connect(str(release / serving.DATABASE_FILE), read_only=True) as con:
        names = con.execute("select table_name from information_schema.tables where table_schema = ? order by 1",
                            [serving.SCHEMA]).fetchall()
        for (name,) in names:
            rows = con.sql(f"select count(*) from {qualified(serving.SCHEMA, name)}").fetchall()[0][0]
            print(f"  {serving.SCHEMA}.{name:<34} {rows:>10,} rows")


def print_scenario(release: Path, truth_dir: Path) -> None:
    """The seed scenario's deal: its open recommendations, and the alerts its owner's manager got."""
    import duckdb

    scenario_file = truth_dir / "scenario.json"
    if not scenario_file.exists():
        return
    scenario = json.loads(scenario_file.read_text())
    deal, manager = scenario["opportunity"], scenario["manager"]
    with duckdb.connect(str(release / serving.DATABASE_FILE), read_only=True) as con:
        advice = con.execute(
            f"select message from {qualified(serving.SCHEMA, 'recommendations')} "
            "where entity_id = ? and status = 'open' order by priority, opened_date", [deal["opportunity_id"]]).fetchall()
        alerts = con.execute(
            f"select opened_date, status, message from {qualified(serving.SCHEMA, 'alerts')} "
            "where entity_id = ? and recipient_user_id = ? and rule = 'rating_drop' and status = 'open' "
            "order by opened_date desc limit 1",
            [deal["opportunity_id"], manager["user_id"]]).fetchall()
        news = con.execute(
            f"select event_date, event_type, title, matched_on from {qualified(serving.SCHEMA, 'account_news')} "
            "where account_id = ? and is_whats_new order by event_date desc, item_id limit 3",
            [scenario["account"]["account_id"]]).fetchall()
    print(f"\n{deal['name']} ({scenario['seller']['full_name']}'s deal):")
    for (message,) in advice:
        print(f"  Recommendation: {message}")
    for opened, status, message in alerts:
        print(f"  Alert to {manager['full_name']} (manager), {opened}, {status}: {message}")
    for day, event_type, title, matched_on in news:
        print(f"  What's New, {day}, {event_type.replace('_', ' ')}: {title} (matched on: {matched_on})")


def print_news(release: Path) -> None:
    """The last news run per feed, and how many items became news."""
    import duckdb

    with duckdb.connect(str(release / serving.DATABASE_FILE), read_only=True) as con:
        feeds = con.execute(
            f"select feed_name, status, reason, is_malformed, items_new from {qualified(serving.SCHEMA, 'news_feed_runs')} "
            f"where run_id = (select max(run_id) from {qualified(serving.SCHEMA, 'news_feed_runs')}) order by feed_name").fetchall()
        published = con.execute(
            f"select count(distinct item_id), count(distinct account_id), count(*) filter (where is_whats_new) "
            f"from {qualified(serving.SCHEMA, 'account_news')}").fetchall()[0]
    print("\nNews feeds (last run): " + ("; ".join(
        f"{name} {status}" + (f" ({reason})" if reason else "") + (", malformed" if malformed else "") + f", {new} new items"
        for name, status, reason, malformed, new in feeds) or "none configured"))
    print(f"  {published[0]:,} items matched to {published[1]:,} accounts; {published[2]:,} account-item pairs are what's new")


def main() -> None:
    started = time.perf_counter()
    cfg = settings.load()
    start, end = ensure_sample(cfg)
    print(f"Running the daily pipeline as of the sample's last day, {end} (its data from {start}) ...", flush=True)
    # One run, a first run: snapshots are point in time, so its scoring step scores the whole
    # history, dates before the first training by the weighted rule; it trains a model version as of
    # its day and one five weeks earlier, so every day of the 30-day trend window is scored by a model.
    result = run_job("daily_pipeline", end)
    if not result.success:
        raise SystemExit("The pipeline run failed; open the Dagster UI (make ui) to see which step and why.")
    release = current_release(cfg.serving_dir)
    print("\nPublished tables (serving release):")
    if release is not None:
        print_release(release)
        print_scenario(release, cfg.ground_truth_dir)
        print_news(release)
        delivered = deliver_release_alerts(cfg, log=lambda line: None)
        if delivered is not None:
            print(f"\nAlerts of the last {cfg.alert_delivery_days} days delivered to {cfg.data_dir / 'alerts' / 'outbox.jsonl'}: "
                  f"{delivered['outbox_written']} new" + (f", webhook {delivered['webhook_sent']} sent, "
                                                         f"{delivered['webhook_failed']} failed" if cfg.alert_webhook_url else ""))
    quarantine = quarantined_rows(cfg.landed_dir)
    print("\nQuarantined rows: " + (", ".join(f"{k} {v:,}" for k, v in quarantine.items()) or "none"))
    if cfg.target == "postgres":
        server = cfg.postgres
        print(f"\nWarehouse: PostgreSQL {server.user}@{server.host}:{server.port}/{server.database}; "
              f"BI tools read its schema {serving.SCHEMA}")
    else:
        print(f"\nWarehouse (pipeline's own, single writer): {cfg.warehouse_path}")
    if release is not None:
        print(f"Serving copy for BI tools (read-only):     {cfg.serving_dir / 'current' / serving.DATABASE_FILE}")
        print(f"Serving Parquet:                           {cfg.serving_dir / 'current' / serving.PARQUET_DIR}")
    site = cfg.serving_dir / "current" / serving.SITE_DIR
    if release is not None and (site / "index.html").exists():
        print(f"Relationship Analytics pages:              {site / 'index.html'}")
        scenario_file = cfg.ground_truth_dir / "scenario.json"
        if scenario_file.exists():
            deal = json.loads(scenario_file.read_text())["opportunity"]
            print(f"  {deal['name']}: {site / page_path('opportunity', deal['opportunity_id'])}")
    print(f"Ground truth of the simulation:            {cfg.ground_truth_dir}")
    print("Dagster UI:                                make ui   (then open http://127.0.0.1:3000)")
    print(f"\nTotal: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
