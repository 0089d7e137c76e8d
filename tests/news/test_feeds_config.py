"""The feeds file: a valid one is read with its paths resolved; a bad one names every bad entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from news.feeds_config import FeedsConfigError, load_feeds_config
from runtime import settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "feeds.yml"
    path.write_text(text)
    return path


def test_the_shipped_file_is_valid(tmp_path: Path) -> None:
    cfg = settings.load()
    feeds = load_feeds_config(cfg.feeds_config, tmp_path)
    assert [f.name for f in feeds.feeds] == ["business_wire", "regional_ledger"]
    assert feeds.feeds[0].location == str(tmp_path / "feeds" / "business_wire.rss")


def test_locations_and_limits(tmp_path: Path) -> None:
    path = write(tmp_path, """
feeds:
  - {name: press, location: "https://example.com/feed.xml", tags: [press]}
  - {name: local, location: "captures/x.rss"}
  - {name: paused, location: "https://example.com/off", enabled: false}
fetch: {read_timeout_seconds: 2.5, max_bytes: 1000}
""")
    feeds = load_feeds_config(path, tmp_path / "data")
    assert [(f.name, f.location, f.tags) for f in feeds.feeds] == [
        ("press", "https://example.com/feed.xml", ("press",)), ("local", str(tmp_path / "captures" / "x.rss"), ())]
    assert (feeds.limits.read_timeout, feeds.limits.max_bytes, feeds.limits.attempts) == (2.5, 1000, 3)


def test_every_problem_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, """
feeds:
  - {name: ok, location: "https://example.com/a"}
  - {name: "bad name!", location: "https://example.com/b"}
  - {name: ftp, location: "ftp://example.com/c"}
  - {name: ok, location: "https://example.com/d"}
  - {location: "https://example.com/e", colour: blue}
  - just a string
fetch: {attempts: 0, speed: 3}
""")
    with pytest.raises(FeedsConfigError) as error:
        load_feeds_config(path, tmp_path)
    message = str(error.value)
    for part in ("feed #2 (bad name!): name must be", "feed #3 (ftp): location scheme 'ftp' is not allowed",
                 "feed #4 (ok): the name is used by an earlier feed", "feed #5: unknown field(s) colour",
                 "feed #5: name must be", "feed #6: expected a mapping", "fetch: attempts must be a positive whole number",
                 "fetch: unknown setting 'speed'"):
        assert part in message, part
    assert str(path) in message


@pytest.mark.parametrize("text", ["feeds: [", "- a list", "feeds: {name: x}"])
def test_unusable_files(tmp_path: Path, text: str) -> None:
    with pytest.raises(FeedsConfigError, match="feeds.yml"):
        load_feeds_config(write(tmp_path, text), tmp_path)


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FeedsConfigError, match="cannot read the feeds file"):
        load_feeds_config(tmp_path / "nowhere.yml", tmp_path)
