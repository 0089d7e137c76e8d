"""The Enron maildir sample (two mailboxes): every message read is accounted for exactly once, bulk
mail is recognised as a careful reader would, and contacts are only people who wrote with us."""

from __future__ import annotations

import csv
import email
import re
from collections import Counter
from pathlib import Path

import pytest

from ingest.connectors.base import ConnectorConfig, ConversionReport
from ingest.connectors.mail import convert_maildir
from ingest.connectors.noise import BULK_RULES, RULE_ORDER

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
ENRON = SHARED_DATA / "enron_maildir"
# 270 messages drawn at random (seeded) from the de-duplicated messages with both an Enron and an
# outside party, each read by hand and labelled `bulk` (newsletters, marketing, spam, list posts,
# automated notices, an organisation's broadcast to its members) or `person` (written by a person to
# the recipients, forwards by a person included), with a note saying why.
LABELS = Path(__file__).parent / "fixtures" / "enron_bulk_labels.csv"


def rows(out: Path, entity: str) -> list[dict[str, str]]:
    with (out / entity / "enron.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def enron(tmp_path_factory: pytest.TempPathFactory) -> tuple[ConversionReport, Path]:
    if not ENRON.is_dir():
        pytest.skip(f"shared sample data not present: {ENRON}")
    out = tmp_path_factory.mktemp("enron")
    report = convert_maildir(ENRON, out, batch_name="enron", config=ConnectorConfig(internal_domains=("enron.com", "enron.net")))
    return report, out


def test_every_message_file_is_accounted_for_once(enron: tuple[ConversionReport, Path]) -> None:
    report, out = enron
    files_on_disk = sum(1 for p in ENRON.rglob("*") if p.is_file())
    assert files_on_disk == 4633
    assert report.inputs_read == files_on_disk
    assert report.activities + report.duplicates + report.excluded + report.rejected == files_on_disk
    assert len(rows(out, "activities")) == report.activities
    assert len(rows(out, "excluded_activities")) == report.excluded
    assert len(rows(out, "source_rejections")) == report.rejected
    # Printed for the record (pytest -s): outcome counts (benchmarks/ times the conversion).
    print(f"\nEnron: {report.as_dict() | {'files_written': '...'}}")


def test_copies_in_several_folders_are_duplicates(enron: tuple[ConversionReport, Path]) -> None:
    report, out = enron
    assert report.duplicates > 500  # each copy has its own Message-ID in this corpus: found by fingerprint
    assert report.details["duplicates_by_key"].get("fingerprint", 0) == report.duplicates
    activity_ids = [r["activity_id"] for r in rows(out, "activities")] + [r["activity_id"] for r in rows(out, "excluded_activities")]
    assert len(activity_ids) == len(set(activity_ids))


def test_bogus_dates_are_rejected_with_the_reason(enron: tuple[ConversionReport, Path]) -> None:
    _, out = enron
    rejections = rows(out, "source_rejections")
    assert rejections and all(r["reason"] == "no plausible date" for r in rejections)
    years = Counter(re.search(r"\b(\d{4})\b", r["detail"]).group(1) for r in rejections)  # type: ignore[union-attr]
    assert set(years) == {"1979", "0001", "0002"}
    assert all(r["started_at"][:4] not in {"1979", "0001", "0002"} for r in rows(out, "activities"))


def test_exclusions_name_a_known_rule(enron: tuple[ConversionReport, Path]) -> None:
    report, out = enron
    excluded = rows(out, "excluded_activities")
    assert {r["rule"] for r in excluded} <= set(RULE_ORDER)
    assert all(r["detail"] and r["source_ref"] for r in excluded)
    assert sum(report.details["excluded_by_rule"].values()) == report.excluded


def test_mailbox_owners_and_identity(enron: tuple[ConversionReport, Path]) -> None:
    report, out = enron
    owners = {box: v["owner"] for box, v in report.details["mailboxes"].items()}
    assert owners == {"buy-r": "rick.buy@enron.com", "presto-k": "m..presto@enron.com"}
    presto = next(u for u in rows(out, "users") if u["email"] == "m..presto@enron.com")
    assert "kevin.presto@enron.com" in presto["email_aliases"].split(";")
    assert presto["full_name"] == "Kevin M. Presto"
    activities = rows(out, "activities")
    assert {r["owner_user_id"] for r in activities} <= {u["user_id"] for u in rows(out, "users")}
    ids = {r["activity_id"] for r in activities}
    assert {p["activity_id"] for p in rows(out, "activity_parties")} <= ids
    assert {r["parent_activity_id"] for r in activities if r["parent_activity_id"]} <= ids


def test_bulk_detection_against_the_hand_labelled_sample(enron: tuple[ConversionReport, Path]) -> None:
    _, out = enron
    rule_of = {r["source_ref"]: r["rule"] for r in rows(out, "excluded_activities")}
    kept_ids = {r["internet_message_id"] for r in rows(out, "activities")}
    with LABELS.open(encoding="utf-8", newline="") as fh:
        labels = list(csv.DictReader(fh))
    assert len(labels) >= 200
    outcome = Counter()
    for label in labels:
        ref = label["source_ref"]
        if ref in rule_of:
            detected = rule_of[ref] in BULK_RULES
        else:
            message_id = email.message_from_bytes((ENRON / ref).read_bytes()).get("Message-ID", "").strip()
            assert message_id in kept_ids, f"{ref} is neither kept nor excluded (a duplicate of another copy?)"
            detected = False
        outcome[(label["label"] == "bulk", detected)] += 1
    precision = outcome[(True, True)] / (outcome[(True, True)] + outcome[(False, True)])
    recall = outcome[(True, True)] / (outcome[(True, True)] + outcome[(True, False)])
    print(f"\nbulk detection on {len(labels)} labelled messages: precision {precision:.3f}, recall {recall:.3f} ({dict(outcome)})")
    assert precision >= 0.95 and recall >= 0.9


def test_contacts_are_only_people_who_wrote_with_us(enron: tuple[ConversionReport, Path]) -> None:
    _, out = enron
    internal = re.compile(r"@(.+\.)?enron\.(com|net)$")
    parties = rows(out, "activity_parties")
    by_activity: dict[str, list[dict[str, str]]] = {}
    for party in parties:
        by_activity.setdefault(party["activity_id"], []).append(party)
    direct: set[str] = set()
    for people in by_activity.values():
        sender = next(p["email_address"] for p in people if p["party_role"] == "sender")
        recipients = [p["email_address"] for p in people if p["party_role"] != "sender"]
        if internal.search(sender):
            direct.update(r for r in recipients if not internal.search(r))
        elif any(internal.search(r) for r in recipients):
            direct.add(sender)
    contacts = rows(out, "contacts")
    assert contacts
    for contact in contacts:
        addresses = {contact["email"], *filter(None, contact["email_aliases"].split(";"))}
        assert addresses & direct, f"{contact['email']} never wrote with us directly"
    # Someone only copied on an outsider's mail to us is a party of that e-mail, but no contact.
    copied_only = {p["email_address"] for p in parties if not internal.search(p["email_address"])} - direct
    assert copied_only and not copied_only & {c["email"] for c in contacts}
    assert {c["account_id"] for c in contacts if c["account_id"]} == {a["account_id"] for a in rows(out, "accounts")}


def test_no_message_body_is_written(enron: tuple[ConversionReport, Path]) -> None:
    _, out = enron
    activities = rows(out, "activities")
    assert not any(r["body_text"] for r in activities)
    assert sum(1 for r in activities if r["body_sentiment"]) > 0.9 * len(activities)
