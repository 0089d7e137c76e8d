"""The Enron maildir sample (two mailboxes): every message read is accounted for exactly once."""

from __future__ import annotations

import csv
import re
import time
from collections import Counter
from pathlib import Path

import pytest

from ingest.connectors.base import ConnectorConfig, ConversionReport
from ingest.connectors.mail import convert_maildir
from ingest.connectors.noise import RULE_ORDER

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
ENRON = SHARED_DATA / "enron_maildir"


def rows(out: Path, entity: str) -> list[dict[str, str]]:
    with (out / entity / "enron.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def enron(tmp_path_factory: pytest.TempPathFactory) -> tuple[ConversionReport, Path, float]:
    if not ENRON.is_dir():
        pytest.skip(f"shared sample data not present: {ENRON}")
    out = tmp_path_factory.mktemp("enron")
    started = time.perf_counter()
    report = convert_maildir(ENRON, out, batch_name="enron", config=ConnectorConfig(internal_domains=("enron.com",)))
    return report, out, time.perf_counter() - started


def test_every_message_file_is_accounted_for_once(enron: tuple[ConversionReport, Path, float]) -> None:
    report, out, seconds = enron
    files_on_disk = sum(1 for p in ENRON.rglob("*") if p.is_file())
    assert files_on_disk == 4633
    assert report.inputs_read == files_on_disk
    assert report.activities + report.duplicates + report.excluded + report.rejected == files_on_disk
    assert len(rows(out, "activities")) == report.activities
    assert len(rows(out, "excluded_activities")) == report.excluded
    assert len(rows(out, "source_rejections")) == report.rejected
    # Printed for the record (pytest -s): outcome counts and run time.
    print(f"\nEnron: {report.as_dict() | {'files_written': '...'}}\nconverted in {seconds:.1f} s")


def test_copies_in_several_folders_are_duplicates(enron: tuple[ConversionReport, Path, float]) -> None:
    report, out, _ = enron
    assert report.duplicates > 500  # each copy has its own Message-ID in this corpus: found by fingerprint
    assert report.details["duplicates_by_key"].get("fingerprint", 0) == report.duplicates
    activity_ids = [r["activity_id"] for r in rows(out, "activities")] + [r["activity_id"] for r in rows(out, "excluded_activities")]
    assert len(activity_ids) == len(set(activity_ids))


def test_bogus_dates_are_rejected_with_the_reason(enron: tuple[ConversionReport, Path, float]) -> None:
    _, out, _ = enron
    rejections = rows(out, "source_rejections")
    assert rejections and all(r["reason"] == "no plausible date" for r in rejections)
    years = Counter(re.search(r"\b(\d{4})\b", r["detail"]).group(1) for r in rejections)  # type: ignore[union-attr]
    assert set(years) == {"1979", "0001", "0002"}
    assert all(r["started_at"][:4] not in {"1979", "0001", "0002"} for r in rows(out, "activities"))


def test_exclusions_name_a_known_rule(enron: tuple[ConversionReport, Path, float]) -> None:
    report, out, _ = enron
    excluded = rows(out, "excluded_activities")
    assert {r["rule"] for r in excluded} <= set(RULE_ORDER)
    assert all(r["detail"] and r["source_ref"] for r in excluded)
    assert sum(report.details["excluded_by_rule"].values()) == report.excluded


def test_mailbox_owners_and_identity(enron: tuple[ConversionReport, Path, float]) -> None:
    report, out, _ = enron
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


def test_conversion_is_fast(enron: tuple[ConversionReport, Path, float]) -> None:
    _, _, seconds = enron
    assert seconds < 30
