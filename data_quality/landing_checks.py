"""Checks on what landing wrote: nothing may be lost between an extract file and the landed tables."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from ingest.landing import MANIFEST_DIR, QUARANTINE_DIR


@dataclass(frozen=True)
class AccountingResult:
    batches_checked: int
    mismatches: list[str]

    @property
    def passed(self) -> bool:
        return not self.mismatches


def row_accounting(landed_dir: Path, entity_name: str) -> AccountingResult:
    """For every landed batch: rows in its Parquet + rows in its quarantine = rows read from the file."""
    mismatches = []
    manifests = sorted((landed_dir / MANIFEST_DIR / entity_name).glob("*.json"))
    for manifest in manifests:
        seen = json.loads(manifest.read_text())
        batch_id = manifest.stem
        good_path = landed_dir / entity_name / f"{batch_id}.parquet"
        quarantine_path = landed_dir / QUARANTINE_DIR / entity_name / f"{batch_id}.parquet"
        if not good_path.exists() or not quarantine_path.exists():
            mismatches.append(f"{batch_id}: landed or quarantine file missing")
            continue
        good = pq.read_metadata(good_path).num_rows
        rows = pq.read_table(quarantine_path, columns=["row_number"]).column("row_number")
        bad = len(rows) - rows.null_count  # file-level entries are not rows
        if good != seen["rows_landed"] or good + bad != seen["rows_read"]:
            mismatches.append(f"{batch_id}: read {seen['rows_read']}, landed {good}, quarantined {bad}")
    return AccountingResult(len(manifests), mismatches)
