"""Dates and times as CRMs export them, and the moment an export reflects."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ingest import contract
from ingest.connectors.crm.export_files import Row

_TIMESTAMP = re.compile(
    r"""^(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})
        (?:[T\s]+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d+))?)?)?
        \s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$""",
    re.VERBOSE | re.IGNORECASE,
)
_EPOCH = re.compile(r"^\d{9,14}$")


def _plausible(value: dt.date, text: str) -> None:
    """The contract's plausible years, shared with landing: e.g. HubSpot exports carry meetings on
    1970-01-19 (milliseconds read as seconds somewhere upstream) that are no real date."""
    if not contract.MIN_YEAR <= value.year <= contract.MAX_YEAR:
        raise ValueError(f"{text.strip()!r} is outside the plausible years {contract.MIN_YEAR}-{contract.MAX_YEAR}")


def parse_timestamp(text: str, *, naive_zone: dt.tzinfo | None = None) -> dt.datetime:
    """Parse an exported date-time in the plausible years; raise ValueError when it is not one."""
    stamp = _parse_timestamp(text, naive_zone)
    _plausible(stamp.date(), text)
    return stamp


def _parse_timestamp(text: str, naive_zone: dt.tzinfo | None) -> dt.datetime:
    """Parse an exported date-time; raise ValueError when it is not one.

    Accepts ISO 8601 with `T` or a space, any fraction of seconds, `Z`, `UTC`, `+0000` or
    `+00:00`, and epoch seconds or milliseconds. A value without an offset is taken in
    `naive_zone`, UTC by default: Dataverse, Salesforce and HubSpot all store and export UTC.
    A date without a time stands for midday of that day in that zone (see `midday`).
    """
    raw = text.strip()
    if _EPOCH.match(raw):
        seconds = int(raw) / (1000 if len(raw) > 11 else 1)
        return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)
    m = _TIMESTAMP.match(raw)
    if not m:
        raise ValueError(f"cannot parse {text!r} as a date-time")
    try:
        day = dt.date(int(m["y"]), int(m["mo"]), int(m["d"]))
        if m["h"] is None:
            return midday(day, naive_zone)
        tz = _offset(m["tz"]) if m["tz"] else naive_zone or dt.timezone.utc
        micro = int((m["f"] or "0")[:6].ljust(6, "0"))
        return dt.datetime(day.year, day.month, day.day, int(m["h"]), int(m["mi"]), int(m["s"] or 0), micro, tzinfo=tz)
    except ValueError as exc:  # month 13, hour 25, offset +25:00 ...
        raise ValueError(f"cannot parse {text!r} as a date-time ({exc})") from None


def _offset(token: str) -> dt.tzinfo:
    if token.upper() in {"Z", "UTC", "GMT"}:
        return dt.timezone.utc
    digits = token[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
    if minutes == 0:
        return dt.timezone.utc
    return dt.timezone(dt.timedelta(minutes=minutes if token[0] == "+" else -minutes))


def parse_date(text: str) -> dt.date:
    """Parse a date in the plausible years; a date-time keeps its calendar date as written."""
    day = _parse_date(text)
    _plausible(day, text)
    return day


def _parse_date(text: str) -> dt.date:
    raw = text.strip()
    if _EPOCH.match(raw):
        return parse_timestamp(raw).date()
    m = _TIMESTAMP.match(raw)
    if not m:
        raise ValueError(f"cannot parse {text!r} as a date")
    try:
        return dt.date(int(m["y"]), int(m["mo"]), int(m["d"]))
    except ValueError as exc:
        raise ValueError(f"cannot parse {text!r} as a date ({exc})") from None


def midday(day: dt.date, zone: dt.tzinfo | None) -> dt.datetime:
    """Noon of a calendar day in the given zone (UTC when unknown).

    Used for activities that carry only a date: noon keeps the calendar date the same in every
    zone from UTC-11 to UTC+11, so the activity is counted on the day it was logged for.
    """
    return dt.datetime.combine(day, dt.time(12), tzinfo=zone or dt.timezone.utc)


def zone(name: str | None) -> dt.tzinfo | None:
    """An IANA time zone by name, or None when the name is empty or unknown."""
    if not name:
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


def latest_timestamp(rows: Iterable[Row], columns: Sequence[str], naive_zone: dt.tzinfo | None = None) -> dt.datetime | None:
    """The latest parseable value of the given columns: the moment the export reflects."""
    latest: dt.datetime | None = None
    for row in rows:
        for column in columns:
            value = row.get(column)
            if not value:
                continue
            try:
                stamp = parse_timestamp(value, naive_zone=naive_zone)
            except ValueError:
                continue
            if latest is None or stamp > latest:
                latest = stamp
    return latest
