"""Mail connector on hand-made .eml, mbox and maildir fixtures: parsing, dedupe, threading, noise, people."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ingest.connectors.base import ConnectorConfig, ConversionReport
from ingest.connectors.mail import convert_eml, convert_maildir, convert_mbox
from ingest.connectors.mail.threads import has_reply_prefix, normalize_subject
from tests.connectors.extract_batches import read_batch

FIXTURES = Path(__file__).parent / "fixtures" / "mail"
NOW = dt.datetime(2025, 3, 20, tzinfo=dt.timezone.utc)
HARBORLINE = ConnectorConfig(internal_domains=("harborline.io",))


def rows(out: Path, entity: str) -> list[dict[str, str]]:
    return read_batch(out, entity, "b")


def by_message_id(out: Path) -> dict[str, dict[str, str]]:
    return {r["internet_message_id"]: r for r in rows(out, "activities")}


def assert_accounted(report: ConversionReport, out: Path) -> None:
    assert report.accounted == report.inputs_read
    assert len(rows(out, "activities")) == report.activities
    assert len(rows(out, "excluded_activities")) == report.excluded
    assert len(rows(out, "source_rejections")) == report.rejected


@pytest.fixture(scope="module")
def eml_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[ConversionReport, Path]:
    # Bodies kept, so the tests below can read what the parser made of them.
    out = tmp_path_factory.mktemp("eml")
    config = ConnectorConfig(internal_domains=("harborline.io",), keep_bodies=True)
    return convert_eml(FIXTURES / "eml", out, batch_name="b", config=config, now=NOW), out


@pytest.fixture(scope="module")
def thread_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[ConversionReport, Path]:
    out = tmp_path_factory.mktemp("thread")
    return convert_mbox(FIXTURES / "mbox" / "thread.mbox", out, batch_name="b", config=HARBORLINE, now=NOW), out


@pytest.fixture(scope="module")
def noise_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[ConversionReport, Path]:
    out = tmp_path_factory.mktemp("noise")
    config = ConnectorConfig(internal_domains=("harborline.io",), deny_senders=("denied.example",), allow_senders=("partner.example",))
    return convert_mbox(FIXTURES / "mbox" / "noise.mbox", out, batch_name="b", config=config, now=NOW), out


@pytest.fixture(scope="module")
def maildir_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[ConversionReport, Path]:
    out = tmp_path_factory.mktemp("maildir")
    return convert_maildir(FIXTURES / "maildir", out, batch_name="b", config=ConnectorConfig(), now=NOW), out


def test_eml_every_file_accounted_for(eml_out: tuple[ConversionReport, Path]) -> None:
    report, out = eml_out
    assert_accounted(report, out)
    assert (report.inputs_read, report.activities, report.rejected) == (9, 6, 3)


def test_encoded_headers_and_charset_body(eml_out: tuple[ConversionReport, Path]) -> None:
    _, out = eml_out
    activity = by_message_id(out)["<enc-1@blueridgehotels.com>"]
    assert activity["subject"] == "Angebot für 2025 – Preise"
    assert activity["body_text"] == "Grüße, das Angebot passt für uns. Danke!"
    assert activity["started_at"] == "2025-03-04T10:15:00+01:00"  # the sender's offset is kept
    parties = {(p["party_role"], p["email_address"]): p["display_name"] for p in rows(out, "activity_parties") if p["activity_id"] == activity["activity_id"]}
    assert parties[("sender", "joerg.mueller@blueridgehotels.com")] == "Jörg Müller"
    assert parties[("cc", "renee.dupont@blueridgehotels.com")] == "Renée Dupont"


def test_multipart_prefers_plain_text(eml_out: tuple[ConversionReport, Path]) -> None:
    _, out = eml_out
    assert by_message_id(out)["<alt-1@blueridgehotels.com>"]["body_text"] == "Thanks, the pricing works for us."


def test_html_only_is_stripped_to_visible_text(eml_out: tuple[ConversionReport, Path]) -> None:
    _, out = eml_out
    body = by_message_id(out)["<html-1@blueridgehotels.com>"]["body_text"]
    assert "Looking forward to the visit & the demo." in body
    assert "See you Tuesday – Jordan" in body  # windows-1252 en dash decoded
    assert "tracking" not in body and "color" not in body and "ignored title" not in body and "<" not in body


def test_forwarded_message_text_is_not_the_senders_body(eml_out: tuple[ConversionReport, Path]) -> None:
    _, out = eml_out
    activity = by_message_id(out)["<fwd-1@harborline.io>"]
    assert activity["body_text"] == "See the forwarded draft below, happy to discuss."
    assert normalize_subject(activity["subject"]) == "contract draft"


def test_bogus_dates_rejected_unless_received_header_helps(eml_out: tuple[ConversionReport, Path]) -> None:
    report, out = eml_out
    rejected = {r["source_ref"]: r for r in rows(out, "source_rejections")}
    assert rejected["bogus_date.eml"]["reason"] == "no plausible date"
    assert "1979" in rejected["bogus_date.eml"]["detail"]
    assert by_message_id(out)["<bogus-2@blueridgehotels.com>"]["started_at"] == "2025-03-05T08:00:00-05:00"
    assert report.details["dates_from_received_header"] == 1


def test_broken_messages_rejected_with_reasons(eml_out: tuple[ConversionReport, Path]) -> None:
    _, out = eml_out
    reasons = {r["source_ref"]: r["reason"] for r in rows(out, "source_rejections")}
    assert reasons["no_sender.eml"] == "no sender address"
    assert reasons["not_mail.eml"] == "not a mail message"


def test_plus_addressing_folds_to_the_base_address(eml_out: tuple[ConversionReport, Path]) -> None:
    _, out = eml_out
    activity = by_message_id(out)["<plus-1@blueridgehotels.com>"]
    senders = [p for p in rows(out, "activity_parties") if p["activity_id"] == activity["activity_id"] and p["party_role"] == "sender"]
    assert [p["email_address"] for p in senders] == ["jordan.ellis@blueridgehotels.com"]
    contacts = [c for c in rows(out, "contacts") if "jordan" in c["email"]]
    assert [c["email"] for c in contacts] == ["jordan.ellis@blueridgehotels.com"]  # one person, not two


def test_duplicates_by_message_id_and_by_fingerprint(thread_out: tuple[ConversionReport, Path]) -> None:
    report, out = thread_out
    assert_accounted(report, out)
    assert report.duplicates == 2
    assert report.details["duplicates_by_key"] == {"message_id": 1, "fingerprint": 1}
    ids = [r["internet_message_id"] for r in rows(out, "activities")]
    assert "<p2-copy-from-archive@blueridgehotels.com>" not in ids and ids.count("<p1@harborline.io>") == 1


def test_in_reply_to_threading(thread_out: tuple[ConversionReport, Path]) -> None:
    _, out = thread_out
    acts = by_message_id(out)
    root, reply = acts["<p1@harborline.io>"], acts["<p2@blueridgehotels.com>"]
    assert reply["parent_activity_id"] == root["activity_id"]
    assert reply["thread_id"] == root["thread_id"]
    # A reply citing the duplicate copy's Message-ID still finds the kept message.
    assert acts["<p6@harborline.io>"]["parent_activity_id"] == reply["activity_id"]


def test_subject_fallback_needs_a_prefix_and_shared_participants(thread_out: tuple[ConversionReport, Path]) -> None:
    report, out = thread_out
    acts = by_message_id(out)
    assert acts["<p3@harborline.io>"]["parent_activity_id"] == acts["<p2@blueridgehotels.com>"]["activity_id"]
    assert acts["<p3@harborline.io>"]["thread_id"] == acts["<p1@harborline.io>"]["thread_id"]
    assert acts["<p5@acmefoods.com>"]["parent_activity_id"] == ""  # same subject, nobody in common
    assert acts["<p5@acmefoods.com>"]["thread_id"] != acts["<p1@harborline.io>"]["thread_id"]
    assert acts["<p4@blueridgehotels.com>"]["parent_activity_id"] == ""  # prefix but no earlier message
    assert report.details["parents_by_method"] == {"none": 3, "in_reply_to": 2, "subject": 1}


@pytest.mark.parametrize(
    ("subject", "normalised", "is_reply"),
    [
        ("Re: Proposal", "proposal", True),
        ("RE: Fwd: AW: WG: proposal  update", "proposal update", True),
        ("[EXTERNAL] Re[2]: Proposal", "proposal", True),
        ("SV: VS: Offert", "offert", True),
        ("Proposal", "proposal", False),
        ("Regarding: proposal", "regarding: proposal", False),
        (None, "", False),
    ],
)
def test_subject_normalisation(subject: str | None, normalised: str, is_reply: bool) -> None:
    assert normalize_subject(subject) == normalised
    assert has_reply_prefix(subject) is is_reply


def test_each_noise_rule_excludes_one_message(noise_out: tuple[ConversionReport, Path]) -> None:
    report, out = noise_out
    assert_accounted(report, out)
    excluded = {r["subject"]: r for r in rows(out, "excluded_activities")}
    expected = {
        "Out of office: Proposal follow-up": "auto_submitted",
        "Hospitality deals this week": "list_id_header",
        "Spring offer": "list_unsubscribe",
        "Bulk announcement": "precedence_bulk",
        "Your booking confirmation": "no_reply_sender",
        "March issue": "newsletter_sender",
        "Ticket 42 was updated": "notification_sender",
        "Office closed Friday": "distribution_list",
        "Note to self": "no_recipients",
        "Between two customers": "no_internal_party",
        "Internal pipeline review": "no_external_party",
        "Quick question": "deny_list",
    }
    assert {subject: row["rule"] for subject, row in excluded.items()} == expected
    assert all(row["detail"] and row["source_ref"].startswith("noise.mbox#") and row["activity_type"] == "email" for row in excluded.values())
    kept = {r["subject"] for r in rows(out, "activities")}
    assert kept == {"Joint opportunity update", "Contract questions"}  # allow-listed notification is kept


def test_maildir_owner_internal_domain_and_directory_inferred(maildir_out: tuple[ConversionReport, Path]) -> None:
    report, out = maildir_out
    assert_accounted(report, out)
    assert report.details["mailboxes"] == {"avery-q": {"owner": "avery.quinn@harborline.io", "owner_inferred_by": "sent_folder_sender"}}
    assert report.details["internal_domains"] == ["harborline.io"] and report.details["internal_domains_inferred"]
    users = rows(out, "users")
    assert [(u["email"], u["email_aliases"], u["full_name"]) for u in users] == [("avery.quinn@harborline.io", "aquinn@harborline.io", "Avery Quinn")]
    assert {r["owner_user_id"] for r in rows(out, "activities")} == {users[0]["user_id"]}
    contacts = {c["email"]: c for c in rows(out, "contacts")}
    assert contacts["chris.fox@gmail.com"]["account_id"] == ""  # personal-mail domain: no account
    assert contacts["jordan.ellis@blueridgehotels.com"]["account_id"] == "a-blueridgehotels.com"
    assert [a["account_id"] for a in rows(out, "accounts")] == ["a-blueridgehotels.com"]


def test_maildir_copy_in_another_folder_is_a_duplicate(maildir_out: tuple[ConversionReport, Path]) -> None:
    report, _ = maildir_out
    assert report.duplicates == 1 and report.details["duplicates_by_key"] == {"fingerprint": 1}


def test_shared_address_is_reported_not_guessed(maildir_out: tuple[ConversionReport, Path]) -> None:
    report, out = maildir_out
    assert report.details["shared_addresses"]["items"] == [{"address": "sales@blueridgehotels.com", "names": ["Jordan Ellis", "Sales Desk", "Sam Park"]}]
    sales = next(c for c in rows(out, "contacts") if c["email"] == "sales@blueridgehotels.com")
    assert sales["full_name"] == "Sales"  # named after the address, not after one of its users


def test_standard_maildir_reads_cur_and_new_but_not_tmp(tmp_path: Path) -> None:
    report = convert_maildir(FIXTURES / "maildir_std", tmp_path, batch_name="b", config=ConnectorConfig(), now=NOW)
    assert report.inputs_read == 2 and report.activities == 2
    assert report.details["mailboxes"]["maildir_std"]["owner"] == "avery.quinn@harborline.io"


def test_activity_ids_are_deterministic(tmp_path: Path) -> None:
    first = convert_mbox(FIXTURES / "mbox" / "thread.mbox", tmp_path / "1", batch_name="b", config=HARBORLINE, now=NOW)
    second = convert_mbox(FIXTURES / "mbox" / "thread.mbox", tmp_path / "2", batch_name="b", config=HARBORLINE, now=NOW)
    assert first.as_dict()["rows_written"] == second.as_dict()["rows_written"]
    for entity in first.rows_written:
        assert (tmp_path / "1" / entity / "b.csv").read_bytes() == (tmp_path / "2" / entity / "b.csv").read_bytes()


def test_future_dates_are_rejected(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "future.eml").write_text(
        "Message-ID: <f@x.example>\nDate: Mon, 01 Jan 2035 10:00:00 +0000\nFrom: a@x.example\nTo: b@harborline.io\nSubject: s\n\nbody\n"
    )
    report = convert_eml(source, tmp_path / "out", batch_name="b", config=HARBORLINE, now=NOW)
    assert report.rejected == 1
    assert "in the future" in rows(tmp_path / "out", "source_rejections")[0]["detail"]


def test_no_directory_leaves_people_to_the_crm(tmp_path: Path) -> None:
    report = convert_mbox(FIXTURES / "mbox" / "thread.mbox", tmp_path, batch_name="b", config=HARBORLINE, derive_directory=False, now=NOW)
    assert set(report.rows_written) == {"activities", "activity_parties"}
    assert {r["owner_user_id"] for r in rows(tmp_path, "activities")} == {""}


def test_odd_header_encodings_never_break_parsing() -> None:
    from ingest.connectors.mail.message import parse_message

    raw = (
        b"Message-ID: <odd@x.example>\n"
        b"Date: Wed, 05 Mar 2025 08:00:00 -0500\n"
        b"From: \xc9lodie Faure <elodie@client.example>\n"  # undeclared 8-bit Latin-1 in a header
        b"To: =?x-unknown-charset?Q?Bo=20Li?= <bo@harborline.io>, undisclosed-recipients:;\n"
        b"Subject: =?utf-8?q?Caf=C3=A9?= =?utf-8?b?IOKAkyBtZW51?=\n"
        b"Content-Type: text/plain; charset=no-such-charset\n\n"
        b"Men\xfc attached.\n"
    )
    msg = parse_message(raw, source_ref="odd.eml", now=NOW, default_tz=dt.timezone.utc)
    assert msg.sender == "elodie@client.example" and msg.sender_name == "Élodie Faure"
    assert msg.to == [("bo@harborline.io", "Bo Li")]
    assert msg.subject == "Café – menu"
    assert msg.body == "Menü attached."


def test_eml_with_an_mbox_envelope_line_is_read() -> None:
    from ingest.connectors.mail.message import parse_message

    raw = (FIXTURES / "eml" / "multipart_alternative.eml").read_bytes()
    msg = parse_message(b"From jordan@x Wed Mar  5 09:00:00 2025\n" + raw, source_ref="x.eml", now=NOW, default_tz=dt.timezone.utc)
    assert msg.message_id == "<alt-1@blueridgehotels.com>"
