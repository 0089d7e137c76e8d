"""Read header fields the way real mail writes them: encoded words, odd charsets, broken dates."""

from __future__ import annotations

import datetime as dt
import re
from email.header import Header, decode_header
from email.utils import getaddresses, parsedate_to_datetime
from zoneinfo import ZoneInfo

from ingest import contract
from ingest.connectors.identity import normalize_address

# Dates before this year are clock or conversion errors (the Enron corpus has 1979 and 0001).
MIN_PLAUSIBLE_YEAR = contract.MIN_YEAR  # the contract's plausible years, shared by every check
# A message dated further ahead than this, relative to the conversion, has a wrong clock.
MAX_FUTURE_SKEW = dt.timedelta(days=1)

_WS_RE = re.compile(r"\s+")
_YEAR_TOKEN_RE = re.compile(r"\b\d{1,2}\s+[A-Za-z]{3,}\s+(\d{1,4})\b")
_MSGID_RE = re.compile(r"<[^<>\s]+>")


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Bytes to text: the declared charset if it works, else UTF-8, else Windows-1252 (never fails)."""
    for candidate in (charset, "utf-8"):
        if not candidate or candidate.lower() in {"unknown-8bit", "x-unknown"}:
            continue
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace")


def _raw_text(value: str) -> str:
    # Undeclared 8-bit header bytes arrive as surrogate escapes; decode them as UTF-8 or Windows-1252.
    if any("\udc80" <= ch <= "\udcff" for ch in value):
        return decode_bytes(value.encode("ascii", "surrogateescape"), None)
    return value


def header_text(value: object) -> str:
    """A header value as one line of text, RFC 2047 encoded words decoded, odd charsets survived."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = _raw_text(value)
    try:
        # Joined by hand rather than with make_header: that one turns undeclared 8-bit bytes into U+FFFD.
        chunks = decode_header(value if isinstance(value, (str, Header)) else str(value))
        text = "".join(decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk for chunk, charset in chunks)
    except Exception:  # a header too broken to split keeps its raw text
        text = str(value)
    return _WS_RE.sub(" ", text).strip()


def addresses(values: list[object] | None) -> list[tuple[str, str | None]]:
    """(normalised address, display name) pairs from address headers; unusable entries are skipped."""
    if not values:
        return []
    # Split the raw text first: an encoded display name may decode to text with commas in it.
    raw = [_raw_text(v) if isinstance(v, str) else header_text(v) for v in values]
    out: list[tuple[str, str | None]] = []
    seen: set[str] = set()
    for name, addr in getaddresses([str(r) for r in raw]):
        address = normalize_address(addr)
        if not address or address in seen:
            continue
        seen.add(address)
        display = header_text(name).strip(" '\"") if name else ""
        if not display or display.lower() == address or normalize_address(display) == address:
            display = ""
        out.append((address, display or None))
    return out


def message_ids(value: object) -> tuple[str, ...]:
    """The <...> identifiers in a Message-ID, In-Reply-To or References field, in order."""
    text = header_text(value)
    found = tuple(_MSGID_RE.findall(text))
    if found:
        return found
    bare = text.strip()
    return (f"<{bare}>",) if bare and "@" in bare and " " not in bare else ()


def parse_date(value: str, default_tz: dt.tzinfo) -> tuple[dt.datetime | None, str | None]:
    """(timestamp, None) for a plausible-looking Date value, else (None, why it is unusable).

    The year is read as written: the standard parser turns a four-digit ``0001`` into 2001,
    which would hide a bogus date.
    """
    text = value.strip()
    if not text:
        return None, "empty"
    try:
        stamp = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        try:
            stamp = dt.datetime.fromisoformat(text)
        except ValueError:
            return None, f"unparseable ({text[:60]})"
    year_token = _YEAR_TOKEN_RE.search(text)
    if year_token and len(year_token.group(1)) >= 3 and int(year_token.group(1)) != stamp.year:
        return None, f"year {year_token.group(1)} is not plausible"
    if stamp.tzinfo is None:  # no zone, or "-0000" (zone unknown): read in the configured zone
        stamp = stamp.replace(tzinfo=default_tz)
    return stamp, None


def plausibility_problem(stamp: dt.datetime, now: dt.datetime) -> str | None:
    """Why a date cannot be a real sending time (too old, or in the future), or None."""
    if stamp.year < MIN_PLAUSIBLE_YEAR:
        return f"{stamp.date().isoformat()} is before {MIN_PLAUSIBLE_YEAR}"
    if stamp > now + MAX_FUTURE_SKEW:
        return f"{stamp.isoformat()} is in the future"
    return None


def received_date(received_values: list[object] | None, default_tz: dt.tzinfo) -> dt.datetime | None:
    """Delivery time from the newest Received header (the text after its last ';')."""
    for value in received_values or []:
        text = header_text(value)
        if ";" not in text:
            continue
        stamp, problem = parse_date(text.rsplit(";", 1)[1], default_tz)
        if stamp is not None and problem is None:
            return stamp
    return None


def zone(name: str) -> dt.tzinfo:
    """The tzinfo for an IANA name (UTC for 'UTC')."""
    return dt.timezone.utc if name.upper() == "UTC" else ZoneInfo(name)
