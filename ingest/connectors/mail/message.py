"""Parse one raw message into the fields the mail connector needs, or reject it with a reason.

Date rule: the Date header is used when it parses and is plausible (year >= 1990, not more than a
day ahead of the conversion). Otherwise the newest Received header's time is used when it is
plausible; otherwise the message is rejected with the reason (nothing is guessed).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from email.policy import compat32

from ingest.connectors.mail.body import body_text
from ingest.connectors.mail.headers import (
    addresses,
    header_text,
    message_ids,
    parse_date,
    plausibility_problem,
    received_date,
)
from ingest.connectors.noise import NOISE_HEADERS, bulk_markers
from ingest.sentiment import own_words

_HEADER_LINE_RE = re.compile(rb"^[!-9;-~]+:", re.MULTILINE)


class MessageRejected(Exception):
    """A message that cannot become an activity; ``reason`` is short and stable, ``detail`` specific."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason if not detail else f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass
class ParsedMessage:
    """The parts of a message the connector maps; the body is kept only until it is written."""

    source_ref: str
    mailbox: str
    in_sent_folder: bool
    message_id: str | None
    sent_at: dt.datetime
    date_source: str  # "date" or "received"
    sender: str
    sender_name: str | None
    to: list[tuple[str, str | None]]
    cc: list[tuple[str, str | None]]
    bcc: list[tuple[str, str | None]]
    subject: str | None
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    noise_headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None
    bulk_markers: tuple[str, ...] = ()  # bulk-mail wording in the sender's own text (see noise.BULK_MARKERS)

    @property
    def recipients(self) -> list[str]:
        seen: dict[str, None] = {}
        for address, _ in (*self.to, *self.cc, *self.bcc):
            seen.setdefault(address, None)
        return list(seen)

    @property
    def participants(self) -> frozenset[str]:
        return frozenset({self.sender, *self.recipients})


def _sender(msg: Message) -> tuple[str, str | None]:
    for name in ("From", "Sender"):
        found = addresses(msg.get_all(name))
        if found:
            return found[0]
    raw = header_text(msg.get("From"))
    raise MessageRejected("no sender address", f"From: {raw[:80]}" if raw else "no From header")


def _x_from_name(msg: Message) -> str | None:
    # Enron-corpus style exports carry the sender's display name in X-From when From has none.
    raw = header_text(msg.get("X-From"))
    name = raw.split("<", 1)[0].strip().strip('"').strip()
    return name if name and "@" not in name else None


def _sent_at(msg: Message, now: dt.datetime, default_tz: dt.tzinfo) -> tuple[dt.datetime, str]:
    raw = header_text(msg.get("Date"))
    problem = "missing Date header"
    if raw:
        stamp, parse_problem = parse_date(raw, default_tz)
        if stamp is not None:
            parse_problem = plausibility_problem(stamp, now)
            if parse_problem is None:
                return stamp, "date"
        problem = f"bogus Date header ({parse_problem}): {raw[:60]}"
    fallback = received_date(msg.get_all("Received"), default_tz)
    if fallback is not None and plausibility_problem(fallback, now) is None:
        return fallback, "received"
    raise MessageRejected("no plausible date", f"{problem}; no usable Received header")


def parse_message(
    data: bytes,
    *,
    source_ref: str,
    mailbox: str = "",
    in_sent_folder: bool = False,
    now: dt.datetime,
    default_tz: dt.tzinfo,
) -> ParsedMessage:
    """Parse raw bytes; raises MessageRejected when the message cannot be converted."""
    if not data.strip():
        raise MessageRejected("empty file")
    if data.startswith(b"From "):  # an mbox envelope line saved with a single message
        data = data.split(b"\n", 1)[1] if b"\n" in data else b""
    if not _HEADER_LINE_RE.match(data.lstrip()[:2000]):
        raise MessageRejected("not a mail message", "does not start with header fields")
    msg = message_from_bytes(data, policy=compat32)
    sender, sender_name = _sender(msg)
    sent_at, date_source = _sent_at(msg, now, default_tz)
    ids = message_ids(msg.get("Message-ID"))
    subject = header_text(msg.get("Subject")) or None
    noise = {name: header_text(msg.get(name)) for name in NOISE_HEADERS if msg.get(name) is not None}
    body = body_text(msg)
    return ParsedMessage(
        source_ref=source_ref,
        mailbox=mailbox,
        in_sent_folder=in_sent_folder,
        message_id=ids[0] if ids else None,
        sent_at=sent_at,
        date_source=date_source,
        sender=sender,
        sender_name=sender_name or _x_from_name(msg),
        to=addresses(msg.get_all("To")),
        cc=addresses(msg.get_all("Cc")),
        bcc=addresses(msg.get_all("Bcc")),
        subject=subject,
        in_reply_to=message_ids(msg.get("In-Reply-To")),
        references=message_ids(msg.get("References")),
        noise_headers=noise,
        body=body,
        bulk_markers=bulk_markers(own_words(body or "")),
    )
