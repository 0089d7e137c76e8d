"""Dynamics 365 / Dataverse connector on a hand-made export in the real column shapes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.connectors.base import ConversionReport
from ingest.connectors.crm import dynamics
from ingest.connectors.crm.errors import ConnectorInputError
from tests.connectors.crm_exports import FIXTURES, convert, parties, read
from tests.connectors.extract_batches import by_key

CRM = dynamics  # the connector of the `converted` and `real_export` fixtures (conftest.py)
FIXTURES_DYNAMICS = FIXTURES / "dynamics"


def test_outgoing_email(converted: tuple[Path, ConversionReport]) -> None:
    out, _ = converted
    e1 = by_key(read(out, "activities"), "activity_id")["e1"]
    assert e1["activity_type"] == "email" and e1["status"] == "completed" and e1["source"] == "synced"
    assert e1["started_at"] == "2025-10-02T13:14:00+00:00"
    assert (e1["regarding_opportunity_id"], e1["regarding_account_id"]) == ("o1", "a1")  # account from the opportunity
    assert (e1["thread_id"], e1["internet_message_id"], e1["owner_user_id"]) == ("t1", "<m1@harborline.io>", "u1")
    assert e1["body_text"] == "Hi Jordan,\nattached\xa0the proposal."  # HTML description as text
    # sender resolved through partyid (no addressused); the regarding entry (mask 8) is no participant
    assert parties(out, "e1") == {
        ("sender", "avery.quinn@harborline.io"),
        ("to", "jordan.ellis@blueridgehotels.com"),
        ("cc", "sam.park@blueridgehotels.com"),
    }


def test_incoming_email_uses_its_address_fields_and_labels(converted: tuple[Path, ConversionReport]) -> None:
    out, _ = converted
    e2 = by_key(read(out, "activities"), "activity_id")["e2"]
    assert (e2["status"], e2["parent_activity_id"], e2["thread_id"]) == ("completed", "e1", "t1")
    assert e2["body_text"] == "Thanks, the pricing works for us."
    assert parties(out, "e2") == {("sender", "jordan.ellis@blueridgehotels.com"), ("to", "avery.quinn@harborline.io")}


def test_appointments(converted: tuple[Path, ConversionReport]) -> None:
    out, _ = converted
    acts = by_key(read(out, "activities"), "activity_id")
    # Scheduled in the CRM but over before the export was taken (latest modifiedon 2025-10-06): held.
    assert (acts["ap1"]["status"], acts["ap1"]["source"], acts["ap1"]["regarding_account_id"]) == ("completed", "synced", "a1")
    assert parties(out, "ap1") == {
        ("organizer", "avery.quinn@harborline.io"),
        ("attendee", "jordan.ellis@blueridgehotels.com"),  # required attendee, partyid without a type
        ("attendee", "sam.park@blueridgehotels.com"),  # optional attendee given as a label
    }
    assert (acts["ap2"]["status"], acts["ap2"]["source"]) == ("scheduled", "manual")
    assert parties(out, "ap2") == {("organizer", "avery.quinn@harborline.io")}  # the owner stands in
    assert acts["ap3"]["status"] == "cancelled"
    assert (acts["ap3"]["started_at"], acts["ap3"]["ended_at"]) == ("2025-09-15T12:00:00+02:00", "2025-09-15T13:00:00+02:00")


def test_phone_calls(converted: tuple[Path, ConversionReport]) -> None:
    out, _ = converted
    acts = by_key(read(out, "activities"), "activity_id")
    assert (acts["pc1"]["status"], acts["pc1"]["ended_at"]) == ("completed", "2025-09-30T16:15:00+00:00")
    # addressused holds phone numbers: the parties' e-mail addresses come from the user and contact
    assert parties(out, "pc1") == {("caller", "avery.quinn@harborline.io"), ("callee", "jordan.ellis@blueridgehotels.com")}
    assert parties(out, "pc2") == {("caller", "sam.park@blueridgehotels.com"), ("callee", "avery.quinn@harborline.io")}
    assert acts["pc3"]["status"] == "no_show"  # left a voicemail
    assert acts["pc4"]["status"] == "scheduled"
    assert acts["pc4"]["started_at"] == "2025-10-20T09:00:00+00:00"


def test_exclusions(converted: tuple[Path, ConversionReport]) -> None:
    out, _ = converted
    excluded = {r["activity_id"]: r["rule"] for r in read(out, "excluded_activities")}
    assert excluded == {"e3": "email_draft", "e5": "newsletter_sender", "e6": "bulk_email"}


def test_rejections_say_where_and_why(converted: tuple[Path, ConversionReport]) -> None:
    out, _ = converted
    rejections = {r["source_ref"]: r["reason"] for r in read(out, "source_rejections")}
    assert set(rejections) == {
        "email.csv#row4", "email.csv#row5", "activityparty.csv#row12", "activityparty.csv#row13",
        "activityparty.csv#row15", "systemuser.csv#row3", "account.csv#row3", "contact.csv#row4", "opportunity.csv#row4",
    }
    assert "senton" in rejections["email.csv#row4"] and "yesterday" in rejections["email.csv#row4"]
    assert rejections["activityparty.csv#row12"] == "to of activity e1 has no e-mail address"
    assert "does not apply to a call" in rejections["activityparty.csv#row15"]
    assert all(r["connector"] == "dynamics" for r in read(out, "source_rejections"))


def test_users_accounts_contacts(converted: tuple[Path, ConversionReport]) -> None:
    out, _ = converted
    users = by_key(read(out, "users"), "user_id")
    assert set(users) == {"u1", "u2"}
    assert users["u1"]["email"] == "avery.quinn@harborline.io"  # trimmed and lower-cased
    assert (users["u1"]["manager_user_id"], users["u1"]["team"], users["u1"]["is_active"]) == ("u2", "Hospitality East", "true")
    assert users["u2"]["email_aliases"] == "mlee@harborline.io"
    accounts = by_key(read(out, "accounts"), "account_id")
    assert (accounts["a1"]["domains"], accounts["a1"]["industry"]) == ("blueridgehotels.com", "Hospitality")
    assert accounts["a2"]["domains"] == ""  # a personal mail domain is no company domain
    contacts = by_key(read(out, "contacts"), "contact_id")
    assert (contacts["c1"]["account_id"], contacts["c1"]["role"], contacts["c1"]["email_aliases"]) == ("a1", "decision_maker", "j.ellis@blueridgehotels.com")
    assert (contacts["c2"]["full_name"], contacts["c2"]["role"]) == ("Sam Park", "influencer")
    assert contacts["c3"]["account_id"] == ""  # its parent customer is a contact


def test_opportunities(converted: tuple[Path, ConversionReport]) -> None:
    out, _ = converted
    opps = by_key(read(out, "opportunities"), "opportunity_id")
    o1, o2, o3 = opps["o1"], opps["o2"], opps["o3"]
    assert (o1["status"], o1["stage"], o1["stage_rank"], float(o1["amount"]), float(o1["external_score"])) == ("open", "3-Propose", "3", 210000.0, 64.0)
    assert (o1["created_date"], o1["expected_close_date"], o1["closed_date"]) == ("2025-06-02", "2025-12-15", "")
    assert (o2["status"], o2["stage"], o2["stage_rank"], o2["account_id"]) == ("won", "Close", "4", "a1")
    assert (float(o2["amount"]), o2["closed_date"], float(o2["external_score"])) == (48000.0, "2025-04-20", 75.0)
    assert (o3["status"], o3["closed_date"], float(o3["external_score"])) == ("lost", "2025-03-01", 25.0)
    links = {(r["opportunity_id"], r["contact_id"]): r["is_primary"] for r in read(out, "opportunity_contacts")}
    assert links == {("o1", "c1"): "true", ("o1", "c2"): "false"}


def test_deny_list_applies(tmp_path: Path) -> None:
    convert(dynamics, FIXTURES_DYNAMICS, tmp_path, deny_senders=("blueridgehotels.com",))
    assert {r["activity_id"]: r["rule"] for r in read(tmp_path, "excluded_activities")}["e2"] == "deny_list"


def test_entity_set_file_names(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for path in FIXTURES_DYNAMICS.glob("*.csv"):
        plural = {"activityparty": "activityparties", "opportunity": "opportunities"}.get(path.stem, path.stem + "s")
        shutil.copy(path, src / f"{plural.capitalize()}.csv")
    report = convert(dynamics, src, tmp_path / "out")
    assert (report.inputs_read, report.activities) == (15, 9)


def test_missing_optional_columns_and_extra_columns(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "email.csv").write_text("activityid,senton,new_customfield\nm1,2025-10-02T09:00:00Z,x\n", encoding="utf-8")
    (src / "contact.csv").write_text("contactid,emailaddress1,something_else\nk1,Kim@Example.com,y\n", encoding="utf-8")
    report = convert(dynamics, src, tmp_path / "out")
    assert (report.inputs_read, report.activities) == (1, 1)
    activity = read(tmp_path / "out", "activities")[0]
    # no statuscode/statecode: a tracked e-mail is taken as completed; no parties are known
    assert (activity["status"], activity["source"], activity["owner_user_id"]) == ("completed", "synced", "")
    assert read(tmp_path / "out", "activity_parties") == []
    contact = read(tmp_path / "out", "contacts")[0]
    assert (contact["full_name"], contact["email"]) == ("kim@example.com", "kim@example.com")


def test_folder_without_export_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(ConnectorInputError, match="no Dynamics 365 export files"):
        convert(dynamics, tmp_path, tmp_path / "out")


@pytest.mark.parametrize(
    ("column", "key"),
    [("_parentcustomerid_value", "parentcustomerid"), ("ParentCustomerId", "parentcustomerid"),
     ("_partyid_value@Microsoft.Dynamics.CRM.lookuplogicalname", "partyid@microsoft.dynamics.crm.lookuplogicalname"),
     ("msdyn_opportunityscore", "msdyn_opportunityscore")],
)
def test_web_api_lookup_columns_normalise(column: str, key: str) -> None:
    assert dynamics.normalize_column(column) == key
