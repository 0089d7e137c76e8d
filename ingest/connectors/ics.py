"""iCalendar (.ics) -> canonical meetings, with attendees, responses, cancellations and recurrences.

Input items are VEVENT components (and whole files that cannot be read or hold no event). Each
VEVENT is converted (one activity per occurrence), a duplicate (same UID and RECURRENCE-ID seen
again; the highest SEQUENCE wins), excluded (noise rule, or no occurrence inside the window) or
rejected with the reason. ``ConversionReport.activities`` counts converted VEVENTs; the activity
rows written (one per occurrence) are in ``rows_written`` and ``details.occurrences``.

Times: a TZID or UTC time keeps its zone and offset; floating times and all-day dates are read
in the calendar's X-WR-TIMEZONE when it names a valid zone, else in ``config.default_timezone``.
All-day events start at local midnight and last until DTEND's midnight (one day by default).
Recurrences (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides) are expanded in the event's own zone,
so a weekly 09:00 meeting in America/New_York stays at 09:00 across DST changes. With a window,
occurrences starting inside it are kept; without one, each series is expanded for
``DEFAULT_SPAN`` from its DTSTART. A series is never expanded past ``MAX_OCCURRENCES``.
An empty RRULE (``RRULE:`` with no value, as some holiday calendars carry) means "not recurring".
A series left with no occurrence of its own is excluded: ``outside_window`` when a window given
by the user holds none of them, ``all_occurrences_replaced`` when every occurrence is replaced by a
RECURRENCE-ID override or removed by EXDATE.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import itertools
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
from dateutil.rrule import rrulestr

from ingest.connectors.base import (
    ConnectorConfig,
    ConversionReport,
    ExtractBuffer,
    NoProgress,
    Progress,
    record_exclusion,
    record_rejection,
)
from ingest.connectors.identity import IdentityResolver, normalize_address
from ingest.connectors.mail.directory import add_directory
from ingest.connectors.mail.headers import zone
from ingest.connectors.mail.owner import internal_policy
from ingest.connectors.noise import ItemFacts, classify

CONNECTOR = "ics"
DEFAULT_SPAN = dt.timedelta(days=366)
MAX_OCCURRENCES = 1000
PARTSTAT = {
    "ACCEPTED": "accepted",
    "DECLINED": "declined",
    "TENTATIVE": "tentative",
    "NEEDS-ACTION": "no_response",
    "DELEGATED": "declined",  # handed to someone else: this person will not attend
}
# Properties whose parse errors make an event unusable (others are ignored).
_CRITICAL = ("DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID")
_NOT_PEOPLE = frozenset({"ROOM", "RESOURCE"})
_PRIVATE_CLASSES = frozenset({"PRIVATE", "CONFIDENTIAL"})


class EventRejected(Exception):
    """A VEVENT that cannot be converted: a short, stable reason and the specifics."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass
class EventInput:
    """One VEVENT with the calendar context it needs."""

    ref: str
    component: icalendar.Event
    floating_tz: dt.tzinfo
    cancelled_by_method: bool
    owner: str | None
    uid: str = ""
    recurrence_key: str = ""
    start: dt.date | dt.datetime | None = None


@dataclass
class Window:
    """The expansion window as aware datetimes (end exclusive), or None for the default span."""

    start: dt.datetime | None
    end: dt.datetime | None

    @classmethod
    def from_config(cls, config: ConnectorConfig, tz: dt.tzinfo) -> Window:
        return cls(_window_bound(config.window_start, tz, False), _window_bound(config.window_end, tz, True))


def _window_bound(value: str | None, tz: dt.tzinfo, is_end: bool) -> dt.datetime | None:
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value)
    if len(value) <= 10 and is_end:  # a date: the window includes that whole day
        parsed += dt.timedelta(days=1)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


@dataclass
class _Counts:
    occurrences: int = 0
    truncated_series: int = 0
    floating_events: int = 0
    all_day_events: int = 0
    non_person_attendees: int = 0
    parties_without_address: int = 0
    parser_warnings: int = 0
    empty_rrules: int = 0
    ignored_components: Counter[str] = field(default_factory=Counter)


def convert(
    input_dir: Path,
    out_dir: Path,
    *,
    batch_name: str,
    config: ConnectorConfig,
    progress: Progress | None = None,
    derive_directory: bool = True,
    now: dt.datetime | None = None,
) -> ConversionReport:
    """Convert one .ics file or every .ics file under a folder into one extract batch."""
    report = ConversionReport(connector=CONNECTOR)
    buffer = ExtractBuffer()
    progress = progress if progress is not None else NoProgress()
    now = now or dt.datetime.now(dt.timezone.utc)
    default_tz = zone(config.default_timezone)
    window = Window.from_config(config, default_tz)
    counts = _Counts()

    root = Path(input_dir)
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() == ".ics")
    progress.reset(total=len(files))
    events: list[EventInput] = []
    for path in files:
        ref = path.name if root.is_file() else path.relative_to(root).as_posix()
        events.extend(_read_file(path, ref, default_tz, buffer, report, counts))
        progress.update(1)

    valid: list[EventInput] = []
    for event in events:
        try:
            _validate(event)
            valid.append(event)
        except EventRejected as exc:
            record_rejection(buffer, report, source_ref=event.ref, reason=exc.reason, detail=_detail(exc, event.component))
        except Exception as exc:  # a property the parser let through but cannot interpret
            record_rejection(buffer, report, source_ref=event.ref, reason="invalid event", detail=f"{type(exc).__name__}: {exc}"[:300])
    unique = _drop_duplicates(valid, report)

    owners = {e.owner for e in unique if e.owner}
    policy, inferred = internal_policy(config.internal_domains, owners, config.personal_domains)
    overrides: dict[str, set[str]] = {}
    for event in unique:
        if event.recurrence_key:
            overrides.setdefault(event.uid, set()).add(event.recurrence_key)

    resolver = IdentityResolver()
    kept: list[tuple[EventInput, list[tuple[dt.datetime, dt.datetime, str]], list[dict[str, Any]]]] = []
    for event in unique:
        removed = _Removed()
        try:
            occurrences = _occurrences(event, window, overrides.get(event.uid, set()), counts, removed)
            parties = _parties(event.component, counts)
        except EventRejected as exc:
            record_rejection(buffer, report, source_ref=event.ref, reason=exc.reason, detail=_detail(exc, event.component))
            continue
        except Exception as exc:  # an odd component must not stop the calendar
            record_rejection(buffer, report, source_ref=event.ref, reason="could not expand event", detail=f"{type(exc).__name__}: {exc}")
            continue
        if not occurrences:
            record_exclusion(buffer, report, _excluded_row(event, parties, *_no_occurrence_reason(removed, window)))
            continue
        organizer = next((p["email_address"] for p in parties if p["party_role"] == "organizer"), None)
        attendees = tuple(p["email_address"] for p in parties if p["party_role"] == "attendee" and p["email_address"] != organizer)
        facts = ItemFacts(sender=organizer, recipients=attendees, kind="meeting")
        exclusion = classify(facts, policy, allow=config.allow_senders, deny=config.deny_senders, disabled=config.disabled_rules)
        if exclusion:
            record_exclusion(buffer, report, _excluded_row(event, parties, exclusion.rule, exclusion.detail))
            continue
        for party in parties:
            resolver.observe(party["email_address"], party["display_name"])
        if event.owner:
            resolver.observe(event.owner)
        kept.append((event, occurrences, parties))

    user_of = add_directory(buffer, resolver.resolve(), policy, config.personal_domains) if derive_directory else {}

    for event, occurrences, parties in kept:
        report.activities += 1
        for start, end, key in occurrences:
            ident = _activity_id(event, key)
            buffer.add("activities", _activity_row(event, ident, start, end, now, user_of.get(event.owner or "")))
            for party in parties:
                buffer.add("activity_parties", {**party, "activity_id": ident})
            counts.occurrences += 1

    report.check_accounted()
    report.details.update(
        {
            "files": len(files),
            "occurrences": counts.occurrences,
            "truncated_series": counts.truncated_series,
            "floating_events": counts.floating_events,
            "all_day_events": counts.all_day_events,
            "non_person_attendees_skipped": counts.non_person_attendees,
            "parties_without_address_skipped": counts.parties_without_address,
            "parser_warnings": counts.parser_warnings,
            "empty_rrules_ignored": counts.empty_rrules,
            "ignored_components": dict(sorted(counts.ignored_components.items())),
            "window": _window_text(window),
            "internal_domains": list(policy.domains),
            "internal_domains_inferred": inferred,
            "party_rules_applied": policy.known,
        }
    )
    buffer.write(out_dir, batch_name, report, fmt=config.extract_format, keep_bodies=config.keep_bodies)
    return report


# --- reading -------------------------------------------------------------------------------------


def _read_file(
    path: Path, ref: str, default_tz: dt.tzinfo, buffer: ExtractBuffer, report: ConversionReport, counts: _Counts
) -> list[EventInput]:
    """The VEVENTs of one file; a file that cannot be parsed or holds none is one rejected input."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            calendars = icalendar.Calendar.from_ical(path.read_bytes(), multiple=True)
        counts.parser_warnings += len(caught)
    except OSError as exc:
        report.inputs_read += 1
        record_rejection(buffer, report, source_ref=ref, reason="unreadable file", detail=str(exc))
        return []
    except Exception as exc:  # the parser raises many types on broken input
        report.inputs_read += 1
        record_rejection(buffer, report, source_ref=ref, reason="unparseable calendar file", detail=f"{type(exc).__name__}: {exc}"[:500])
        return []
    out: list[EventInput] = []
    others: Counter[str] = Counter()
    for calendar in calendars:
        floating = _calendar_zone(calendar, default_tz)
        method_cancel = str(calendar.get("METHOD", "")).upper() == "CANCEL"
        owner = normalize_address(str(calendar.get("X-WR-CALNAME", "")))
        for component in calendar.walk():
            if isinstance(component, icalendar.Event) or component.name == "VEVENT":
                out.append(EventInput(f"{ref}#VEVENT[{len(out)}]", component, floating, method_cancel, owner))
            elif component.name not in {"VCALENDAR", "VTIMEZONE", "STANDARD", "DAYLIGHT", "VALARM"}:
                others[component.name or "?"] += 1
    counts.ignored_components.update(others)
    if not out:
        report.inputs_read += 1
        held = ", ".join(f"{n} {name}" for name, n in sorted(others.items())) or "nothing but calendar properties"
        record_rejection(buffer, report, source_ref=ref, reason="no events in calendar", detail=f"holds {held}")
        return []
    report.inputs_read += len(out)
    return out


def _calendar_zone(calendar: icalendar.Calendar, default_tz: dt.tzinfo) -> dt.tzinfo:
    name = str(calendar.get("X-WR-TIMEZONE", "")).strip()
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return default_tz


def _detail(exc: EventRejected, component: icalendar.Event) -> str | None:
    summary = component.get("SUMMARY", "")
    text = " ".join(str(summary if not isinstance(summary, list) else summary[0]).split())
    parts = [exc.detail[:300]] + ([f"SUMMARY: {text[:120]}"] if text else [])
    return "; ".join(p for p in parts if p) or None


def _validate(event: EventInput) -> None:
    """Raise EventRejected when the event lacks a usable start or has broken timing properties."""
    component = event.component
    errors = {name: msg for name, msg in getattr(component, "errors", []) if name in _CRITICAL}
    for name in _CRITICAL:
        if name in errors:
            raise EventRejected(f"invalid {name}", str(errors[name]))
    for name in ("DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "UID"):
        if isinstance(component.get(name), list):
            raise EventRejected(f"{name} given more than once")
    start_prop = component.get("DTSTART")
    if start_prop is None:
        line_errors = [str(msg) for name, msg in getattr(component, "errors", []) if name is None]
        raise EventRejected("missing DTSTART", line_errors[0] if line_errors else "")
    start = getattr(start_prop, "dt", None)
    if not isinstance(start, dt.date):
        raise EventRejected("DTSTART is not a date or date-time", repr(start))
    event.start = start
    event.uid = str(component.get("UID", "") or "").strip()
    recurrence = component.get("RECURRENCE-ID")
    if recurrence is not None:
        if not isinstance(getattr(recurrence, "dt", None), dt.date):
            raise EventRejected("invalid RECURRENCE-ID", repr(getattr(recurrence, "dt", recurrence)))
        event.recurrence_key = _key(_as_series_type(recurrence.dt, start, event.floating_tz), event.floating_tz)
    for rule in _rules(component):
        if any(k in rule for k in ("RSCALE", "SKIP")):
            raise EventRejected("unsupported RRULE", "RSCALE/SKIP (non-Gregorian recurrence, RFC 7529)")
    for value, _end in component.rdates:
        if not isinstance(value, dt.date):
            raise EventRejected("invalid RDATE", f"not a date or date-time: {value!r}")
    for value in component.exdates:
        if not isinstance(value, dt.date):
            raise EventRejected("invalid EXDATE", f"not a date or date-time: {value!r}")
    _, end = _start_end(event)
    if end < _aware(start, event.floating_tz):
        raise EventRejected("event ends before it starts", f"DTEND {end.isoformat()}")


def _drop_duplicates(events: list[EventInput], report: ConversionReport) -> list[EventInput]:
    """One event per (UID, RECURRENCE-ID): the highest SEQUENCE, then the latest DTSTAMP, wins."""
    best: dict[tuple[str, str], EventInput] = {}
    order: list[tuple[str, str]] = []
    for event in events:
        if not event.uid:
            best[(event.ref, "")] = event
            order.append((event.ref, ""))
            continue
        key = (event.uid, event.recurrence_key)
        if key not in best:
            best[key] = event
            order.append(key)
            continue
        report.duplicates += 1
        report.count_detail("duplicates_by_key", "uid")
        if _rank(event) > _rank(best[key]):
            best[key] = event
    return [best[k] for k in order]


def _rank(event: EventInput) -> tuple[int, str]:
    try:
        sequence = int(event.component.get("SEQUENCE", 0))
    except (TypeError, ValueError):
        sequence = 0
    stamp = event.component.get("DTSTAMP")
    return sequence, str(getattr(stamp, "dt", "") or "")


# --- time ----------------------------------------------------------------------------------------


def _aware(value: dt.date | dt.datetime, floating: dt.tzinfo) -> dt.datetime:
    """A date or datetime as an aware datetime: floating times and dates read in `floating`."""
    if not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time(0), tzinfo=floating)
    return value if value.tzinfo is not None else value.replace(tzinfo=floating)


def _as_series_type(value: dt.date | dt.datetime, start: dt.date | dt.datetime, floating: dt.tzinfo) -> dt.date | dt.datetime:
    """Bring an RDATE/EXDATE/RECURRENCE-ID value to the series' own kind (date, floating or aware)."""
    if not isinstance(start, dt.datetime):
        return value.date() if isinstance(value, dt.datetime) else value
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, start.timetz().replace(tzinfo=None))
    if start.tzinfo is None:
        return value.astimezone(floating).replace(tzinfo=None) if value.tzinfo else value
    return value if value.tzinfo else value.replace(tzinfo=start.tzinfo)


def _key(value: dt.date | dt.datetime, floating: dt.tzinfo) -> str:
    """Identity of an occurrence: UTC instant for zoned times, the local value otherwise."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.timezone.utc).isoformat()
    return value.isoformat()


def _start_end(event: EventInput) -> tuple[dt.datetime, dt.datetime]:
    """Aware start and end of the event's first instance (DTEND, else DURATION, else the RFC default)."""
    component, start = event.component, event.start
    assert start is not None
    begin = _aware(start, event.floating_tz)
    end_prop, duration_prop = component.get("DTEND"), component.get("DURATION")
    if end_prop is not None and isinstance(getattr(end_prop, "dt", None), dt.date):
        return begin, _aware(_as_series_type(end_prop.dt, start, event.floating_tz), event.floating_tz)
    if duration_prop is not None and isinstance(getattr(duration_prop, "dt", None), dt.timedelta):
        return begin, begin + duration_prop.dt
    return begin, begin + (dt.timedelta(days=1) if not isinstance(start, dt.datetime) else dt.timedelta(0))


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _is_empty_rule(rule: Any) -> bool:
    """`RRULE:` with no value (or only blanks): icalendar reads it as an empty rule."""
    if isinstance(rule, str):
        return not rule.strip()
    try:
        return len(rule) == 0
    except TypeError:
        return False


def _rules(component: icalendar.Event) -> list[Any]:
    """The event's RRULEs, without empty ones: an empty RRULE means "not recurring", as in iCalendar libraries."""
    return [rule for rule in _as_list(component.get("RRULE")) if not _is_empty_rule(rule)]


@dataclass
class _Removed:
    """Why candidate occurrences of a series were not written (to name the reason when none is)."""

    by_override: int = 0  # replaced by a RECURRENCE-ID component
    by_exdate: int = 0
    by_window: int = 0  # starts outside the window the user gave


def _rule_starts(
    rule: Any, start: dt.date | dt.datetime, after: dt.datetime | None, floating: dt.tzinfo
) -> Iterator[Any]:
    """Starts generated by one RRULE, in the series' own kind, from `after` on (a window start).

    UNTIL is aligned with DTSTART (UTC for zoned series, local for floating ones), and iteration
    jumps straight to the window so an old daily series is not walked from its first day.
    """
    spec = {k: v for k, v in dict(rule).items() if k != "UNTIL"}
    series_start = start if isinstance(start, dt.datetime) else dt.datetime.combine(start, dt.time(0))
    generator = rrulestr(icalendar.vRecur(spec).to_ical().decode(), dtstart=series_start)
    until_values = rule.get("UNTIL")
    if until_values:
        until = until_values[0] if isinstance(until_values, list) else until_values
        if not isinstance(until, dt.datetime):
            until = dt.datetime.combine(until, dt.time(23, 59, 59))
        if series_start.tzinfo is None:
            until = until.replace(tzinfo=None) if until.tzinfo else until
        else:
            until = (until if until.tzinfo else until.replace(tzinfo=series_start.tzinfo)).astimezone(dt.timezone.utc)
        generator = generator.replace(until=until)
    occurrences: Iterator[dt.datetime] = iter(generator)
    if after is not None:
        jump = after if series_start.tzinfo else after.astimezone(floating).replace(tzinfo=None)
        occurrences = generator.xafter(jump, inc=True)
    if isinstance(start, dt.datetime):
        return occurrences
    return (occurrence.date() for occurrence in occurrences)


def _occurrences(
    event: EventInput, window: Window, overridden: set[str], counts: _Counts, removed: _Removed | None = None
) -> list[tuple[dt.datetime, dt.datetime, str]]:
    """(start, end, occurrence key) of every instance to write, in time order.

    `removed` (when given) counts the candidates dropped by overrides, EXDATEs and the window.
    """
    removed = removed if removed is not None else _Removed()
    component, start, floating = event.component, event.start, event.floating_tz
    assert start is not None
    first_start, first_end = _start_end(event)
    duration = first_end - first_start
    if isinstance(start, dt.datetime) and start.tzinfo is None:
        counts.floating_events += 1
    if not isinstance(start, dt.datetime):
        counts.all_day_events += 1
    if event.recurrence_key:  # an override is exactly one instance, identified by RECURRENCE-ID
        if _in_window(first_start, window):
            return [(first_start, first_end, event.recurrence_key)]
        removed.by_window += 1
        return []
    all_rules = _as_list(component.get("RRULE"))
    rule_values = _rules(component)
    if len(rule_values) < len(all_rules):
        counts.empty_rrules += 1

    try:
        # Jump a little before the window so an instance that starts before it is still compared.
        after = window.start - max(duration, dt.timedelta(0)) - dt.timedelta(days=1) if window.start else None
        rules = [_rule_starts(rule, start, after, floating) for rule in rule_values]
    except (ValueError, TypeError, KeyError) as exc:
        raise EventRejected("invalid RRULE", str(exc)) from exc
    ends: dict[str, dt.datetime] = {}
    extra: list[dt.date | dt.datetime] = []
    for rdate_start, rdate_end in _rdates(component):
        value = _as_series_type(rdate_start, start, floating)
        extra.append(value)
        if rdate_end is not None:
            ends[_key(value, floating)] = _aware(rdate_end, floating)
    exdates = {_key(_as_series_type(x, start, floating), floating) for x in _exdates(component)}

    horizon = window.end if window.end else first_start + DEFAULT_SPAN
    merged = heapq.merge([start], *rules, sorted(extra, key=lambda v: _aware(v, floating)), key=lambda v: _aware(v, floating))
    out: list[tuple[dt.datetime, dt.datetime, str]] = []
    seen: set[str] = set()
    # Bounded even when EXDATEs or overrides swallow most of an endless rule.
    for value in itertools.islice(merged, MAX_OCCURRENCES * 50):
        begin = _aware(value, floating)
        if begin >= horizon and (window.end or rules):
            break
        key = _key(value, floating)
        if key in seen:
            continue
        seen.add(key)
        if key in exdates or key in overridden:
            if _in_window(begin, window):  # only what the window holds says why nothing is left in it
                removed.by_exdate += key in exdates
                removed.by_override += key not in exdates
            continue
        if not _in_window(begin, window):
            removed.by_window += 1
            continue
        if len(out) >= MAX_OCCURRENCES:
            counts.truncated_series += 1
            break
        end = ends.get(key) or begin + duration
        out.append((begin, end, key))
    return out


def _rdates(component: icalendar.Event) -> list[tuple[dt.date | dt.datetime, dt.datetime | None]]:
    out: list[tuple[dt.date | dt.datetime, dt.datetime | None]] = []
    for start, end in component.rdates:
        if isinstance(end, dt.timedelta):
            end = start + end  # PERIOD given as start/duration
        out.append((start, end if isinstance(end, dt.datetime) else None))
    return out


def _exdates(component: icalendar.Event) -> list[dt.date | dt.datetime]:
    return list(component.exdates)


def _no_occurrence_reason(removed: _Removed, window: Window) -> tuple[str, str]:
    """(rule, detail) for a series that writes no occurrence.

    `outside_window` only when the user gave a window and it holds none of the series' own
    occurrences; a series whose occurrences are all replaced by overrides (or removed by EXDATE)
    is `all_occurrences_replaced`, with or without a window.
    """
    given = window.start is not None or window.end is not None
    if given and not (removed.by_override or removed.by_exdate):
        return "outside_window", _window_text(window)
    parts = [f"{removed.by_override} replaced by RECURRENCE-ID overrides"] if removed.by_override else []
    parts += [f"{removed.by_exdate} removed by EXDATE"] if removed.by_exdate else []
    where = f" inside the window {_window_text(window)}" if given else ""
    return "all_occurrences_replaced", f"every occurrence{where}: {', '.join(parts) or 'none generated'}"


def _in_window(begin: dt.datetime, window: Window) -> bool:
    return (window.start is None or begin >= window.start) and (window.end is None or begin < window.end)


def _window_text(window: Window) -> str:
    if window.start is None and window.end is None:
        return f"none (each series expanded for {DEFAULT_SPAN.days} days from DTSTART, at most {MAX_OCCURRENCES} occurrences)"
    return f"{window.start.isoformat() if window.start else '-inf'} .. {window.end.isoformat() if window.end else '+inf'} (end exclusive)"


# --- rows ----------------------------------------------------------------------------------------


def _parties(component: icalendar.Event, counts: _Counts) -> list[dict[str, Any]]:
    """Organizer and attendees with display names and responses; rooms and resources are skipped."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    organizer = component.get("ORGANIZER")
    if organizer is not None:
        address = normalize_address(str(organizer))
        if address:
            rows[("organizer", address)] = _party("organizer", address, organizer, None)
        else:
            counts.parties_without_address += 1
    for attendee in component.attendees:
        params = getattr(attendee, "params", {})
        if str(params.get("CUTYPE", "")).upper() in _NOT_PEOPLE:
            counts.non_person_attendees += 1
            continue
        address = normalize_address(str(attendee))
        if not address:  # urn:uuid:..., a bare name: nothing to match a person by
            counts.parties_without_address += 1
            continue
        status = PARTSTAT.get(str(params.get("PARTSTAT", "NEEDS-ACTION")).upper(), "no_response")
        rows.setdefault(("attendee", address), _party("attendee", address, attendee, status))
    return list(rows.values())


def _party(role: str, address: str, prop: Any, status: str | None) -> dict[str, Any]:
    name = str(getattr(prop, "params", {}).get("CN", "") or "").strip().strip('"') or None
    if name and normalize_address(name) == address:
        name = None
    return {"activity_id": None, "party_role": role, "email_address": address, "display_name": name, "participation_status": status}


def _activity_id(event: EventInput, occurrence_key: str) -> str:
    """Stable per occurrence: UID + original start, so overrides and re-extracts replace the same row."""
    component = event.component
    if event.uid:
        single = not _rules(component) and not component.get("RDATE") and not event.recurrence_key
        seed = event.uid if single else f"{event.uid}|{occurrence_key}"
    else:
        seed = f"{event.ref}|{occurrence_key}|{component.get('SUMMARY', '')}"
    return "m-" + hashlib.sha1(seed.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _status(event: EventInput, start: dt.datetime, now: dt.datetime) -> str:
    if event.cancelled_by_method or str(event.component.get("STATUS", "")).upper() == "CANCELLED":
        return "cancelled"
    return "scheduled" if start > now else "completed"


def _subject(component: icalendar.Event) -> str | None:
    # Private and confidential events keep their time and people but not their title (privacy).
    if str(component.get("CLASS", "")).upper() in _PRIVATE_CLASSES:
        return None
    text = " ".join(str(component.get("SUMMARY", "") or "").split())
    return text or None


def _activity_row(
    event: EventInput, ident: str, start: dt.datetime, end: dt.datetime, now: dt.datetime, owner_user_id: str | None
) -> dict[str, Any]:
    return {
        "activity_id": ident,
        "activity_type": "meeting",
        "started_at": start,
        "ended_at": end,
        "status": _status(event, start, now),
        "source": "synced",
        "subject": _subject(event.component),
        "owner_user_id": owner_user_id,
    }


def _excluded_row(event: EventInput, parties: list[dict[str, Any]], rule: str, detail: str) -> dict[str, Any]:
    start = event.start
    assert start is not None
    key = event.recurrence_key or _key(start, event.floating_tz)
    return {
        "activity_id": _activity_id(event, key),
        "rule": rule,
        "detail": detail,
        "activity_type": "meeting",
        "started_at": _aware(start, event.floating_tz),
        "sender_address": next((p["email_address"] for p in parties if p["party_role"] == "organizer"), None),
        "subject": _subject(event.component),
        "source_ref": event.ref,
    }
