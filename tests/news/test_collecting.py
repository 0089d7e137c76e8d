"""A news run against feeds served on 127.0.0.1: each failure is reported while the other feeds land,
304 reuses the stored state, re-running adds nothing, one article from two feeds is one item."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pyarrow.parquet as pq

from news.collecting import FEED_RUNS_DIR, ITEMS_DIR, STATE_FILE, collect, news_dir
from news.feeds_config import FeedsConfig, FeedSpec
from news.fetching import FetchLimits
from tests.news.feed_server import Route, serve

NOW = dt.datetime(2026, 3, 31, 2, 0)
LIMITS = FetchLimits(connect_timeout=1, read_timeout=0.3, total_timeout=2, max_bytes=20_000, attempts=2,
                     backoff_seconds=0.01)


def rss(*items: tuple[str, str, str]) -> bytes:
    """An RSS 2.0 feed of (guid, title, link) items published on 2026-03-30."""
    body = "".join(f"<item><guid>{g}</guid><title>{t}</title><link>{link}</link>"
                   f"<description>&lt;p&gt;About {t} &amp;amp; more&lt;/p&gt;</description>"
                   "<pubDate>Mon, 30 Mar 2026 09:00:00 +0200</pubDate></item>" for g, t, link in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{body}</channel></rss>'.encode()


WIRE = rss(("w1", "Acme launches rockets", "https://news.example.com/a1?utm_source=rss"),
           ("w2", "Initech hires a CEO", "https://news.example.com/a2"))
# The same article as w1 under another guid, without the tracking parameter: one item.
LEDGER = rss(("l1", "Acme launches rockets", "https://news.example.com/a1"),
             ("l2", "Globex files for IPO", "https://news.example.com/a3"))


def slow(handler: BaseHTTPRequestHandler) -> None:
    time.sleep(1.0)
    handler.send_response(200)
    handler.end_headers()


def moved(location: str):
    return Route(status=302, headers={"Location": location})


def items_landed(landed: Path) -> list[dict]:
    folder = news_dir(landed) / ITEMS_DIR
    return [r for p in sorted(folder.glob("2*.parquet")) for r in pq.read_table(p).to_pylist()]


def runs_landed(landed: Path) -> list[dict]:
    folder = news_dir(landed) / FEED_RUNS_DIR
    return [r for p in sorted(folder.glob("2*.parquet")) for r in pq.read_table(p).to_pylist()]


def test_each_broken_feed_is_reported_while_the_others_land(tmp_path: Path) -> None:
    routes = {
        "/wire": Route(body=WIRE, etag='"w-1"'),
        "/ledger": Route(body=gzip.compress(LEDGER), headers={"Content-Encoding": "gzip"}),
        "/slow": slow,
        "/error": Route(status=500, body=b"oops"),
        "/huge": Route(body=b"<rss>" + b"x" * 50_000 + b"</rss>"),
        "/loop-a": moved("/loop-b"), "/loop-b": moved("/loop-a"),
        "/to-ftp": moved("ftp://example.com/feed.xml"),
        "/broken": Route(body=WIRE[:-40]),  # cut off: malformed, still read
    }
    with serve(routes) as base:
        feeds = FeedsConfig(tmp_path / "feeds.yml", tuple(FeedSpec(name, base + path) for name, path in (
            ("wire", "/wire"), ("ledger", "/ledger"), ("slow", "/slow"), ("error", "/error"), ("huge", "/huge"),
            ("loop", "/loop-a"), ("ftp", "/to-ftp"), ("broken", "/broken"))), LIMITS)
        runs = {r.feed_name: r for r in collect(feeds, tmp_path, NOW, log=lambda _: None)}

        assert runs["wire"].status == "fetched" and runs["wire"].items_new == 2
        assert runs["ledger"].status == "fetched"
        assert (runs["ledger"].items_new, runs["ledger"].items_duplicate) == (1, 1)  # the article w1 is one item
        assert runs["slow"].status == "failed" and "timed out" in runs["slow"].reason
        assert runs["error"].status == "failed" and "HTTP 500" in runs["error"].reason and runs["error"].attempts == 2
        assert runs["huge"].status == "failed" and "larger than" in runs["huge"].reason
        assert runs["loop"].status == "failed" and "redirect loop" in runs["loop"].reason
        assert runs["ftp"].status == "failed" and "non-http" in runs["ftp"].reason
        assert runs["broken"].status == "fetched" and runs["broken"].bozo and runs["broken"].bozo_reason
        assert runs["broken"].entries_read >= 1  # what could still be read was read

        items = items_landed(tmp_path)
        assert sorted(i["title"] for i in items) == ["Acme launches rockets", "Globex files for IPO", "Initech hires a CEO"]
        acme = next(i for i in items if i["title"].startswith("Acme"))
        assert acme["canonical_link"] == "https://news.example.com/a1"
        assert acme["summary"] == "About Acme launches rockets & more"
        assert acme["published_at"] == dt.datetime(2026, 3, 30, 7, 0) and acme["published_status"] == "ok"
        assert {r["feed_name"]: r["status"] for r in runs_landed(tmp_path)}["error"] == "failed"

        # The next run: the wire answers 304 to the stored ETag; nothing is landed twice.
        state = json.loads((news_dir(tmp_path) / STATE_FILE).read_text())
        assert state["wire"]["etag"] == '"w-1"'
        again = {r.feed_name: r for r in collect(feeds, tmp_path, NOW + dt.timedelta(days=1), log=lambda _: None)}
        wire_requests = [r for r in base.requests if r.path == "/wire"]
        assert wire_requests[-1].headers["if-none-match"] == '"w-1"'
        assert again["wire"].status == "not_modified" and again["wire"].items_new == 0
        assert again["ledger"].status == "fetched" and again["ledger"].items_new == 0
        assert again["ledger"].items_duplicate == 2
    assert len(items_landed(tmp_path)) == 3


def test_rerunning_the_same_local_feeds_adds_nothing(tmp_path: Path) -> None:
    (tmp_path / "wire.rss").write_bytes(WIRE)
    (tmp_path / "ledger.rss").write_bytes(LEDGER)
    feeds = FeedsConfig(tmp_path / "feeds.yml", (FeedSpec("wire", str(tmp_path / "wire.rss")),
                                                 FeedSpec("ledger", str(tmp_path / "ledger.rss"))), LIMITS)
    collect(feeds, tmp_path / "landed", NOW, log=lambda _: None)
    (news_dir(tmp_path / "landed") / STATE_FILE).unlink()  # even without the stored state
    second = collect(feeds, tmp_path / "landed", NOW + dt.timedelta(minutes=1), log=lambda _: None)
    assert [r.items_new for r in second] == [0, 0]
    assert len(items_landed(tmp_path / "landed")) == 3
    assert len(runs_landed(tmp_path / "landed")) == 4


def test_a_changed_location_is_fetched_in_full(tmp_path: Path) -> None:
    with serve({"/a": Route(body=WIRE, etag='"x"'), "/b": Route(body=WIRE, etag='"x"')}) as base:
        collect(FeedsConfig(tmp_path, (FeedSpec("wire", base + "/a"),), LIMITS), tmp_path, NOW, log=lambda _: None)
        moved_feed = collect(FeedsConfig(tmp_path, (FeedSpec("wire", base + "/b"),), LIMITS), tmp_path, NOW, log=lambda _: None)
        assert "if-none-match" not in base.requests[-1].headers
    assert moved_feed[0].status == "fetched"
