"""Salesforce connector: a hand-made export in the real shapes, and the real column-set files."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingest.connectors.base import ConversionReport
from ingest.connectors.crm import salesforce
from tests.connectors.crm_exports import FIXTURES, SHARED, convert, csv_data_rows, parties, read, rejected_rows
from tests.connectors.extract_batches import by_key

CRM = salesforce  # the connector of the `converted` and `real_export` fixtures (conftest.py)
FIXTURES_SF = FIXTURES / "salesforce"
SHARED_SF = SHARED / "salesforce"


def test_calls_logged_as_tasks(converted: tuple[Path, ConversionReport]) -> None:
    out, _ = converted
    acts = by_key(read(out, "activities"), "activity_id")
    ta = acts["00TA"]
    # ActivityDate only: noon in the owner's zone (America/New_York), offset kept; CallType -> dialer
    assert (ta["activity_type"], ta["source"], ta["status"]) == ("call", "dialer", "completed")
    assert (ta["started_at"], ta["ended_at"]) == ("2025-10-06T12:00:00-04:00", "2025-10-06T12:10:00-04:00")
    assert (ta["regarding_opportunity_id"], ta["regarding_account_id"], ta["owner_user_id"]) == ("006A", "001A", "005A")
    assert parties(out, "00TA") == {("caller", "avery.quinn@harborline.io"), ("callee", "jordan.ellis@blueridgehotels.com")}
    assert (acts["00TB"]["source"], acts["00TB"]["regarding_account_id"]) == ("manual", "001A")  # no CallType
    # Inbound call; the owner's TimeZoneSidKey is not a zone, so noon UTC
    assert (acts["00TC"]["started_at"], acts["00TC"]["source"]) == ("2025-10-08T12:00:00+00:00", "dialer")
    assert parties(out, "00TC") == {("caller", "jordan.ellis@blueridgehotels.com"), ("callee", "morgan.lee@harborline.io")}
    assert acts["00TG"]["status"] == "scheduled"  # Not Started
    assert parties(out, "00TG") == {("caller", "avery.quinn@harborline.io")}


def test_email_task_to_a_lead(converted: tuple[Path, ConversionReport]) -> None:
    out, _ = converted
    tf = by_key(read(out, "activities"), "activity_id")["00TF"]
    assert (tf["activity_type"], tf["source"]) == ("email", "manual")
    assert parties(out, "00TF") == {("sender", "avery.quinn@harborline.io"), ("to", "lee@prospect.example")}


def test_events(converted: tuple[Path, ConversionReport]) -> None:
    out, _ = converted
    acts = by_key(read(out, "activities"), "activity_id")
    ua = acts["00UA"]
    # over before the export's latest LastModifiedDate (2025-10-10T12:00Z): held
    assert (ua["activity_type"], ua["status"], ua["started_at"]) == ("meeting", "completed", "2025-10-01T14:00:00+00:00")
    assert parties(out, "00UA") == {("organizer", "avery.quinn@harborline.io"), ("attendee", "jordan.ellis@blueridgehotels.com")}
    assert (acts["00UB"]["status"], acts["00UB"]["ended_at"]) == ("scheduled", "2025-12-01T14:30:00+00:00")  # end from duration
    assert acts["00UC"]["status"] == "no_show"  # No_Show__c
    assert (acts["00UE"]["activity_type"], acts["00UE"]["started_at"], acts["00UE"]["status"]) == ("call", "2025-10-15T12:00:00-04:00", "scheduled")
    assert "00UD" not in acts  # IsChild: an invitee's copy of 00UA's group event


def test_email_messages(converted: tuple[Path, ConversionReport]) -> None:
    out, _ = converted
    acts = by_key(read(out, "activities"), "activity_id")
    sa = acts["02sA"]
    assert (sa["source"], sa["thread_id"], sa["internet_message_id"], sa["owner_user_id"]) == ("synced", "th1", "<m1@harborline.io>", "005A")
    assert (sa["regarding_opportunity_id"], sa["regarding_account_id"]) == ("006A", "001A")
    assert parties(out, "02sA") == {
        ("sender", "avery.quinn@harborline.io"), ("to", "jordan.ellis@blueridgehotels.com"),
        ("cc", "sam.park@blueridgehotels.com"), ("cc", "morgan.lee@harborline.io"),
    }
    assert "00TE" not in acts  # the Task that logged 02sA (EmailMessage.ActivityId) is the same e-mail
    sb = acts["02sB"]
    # incoming: owned by the user it was sent to, not by whoever created the record
    assert (sb["owner_user_id"], sb["parent_activity_id"], sb["body_text"]) == ("005A", "02sA", "Thanks, the pricing works.")
    assert parties(out, "02sB") == {
        ("sender", "jordan.ellis@blueridgehotels.com"), ("to", "avery.quinn@harborline.io"),
        ("cc", "morgan.lee@harborline.io"),  # from EmailMessageRelation
    }
    names = {(p["activity_id"], p["email_address"]): p["display_name"] for p in read(out, "activity_parties")}
    assert names[("02sA", "jordan.ellis@blueridgehotels.com")] == "Jordan Ellis"  # named from the Contact


def test_exclusions(converted: tuple[Path, ConversionReport]) -> None:
    out, _ = converted
    excluded = {r["activity_id"]: r["rule"] for r in read(out, "excluded_activities")}
    assert excluded == {"00TD": "not_an_interaction", "00TH": "bulk_email", "00TJ": "deleted_in_crm", "02sC": "email_draft"}


def test_rejections(converted: tuple[Path, ConversionReport]) -> None:
    out, _ = converted
    rejections = {r["source_ref"]: r["reason"] for r in read(out, "source_rejections")}
    assert set(rejections) == {
        "Task.csv#row9", "Task.csv#row7/WhoId", "User.csv#row3", "Account.csv#row2", "Opportunity.csv#row4",
        "OpportunityContactRole.csv#row3", "EmailMessageRelation.csv#row2", "EmailMessageRelation.csv#row3",
    }
    assert "2025-13-40" in rejections["Task.csv#row9"]
    assert "PowerPartner" in rejections["User.csv#row3"]
    assert "deleted" in rejections["Account.csv#row2"]


def test_master_data(converted: tuple[Path, ConversionReport]) -> None:
    out, _ = converted
    users = by_key(read(out, "users"), "user_id")
    assert (users["005A"]["team"], users["005A"]["timezone"], users["005A"]["manager_user_id"]) == ("Hospitality East", "America/New_York", "005B")
    assert (users["005B"]["team"], users["005B"]["timezone"]) == ("Sales", "")  # Department wins; unknown zone dropped
    assert by_key(read(out, "accounts"), "account_id")["001A"]["domains"] == "blueridgehotels.com"
    contacts = by_key(read(out, "contacts"), "contact_id")
    assert (contacts["003A"]["email"], contacts["003B"]["full_name"], contacts["003C"]["email"]) == (
        "jordan.ellis@blueridgehotels.com", "Sam Park", "")


def test_opportunities_roles_and_history(converted: tuple[Path, ConversionReport]) -> None:
    out, _ = converted
    opps = by_key(read(out, "opportunities"), "opportunity_id")
    assert (opps["006A"]["status"], opps["006A"]["stage_rank"], opps["006A"]["currency"], opps["006A"]["closed_date"]) == ("open", "3", "USD", "")
    assert float(opps["006A"]["external_score"]) == 60.0
    assert (opps["006B"]["status"], opps["006B"]["closed_date"]) == ("won", "2025-04-20")
    assert (opps["006C"]["status"], opps["006C"]["amount"]) == ("lost", "")
    roles = {r["contact_id"]: (r["role"], r["is_primary"]) for r in read(out, "opportunity_contacts")}
    assert roles == {"003A": ("decision_maker", "true"), "003B": ("user", "false")}
    history = [(h["opportunity_id"], h["changed_at"], h["stage"], h["stage_rank"], h["status"]) for h in read(out, "opportunity_stage_history")]
    assert history == [
        ("006A", "2025-06-02T12:00:00+00:00", "Prospecting", "1", "open"),
        ("006A", "2025-09-18T19:02:00+00:00", "Propose", "3", "open"),
        ("006B", "2025-04-20T10:00:00+00:00", "Closed Won", "5", "won"),
    ]


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def test_snake_case_columns_and_sync_tool_file_names(tmp_path: Path, converted: tuple[Path, ConversionReport]) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for path in FIXTURES_SF.glob("*.csv"):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        header = ",".join(_snake(c) for c in lines[0].strip().split(",")) + "\n"
        (src / f"sf_{_snake(path.stem)}_data.csv").write_text(header + "".join(lines[1:]), encoding="utf-8")
    report = convert(salesforce, src, tmp_path / "out", keep_bodies=True)
    out, original = converted
    assert report.as_dict()["rows_written"] == original.as_dict()["rows_written"]
    assert read(tmp_path / "out", "activities") == read(out, "activities")


def test_parquet_input(tmp_path: Path, converted: tuple[Path, ConversionReport]) -> None:
    src = tmp_path / "in"
    shutil.copytree(FIXTURES_SF, src)
    with (src / "Contact.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    (src / "Contact.csv").unlink()
    pq.write_table(pa.Table.from_pylist(rows), src / "Contact.parquet")
    convert(salesforce, src, tmp_path / "out")
    out, _ = converted
    assert read(tmp_path / "out", "contacts") == read(out, "contacts")


def test_missing_optional_columns_and_extra_columns(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "Event.csv").write_text("Id,StartDateTime,Custom__c\n00UX,2025-10-01T14:00:00Z,x\n", encoding="utf-8")
    (src / "Contact.csv").write_text("Id,Email,Extra\n003X,Kim@Example.com,y\n", encoding="utf-8")
    report = convert(salesforce, src, tmp_path / "out")
    assert (report.inputs_read, report.activities) == (1, 1)
    event = read(tmp_path / "out", "activities")[0]
    # no end, owner or modification stamps: a meeting with nothing saying otherwise counts as held
    assert (event["activity_type"], event["status"], event["source"], event["ended_at"]) == ("meeting", "completed", "manual", "")
    contact = read(tmp_path / "out", "contacts")[0]
    assert (contact["full_name"], contact["account_id"]) == ("kim@example.com", "")


def test_real_export_activities_accounted_for(real_export: tuple[Path, ConversionReport]) -> None:
    _, report = real_export
    activity_rows = sum(csv_data_rows(SHARED_SF / f) for f in ("sf_task_data.csv", "sf_event_data.csv"))
    assert report.inputs_read == activity_rows > 0
    assert report.accounted == report.inputs_read
    assert report.activities > 0


@pytest.mark.parametrize(
    ("file_name", "entity"),
    [("sf_user_data.csv", "users"), ("sf_account_data.csv", "accounts"), ("sf_contact_data.csv", "contacts"),
     ("sf_opportunity_data.csv", "opportunities"), ("sf_opportunity_history_data.csv", "opportunity_stage_history")],
)
def test_real_export_master_rows_accounted_for(real_export: tuple[Path, ConversionReport], file_name: str, entity: str) -> None:
    out, _ = real_export
    assert len(read(out, entity)) + len(rejected_rows(out, file_name)) == csv_data_rows(SHARED_SF / file_name)


