"""HubSpot connector: a hand-made export in the real shapes, and the real column-set files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ingest.connectors.base import ConversionReport
from ingest.connectors.crm import hubspot
from ingest.landing import land_all
from tests.connectors.crm_exports import FIXTURES, SHARED, convert, parties, read, rejected_rows
from tests.connectors.extract_batches import by_key

CRM = hubspot  # the connector of the `converted` and `real_export` fixtures (conftest.py)
FIXTURES_HS = FIXTURES / "hubspot"
SHARED_HS = SHARED / "hubspot"


def csv_ids(path: Path, column: str) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return [r[column] for r in csv.DictReader(fh)]


def test_emails(converted: tuple[Path, ConversionReport]) -> None:
    out, _ = converted
    acts = by_key(read(out, "activities"), "activity_id")
    e501 = acts["501"]
    assert (e501["status"], e501["source"], e501["body_text"], e501["owner_user_id"]) == ("completed", "synced", "Attached the proposal.", "101")
    assert parties(out, "501") == {
        ("sender", "avery.quinn@harborline.io"),
        ("to", "jordan.ellis@blueridgehotels.com"),  # engagement_email_to
        ("cc", "sam.park@blueridgehotels.com"),  # property_hs_email_cc_email
    }
    e502 = acts["502"]
    assert e502["started_at"] == "2025-10-03T09:00:00+00:00"  # epoch milliseconds
    # incoming, no addresses in the export: the one associated contact wrote to the owner
    assert parties(out, "502") == {("sender", "jordan.ellis@blueridgehotels.com"), ("to", "avery.quinn@harborline.io")}


def test_calls(converted: tuple[Path, ConversionReport]) -> None:
    out, _ = converted
    acts = by_key(read(out, "activities"), "activity_id")
    c503 = acts["503"]
    assert (c503["status"], c503["source"], c503["ended_at"]) == ("completed", "dialer", "2025-10-06T15:10:00+00:00")
    assert (c503["regarding_opportunity_id"], c503["regarding_account_id"]) == ("401", "201")
    assert parties(out, "503") == {("caller", "avery.quinn@harborline.io"), ("callee", "jordan.ellis@blueridgehotels.com")}
    c509 = acts["509"]
    assert (c509["status"], c509["source"], c509["owner_user_id"]) == ("no_show", "manual", "102")  # NO_ANSWER
    assert parties(out, "509") == {("callee", "morgan.lee@harborline.io")}  # inbound; the caller has no address


def test_meetings(converted: tuple[Path, ConversionReport]) -> None:
    out, _ = converted
    acts = by_key(read(out, "activities"), "activity_id")
    m504 = acts["504"]
    assert (m504["status"], m504["source"], m504["ended_at"]) == ("completed", "synced", "2025-10-01T15:00:00+00:00")
    assert (m504["regarding_opportunity_id"], m504["regarding_account_id"]) == ("401", "201")  # account via the deal
    assert m504["subject"] == "Site visit"  # the second detail row of 504 is a duplicate
    assert parties(out, "504") == {
        ("organizer", "avery.quinn@harborline.io"),
        ("attendee", "jordan.ellis@blueridgehotels.com"),
        ("attendee", "sam.park@blueridgehotels.com"),
    }
    assert (acts["507"]["status"], acts["507"]["source"]) == ("scheduled", "manual")  # after the export time
    assert acts["510"]["status"] == "no_show"
    assert parties(out, "510") == {("attendee", "sam.park@blueridgehotels.com")}


def test_exclusions(converted: tuple[Path, ConversionReport]) -> None:
    out, _ = converted
    excluded = by_key(read(out, "excluded_activities"), "activity_id")
    assert {k: v["rule"] for k, v in excluded.items()} == {
        "505": "not_an_interaction", "506": "deleted_in_crm", "508": "email_failed",
        "ev-s1": "marketing_email", "ev-s2": "marketing_email",
    }
    assert (excluded["ev-s1"]["sender_address"], excluded["ev-s1"]["subject"]) == ("news@harborline.io", "October update")
    assert excluded["ev-s1"]["detail"] == "campaign 77 (October newsletter)"
    assert excluded["ev-s2"]["started_at"] == "2025-10-01T09:00:00+00:00"  # from sent_by_created


def test_email_events(converted: tuple[Path, ConversionReport]) -> None:
    out, _ = converted
    events = by_key(read(out, "email_events"), "event_id")
    assert {k: (v["event_type"], v["activity_id"]) for k, v in events.items()} == {
        "ev-s1": ("sent", "ev-s1"), "ev-d1": ("delivered", "ev-s1"), "ev-o1": ("open", "ev-s1"),
        "ev-o2": ("open", "ev-s1"), "ev-c1": ("click", "ev-s1"), "ev-b1": ("bounce", "ev-s2"),
    }
    assert (events["ev-o1"]["is_machine_open"], events["ev-o2"]["is_machine_open"]) == ("true", "false")  # filtered_event
    assert events["ev-o1"]["user_agent"] == "Mozilla/5.0 (via ggpht.com GoogleImageProxy)"
    assert (events["ev-c1"]["link_url"], events["ev-c1"]["occurred_at"]) == ("https://harborline.io/pricing", "2025-10-01T12:31:00+00:00")
    assert events["ev-s1"]["recipient_email"] == "jordan.ellis@blueridgehotels.com"
    assert events["ev-d1"]["is_machine_open"] == ""


def test_rejections(converted: tuple[Path, ConversionReport]) -> None:
    out, _ = converted
    rejections = {r["source_ref"]: r["reason"] for r in read(out, "source_rejections")}
    assert set(rejections) == {
        "owner.csv#row3", "company.csv#row2", "contact.csv#row3", "deal.csv#row4", "deal_contact.csv#row3",
        "deal_stage.csv#row4", "email_event.csv#row7", "email_event.csv#row8", "email_event.csv#row9",
        "engagement_call.csv#row3", "engagement_contact.csv#row5", "engagement_meeting.csv#row4",
    }
    assert "DEFERRED" in rejections["email_event.csv#row7"]
    assert "sent_by_id" in rejections["email_event.csv#row8"]
    assert "not a date" in rejections["engagement_meeting.csv#row4"]
    assert "QUEUE" in rejections["owner.csv#row3"]


def test_master_data(converted: tuple[Path, ConversionReport]) -> None:
    out, _ = converted
    users = by_key(read(out, "users"), "user_id")
    assert {k: (v["email"], v["full_name"], v["team"]) for k, v in users.items()} == {
        "101": ("avery.quinn@harborline.io", "Avery Quinn", "Hospitality East"),  # team via the user's primary team
        "102": ("morgan.lee@harborline.io", "Morgan Lee", "Sales Leadership"),  # team via owner_team
    }
    assert by_key(read(out, "accounts"), "account_id")["201"]["domains"] == "blueridgehotels.com"
    contacts = by_key(read(out, "contacts"), "contact_id")
    assert (contacts["301"]["role"], contacts["301"]["email_aliases"], contacts["301"]["account_id"]) == (
        "decision_maker", "j.ellis@blueridgehotels.com", "201")
    assert (contacts["302"]["role"], contacts["302"]["account_id"]) == ("champion", "201")  # via contact_company


def test_deals(converted: tuple[Path, ConversionReport]) -> None:
    out, _ = converted
    opps = by_key(read(out, "opportunities"), "opportunity_id")
    assert (opps["401"]["status"], opps["401"]["stage"], opps["401"]["stage_rank"], opps["401"]["account_id"]) == ("open", "Propose", "3", "201")
    assert (float(opps["401"]["external_score"]), opps["401"]["expected_close_date"], opps["401"]["closed_date"]) == (60.0, "2025-12-15", "")
    assert (opps["402"]["status"], opps["402"]["closed_date"]) == ("won", "2025-04-20")
    assert (opps["403"]["status"], opps["403"]["stage"]) == ("lost", "closedlost")  # default pipeline stage id
    assert {(r["opportunity_id"], r["contact_id"]) for r in read(out, "opportunity_contacts")} == {("401", "301"), ("401", "302")}
    history = [(h["opportunity_id"], h["changed_at"], h["stage"], h["status"]) for h in read(out, "opportunity_stage_history")]
    assert history == [
        ("401", "2025-06-02T12:00:00+00:00", "Qualify", "open"),
        ("401", "2025-09-18T19:02:00+00:00", "Propose", "open"),
        ("402", "2025-04-20T10:00:00+00:00", "Closed won", "won"),
    ]


def test_parquet_batches(tmp_path: Path) -> None:
    report = convert(hubspot, FIXTURES_HS, tmp_path, extract_format="parquet")
    assert (tmp_path / "activities" / "b1.parquet").exists()
    totals = land_all(tmp_path, tmp_path / "landed").totals()
    assert totals["activities"]["rows_landed"] == report.activities
    assert all(t["rows_quarantined"] == 0 for t in totals.values())


def test_configured_zone_for_times_without_offset(tmp_path: Path) -> None:
    convert(hubspot, FIXTURES_HS, tmp_path, default_timezone="Europe/Berlin")
    assert by_key(read(tmp_path, "activities"), "activity_id")["504"]["started_at"] == "2025-10-01T14:00:00+02:00"


def test_missing_optional_columns_and_extra_columns(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "engagement_meeting.csv").write_text("engagement_id,start_time,custom_field\n1,2025-10-01 14:00:00,x\n", encoding="utf-8")
    (src / "contact.csv").write_text("id,property_email,property_favourite_colour\n7,Kim@Example.com,blue\n", encoding="utf-8")
    report = convert(hubspot, src, tmp_path / "out")
    assert (report.inputs_read, report.activities) == (1, 1)
    meeting = read(tmp_path / "out", "activities")[0]
    assert (meeting["activity_type"], meeting["status"], meeting["source"], meeting["owner_user_id"]) == ("meeting", "completed", "manual", "")
    assert read(tmp_path / "out", "contacts")[0]["full_name"] == "kim@example.com"


def test_real_export_engagements_accounted_for(real_export: tuple[Path, ConversionReport]) -> None:
    out, report = real_export
    engagement_ids = set(csv_ids(SHARED_HS / "engagement_data.csv", "id"))
    for name in ("email", "call", "meeting", "note", "task", "communication"):
        engagement_ids |= set(csv_ids(SHARED_HS / f"engagement_{name}_data.csv", "engagement_id"))
    sends = len(read(out, "excluded_activities")) - len([r for r in read(out, "excluded_activities") if r["rule"] != "marketing_email"])
    assert report.accounted == report.inputs_read == len(engagement_ids) + sends
    assert report.activities > 0 and sends > 0


@pytest.mark.parametrize(
    ("file_name", "entity"),
    [("owner_data.csv", "users"), ("company_data.csv", "accounts"), ("contact_data.csv", "contacts"),
     ("deal_data.csv", "opportunities"), ("email_event_data.csv", "email_events"),
     ("deal_stage_data.csv", "opportunity_stage_history"), ("deal_contact_data.csv", "opportunity_contacts")],
)
def test_real_export_rows_accounted_for(real_export: tuple[Path, ConversionReport], file_name: str, entity: str) -> None:
    out, _ = real_export
    with (SHARED_HS / file_name).open(newline="", encoding="utf-8-sig") as fh:
        rows = sum(1 for _ in csv.DictReader(fh))
    assert len(read(out, entity)) + len(rejected_rows(out, file_name)) == rows


def test_real_export_machine_opens_follow_filtered_event(real_export: tuple[Path, ConversionReport]) -> None:
    out, _ = real_export
    with (SHARED_HS / "email_event_data.csv").open(newline="", encoding="utf-8-sig") as fh:
        filtered = {r["id"]: r["filtered_event"].lower() for r in csv.DictReader(fh)}
    opens = [e for e in read(out, "email_events") if e["event_type"] == "open"]
    assert opens and all(e["is_machine_open"] == filtered[e["event_id"]] for e in opens)


