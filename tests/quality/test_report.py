"""The static hygiene report: files, content, determinism, and rendering in headless Chromium
(summary and charts present, no console errors, a screenshot saved). The rendering test skips
only when no Chromium can be found (`make test` installs the Debian package when it can)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from data_quality.browser import find_chromium, render
from data_quality.report import render_html, write_report
from tests.quality.hand_made import report_data


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(report_data(), tmp_path_factory.mktemp("report") / "hygiene")


def test_writes_a_page_and_a_csv_per_rule(report: Path) -> None:
    folder = report.parent
    csvs = sorted(p.name for p in (folder / "findings").glob("*.csv"))
    assert csvs == ["account_no_decision_maker.csv", "capture_gap_rep.csv", "contact_personal_domain.csv",
                    "gaming_burst.csv"]
    gaps = pd.read_csv(folder / "findings" / "capture_gap_rep.csv")
    assert list(gaps["entity_id"]) == ["u-avery"] and gaps.loc[0, "suggested_fix"] == "Check the sync."
    assert pd.read_csv(folder / "findings" / "gaming_burst.csv").empty  # a clean rule still has its file
    assert (folder / "evaluation.csv").exists()


def test_page_content_is_escaped_and_deterministic(report: Path) -> None:
    html = report.read_text()
    assert "Acme &lt;Corp&gt;" in html and "Acme <Corp>" not in html
    assert html.count("<svg") >= 4
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert render_html(report_data()) == html
    # the failing check shows since when it fails
    assert "2025-03-31 02:00" in html


def _table_rows(html: str, table_id: str) -> list[list[str]]:
    table = re.search(rf"<table id='{table_id}'>.*?</table>", html, re.S)
    assert table, table_id
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", table.group(0))[1:]]


def test_noise_filter_exclusions_are_summarised_per_rule_and_sender_domain(report: Path) -> None:
    html = report.read_text()
    assert [r[:3] for r in _table_rows(html, "exclusions-by-rule")] == [["bulk_body_markers", "9", "2"], ["no_reply_sender", "2", "1"]]
    assert [[r[0], r[1], r[3]] for r in _table_rows(html, "exclusions-by-domain")] == [
        ["sharperimage.com", "8", "bulk_body_markers, no_reply_sender"], ["cbinet.com", "3", "bulk_body_markers"]]


def test_renders_in_headless_chromium(report: Path) -> None:
    executable = find_chromium()
    if executable is None:
        pytest.skip("chromium is not installed (make browser installs it)")
    shot = report.parent / "screenshot.png"
    rendered = render(report, shot, executable)
    assert rendered.console == [], rendered.console
    assert 'id="summary"' in rendered.dom and "findings" in rendered.dom
    assert rendered.dom.count("<svg") >= 4
    assert "Findings by rule" in rendered.dom
    assert shot.stat().st_size > 10_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    print(f"screenshot: {shot}")
