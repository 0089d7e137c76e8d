"""Every .ics file of the public iCalendar test corpus is converted or rejected with a reason, never a crash."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ingest.connectors import ics
from ingest.connectors.base import ConnectorConfig

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
CORPUS = SHARED_DATA / "calendars" / "icalendar"
FILES = sorted(CORPUS.glob("*.ics")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not FILES, reason=f"shared sample data not present: {CORPUS}")
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_file_is_converted_or_rejected_with_a_reason(path: Path, tmp_path: Path) -> None:
    report = ics.convert(path, tmp_path, batch_name="b", config=ConnectorConfig())
    assert report.inputs_read >= 1
    assert report.accounted == report.inputs_read
    rejection_file = tmp_path / "source_rejections" / "b.csv"
    if report.rejected:
        with rejection_file.open(encoding="utf-8", newline="") as fh:
            rejections = list(csv.DictReader(fh))
        assert len(rejections) == report.rejected
        assert all(r["reason"].strip() and r["source_ref"].startswith(path.name) for r in rejections)
    else:
        assert not rejection_file.exists()


@pytest.mark.skipif(not FILES, reason=f"shared sample data not present: {CORPUS}")
def test_whole_corpus_in_one_batch(tmp_path: Path) -> None:
    report = ics.convert(CORPUS, tmp_path, batch_name="b", config=ConnectorConfig(disabled_rules=("no_recipients",)))
    assert report.accounted == report.inputs_read
    assert report.details["files"] == len(FILES)
    assert report.activities > 40 and report.details["occurrences"] > report.activities  # recurrences expanded
    print(f"\ncalendar corpus: {report.as_dict() | {'files_written': '...'}}")
