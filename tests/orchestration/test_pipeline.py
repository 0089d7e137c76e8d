"""The code location end to end on the tiny organisation: loads, runs a range as one run, publishes,
gives identical tables when the same partition range runs again, and leaves published history
exactly as it was when a later week runs (point in time: each date scored by the model version
current on it)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ingest.extract_writer import write_batch
from orchestration.dbt_project import DBT_PROJECT
from orchestration.definitions import defs
from orchestration.alerting import recent_alerts
from orchestration.defs.alert_sensor import alert_delivery
from orchestration.defs.automation import new_extract_batches
from runtime import relations, serving, settings
from runtime.relations import WRITER_COLUMN
from runtime.sql import qualified
from tests.body_search import files_holding
from tests.targets import descriptions
from tests.tiny_org import write_tiny_org

NEWS_FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><guid>w-1</guid><title>Blue Ridge Hotel Group names a new chief executive</title>
<description>Jordan Ellis steps down after ten years.</description><link>https://news.example.com/1?utm_source=rss</link>
<pubDate>Sat, 29 Mar 2025 09:00:00 GMT</pubDate></item>
<item><guid>w-2</guid><title>Hiking the Blue Ridge Mountains</title><description>Trails and hotels.</description>
<link>https://news.example.com/2</link><pubDate>Sun, 30 Mar 2025 09:00:00 GMT</pubDate></item>
</channel></rss>"""
RANGE = {"dagster/asset_partition_range_start": "2025-03-01", "dagster/asset_partition_range_end": "2025-03-31"}


@pytest.fixture(scope="module")
def data_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("relintel")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RI_DATA_DIR", str(root))
        for var in ("RI_EXTRACT_DIR", "RI_LANDED_DIR", "RI_WAREHOUSE", "RI_SERVING_DIR", "RI_AS_OF_DATE"):
            mp.delenv(var, raising=False)
        write_tiny_org(root / "extracts")
        # One local news feed about the tiny org's accounts, and one that is not there.
        (root / "feeds").mkdir()
        (root / "feeds" / "wire.rss").write_text(NEWS_FEED)
        (root / "feeds.yml").write_text(
            "feeds:\n  - {name: wire, location: feeds/wire.rss}\n  - {name: gone, location: feeds/missing.rss}\n")
        mp.setenv("RI_FEEDS", str(root / "feeds.yml"))
        yield root


@pytest.fixture(scope="module")
def definitions() -> dg.Definitions:
    return defs()


def run_pipeline(definitions: dg.Definitions) -> dg.ExecuteInProcessResult:
    # An in-memory instance: an on-disk SQLite one spends longer writing the range's per-partition
    # events (planned, materialised, checked: thousands for 31 days) than the tiny run computes.
    job = definitions.resolve_job_def("daily_pipeline")
    with dg.DagsterInstance.ephemeral() as instance:
        return job.execute_in_process(instance=instance, tags=RANGE)


def table_digests(database: Path) -> dict[str, str]:
    """A content hash per table, independent of physical row order, of every column but the mark
    of the dbt invocation that wrote a row (a night rewrites its window of days as they were). A
    release's tables published by month are views of their files: they count; a warehouse's
    views (dbt's) are what its tables already hold."""
    out = {}
    with duckdb.connect(str(database), read_only=True) as con:
        tables = con.sql(
            "select table_schema, table_name from information_schema.tables where table_type = 'BASE TABLE' "
            "or (table_type = 'VIEW' and table_schema = ?) order by 1, 2", params=[serving.SCHEMA]
        ).fetchall()
        for schema, name in tables:
            rows = con.sql(f"select columns(lambda c: c <> '{WRITER_COLUMN}') from {qualified(schema, name)}").fetchall()
            digest = hashlib.sha256("\n".join(sorted(map(repr, rows))).encode()).hexdigest()
            out[f"{schema}.{name}"] = digest
    return out


def test_definitions_load_with_the_whole_graph(definitions: dg.Definitions) -> None:
    keys = {k.to_user_string() for k in definitions.resolve_all_asset_keys()}
    assert {"landed/activities", "landed/users", "serving/release"} <= keys
    assert {"dim_users", "dim_contacts"} <= {k.split("/")[-1] for k in keys}
    assert definitions.resolve_job_def("daily_pipeline") is not None
    assert definitions.get_schedule_def("nightly_pipeline").cron_schedule == "0 2 * * *"
    assert definitions.get_sensor_def("new_extract_batches") is not None


def test_sensor_asks_for_one_run_for_new_batches(data_root: Path, definitions: dg.Definitions) -> None:
    with dg.DagsterInstance.ephemeral() as instance:
        context = dg.build_sensor_context(instance=instance, definitions=definitions)
        result = new_extract_batches(context)
    assert isinstance(result, dg.SensorResult) and len(result.run_requests) == 1
    assert result.run_requests[0].run_key


@pytest.fixture(scope="module")
def first_run(data_root: Path, definitions: dg.Definitions) -> dg.ExecuteInProcessResult:
    return run_pipeline(definitions)


def test_range_runs_once_and_publishes(data_root: Path, first_run: dg.ExecuteInProcessResult) -> None:
    assert first_run.success
    # A range is one run in which each step executes once and covers all 31 days.
    steps = [e.step_key for e in first_run.get_step_success_events()]
    assert len(steps) == len(set(steps)) and "dbt_models" in steps
    days = {
        e.partition for e in first_run.get_asset_materialization_events()
        if e.asset_key == dg.AssetKey(["landed", "activities"])
    }
    assert len(days) == 31
    checks = first_run.get_asset_check_evaluations()
    assert checks and all(c.passed for c in checks)
    # no model existed: the scoring step trained the range's weekly versions, back over the 30-day
    # trend window before its last day (2025-02-24 .. 2025-03-31), and recorded them
    trained = [e for e in first_run.get_asset_materialization_events() if e.asset_key == dg.AssetKey(["ml", "models"])]
    assert len(trained) == 1 and len(trained[0].materialization.metadata["training_cutoffs"].value) == 6
    published = table_digests(data_root / "serving" / "current" / "relintel.duckdb")
    assert "serving.dim_contacts" in published
    assert (data_root / "serving" / "current" / "parquet" / "dim_contacts.parquet").exists()
    # the pages are part of the release, swapped in with it
    release = [e for e in first_run.get_asset_materialization_events() if e.asset_key == dg.AssetKey(["serving", "release"])]
    pages = release[0].materialization.metadata["pages"].value
    assert "error" not in pages and pages["opportunity"] >= 1, pages
    assert (data_root / "serving" / "current" / "site" / "index.html").exists()
    # and dbt's docs: every model (the manifest) with the warehouse's columns (the catalog)
    assert "docs_error" not in pages
    docs = (data_root / "serving" / "current" / serving.DOCS_DIR / "index.html").read_text()
    assert docs.count('"unique_id": "model.relintel.contact_health"') == 2, "the model in the manifest and the catalog"


def test_a_runs_dbt_builds_test_the_data_and_leave_the_unit_tests_to_the_suite(first_run: dg.ExecuteInProcessResult) -> None:
    """Unit tests check the models' SQL on fixed inputs (tests/dbt/test_dbt_build.py runs them)."""
    builds = list((DBT_PROJECT.project_dir / "target").glob(f"*-{first_run.run_id[:7]}-*/run_results.json"))
    kinds = {r["unique_id"].split(".")[0] for build in builds for r in json.loads(build.read_text())["results"]}
    assert len(builds) == 2 and {"model", "test"} <= kinds and "unit_test" not in kinds


def test_the_action_tables_are_published_and_the_sensor_delivers_their_alerts_once(
    data_root: Path, definitions: dg.Definitions, first_run: dg.ExecuteInProcessResult
) -> None:
    assert first_run.success
    release = data_root / "serving" / "current"
    published = table_digests(release / "relintel.duckdb")
    by_month = {name for name, relation in relations.load().published().items() if relation.month_column}
    assert "alerts" in by_month  # every alert ever raised: a folder of a file per month of opening
    for table in ("relationship_strength", "recommendations", "alerts", "my_accounts", "book_health_by_rep",
                  "opportunity_quadrant", "account_news", "contact_news", "account_news_held", "news_feed_runs"):
        files = sorted((release / "parquet" / table).glob("*.parquet")) if table in by_month else [
            release / "parquet" / f"{table}.parquet"]
        assert f"serving.{table}" in published and files and all(f.exists() for f in files), table
    due = recent_alerts(release.resolve(), settings.load().alert_delivery_days)
    with dg.DagsterInstance.ephemeral() as instance:
        context = dg.build_sensor_context(instance=instance, definitions=definitions)
        first, again = alert_delivery(context), alert_delivery(context)
    outbox = data_root / "alerts" / "outbox.jsonl"
    lines = outbox.read_text().splitlines() if outbox.exists() else []
    assert len(lines) == len(due)
    if due:
        assert isinstance(first, dg.SensorResult)
        assert first.asset_events[0].metadata["outbox_written"].value == len(due)
    assert isinstance(again, dg.SkipReason)


def test_the_news_is_published_and_a_missing_feed_does_not_stop_the_run(
    data_root: Path, first_run: dg.ExecuteInProcessResult
) -> None:
    assert first_run.success
    read = lambda sql: _contact_health(data_root, sql, [])  # noqa: E731
    assert read("select account_id, event_type, link from serving.account_news") == [
        ("a-blue", "leadership_change", "https://news.example.com/1")]
    assert read("select contact_id, relation from serving.contact_news where contact_id = 'c-jordan'") == [("c-jordan", "named")]
    runs = dict(read("select feed_name, status from serving.news_feed_runs"))
    assert runs == {"wire": "fetched", "gone": "failed"}
    advice = read("select message from serving.recommendations where rule = 'leadership_news'")
    assert len(advice) == 1 and "Jordan Ellis" in advice[0][0]


def test_no_message_body_outlives_the_extract(data_root: Path, first_run: dg.ExecuteInProcessResult) -> None:
    """Bodies given in an extract are read for their sentiment; nothing after landing holds them."""
    assert first_run.success
    body = "the pricing works for us"
    assert files_holding([f for f in (data_root / "extracts").rglob("*") if f.is_file()], [body])
    downstream = [f for f in data_root.rglob("*") if f.is_file() and "extracts" not in f.relative_to(data_root).parts]
    assert len(downstream) > 10
    assert not files_holding(downstream, [body])


def test_same_partition_twice_leaves_identical_tables(
    data_root: Path, definitions: dg.Definitions, first_run: dg.ExecuteInProcessResult
) -> None:
    # The run logs (when each feed was read) are the tables that grow with every run.
    logs = relations.load().run_logs()
    digests = lambda path: {k: v for k, v in table_digests(path).items() if k.split(".")[1] not in logs}  # noqa: E731
    warehouse_before = digests(data_root / "warehouse.duckdb")
    serving_before = digests(data_root / "serving" / "current" / "relintel.duckdb")
    assert run_pipeline(definitions).success
    assert digests(data_root / "warehouse.duckdb") == warehouse_before
    assert digests(data_root / "serving" / "current" / "relintel.duckdb") == serving_before


def test_sensor_is_quiet_once_everything_landed(data_root: Path, definitions: dg.Definitions) -> None:
    with dg.DagsterInstance.ephemeral() as instance:
        result = new_extract_batches(dg.build_sensor_context(instance=instance, definitions=definitions))
    assert isinstance(result, dg.SkipReason)
    write_batch(data_root / "extracts", "users", "2025-04-01", [
        {"user_id": "u-new", "full_name": "New Seller", "email": "new@harborline.io"}
    ])
    with dg.DagsterInstance.ephemeral() as instance:
        result = new_extract_batches(dg.build_sensor_context(instance=instance, definitions=definitions))
    assert isinstance(result, dg.SensorResult)


def _contact_health(data_root: Path, sql: str, params: list[object]) -> list[tuple[object, ...]]:
    with duckdb.connect(str(data_root / "serving" / "current" / "relintel.duckdb"), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def _new_week(extracts: Path) -> None:
    """Jordan writes again and meets Avery in the week after the range."""
    at = lambda day, hour: dt.datetime(2025, 4, day, hour, tzinfo=dt.timezone.utc)  # noqa: E731
    write_batch(extracts, "activities", "2025-04", [
        {"activity_id": "e9", "activity_type": "email", "started_at": at(2, 15), "status": "completed",
         "source": "synced", "subject": "Next steps", "thread_id": "t9", "owner_user_id": "u-avery"},
        {"activity_id": "m9", "activity_type": "meeting", "started_at": at(4, 14), "ended_at": at(4, 15),
         "status": "completed", "source": "synced", "subject": "Contract", "owner_user_id": "u-avery"},
    ])
    write_batch(extracts, "activity_parties", "2025-04", [
        {"activity_id": "e9", "party_role": "sender", "email_address": "jordan.ellis@blueridgehotels.com"},
        {"activity_id": "e9", "party_role": "to", "email_address": "avery.quinn@harborline.io"},
        {"activity_id": "m9", "party_role": "organizer", "email_address": "avery.quinn@harborline.io"},
        {"activity_id": "m9", "party_role": "attendee", "email_address": "jordan.ellis@blueridgehotels.com",
         "participation_status": "accepted"},
    ])


def test_a_later_week_leaves_published_history_as_it_was(
    data_root: Path, definitions: dg.Definitions, first_run: dg.ExecuteInProcessResult
) -> None:
    """Runs after the tests above (it adds data): D, the range's last day, then D + 7 with new activity."""
    d, later = dt.date(2025, 3, 31), dt.date(2025, 4, 7)
    history = "select * from serving.contact_health where snapshot_date <= ? order by all"
    before = _contact_health(data_root, history, [d])
    assert before
    _new_week(data_root / "extracts")
    with dg.DagsterInstance.ephemeral() as instance:
        week = definitions.resolve_job_def("daily_pipeline").execute_in_process(
            instance=instance, tags={"dagster/asset_partition_range_start": "2025-04-01",
                                     "dagster/asset_partition_range_end": later.isoformat()})
    assert week.success
    assert _contact_health(data_root, history, [d]) == before  # byte for byte, every column
    # the release took the health tables' new month only: the previous release's months were kept
    release = [e for e in week.get_asset_materialization_events() if e.asset_key == dg.AssetKey(["serving", "release"])]
    written = release[0].materialization.metadata["months_written"].value
    kept = release[0].materialization.metadata["months_kept"].value
    health = [f"{entity}_health" for entity in ("account", "contact", "opportunity")]
    assert {table: written[table] for table in health} == dict.fromkeys(health, ["2025-04"])
    assert all(kept[table] > 0 for table in health)
    # the daily job trains nothing once models exist: the new week is scored by the range's last version
    assert not [e for e in week.get_asset_materialization_events() if e.asset_key == dg.AssetKey(["ml", "models"])]
    versions = lambda: {json.loads(p.read_text())["as_of_date"]: p.parent.name  # noqa: E731
                        for p in (data_root / "models" / "contact").glob("*/model_card.json")}
    assert later.isoformat() not in versions()
    used = _contact_health(data_root, "select distinct snapshot_date, model_version, training_cutoff from serving.contact_health "
                                      "where snapshot_date in (?, ?) order by all", [d, later])
    assert used == [(d, versions()[d.isoformat()], d), (later, versions()[d.isoformat()], d)]
    # the weekly job trains the new version; the dates already published keep theirs
    published = _contact_health(data_root, history, [later])
    with dg.DagsterInstance.ephemeral() as instance:
        training = definitions.resolve_job_def("weekly_training").execute_in_process(
            instance=instance, partition_key=later.isoformat())
    assert training.success and later.isoformat() in versions()
    assert _contact_health(data_root, history, [later]) == published
    # the range was backfilled with a weekly version each week (the first run's version of 2025-02-24
    # scores nothing: the organisation's activity starts on 2025-03-03); no date used a later one
    cutoffs = _contact_health(data_root, "select distinct training_cutoff from serving.contact_health "
                                         "where snapshot_date <= ? order by 1", [d])
    assert [c for (c,) in cutoffs] == [dt.date(2025, 3, day) for day in (3, 10, 17, 24, 31)]
    assert _contact_health(data_root, "select count(*) from serving.contact_health where training_cutoff > snapshot_date", []) == [(0,)]


def test_the_release_carries_the_dbt_descriptions(data_root: Path, first_run: dg.ExecuteInProcessResult) -> None:
    """Every published table and column shows its dbt description to a BI tool reading the release,
    and the release holds dbt's docs of the models."""
    with duckdb.connect(str(data_root / "serving" / "current" / "relintel.duckdb"), read_only=True) as con:
        found = descriptions.in_duckdb(con, "serving")
    expected = descriptions.expected()
    assert sum(len(d) for d in expected.values()) > 300
    assert {t: found.get(t, {}) for t in expected} == expected
    # and dbt's docs of the models, one static page in the release
    docs = (data_root / "serving" / "current" / "docs" / "index.html").read_text()
    assert relations.load().model("contact_health").description.strip()[:60] in docs
