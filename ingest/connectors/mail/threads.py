"""Conversations: which message replies to which, and which thread each belongs to.

Header evidence first: In-Reply-To, then References from the nearest ancestor back, resolved to
an activity in this conversion. Without headers, a message whose subject carries a reply or
forward prefix (Re:, Fwd:, AW:, WG:, SV:, ...) is attached to the latest earlier message with the
same normalised subject that shares at least one participant.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass

_REPLY_WORDS = r"re|fwd?|aw|wg|sv|vs|antw|antwort|rif|r|tr|enc|odp|fs|vl|ynt|res|rv"
_PREFIX_RE = re.compile(
    rf"^\s*(?:(?:{_REPLY_WORDS})\s*(?:\[\d+\]|\(\d+\))?\s*[:\uff1a]\s*|\[[^\]]{{0,40}}\]\s*|\*\*\*[^*]{{0,30}}\*\*\*\s*)+",
    re.IGNORECASE,
)
_REPLY_PREFIX_RE = re.compile(rf"(?:^|[\s\]])(?:{_REPLY_WORDS})\s*(?:\[\d+\]|\(\d+\))?\s*[:\uff1a]", re.IGNORECASE)


def normalize_subject(subject: str | None) -> str:
    """Subject without reply/forward prefixes and list tags, whitespace collapsed, case-folded."""
    if not subject:
        return ""
    stripped = _PREFIX_RE.sub("", subject)
    return " ".join(stripped.split()).casefold()


def has_reply_prefix(subject: str | None) -> bool:
    """True when the subject starts with a reply or forward prefix (possibly after a list tag)."""
    if not subject:
        return False
    match = _PREFIX_RE.match(subject)
    return bool(match and _REPLY_PREFIX_RE.search(match.group(0)))


def thread_id_for(message_id: str) -> str:
    """Thread ids are derived from the Message-ID of the conversation's first message."""
    return "t-" + hashlib.sha1(message_id.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass(frozen=True)
class ThreadInput:
    """What threading needs to know about one kept message."""

    activity_id: str
    message_id: str | None
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    subject: str | None
    sent_at: dt.datetime
    participants: frozenset[str]


@dataclass(frozen=True)
class ThreadLink:
    """Where a message sits: its thread, its parent (if found) and how the parent was found."""

    thread_id: str
    parent_activity_id: str | None
    method: str  # "in_reply_to", "references", "subject", "none"


def resolve_threads(items: list[ThreadInput], id_to_activity: dict[str, str]) -> dict[str, ThreadLink]:
    """Thread and parent for every item. ``id_to_activity`` maps any Message-ID seen (including
    those of duplicate copies) to the kept activity; parents outside ``items`` are ignored."""
    kept = {item.activity_id for item in items}
    by_id = {item.activity_id: item for item in items}
    parents: dict[str, tuple[str | None, str]] = {}
    ordered = sorted(items, key=lambda i: (i.sent_at, i.activity_id))
    by_subject: dict[str, list[ThreadInput]] = defaultdict(list)
    for item in ordered:
        parents[item.activity_id] = _header_parent(item, id_to_activity, kept)
        if parents[item.activity_id][0] is None and not item.in_reply_to and not item.references and has_reply_prefix(item.subject):
            parents[item.activity_id] = _subject_parent(item, by_subject.get(normalize_subject(item.subject), []))
        key = normalize_subject(item.subject)
        if key:
            by_subject[key].append(item)

    thread_ids: dict[str, str] = {}

    def thread_of(start: str) -> str:
        # Walk up the parent chain (iteratively: chains can be long) until a known thread or a root.
        chain: list[str] = []
        node = start
        while node not in thread_ids:
            chain.append(node)
            parent = parents[node][0]
            if parent is None or parent in chain:
                item = by_id[node]
                root = (item.references[:1] or item.in_reply_to[:1] or (item.message_id,))[0] if parent is None else item.message_id
                thread_ids[node] = thread_id_for(root or node)
                break
            node = parent
        for visited in chain:
            thread_ids[visited] = thread_ids[node]
        return thread_ids[start]

    links: dict[str, ThreadLink] = {}
    for item in ordered:
        parent, method = parents[item.activity_id]
        links[item.activity_id] = ThreadLink(thread_of(item.activity_id), parent, method)
    return links


def _header_parent(item: ThreadInput, id_to_activity: dict[str, str], kept: set[str]) -> tuple[str | None, str]:
    for method, candidates in (("in_reply_to", item.in_reply_to), ("references", tuple(reversed(item.references)))):
        for mid in candidates:
            target = id_to_activity.get(mid)
            if target and target in kept and target != item.activity_id:
                return target, method
    return None, "none"


def _subject_parent(item: ThreadInput, earlier: list[ThreadInput]) -> tuple[str | None, str]:
    for candidate in reversed(earlier):
        if candidate.sent_at < item.sent_at and candidate.participants & item.participants:
            return candidate.activity_id, "subject"
    return None, "none"
