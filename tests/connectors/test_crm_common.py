"""Shared CRM connector helpers: value parsing, file discovery, column checks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ingest.connectors.crm.addresses import domain_of_url, normalize_email, split_addresses
from ingest.connectors.crm.export_files import find_object_files, object_key, read_table
from ingest.connectors.crm.timestamps import parse_date, parse_timestamp
from ingest.connectors.crm.values import html_to_text
from ingest.connectors.crm.errors import ConnectorInputError

UTC = dt.timezone.utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-10-02T09:14:00.000+0000", dt.datetime(2025, 10, 2, 9, 14, tzinfo=UTC)),  # Salesforce API
        ("2025-10-02T09:14:00Z", dt.datetime(2025, 10, 2, 9, 14, tzinfo=UTC)),  # Dataverse Web API
        ("2021-01-07 6:49:18", dt.datetime(2021, 1, 7, 6, 49, 18, tzinfo=UTC)),  # sync tool, no offset
        ("2023-06-08 23:22:50.048000", dt.datetime(2023, 6, 8, 23, 22, 50, 48000, tzinfo=UTC)),
        ("2023-11-11 08:18:16.519000 UTC", dt.datetime(2023, 11, 11, 8, 18, 16, 519000, tzinfo=UTC)),
        ("1759482000000", dt.datetime(2025, 10, 3, 9, 0, tzinfo=UTC)),  # HubSpot epoch milliseconds
        ("2025-10-15", dt.datetime(2025, 10, 15, 12, 0, tzinfo=UTC)),  # date only: noon
    ],
)
def test_parse_timestamp_forms(text: str, expected: dt.datetime) -> None:
    assert parse_timestamp(text) == expected


def test_parse_timestamp_keeps_the_given_offset() -> None:
    value = parse_timestamp("2025-09-15T12:00:00+02:00")
    assert value.isoformat() == "2025-09-15T12:00:00+02:00"


def test_parse_timestamp_naive_zone() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    assert parse_timestamp("2025-10-02 09:14:00", naive_zone=berlin).isoformat() == "2025-10-02T09:14:00+02:00"
    assert parse_timestamp("2025-01-10", naive_zone=berlin).isoformat() == "2025-01-10T12:00:00+01:00"


@pytest.mark.parametrize("text", ["yesterday", "2025-13-40", "2025-10-02 25:00:00", "10/2/2025 9:14 AM"])
def test_parse_timestamp_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="cannot parse"):
        parse_timestamp(text)


def test_parse_date_takes_the_calendar_date() -> None:
    assert parse_date("2018-12-19 00:00:00") == dt.date(2018, 12, 19)
    assert parse_date("2025-12-15") == dt.date(2025, 12, 15)


def test_addresses_are_lower_cased_and_trimmed() -> None:
    assert normalize_email("  Jordan.Ellis@BlueRidgeHotels.com ") == "jordan.ellis@blueridgehotels.com"
    assert normalize_email("Jordan Ellis <Jordan.Ellis@BlueRidgeHotels.com>") == "jordan.ellis@blueridgehotels.com"
    assert normalize_email("G5JZeErb0oYU8jQrAJylYw==") is None  # a placeholder, not an address
    assert normalize_email("+1 555 0100") is None
    assert split_addresses("a@x.com; Morgan Lee <Morgan.Lee@Y.com>;") == [(None, "a@x.com"), ("Morgan Lee", "morgan.lee@y.com")]


def test_domain_of_url() -> None:
    assert domain_of_url("https://www.BlueRidgeHotels.com/about?x=1") == "blueridgehotels.com"
    assert domain_of_url("www.blueridgehotels.com") == "blueridgehotels.com"
    assert domain_of_url("ye4O0TtPzpTBUyS5TfSNig==") is None


def test_html_to_text() -> None:
    assert html_to_text("<p>Hi Jordan,<br>attached&nbsp;the proposal.</p>") == "Hi Jordan,\nattached\xa0the proposal."
    assert html_to_text("plain text") == "plain text"


@pytest.mark.parametrize(
    ("stem", "key"),
    [("Task", "task"), ("task", "task"), ("sf_task_data", "task"), ("OpportunityContactRole", "opportunitycontactrole"),
     ("opportunity_contact_role", "opportunitycontactrole"), ("engagement_email_data", "engagementemail")],
)
def test_object_key(stem: str, key: str) -> None:
    assert object_key(stem) == key


def test_two_files_for_one_object_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "Task.csv").write_text("Id\n", encoding="utf-8")
    (tmp_path / "sf_task_data.csv").write_text("id\n", encoding="utf-8")
    with pytest.raises(ConnectorInputError, match="Task.csv and sf_task_data.csv"):
        find_object_files(tmp_path)


def test_require_names_file_and_column(tmp_path: Path) -> None:
    path = tmp_path / "Opportunity.csv"
    path.write_text("Id,Name\n006A,x\n", encoding="utf-8")
    table = read_table(path, str.lower)
    with pytest.raises(ConnectorInputError, match=r"Opportunity\.csv: required column 'StageName' is missing"):
        table.require("Id", "StageName")
    with pytest.raises(ConnectorInputError, match="needs one of 'ActivityDate', 'CreatedDate'"):
        table.require(("ActivityDate", "CreatedDate"))


def test_malformed_row_is_flagged(tmp_path: Path) -> None:
    path = tmp_path / "Task.csv"
    path.write_text("Id,Subject\n00TA,ok\n00TB,broken,extra\n00TC\n", encoding="utf-8-sig")
    table = read_table(path, str.lower)
    assert [r.problem is None for r in table.rows] == [True, False, True]
    assert table.rows[2].get("Subject") is None  # a short row just lacks values
    assert table.rows[1].ref == "Task.csv#row2"
