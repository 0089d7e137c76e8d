"""Feed bytes -> normalised news items: plain text, UTC times, canonical links, de-duplication keys.

feedparser reads whatever it can of a malformed feed and says so (`bozo`); that is reported with
what was still read, never raised. Article bodies (`content:encoded` and the like) are not kept:
only the title and a plain-text summary, cut at SUMMARY_MAX_CHARS.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SUMMARY_MAX_CHARS = 1000
# A publication time this far after the fetch is a feed's mistake, not news from the future.
FUTURE_TOLERANCE = dt.timedelta(days=1)
# Query parameters that identify a campaign or a click, not the article.
_TRACKING_PARAMS = {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ocid", "cmpid",
                    "ref", "ref_src", "spm", "_hsenc", "_hsmi", "yclid", "wt.mc_id", "cmp", "rss", "feed"}
_TRACKING_PREFIXES = ("utm_", "at_", "ns_", "pk_", "mtm_")
_SKIPPED_TAGS = {"script", "style", "noscript", "template"}
_SPACE = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class NewsItem:
    feed_name: str
    guid: str | None
    title: str
    summary: str
    link: str | None
    canonical_link: str | None
    published_at: dt.datetime | None  # UTC, naive
    published_status: str  # ok | missing | unparseable | future
    entry_index: int  # position in the feed as read

    @property
    def keys(self) -> tuple[str, ...]:
        """What makes two items the same article: the guid, the canonical link, or the same
        normalised title on the same day (only when the day is known)."""
        keys = []
        if self.guid:
            keys.append("guid:" + self.guid)
        if self.canonical_link:
            keys.append("link:" + self.canonical_link)
        title = title_key(self.title)
        if title and self.published_at is not None and self.published_status == "ok":
            keys.append(f"title:{title}|{self.published_at.date().isoformat()}")
        return tuple(keys)

    @property
    def item_id(self) -> str:
        """A stable id from the article's strongest key (link before guid before title)."""
        keys = self.keys
        strongest = next((k for k in keys if k.startswith("link:")), keys[0] if keys else "title:" + self.title)
        return hashlib.sha256(strongest.encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True)
class ParsedFeed:
    items: list[NewsItem]
    entries_read: int
    entries_skipped: int  # entries with neither a title nor a link
    bozo: bool
    bozo_reason: str | None
    feed_title: str


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in ("br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def plain_text(value: str | None) -> str:
    """Markup stripped, entities decoded (also double-encoded ones), whitespace collapsed."""
    if not value:
        return ""
    text = value
    if "<" in text:
        parser = _TextOnly()
        parser.feed(text)
        parser.close()
        text = "".join(parser.parts)
    text = html.unescape(html.unescape(text))
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    return _SPACE.sub(" ", text).strip()


def canonical_link(link: str | None) -> str | None:
    """The link with scheme and host lower-cased, default port, fragment and tracking parameters
    dropped, and the remaining parameters in a stable order; None when it is not an http(s) URL."""
    if not link:
        return None
    try:
        parts = urlsplit(link.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if port and not (parts.scheme.lower(), port) in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if k.lower() not in _TRACKING_PARAMS and not k.lower().startswith(_TRACKING_PREFIXES))
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", urlencode(query), ""))


def title_key(title: str) -> str:
    """A title as compared across feeds: case, accents of width, punctuation and spacing ignored."""
    return _SPACE.sub(" ", _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", title).casefold())).strip()


def _published(entry: Any, fetched_at: dt.datetime) -> tuple[dt.datetime | None, str]:
    for field in ("published", "updated", "created"):
        # a plain dict look-up: FeedParserDict.get maps a missing updated_parsed to published_parsed, warning
        parsed = dict.get(entry, f"{field}_parsed")
        if parsed:
            when = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=calendar.timegm(parsed))
            return when, ("future" if when > fetched_at + FUTURE_TOLERANCE else "ok")
    raw = any(dict.get(entry, field) for field in ("published", "updated", "created"))
    return None, ("unparseable" if raw else "missing")


def _summary(entry: Any) -> str:
    text = plain_text(entry.get("summary") or entry.get("description") or "")
    if len(text) > SUMMARY_MAX_CHARS:
        text = text[: SUMMARY_MAX_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return text


def parse_feed(feed_name: str, body: bytes, fetched_at: dt.datetime) -> ParsedFeed:
    """Every entry of the feed that has a title or a link, normalised (`fetched_at`: naive UTC)."""
    import feedparser  # only the news step needs it

    parsed = feedparser.parse(body)
    items, skipped = [], 0
    for index, entry in enumerate(parsed.entries):
        title = plain_text(entry.get("title"))
        link = entry.get("link") or None
        if not title and not link:
            skipped += 1
            continue
        published_at, status = _published(entry, fetched_at)
        items.append(NewsItem(
            feed_name=feed_name,
            guid=(entry.get("id") or "").strip() or None,
            title=title or plain_text(link),
            summary=_summary(entry),
            link=link,
            canonical_link=canonical_link(link),
            published_at=published_at,
            published_status=status,
            entry_index=index,
        ))
    bozo = bool(parsed.get("bozo"))
    reason = parsed.get("bozo_exception")
    return ParsedFeed(items=items, entries_read=len(parsed.entries), entries_skipped=skipped, bozo=bozo,
                      bozo_reason=f"{type(reason).__name__}: {reason}"[:500] if bozo and reason else None,
                      feed_title=plain_text(parsed.get("feed", {}).get("title")))
