"""Recognise copies of the same message (several folders, several mailboxes, re-exports).

First by Message-ID; then, because exports often give each copy its own Message-ID, by a
content fingerprint of sender, recipients, sending instant, normalised subject and body.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from ingest.connectors.mail.message import ParsedMessage
from ingest.connectors.mail.threads import normalize_subject


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def fingerprint(msg: ParsedMessage) -> str:
    """A hash of what makes two copies the same message, ignoring folder and header noise."""
    body = " ".join((msg.body or "").split())
    parts = [
        msg.sender,
        ",".join(sorted(msg.recipients)),
        msg.sent_at.astimezone(dt.timezone.utc).isoformat(),
        normalize_subject(msg.subject),
        _digest(body),
    ]
    return _digest("\n".join(parts))


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

    kind: str  # "message_id" or "fingerprint"
    original_activity_id: str
    original_ref: str


@dataclass
class Deduplicator:
    """Remembers kept messages; `check` says whether a new one is a copy of one of them."""

    by_message_id: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # id -> (sender, activity, ref)
    by_fingerprint: dict[str, tuple[str, str]] = field(default_factory=dict)  # fp -> (activity, ref)
    id_collisions: int = 0

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
        if fp in self.by_fingerprint:
            original, ref = self.by_fingerprint[fp]
            if msg.message_id and msg.message_id not in self.by_message_id:
                self.by_message_id[msg.message_id] = (msg.sender, original, ref)
            return Duplicate("fingerprint", original, ref), fp, original
        ident = activity_id(msg, fp, id_collision=collision)
        if msg.message_id and not collision:
            self.by_message_id[msg.message_id] = (msg.sender, ident, msg.source_ref)
        self.by_fingerprint[fp] = (ident, msg.source_ref)
        return None, fp, ident

    def aliases(self) -> dict[str, str]:
        """Every Message-ID seen (kept or duplicate) -> activity id of the kept copy (for threading)."""
        return {mid: entry[1] for mid, entry in self.by_message_id.items()}
