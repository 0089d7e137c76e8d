"""Reading what a connector wrote, for the connector tests: batch rows, lookups, and landing."""

from __future__ import annotations

import csv
from pathlib import Path

from ingest.landing import land_all


def read_batch(out: Path, entity: str, batch: str) -> list[dict[str, str]]:
    """The rows of one entity's CSV batch ([] when the connector wrote none)."""
    path = out / entity / f"{batch}.csv"
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def by_key(rows: list[dict[str, str]], key: str) -> dict[str, dict[str, str]]:
    return {r[key]: r for r in rows}


def assert_lands_without_quarantine(out: Path, landed: Path) -> None:
    """Landing reads the batches as the pipeline would and quarantines none of their rows."""
    totals = land_all(out, landed).totals()
    assert totals and all(t["rows_quarantined"] == 0 for t in totals.values())
