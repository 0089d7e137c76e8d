"""Recognise copies of the same message (several folders, several mailboxes, re-exports).

First by Message-ID; then, because exports often give each copy its own Message-ID, by a
content fingerprint of sender, recipients, sending instant, normalised subject and body.

Folder copies whose Date was written with a time-zone mistake (seen in the Enron corpus: the
`inbox` copy and the `all_documents` / `discussion_threads` copy 10 or 12 hours apart) are copies
too: same content fingerprint without the time, sending instants a whole number of hours apart
(same minutes and seconds), at most ``MAX_HOUR_SHIFT`` hours. A new message is only ever compared
with kept messages (never with other copies), so a chain of shifts cannot merge messages further
apart than that. Other differences (9 h 30 min, 15 h, a second) are separate messages: a resend.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

MAX_HOUR_SHIFT = 14  # hours: the widest time-zone mistake merged (UTC-12 .. UTC+14 spans more, seldom seen)
_HOUR = 3600

from ingest.connectors.mail.message import ParsedMessage
from ingest.connectors.mail.threads import normalize_subject


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def _content_parts(msg: ParsedMessage) -> tuple[str, str, str, str]:
    body = " ".join((msg.body or "").split())
    return msg.sender, ",".join(sorted(msg.recipients)), normalize_subject(msg.subject), _digest(body)


def fingerprint(msg: ParsedMessage) -> str:
    """A hash of what makes two copies the same message, ignoring folder and header noise."""
    sender, recipients, subject, body = _content_parts(msg)
    parts = [sender, recipients, msg.sent_at.astimezone(dt.timezone.utc).isoformat(), subject, body]
    return _digest("\n".join(parts))


def content_fingerprint(msg: ParsedMessage) -> str:
    """The fingerprint without the sending time: equal for copies whose Date was shifted."""
    return _digest("\n".join(_content_parts(msg)))


def hour_shift(a: dt.datetime, b: dt.datetime) -> int | None:
    """Whole hours (0..MAX_HOUR_SHIFT) between two instants with the same minutes and seconds, else None."""
    delta = abs(b - a)
    seconds = delta.days * 86400 + delta.seconds
    if delta.microseconds or seconds % _HOUR or seconds > MAX_HOUR_SHIFT * _HOUR:
        return None
    return seconds // _HOUR


def activity_id(msg: ParsedMessage, fp: str, *, id_collision: bool = False) -> str:
    """Deterministic id: from the Message-ID when there is one, else from the fingerprint."""
    if msg.message_id and not id_collision:
        return "e-" + _digest(msg.message_id)[:16]
    if msg.message_id:
        return "e-" + _digest(msg.message_id + fp)[:16]
    return "e-" + fp[:16]


@dataclass(frozen=True)
class Duplicate:
    """A copy of an earlier message: by which key, and the activity id of the kept copy."""

    kind: str  # "message_id" or "fingerprint" (exact, or a whole-hour shift: see `hours`)
    original_activity_id: str
    original_ref: str
    hours: int = 0  # fingerprint copies: whole hours between this copy's Date and the kept one's


@dataclass
class Deduplicator:
    """Remembers kept messages; `check` says whether a new one is a copy of one of them."""

    by_message_id: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # id -> (sender, activity, ref)
    by_fingerprint: dict[str, tuple[str, str]] = field(default_factory=dict)  # fp -> (activity, ref)
    # content fingerprint -> kept messages as (UTC instant, activity, ref), in the order they were kept
    by_content: dict[str, list[tuple[dt.datetime, str, str]]] = field(default_factory=dict)
    id_collisions: int = 0
    hour_shift_merges: int = 0  # copies merged although their Date differs by whole hours

    def check(self, msg: ParsedMessage) -> tuple[Duplicate | None, str, str]:
        """(duplicate or None, fingerprint, activity id the message has or would have)."""
        fp = fingerprint(msg)
        collision = False
        if msg.message_id and msg.message_id in self.by_message_id:
            sender, original, ref = self.by_message_id[msg.message_id]
            if sender == msg.sender:
                return Duplicate("message_id", original, ref), fp, original
            # Same Message-ID from another sender: a broken generator, not a copy.
            collision = True
            self.id_collisions += 1
        content = content_fingerprint(msg)
        sent = msg.sent_at.astimezone(dt.timezone.utc)
        match = self._shifted_copy(content, sent) if fp not in self.by_fingerprint else (0, *self.by_fingerprint[fp])
        if match is not None:
            hours, original, ref = match
            if hours:
                self.hour_shift_merges += 1
            if msg.message_id and msg.message_id not in self.by_message_id:
                self.by_message_id[msg.message_id] = (msg.sender, original, ref)
            return Duplicate("fingerprint", original, ref, hours), fp, original
        ident = activity_id(msg, fp, id_collision=collision)
        if msg.message_id and not collision:
            self.by_message_id[msg.message_id] = (msg.sender, ident, msg.source_ref)
        self.by_fingerprint[fp] = (ident, msg.source_ref)
        self.by_content.setdefault(content, []).append((sent, ident, msg.source_ref))
        return None, fp, ident

    def _shifted_copy(self, content: str, sent: dt.datetime) -> tuple[int, str, str] | None:
        """(hours, activity, ref) of the kept message this one is a shifted copy of: fewest hours, then kept first."""
        best: tuple[int, str, str] | None = None
        for kept_at, original, ref in self.by_content.get(content, ()):
            hours = hour_shift(kept_at, sent)
            if hours is not None and (best is None or hours < best[0]):
                best = (hours, original, ref)
        return best

    def aliases(self) -> dict[str, str]:
        """Every Message-ID seen (kept or duplicate) -> activity id of the kept copy (for threading)."""
        return {mid: entry[1] for mid, entry in self.by_message_id.items()}
