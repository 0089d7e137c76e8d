"""Every calendar in the shared sample data converts without an exception; empty RRULEs never cost events.

Skipped when /work/shared/data/calendars is absent (a fresh clone has no shared data).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.connectors import ics
from ingest.connectors.base import ConnectorConfig
from tests.connectors.extract_batches import read_batch

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
CALENDARS = SHARED_DATA / "calendars"
FILES = sorted(p for p in CALENDARS.rglob("*") if p.is_file() and p.suffix.lower() == ".ics") if CALENDARS.is_dir() else []
# Holiday calendars have no attendees: keep meetings without them so their events are counted.
CONFIG = ConnectorConfig(disabled_rules=("no_recipients",))
_FOLD = re.compile(rb"\r?\n[ \t]")
_EMPTY_RRULE = re.compile(rb"^RRULE(;[^:\r\n]*)?:[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)

needs_data = pytest.mark.skipif(not FILES, reason=f"shared sample data not present: {CALENDARS}")


def _has_empty_rrule(data: bytes) -> bool:
    return bool(_EMPTY_RRULE.search(_FOLD.sub(b"", data)))


def _blank_event_rrules(data: bytes) -> tuple[bytes, int]:
    """The file with every VEVENT's RRULE emptied (`RRULE:`); time-zone rules are left alone."""
    lines, out, in_event, blanked = _FOLD.sub(b"", data).splitlines(keepends=True), [], False, 0
    for line in lines:
        name = line.strip().upper()
        in_event = True if name == b"BEGIN:VEVENT" else False if name == b"END:VEVENT" else in_event
        if in_event and name.startswith((b"RRULE:", b"RRULE;")):
            ending = line[len(line.rstrip(b"\r\n")) :]
            line, blanked = b"RRULE:" + ending, blanked + 1
        out.append(line)
    return b"".join(out), blanked


def _rejections(out: Path) -> list[dict[str, str]]:
    return read_batch(out, "source_rejections", "b")


@needs_data
@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(CALENDARS).as_posix() for p in FILES])
def test_every_shared_calendar_converts_without_an_exception(path: Path, tmp_path: Path) -> None:
    report = ics.convert(path, tmp_path, batch_name="b", config=CONFIG)
    assert report.accounted == report.inputs_read >= 1
    if _has_empty_rrule(path.read_bytes()):  # e.g. a holiday calendar: its events are converted
        assert report.activities > 0
        assert not [r for r in _rejections(tmp_path) if "RRULE" in r["reason"]]


@needs_data
def test_shared_calendars_with_event_rrules_emptied_still_yield_their_events(tmp_path: Path) -> None:
    """Real files with every VEVENT RRULE made empty: no event is rejected for it, none is lost."""
    tried = ignored = 0
    for path in FILES:
        data = path.read_bytes()
        blanked, count = _blank_event_rrules(data)
        if not count:
            continue
        original_out, blanked_out = tmp_path / f"{tried}_original", tmp_path / f"{tried}_blanked"
        source = tmp_path / f"{tried}_{path.name}"
        source.write_bytes(blanked)
        original = ics.convert(path, original_out, batch_name="b", config=CONFIG)
        report = ics.convert(source, blanked_out, batch_name="b", config=CONFIG)
        tried += 1
        assert report.accounted == report.inputs_read, path.name
        assert not [r for r in _rejections(blanked_out) if "RRULE" in r["reason"]], path.name
        # Without recurrence an event can only lose reasons to be rejected, never gain one.
        assert report.rejected <= original.rejected, path.name
        assert report.activities + report.excluded >= original.activities + original.excluded, path.name
        ignored += report.details.get("empty_rrules_ignored", 0)
    assert tried >= 5 and ignored >= tried  # the corpus holds recurring events from several sources
