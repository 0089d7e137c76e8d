"""Calendar connector on hand-made .ics fixtures: recurrence, time zones, cancellations, responses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ingest.connectors import ics
from ingest.connectors.base import ConnectorConfig, ConversionReport
from tests.connectors.extract_batches import read_batch

FIXTURES = Path(__file__).parent / "fixtures" / "ics"
NOW = dt.datetime(2025, 3, 8, tzinfo=dt.timezone.utc)


def rows(out: Path, entity: str) -> list[dict[str, str]]:
    return read_batch(out, entity, "b")


def convert(tmp_path: Path, name: str, **config: object) -> tuple[ConversionReport, Path]:
    out = tmp_path / name
    report = ics.convert(FIXTURES / name, out, batch_name="b", config=ConnectorConfig(**config), now=NOW)  # type: ignore[arg-type]
    assert report.accounted == report.inputs_read
    return report, out


def starts(out: Path, subject: str | None = None) -> list[tuple[str, str]]:
    acts = [a for a in rows(out, "activities") if subject is None or a["subject"] == subject]
    return sorted((a["started_at"], a["ended_at"]) for a in acts)


def test_weekly_recurrence_honours_exdate(tmp_path: Path) -> None:
    report, out = convert(tmp_path, "weekly_exdate.ics")
    assert [s for s, _ in starts(out)] == [
        "2025-02-03T10:00:00+01:00",
        "2025-02-10T10:00:00+01:00",
        "2025-02-24T10:00:00+01:00",  # 2025-02-17 is an EXDATE
        "2025-03-03T10:00:00+01:00",
    ]
    assert report.activities == 1 and report.details["occurrences"] == 4
    ids = [a["activity_id"] for a in rows(out, "activities")]
    assert len(set(ids)) == 4
    assert len(rows(out, "activity_parties")) == 4 * 2  # organizer and attendee on every occurrence


def test_weekly_recurrence_keeps_wall_time_across_dst_in_new_york(tmp_path: Path) -> None:
    _, out = convert(tmp_path, "dst_weekly_new_york.ics")
    assert starts(out) == [
        ("2025-02-24T09:00:00-05:00", "2025-02-24T10:00:00-05:00"),
        ("2025-03-03T09:00:00-05:00", "2025-03-03T10:00:00-05:00"),
        ("2025-03-10T09:00:00-04:00", "2025-03-10T10:00:00-04:00"),  # DST began on 2025-03-09
        ("2025-03-17T09:00:00-04:00", "2025-03-17T10:00:00-04:00"),  # UNTIL is inclusive
    ]


def test_utc_event_with_duration(tmp_path: Path) -> None:
    _, out = convert(tmp_path, "utc_event.ics")
    assert starts(out) == [("2025-03-05T15:00:00+00:00", "2025-03-05T15:45:00+00:00")]
    assert rows(out, "activities")[0]["status"] == "completed"


def test_all_day_and_floating_times_use_the_calendar_zone(tmp_path: Path) -> None:
    report, out = convert(tmp_path, "all_day.ics")
    assert starts(out, "On-site workshop at Blue Ridge") == [("2025-03-10T00:00:00-05:00", "2025-03-12T00:00:00-05:00")]
    assert starts(out, "Floating-time follow-up") == [("2025-03-13T16:00:00-05:00", "2025-03-13T17:00:00-05:00")]
    assert report.details["all_day_events"] == 1 and report.details["floating_events"] == 1
    assert {a["status"] for a in rows(out, "activities")} == {"scheduled"}  # after NOW


def test_floating_times_fall_back_to_the_configured_zone(tmp_path: Path) -> None:
    source = tmp_path / "in.ics"
    text = (FIXTURES / "all_day.ics").read_text().replace("X-WR-TIMEZONE:America/Chicago\n", "")
    source.write_text(text)
    report = ics.convert(source, tmp_path / "out", batch_name="b", config=ConnectorConfig(default_timezone="Europe/Berlin"), now=NOW)
    assert report.activities == 2
    assert "2025-03-13T16:00:00+01:00" in [a["started_at"] for a in rows(tmp_path / "out", "activities")]


def test_cancellation_with_the_latest_sequence_wins(tmp_path: Path) -> None:
    report, out = convert(tmp_path, "cancelled.ics")
    assert report.duplicates == 1 and report.activities == 1
    assert [a["status"] for a in rows(out, "activities")] == ["cancelled"]


def test_partstat_mapping_and_rooms_skipped(tmp_path: Path) -> None:
    report, out = convert(tmp_path, "partstat.ics")
    parties = {(p["party_role"], p["email_address"]): p for p in rows(out, "activity_parties")}
    status = {address: p["participation_status"] for (role, address), p in parties.items() if role == "attendee"}
    assert status == {
        "avery.quinn@harborline.io": "accepted",
        "jordan.ellis@blueridgehotels.com": "accepted",
        "sam.park@blueridgehotels.com": "declined",
        "dana.ellis@blueridgehotels.com": "tentative",
        "pat.lee@acmefoods.com": "no_response",
        "robin.gray@blueridgehotels.com": "no_response",  # no PARTSTAT means NEEDS-ACTION
    }
    assert parties[("organizer", "avery.quinn@harborline.io")]["participation_status"] == ""
    assert parties[("attendee", "dana.ellis@blueridgehotels.com")]["display_name"] == "Ellis, Dana"
    assert report.details["non_person_attendees_skipped"] == 1


def test_recurrence_id_override_replaces_its_occurrence_and_rdate_adds_one(tmp_path: Path) -> None:
    report, out = convert(tmp_path, "override_rdate.ics")
    assert starts(out) == [
        ("2025-03-03T13:00:00-05:00", "2025-03-03T13:30:00-05:00"),
        ("2025-03-04T16:00:00-05:00", "2025-03-04T16:30:00-05:00"),  # moved by RECURRENCE-ID
        ("2025-03-05T13:00:00-05:00", "2025-03-05T13:30:00-05:00"),
        ("2025-03-10T15:00:00-04:00", "2025-03-10T15:30:00-04:00"),  # RDATE, duration of the series
    ]
    assert report.activities == 2  # the master and the override, each one input item
    moved = next(a for a in rows(out, "activities") if a["started_at"].startswith("2025-03-04"))
    declined = [p for p in rows(out, "activity_parties") if p["activity_id"] == moved["activity_id"] and p["party_role"] == "attendee"]
    assert [p["participation_status"] for p in declined] == ["declined"]


def test_override_keeps_the_activity_id_of_the_occurrence_it_replaces(tmp_path: Path) -> None:
    source = tmp_path / "master_only.ics"
    text = (FIXTURES / "override_rdate.ics").read_text()
    source.write_text(text[: text.index("BEGIN:VEVENT", text.index("END:VEVENT"))] + "END:VCALENDAR\n")
    ics.convert(source, tmp_path / "a", batch_name="b", config=ConnectorConfig(), now=NOW)
    _, out = convert(tmp_path, "override_rdate.ics")
    before = {a["started_at"]: a["activity_id"] for a in rows(tmp_path / "a", "activities")}
    after = {a["started_at"]: a["activity_id"] for a in rows(out, "activities")}
    assert before["2025-03-04T13:00:00-05:00"] == after["2025-03-04T16:00:00-05:00"]


def test_endless_rule_without_window_is_bounded(tmp_path: Path) -> None:
    report, out = convert(tmp_path, "endless_daily.ics")
    dates = [s for s, _ in starts(out)]
    assert dates[0] == "2020-01-06T14:00:00+00:00" and dates[-1] == "2021-01-05T14:00:00+00:00"
    assert len(dates) == ics.DEFAULT_SPAN.days


def test_window_selects_occurrences_and_excludes_series_outside_it(tmp_path: Path) -> None:
    report, out = convert(tmp_path, "endless_daily.ics", window_start="2025-03-01", window_end="2025-03-07")
    assert [s[:10] for s, _ in starts(out)] == [f"2025-03-0{d}" for d in range(1, 8)]
    report, out = convert(tmp_path, "utc_event.ics", window_start="2025-04-01", window_end="2025-04-30")
    assert report.excluded == 1 and rows(out, "excluded_activities")[0]["rule"] == "outside_window"


def test_broken_components_and_files_are_rejected_with_reasons(tmp_path: Path) -> None:
    report, out = convert(tmp_path, "broken.ics")
    assert {(r["source_ref"], r["reason"]) for r in rows(out, "source_rejections")} == {
        ("broken.ics#VEVENT[0]", "invalid DTSTART"),
        ("broken.ics#VEVENT[1]", "missing DTSTART"),
    }
    report, out = convert(tmp_path, "not_a_calendar.ics")
    assert [(r["source_ref"], r["reason"]) for r in rows(out, "source_rejections")] == [("not_a_calendar.ics", "unparseable calendar file")]


def test_internal_domains_apply_party_rules_to_meetings(tmp_path: Path) -> None:
    report, out = convert(tmp_path, "utc_event.ics", internal_domains=("blueridgehotels.com", "harborline.io"))
    assert report.excluded == 1 and rows(out, "excluded_activities")[0]["rule"] == "no_external_party"
    _, out = convert(tmp_path, "partstat.ics", internal_domains=("harborline.io",))
    assert {u["email"] for u in rows(out, "users")} == {"avery.quinn@harborline.io"}
    assert {c["account_id"] for c in rows(out, "contacts")} == {"a-blueridgehotels.com", "a-acmefoods.com"}


def test_whole_fixture_folder_in_one_batch(tmp_path: Path) -> None:
    report = ics.convert(FIXTURES, tmp_path, batch_name="b", config=ConnectorConfig(), now=NOW)
    assert report.accounted == report.inputs_read
    assert report.details["files"] == len(list(FIXTURES.glob("*.ics")))
    ids = [a["activity_id"] for a in rows(tmp_path, "activities")]
    assert len(ids) == len(set(ids)) == report.details["occurrences"]


@pytest.mark.parametrize("value", ["2025-03-01", "2025-03-01T12:00:00", "2025-03-01T12:00:00+02:00"])
def test_window_bounds_accept_dates_and_datetimes(value: str) -> None:
    window = ics.Window.from_config(ConnectorConfig(window_start=value, window_end=value), dt.timezone.utc)
    assert window.start is not None and window.end is not None and window.start.tzinfo is not None


# --- hand-made calendars written by the tests ----------------------------------------------------

PEOPLE = (
    "ORGANIZER;CN=Avery Quinn:mailto:avery.quinn@harborline.io\n"
    "ATTENDEE;CN=Jordan Ellis;PARTSTAT=ACCEPTED:mailto:jordan.ellis@blueridgehotels.com\n"
)


def calendar(*events: str, newline: str = "\n") -> str:
    body = "".join(f"BEGIN:VEVENT\n{e.strip()}\n{PEOPLE}END:VEVENT\n" for e in events)
    text = f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//relintel tests//hand-made//EN\n{body}END:VCALENDAR\n"
    return text.replace("\n", newline)


def convert_text(tmp_path: Path, text: str, name: str = "cal", **config: object) -> tuple[ConversionReport, Path]:
    source = tmp_path / f"{name}.ics"
    source.write_bytes(text.encode("utf-8"))
    out = tmp_path / f"{name}_out"
    report = ics.convert(source, out, batch_name="b", config=ConnectorConfig(**config), now=NOW)  # type: ignore[arg-type]
    assert report.accounted == report.inputs_read
    return report, out


HOLIDAY = "UID:{uid}\nDTSTART;VALUE=DATE:20250501\nDTEND;VALUE=DATE:20250502\nSUMMARY:Labour Day\n"


@pytest.mark.parametrize("rrule", ["RRULE:", "RRULE: ", "RRULE:\t  "], ids=["empty", "blank", "tab_blanks"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_empty_rrule_means_not_recurring(tmp_path: Path, rrule: str, newline: str) -> None:
    text = calendar(
        HOLIDAY.format(uid="may-day@holidays.example") + rrule,
        "UID:new-year@holidays.example\nDTSTART;VALUE=DATE:20250101\nSUMMARY:New Year\nRRULE:FREQ=YEARLY;COUNT=2",
        newline=newline,
    )
    report, out = convert_text(tmp_path, text)
    assert report.rejected == 0 and report.activities == 2  # the whole holiday calendar is kept
    assert starts(out, "Labour Day") == [("2025-05-01T00:00:00+00:00", "2025-05-02T00:00:00+00:00")]
    assert len(starts(out, "New Year")) == 2  # a real rule next to it is still expanded
    assert report.details["empty_rrules_ignored"] == 1 and report.details["occurrences"] == 3
    # Same id as the event written without the RRULE line: an empty rule changes nothing.
    _, plain = convert_text(tmp_path, calendar(HOLIDAY.format(uid="may-day@holidays.example")), name="plain")
    labour_day = [a["activity_id"] for a in rows(out, "activities") if a["subject"] == "Labour Day"]
    assert labour_day == [a["activity_id"] for a in rows(plain, "activities")]


def test_empty_rrule_with_rdate_keeps_the_rdate(tmp_path: Path) -> None:
    text = calendar(HOLIDAY.format(uid="fair@holidays.example") + "RRULE:\nRDATE;VALUE=DATE:20250601")
    report, out = convert_text(tmp_path, text)
    assert [s[:10] for s, _ in starts(out)] == ["2025-05-01", "2025-06-01"]
    assert report.details["empty_rrules_ignored"] == 1


def test_a_window_still_selects_an_event_with_an_empty_rrule(tmp_path: Path) -> None:
    text = calendar(HOLIDAY.format(uid="may-day@holidays.example") + "RRULE:")
    report, _ = convert_text(tmp_path, text, window_start="2025-06-01", window_end="2025-06-30")
    assert report.excluded == 1 and report.details["excluded_by_rule"] == {"outside_window": 1}


SERIES = (
    "UID:weekly-sync@harborline.io\nDTSTAMP:20250201T120000Z\n"
    "DTSTART;TZID=America/New_York:20250303T130000\nDTEND;TZID=America/New_York:20250303T133000\n"
    "RRULE:FREQ=DAILY;COUNT=3\nSUMMARY:Sync"
)


def override(day: int, hour: int = 16) -> str:
    return (
        "UID:weekly-sync@harborline.io\nDTSTAMP:20250201T120000Z\n"
        f"RECURRENCE-ID;TZID=America/New_York:202503{day:02d}T130000\n"
        f"DTSTART;TZID=America/New_York:202503{day:02d}T{hour}0000\nDTEND;TZID=America/New_York:202503{day:02d}T{hour}3000\n"
        "SUMMARY:Sync (moved)"
    )


def excluded(out: Path) -> list[tuple[str, str, str]]:
    return [(r["source_ref"], r["rule"], r["detail"]) for r in rows(out, "excluded_activities")]


def test_series_with_every_occurrence_overridden_is_not_outside_a_window_nobody_gave(tmp_path: Path) -> None:
    report, out = convert_text(tmp_path, calendar(SERIES, override(3), override(4), override(5)))
    assert [s for s, _ in starts(out)] == ["2025-03-03T16:00:00-05:00", "2025-03-04T16:00:00-05:00", "2025-03-05T16:00:00-05:00"]
    assert report.activities == 3 and report.excluded == 1
    assert excluded(out) == [("cal.ics#VEVENT[0]", "all_occurrences_replaced", "every occurrence: 3 replaced by RECURRENCE-ID overrides")]
    assert "outside_window" not in report.details["excluded_by_rule"]


def test_series_with_every_occurrence_removed_by_exdate_is_not_outside_a_window(tmp_path: Path) -> None:
    exdates = "EXDATE;TZID=America/New_York:20250303T130000,20250304T130000\n"
    report, out = convert_text(tmp_path, calendar(SERIES + "\n" + exdates, override(5)))
    assert excluded(out) == [
        ("cal.ics#VEVENT[0]", "all_occurrences_replaced", "every occurrence: 1 replaced by RECURRENCE-ID overrides, 2 removed by EXDATE")
    ]
    assert [s for s, _ in starts(out)] == ["2025-03-05T16:00:00-05:00"]


def test_with_a_window_overridden_and_outside_series_are_told_apart(tmp_path: Path) -> None:
    text = calendar(SERIES, override(3), override(4), override(5))
    # Every occurrence in the window is overridden: the overrides are written, the master is replaced.
    report, out = convert_text(tmp_path, text, name="inside", window_start="2025-03-01", window_end="2025-03-31")
    assert report.activities == 3 and [r[1] for r in excluded(out)] == ["all_occurrences_replaced"]
    assert "inside the window" in excluded(out)[0][2]
    # Only the last occurrence is in the window, and it is overridden.
    report, out = convert_text(tmp_path, text, name="partial", window_start="2025-03-05", window_end="2025-03-05")
    assert [s for s, _ in starts(out)] == ["2025-03-05T16:00:00-05:00"]
    assert sorted(r[1] for r in excluded(out)) == ["all_occurrences_replaced", "outside_window", "outside_window"]
    # Nothing of the series is in the window: outside_window, for the master and the overrides.
    report, out = convert_text(tmp_path, text, name="outside", window_start="2025-04-01", window_end="2025-04-30")
    assert report.activities == 0 and [r[1] for r in excluded(out)] == ["outside_window"] * 4


def test_partly_overridden_series_without_window_writes_the_rest(tmp_path: Path) -> None:
    report, out = convert_text(tmp_path, calendar(SERIES, override(4)))
    assert report.excluded == 0 and report.activities == 2 and report.details["occurrences"] == 3
