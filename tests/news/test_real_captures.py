"""The real RSS/Atom captures in ../shared/data/feeds: every one is processed by a news run without
a crash; the malformed ones are reported as such, with what could still be read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from news.collecting import collect
from news.evaluation import REAL_FEEDS
from news.feeds_config import FeedsConfig, FeedSpec
from news.fetching import FetchLimits

pytestmark = pytest.mark.skipif(not REAL_FEEDS.is_dir(), reason=f"no real captures at {REAL_FEEDS}")

# What feedparser reports for the captures that are not well-formed (and how many entries it still reads).
MALFORMED = {"itunes-keywords-array.rss": 1, "itunes-keywords-astext.rss": 32, "itunes-missing-image.rss": 131,
             "unrecognized.rss": 0, "uolNoticias.rss": 15}


def test_every_capture_is_processed_and_the_malformed_are_reported(tmp_path: Path) -> None:
    captures = sorted(p for p in REAL_FEEDS.iterdir() if p.suffix in (".rss", ".atom"))
    assert len(captures) >= 30
    feeds = FeedsConfig(tmp_path / "feeds.yml",
                        tuple(FeedSpec(p.stem.replace(".", "_"), str(p)) for p in captures), FetchLimits())
    runs = {r.location: r for r in collect(feeds, tmp_path, dt.datetime(2026, 1, 1), log=lambda _: None)}
    assert len(runs) == len(captures)
    for path in captures:
        run = runs[str(path)]
        assert run.status == "fetched", (path.name, run.reason)
        if path.name in MALFORMED:
            assert run.bozo and run.bozo_reason, path.name
            assert run.entries_read == MALFORMED[path.name], path.name
        else:
            assert not run.bozo, (path.name, run.bozo_reason)
    assert runs[str(REAL_FEEDS / "unrecognized.rss")].reason == "nothing could be read"
    # Two captures are the same file: its articles land once.
    assert runs[str(REAL_FEEDS / "xml2js-options.rss")].items_duplicate == runs[str(REAL_FEEDS / "rss-1.rss")].items_new
    assert sum(r.items_new for r in runs.values()) > 1000
