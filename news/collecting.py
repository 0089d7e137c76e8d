"""One news run: fetch every configured feed, parse and normalise it, land the items not seen before.

    <landed>/news/items/<run>.parquet      the run's new items (one row per article)
    <landed>/news/feed_runs/<run>.parquet  one row per feed: fetched / not_modified / failed, why, counts
    <landed>/news/feed_state.json          each feed's ETag / Last-Modified for the next conditional GET

Feeds are fetched side by side and handled one at a time in the file's order, each on its own: a
broken, slow or huge feed is a `failed` row with its reason while the others land. An article is
new unless one of its keys (guid, canonical link, title + day) was landed before, by any feed in
any run, or earlier in this run: re-running adds nothing, and the same article from two feeds is
one item (the first feed in the file's order keeps it). Callers hold the landing lock.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pyarrow as pa
import pyarrow.parquet as pq

from ingest.batch_files import temp_name
from ingest.landing import SCHEMA_FILE, write_parquet
from news.feeds_config import FeedsConfig, FeedSpec
from news.fetching import FetchResult, Validators, fetch
from news.items import NewsItem, ParsedFeed, parse_feed

NEWS_DIR = "news"  # under the landed folder
ITEMS_DIR = "items"
FEED_RUNS_DIR = "feed_runs"
STATE_FILE = "feed_state.json"
FETCH_WORKERS = 4

ITEM_SCHEMA = pa.schema([
    ("item_id", pa.string()),
    ("feed_name", pa.string()),
    ("feed_tags", pa.list_(pa.string())),
    ("guid", pa.string()),
    ("title", pa.string()),
    ("summary", pa.string()),
    ("link", pa.string()),
    ("canonical_link", pa.string()),
    ("published_at", pa.timestamp("us")),
    ("published_status", pa.string()),
    ("first_seen_at", pa.timestamp("us")),
    ("dedupe_keys", pa.list_(pa.string())),
    ("run_id", pa.string()),
])

FEED_RUN_SCHEMA = pa.schema([
    ("run_id", pa.string()),
    ("feed_name", pa.string()),
    ("location", pa.string()),
    ("status", pa.string()),
    ("reason", pa.string()),
    ("http_status", pa.int32()),
    ("attempts", pa.int32()),
    ("elapsed_seconds", pa.float64()),
    ("bozo", pa.bool_()),
    ("bozo_reason", pa.string()),
    ("entries_read", pa.int32()),
    ("entries_skipped", pa.int32()),
    ("items_new", pa.int32()),
    ("items_duplicate", pa.int32()),
    ("fetched_at", pa.timestamp("us")),
])


@dataclass(frozen=True)
class FeedRun:
    """What happened to one feed in one run (a row of feed_runs)."""

    run_id: str
    feed_name: str
    location: str
    status: str  # fetched | not_modified | failed
    reason: str | None
    http_status: int | None
    attempts: int
    elapsed_seconds: float
    bozo: bool
    bozo_reason: str | None
    entries_read: int
    entries_skipped: int
    items_new: int
    items_duplicate: int
    fetched_at: dt.datetime


def news_dir(landed_dir: Path) -> Path:
    return landed_dir / NEWS_DIR


def shown_location(location: str) -> str:
    """A feed's location as stored and shown: user, password, query and fragment of a URL left out
    (they can hold a token)."""
    parts = urlsplit(location)
    if parts.scheme in ("http", "https"):
        host = parts.hostname or ""
        return urlunsplit((parts.scheme, host + (f":{parts.port}" if parts.port else ""), parts.path, "", ""))
    return location


def collect(config: FeedsConfig, landed_dir: Path, now: dt.datetime,
            log: Callable[[str], None] = print, fetcher: Callable[..., FetchResult] = fetch) -> list[FeedRun]:
    """Fetch, parse and land every feed of `config` (now: naive UTC); one FeedRun per feed."""
    root = news_dir(landed_dir)
    _ensure_schemas(root)
    run_id = now.strftime("%Y%m%dT%H%M%S%fZ")
    state = _read_state(root)
    seen = _landed_keys(root)
    log(f"news: fetching {len(config.feeds)} feed(s)")
    with ThreadPoolExecutor(max_workers=FETCH_WORKERS) as pool:
        fetched = list(pool.map(
            lambda feed: fetcher(feed.location, _validators(state, feed), config.limits), config.feeds))
    runs: list[FeedRun] = []
    new_items: list[tuple[FeedSpec, NewsItem]] = []
    for feed, result in zip(config.feeds, fetched):
        run, items = _one_feed(feed, result, run_id, now, seen)
        runs.append(run)
        new_items += [(feed, item) for item in items]
        if result.status != "failed":
            state[feed.name] = {"location": shown_location(feed.location), **result.validators.as_dict()}
        log(f"news: {feed.name}: {run.status}" + (f" ({run.reason})" if run.reason else "")
            + (f", malformed ({run.bozo_reason}), read anyway" if run.bozo else "")
            + f", {run.entries_read} entries, {run.items_new} new, {run.items_duplicate} seen before")
    # Items first, then the feed runs, then the state: a crash in between re-fetches, and the keys
    # already landed keep a second copy out.
    if new_items:
        write_parquet(_items_table(new_items, run_id, now), root / ITEMS_DIR / f"{run_id}.parquet")
    write_parquet(pa.Table.from_pylist([asdict(r) for r in runs], schema=FEED_RUN_SCHEMA),
                  root / FEED_RUNS_DIR / f"{run_id}.parquet")
    _write_state(root, state)
    return runs


def _one_feed(feed: FeedSpec, result: FetchResult, run_id: str, now: dt.datetime,
              seen: set[str]) -> tuple[FeedRun, list[NewsItem]]:
    parsed: ParsedFeed | None = None
    status, reason = result.status, result.reason
    if result.status == "fetched" and result.body is not None:
        try:
            parsed = parse_feed(feed.name, result.body, now)
        except Exception as exc:  # noqa: BLE001 - one unreadable feed must not stop the others
            status, reason = "failed", f"unreadable feed: {type(exc).__name__}: {exc}"[:500]
    items: list[NewsItem] = []
    duplicates = 0
    for item in parsed.items if parsed else []:
        if any(key in seen for key in item.keys):
            duplicates += 1
            continue
        seen.update(item.keys)
        items.append(item)
    if parsed is not None and parsed.entries_read == 0 and parsed.bozo:
        reason = "nothing could be read"
    run = FeedRun(
        run_id=run_id, feed_name=feed.name, location=shown_location(feed.location), status=status,
        reason=reason, http_status=result.http_status, attempts=result.attempts,
        elapsed_seconds=round(result.elapsed_seconds, 3), bozo=bool(parsed and parsed.bozo),
        bozo_reason=parsed.bozo_reason if parsed else None, entries_read=parsed.entries_read if parsed else 0,
        entries_skipped=parsed.entries_skipped if parsed else 0, items_new=len(items), items_duplicate=duplicates,
        fetched_at=now)
    return run, items


def _validators(state: dict[str, dict[str, str | None]], feed: FeedSpec) -> Validators:
    """The feed's stored ETag / Last-Modified, unless its location changed since."""
    stored = state.get(feed.name) or {}
    same_place = stored.get("location") == shown_location(feed.location)
    return Validators.from_dict(stored) if same_place else Validators()


def _items_table(items: list[tuple[FeedSpec, NewsItem]], run_id: str, now: dt.datetime) -> pa.Table:
    rows = [{
        "item_id": item.item_id, "feed_name": feed.name, "feed_tags": list(feed.tags), "guid": item.guid,
        "title": item.title, "summary": item.summary, "link": item.link, "canonical_link": item.canonical_link,
        "published_at": item.published_at, "published_status": item.published_status, "first_seen_at": now,
        "dedupe_keys": list(item.keys), "run_id": run_id,
    } for feed, item in items]
    return pa.Table.from_pylist(rows, schema=ITEM_SCHEMA)


def _ensure_schemas(root: Path) -> None:
    """Zero-row files, so the warehouse's globs match and every column exists before any item."""
    for folder, schema in ((ITEMS_DIR, ITEM_SCHEMA), (FEED_RUNS_DIR, FEED_RUN_SCHEMA)):
        path = root / folder / SCHEMA_FILE
        if not path.exists() or pq.read_schema(path) != schema:
            write_parquet(schema.empty_table(), path)


def _landed_keys(root: Path) -> set[str]:
    keys: set[str] = set()
    for path in sorted((root / ITEMS_DIR).glob("*.parquet")):
        for values in pq.read_table(path, columns=["dedupe_keys"]).column("dedupe_keys").to_pylist():
            keys.update(values or ())
    return keys


def _read_state(root: Path) -> dict[str, dict[str, str | None]]:
    try:
        state = json.loads((root / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # no state yet, or unreadable: every feed is fetched in full
    return state if isinstance(state, dict) else {}


def _write_state(root: Path, state: dict[str, dict[str, str | None]]) -> None:
    path = root / STATE_FILE
    tmp = temp_name(path)
    tmp.write_text(json.dumps(state, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)
