"""The hand-labelled news-to-account fixture still points at the real feed captures it was made from.

Every row of fixtures/real_feed_labels.csv names a capture, an entry index in feedparser's entry order and the
entry's title; this check re-parses the captures and confirms the row still lands on that entry, that every account
id is in fixtures/real_accounts.csv and that every event type is one of the allowed ones. Skipped when the captures
(../shared/data/feeds/rss_parser beside the repository) are absent, as in a fresh clone.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CAPTURES = Path(__file__).resolve().parents[3] / "shared" / "data" / "feeds" / "rss_parser"
EVENT_TYPES = {
    "merger_acquisition",
    "leadership_change",
    "product_launch",
    "funding",
    "earnings",
    "layoffs",
    "legal",
    "partnership",
    "other",
}


def _rows(name: str) -> list[dict[str, str]]:
    with open(FIXTURES / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


@lru_cache(maxsize=None)
def _entries(feed_file: str) -> tuple:
    feedparser = pytest.importorskip("feedparser")
    return tuple(feedparser.parse((CAPTURES / feed_file).read_bytes()).entries)


def test_accounts_and_contacts_are_consistent() -> None:
    accounts = _rows("real_accounts.csv")
    ids = [a["account_id"] for a in accounts]
    assert len(ids) == len(set(ids))
    assert all(a["name"] and a["industry"] for a in accounts)
    for contact in _rows("real_contacts.csv"):
        assert contact["account_id"] in ids, contact


@pytest.mark.skipif(not CAPTURES.is_dir(), reason=f"feed captures not present: {CAPTURES}")
def test_every_label_row_matches_its_capture_entry() -> None:
    account_ids = {a["account_id"] for a in _rows("real_accounts.csv")}
    labels = _rows("real_feed_labels.csv")
    assert labels
    seen: set[tuple[str, int]] = set()
    for row in labels:
        key = (row["feed_file"], int(row["entry_index"]))
        assert key not in seen, f"duplicate row {key}"
        seen.add(key)
        assert (CAPTURES / row["feed_file"]).is_file(), row["feed_file"]
        entries = _entries(row["feed_file"])
        assert 0 <= key[1] < len(entries), f"{key} out of range ({len(entries)} entries)"
        assert _collapse(entries[key[1]].get("title", "")) == row["title"], key
        ids = [a for a in row["account_ids"].split(";") if a]
        assert all(a in account_ids for a in ids), (key, ids)
        if ids:
            assert row["event_type"] in EVENT_TYPES, (key, row["event_type"])
        else:
            assert row["event_type"] == "", (key, "hard negatives carry no event type")
