"""The ``relintel convert`` command: dispatch, options, report on stdout, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ingest import cli
from ingest.connectors import registry
from runtime.settings import PROJECT_ROOT

FIXTURES = Path(__file__).parent / "fixtures"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict | None, str]:  # type: ignore[type-arg]
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    report = json.loads(captured.out) if code == 0 and captured.out.strip() else None
    return code, report, captured.err


def test_convert_mbox_prints_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report, err = run(
        capsys, "convert", "mbox", str(FIXTURES / "mail" / "mbox" / "noise.mbox"), "--out", str(tmp_path),
        "--batch", "2025-03-20", "--internal-domain", "harborline.io", "--deny-sender", "denied.example",
        "--allow-sender", "partner.example", "--quiet",
    )
    assert code == 0, err
    assert report is not None and report["connector"] == "mbox"
    assert report["activities"] + report["duplicates"] + report["excluded"] + report["rejected"] == report["inputs_read"] == 14
    assert report["details"]["excluded_by_rule"]["deny_list"] == 1
    assert (tmp_path / "activities" / "2025-03-20.csv").exists()


def test_convert_ics_with_window_and_parquet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report, err = run(
        capsys, "convert", "ics", str(FIXTURES / "ics" / "endless_daily.ics"), "--out", str(tmp_path),
        "--window-start", "2025-03-01", "--window-end", "2025-03-07", "--format", "parquet", "--batch", "b",
    )
    assert code == 0, err
    assert report is not None and report["rows_written"]["activities"] == 7
    assert (tmp_path / "activities" / "b.parquet").exists()


def test_default_batch_name_sorts_by_time_and_names_the_connector(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report, _ = run(capsys, "convert", "eml", str(FIXTURES / "mail" / "eml"), "--out", str(tmp_path), "--disable-rule", "no_external_party")
    assert code == 0 and report is not None
    name = Path(report["files_written"][0]).stem
    assert name.endswith("-eml") and name[:8].isdigit() and name[8] == "T"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["convert", "maildir", "/no/such/folder", "--out", "OUT"], "PATH does not exist"),
        (["convert", "maildir", str(FIXTURES / "mail" / "eml" / "html_only.eml"), "--out", "OUT"], "expects a folder"),
        (["convert", "ics", str(FIXTURES / "ics"), "--out", "OUT", "--window-start", "2025-13-01"], "--window-start"),
        (["convert", "ics", str(FIXTURES / "ics"), "--out", "OUT", "--window-start", "2025-03-02", "--window-end", "2025-03-01"], "after"),
        (["convert", "ics", str(FIXTURES / "ics"), "--out", "OUT", "--timezone", "Mars/Olympus"], "unknown time zone"),
        (["convert", "mbox", str(FIXTURES / "mail" / "mbox"), "--out", "OUT", "--disable-rule", "no_such_rule"], "unknown rule"),
        (["convert", "mbox", str(FIXTURES / "mail" / "mbox"), "--out", "OUT", "--batch", "../escape"], "plain file name"),
        (["convert", "ics", str(FIXTURES / "ics"), "--out", "OUT", "--owner", "a@b.example"], "--owner applies"),
        (["convert", "outlook", str(FIXTURES), "--out", "OUT"], "invalid choice"),
        (["convert", "mbox", str(FIXTURES / "mail" / "mbox")], "--out"),
    ],
)
def test_bad_arguments_exit_2_with_a_clear_message(argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [str(tmp_path / "out") if a == "OUT" else a for a in argv]
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err


def test_out_must_not_be_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x")
    code, _, err = run(capsys, "convert", "ics", str(FIXTURES / "ics"), "--out", str(target))
    assert code == 2 and "--out is not a folder" in err


def test_missing_connector_module_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.CONNECTORS, "hubspot", ("ingest.connectors.crm.not_written_yet", "convert"))
    code, _, err = run(capsys, "convert", "hubspot", str(tmp_path), "--out", str(tmp_path / "out"))
    assert code == 1
    assert "the hubspot connector is not available" in err


def test_crm_connectors_are_dispatched_with_the_common_signature(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    seen = {}

    def convert(input_dir, out_dir, *, batch_name, config):  # type: ignore[no-untyped-def]
        from ingest.connectors.base import ConversionReport

        seen.update(input_dir=input_dir, batch=batch_name, domains=config.internal_domains, fmt=config.extract_format)
        return ConversionReport(connector="fake")

    module = types.ModuleType("fake_crm")
    module.convert = convert  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_crm", module)
    monkeypatch.setitem(registry.CONNECTORS, "salesforce", ("fake_crm", "convert"))
    code, report, err = run(capsys, "convert", "salesforce", str(tmp_path), "--out", str(tmp_path / "o"), "--batch", "x",
                            "--internal-domain", "@Harborline.io", "--format", "parquet")
    assert code == 0, err
    assert seen == {"input_dir": tmp_path, "batch": "x", "domains": ("harborline.io",), "fmt": "parquet"}
    assert report is not None and report["connector"] == "fake"


def test_module_entry_point_runs() -> None:
    result = subprocess.run([sys.executable, "-m", "ingest.cli", "convert", "--help"], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60)
    assert result.returncode == 0
    assert "{dynamics,eml,hubspot,ics,maildir,mbox,salesforce}" in result.stdout
