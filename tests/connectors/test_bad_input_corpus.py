"""Bad inputs for the connectors (mail, calendars, CRM exports), generated here.

Each case must convert without an exception escaping (a CRM export that cannot be read at all may
be refused with ConnectorInputError naming the file), with every input item accounted for in the
report (converted + duplicates + excluded + rejected = read), every rejected item written with a
reason, and the written batch landing with landed + quarantined = read.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.connectors import ics
from ingest.connectors.base import ConnectorConfig, ConversionReport
from ingest.connectors.crm import dynamics, hubspot, salesforce
from ingest.connectors.crm.errors import ConnectorInputError
from ingest.connectors.mail import convert_eml, convert_maildir, convert_mbox
from ingest.landing import land_all
from tests.connectors.extract_batches import read_batch

FIXTURES = Path(__file__).parent / "fixtures"
CONFIG = ConnectorConfig(internal_domains=("harborline.io",))

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def eml(subject: str = "Hello", date: str = "Mon, 3 Mar 2025 10:00:00 +0000", body: str = "Hi there", extra: str = "") -> bytes:
    return (
        f"From: Avery Quinn <avery.quinn@harborline.io>\r\nTo: Jordan <jordan@blueridge.com>\r\n"
        f"Subject: {subject}\r\nDate: {date}\r\nMessage-ID: <{abs(hash((subject, date, body)))}@x>\r\n{extra}\r\n{body}\r\n"
    ).encode("utf-8", "surrogateescape")


def junk(seed: int, n: int = 3000) -> bytes:
    return random.Random(seed).randbytes(n)


MAIL_CASES: dict[str, tuple[Callable, dict[str, bytes]]] = {
    "eml_ok": (convert_eml, {"a.eml": eml()}),
    "eml_empty": (convert_eml, {"a.eml": b"", "b.eml": eml()}),
    "eml_binary_junk": (convert_eml, {"a.eml": junk(1), "b.eml": eml()}),
    "eml_nul_bytes": (convert_eml, {"a.eml": eml(subject="A\x00B", body="x\x00y")}),
    "eml_control_chars_subject": (convert_eml, {"a.eml": eml(subject="Alert \x1b[31m red")}),
    "eml_formula_subject": (convert_eml, {"a.eml": eml(subject="=HYPERLINK(\"http://evil\")")}),
    "eml_year_0001": (convert_eml, {"a.eml": eml(date="Mon, 1 Jan 0001 00:00:00 +0000")}),
    "eml_year_9999": (convert_eml, {"a.eml": eml(date="Fri, 31 Dec 9999 23:59:59 +0000")}),
    "eml_garbage_date": (convert_eml, {"a.eml": eml(date="yesterday-ish")}),
    "eml_huge_header": (convert_eml, {"a.eml": eml(subject="S" * 3_000_000)}),
    "eml_cr_only": (convert_eml, {"a.eml": eml().replace(b"\r\n", b"\r")}),
    "eml_utf16": (convert_eml, {"a.eml": eml().decode().encode("utf-16")}),
    "eml_invalid_utf8_header": (convert_eml, {"a.eml": eml(subject="Ren\udce9e")}),
    "eml_no_headers": (convert_eml, {"a.eml": b"just a body\n"}),
    "eml_upper_suffix": (convert_eml, {"A.EML": eml()}),
    "mbox_junk": (convert_mbox, {"box.mbox": b"From x@y Mon Mar  3 10:00:00 2025\n" + junk(2)}),
    "mbox_cr_only": (convert_mbox, {"box.mbox": b"From x@y Mon Mar  3 10:00:00 2025\r" + eml().replace(b"\r\n", b"\r")}),
    "mbox_two_messages_one_broken": (convert_mbox, {"box.mbox": b"From x@y Mon Mar  3 10:00:00 2025\n" + eml().replace(b"\r\n", b"\n")
                                                    + b"\nFrom x@y Mon Mar  3 10:00:00 2025\n" + junk(3, 500) + b"\n"}),
    "mbox_empty": (convert_mbox, {"box.mbox": b""}),
    "maildir_hidden_file": (convert_maildir, {"box/cur/1.": eml(), "box/cur/.hidden": eml(subject="hidden")}),
    "maildir_junk_file": (convert_maildir, {"box/cur/1.": junk(4), "box/cur/2.": eml()}),
    "maildir_nul_file": (convert_maildir, {"box/cur/1.": b"\x00" * 2000}),
}

ICS_CASES: dict[str, bytes] = {
    "ics_junk": junk(5),
    "ics_empty": b"",
    "ics_utf16": b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".decode().encode("utf-16"),
    "ics_nul": b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\x00\r\nDTSTART:20250303T100000Z\r\nSUMMARY:A\x00B\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    "ics_year_0001": b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:00010101T100000Z\r\nDTEND:00010101T110000Z\r\nSUMMARY:Old\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    "ics_year_9999": b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:99991231T100000Z\r\nSUMMARY:Far\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    "ics_negative_duration": b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:20250303T100000Z\r\nDTEND:20250303T090000Z\r\nSUMMARY:Back\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    "ics_cr_only": b"BEGIN:VCALENDAR\rBEGIN:VEVENT\rUID:1\rDTSTART:20250303T100000Z\rSUMMARY:CR\rEND:VEVENT\rEND:VCALENDAR\r",
    "ics_unterminated": b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:20250303T100000Z\r\n",
    "ics_formula_summary": b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:20250303T100000Z\r\nSUMMARY:=cmd|' /C calc'!A0\r\nORGANIZER:mailto:avery.quinn@harborline.io\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    "ics_huge_rrule_count": b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:20250303T100000Z\r\nRRULE:FREQ=SECONDLY;COUNT=100000000\r\nSUMMARY:Spam\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
}

CRM_MODULES = {"salesforce": (salesforce, "Account.csv"), "hubspot": (hubspot, "company.csv"), "dynamics": (dynamics, "account.csv")}
CRM_DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "binary_junk": lambda data: junk(6),
    "empty": lambda data: b"",
    "nul_bytes": lambda data: data.replace(b",", b",\x00", 3),
    "cr_only": lambda data: data.replace(b"\r\n", b"\n").replace(b"\n", b"\r"),
    "utf16": lambda data: data.decode("utf-8-sig").encode("utf-16"),
    "unterminated_quote": lambda data: data.replace(b"\n", b'\n"', 1),
    "huge_field": lambda data: data.replace(b"\n", b"\n" + b"x" * 3_000_000, 1),
    "duplicate_header": lambda data: data.split(b"\n", 1)[0] + b"," + data.split(b"\n", 1)[0].split(b",")[0] + b"\n" + data.split(b"\n", 1)[1],
    "na_tokens": lambda data: data.replace(b",,", b",NA,"),
}


def _check_report(report: ConversionReport, out: Path, batch: str) -> None:
    assert report.accounted == report.inputs_read, report
    rejections = read_batch(out, "source_rejections", batch) if (out / "source_rejections").exists() else []
    assert len(rejections) >= report.rejected
    assert all(r["reason"] for r in rejections)
    summary = land_all(out, out.parent / "landed")
    for result in summary.batches:
        assert result.rows_landed + result.rows_quarantined == result.rows_read, result


def _write_tree(root: Path, files: dict[str, bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


@pytest.mark.parametrize("case", sorted(MAIL_CASES))
def test_mail_bad_input(case: str, tmp_path: Path) -> None:
    convert, files = MAIL_CASES[case]
    source = tmp_path / "in"
    _write_tree(source, files)
    target = source / "box.mbox" if convert is convert_mbox else source
    report = convert(target, tmp_path / "out", batch_name="b", config=CONFIG)
    _check_report(report, tmp_path / "out", "b")
    if case == "maildir_hidden_file":
        assert report.details["skipped_files"] == {"box/cur/.hidden": "hidden file (name starts with '.'): not read as a message"}


@pytest.mark.parametrize("case", sorted(ICS_CASES))
def test_ics_bad_input(case: str, tmp_path: Path) -> None:
    source = tmp_path / "in"
    _write_tree(source, {"cal.ics": ICS_CASES[case], "ok.ics": (FIXTURES / "ics" / "utc_event.ics").read_bytes()})
    report = ics.convert(source, tmp_path / "out", batch_name="b", config=CONFIG)
    _check_report(report, tmp_path / "out", "b")


@pytest.mark.parametrize("crm", sorted(CRM_MODULES))
@pytest.mark.parametrize("damage", sorted(CRM_DAMAGE))
def test_crm_bad_input(crm: str, damage: str, tmp_path: Path) -> None:
    module, victim = CRM_MODULES[crm]
    source = tmp_path / "in"
    shutil.copytree(FIXTURES / "crm" / crm, source)
    path = source / victim
    path.write_bytes(CRM_DAMAGE[damage](path.read_bytes()))
    try:
        report = module.convert(source, tmp_path / "out", batch_name="b", config=CONFIG)
    except ConnectorInputError as exc:  # the documented refusal of an export that cannot be read
        assert victim in str(exc) or str(source) in str(exc)
        return
    _check_report(report, tmp_path / "out", "b")


@pytest.mark.parametrize(
    "name",
    ["../escape", ".hidden", "a/b", "a\\b", "x'; DROP TABLE t; --", "名前", "a b", "", "a" * 101, "ok\n", "trailing."],
)
def test_cli_refuses_unsafe_batch_names(name: str) -> None:
    from ingest.cli import UsageError, check_batch_name

    with pytest.raises(UsageError, match="safe file name"):
        check_batch_name(name)


@pytest.mark.parametrize("name", ["2025-03-01", "20250301T020000-maildir", "b1", "a.b_c-d", "A" * 100])
def test_cli_accepts_safe_batch_names(name: str) -> None:
    from ingest.cli import check_batch_name

    assert check_batch_name(name) == name
