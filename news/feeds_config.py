"""The feeds file (config/feeds.yml, or RI_FEEDS): which feeds to read and how to fetch them.

Validated as a whole before anything is fetched: every problem is reported at once, each naming the
entry (its position and name) and the field, instead of a traceback from deep inside a run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from news.fetching import FetchLimits

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_DATA_DIR = "{data_dir}"
_FEED_KEYS = {"name", "location", "tags", "enabled"}
# fetch: key in the file -> FetchLimits field, and whether it is a whole number
_LIMITS = {
    "connect_timeout_seconds": ("connect_timeout", False),
    "read_timeout_seconds": ("read_timeout", False),
    "total_timeout_seconds": ("total_timeout", False),
    "max_bytes": ("max_bytes", True),
    "attempts": ("attempts", True),
    "backoff_seconds": ("backoff_seconds", False),
    "max_redirects": ("max_redirects", True),
}


class FeedsConfigError(ValueError):
    """The feeds file is unusable; the message lists every problem found."""


@dataclass(frozen=True)
class FeedSpec:
    name: str
    location: str  # an http(s) URL or an absolute local path
    tags: tuple[str, ...] = ()

    @property
    def is_url(self) -> bool:
        return urlsplit(self.location).scheme in ("http", "https")


@dataclass(frozen=True)
class FeedsConfig:
    path: Path
    feeds: tuple[FeedSpec, ...]
    limits: FetchLimits


def load_feeds_config(path: Path, data_dir: Path) -> FeedsConfig:
    """The feeds file at `path`; `{data_dir}` in a location is the pipeline's data folder."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FeedsConfigError(f"{path}: cannot read the feeds file ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        raise FeedsConfigError(f"{path}: not valid YAML ({exc})") from None
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise FeedsConfigError(f"{path}: expected a mapping with a `feeds:` list")
    unknown = set(raw) - {"feeds", "fetch"}
    if unknown:
        problems.append(f"unknown top-level key(s): {', '.join(sorted(map(str, unknown)))}")
    entries = raw.get("feeds")
    if not isinstance(entries, list):
        problems.append("`feeds:` must be a list of entries")
        entries = []
    feeds: list[FeedSpec] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        feed = _feed(entry, position, path.parent, data_dir, problems)
        if feed is None:
            continue
        if feed.name in seen:
            problems.append(f"feed #{position} ({feed.name}): the name is used by an earlier feed")
            continue
        seen.add(feed.name)
        feeds.append(feed)
    limits = _limits(raw.get("fetch") or {}, problems)
    if problems:
        raise FeedsConfigError(f"{path}: " + "; ".join(problems))
    return FeedsConfig(path=path, feeds=tuple(feeds), limits=limits)


def _feed(entry: Any, position: int, base: Path, data_dir: Path, problems: list[str]) -> FeedSpec | None:
    if not isinstance(entry, dict):
        problems.append(f"feed #{position}: expected a mapping with name and location")
        return None
    label = f"feed #{position}" + (f" ({entry['name']})" if isinstance(entry.get("name"), str) else "")
    before = len(problems)
    unknown = set(entry) - _FEED_KEYS
    if unknown:
        problems.append(f"{label}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
    name = entry.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        problems.append(f"{label}: name must be 1-64 letters, digits, '_' or '-' (got {name!r})")
    location = entry.get("location")
    if not isinstance(location, str) or not location.strip():
        problems.append(f"{label}: location must be an http(s) URL or a file path")
        location = None
    else:
        location = _location(location.strip(), base, data_dir, label, problems)
    tags = entry.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        problems.append(f"{label}: tags must be a list of words")
        tags = []
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        problems.append(f"{label}: enabled must be true or false")
    if len(problems) > before or not enabled or location is None:
        return None
    return FeedSpec(name=name, location=location, tags=tuple(t.strip() for t in tags))


def _location(text: str, base: Path, data_dir: Path, label: str, problems: list[str]) -> str | None:
    scheme = urlsplit(text).scheme.lower()
    if scheme in ("http", "https"):
        if not urlsplit(text).hostname:
            problems.append(f"{label}: location {text!r} has no host")
            return None
        return text
    if scheme == "file":
        text = urlsplit(text).path
    elif len(scheme) > 1:  # one letter is a Windows drive, not a scheme
        problems.append(f"{label}: location scheme {scheme!r} is not allowed (http, https or a file path)")
        return None
    if text.startswith(_DATA_DIR):
        return str(data_dir / text[len(_DATA_DIR):].lstrip("/\\"))
    path = Path(text).expanduser()
    return str(path if path.is_absolute() else (base / path).resolve())


def _limits(raw: Any, problems: list[str]) -> FetchLimits:
    if not isinstance(raw, dict):
        problems.append("`fetch:` must be a mapping")
        return FetchLimits()
    values: dict[str, float | int] = {}
    for key, value in raw.items():
        if key not in _LIMITS:
            problems.append(f"fetch: unknown setting {key!r}")
            continue
        field, whole = _LIMITS[key]
        number_ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
        if not number_ok or (whole and value != int(value)):
            problems.append(f"fetch: {key} must be a positive {'whole ' if whole else ''}number (got {value!r})")
            continue
        values[field] = int(value) if whole else float(value)
    return FetchLimits(**values)
