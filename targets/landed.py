"""What the landed folder holds, as a server warehouse's loading reads it: each entity's batches
with the version landing landed them with (ingest/landing.py's manifests)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ingest import landing

LANDED_SOURCE = "landed"  # the dbt source of the landed entities on a server warehouse
BATCHES_TABLE = "landed_batches"  # its table of landed batches and their versions
QUARANTINE_TABLE = "quarantine"
NEWS_LANDED_SOURCE = "news_landed"


@dataclass(frozen=True)
class LandedBatch:
    entity: str
    storage_key: str  # the file name of its Parquet, data and quarantine alike
    batch_id: str
    version: str  # sha256:contract, as the dbt macro landed_batch_versions compares


def landed_news_tables(folders: dict[str, Path]) -> list[tuple[str, Path, pa.Schema]]:
    """(table, folder, columns) of the landed news tables (source `news_landed`: table name -> its
    landed folder) that exist yet, by name: a folder without its schema file has had no news step."""
    return [(table, folder, pq.read_schema(folder / landing.SCHEMA_FILE))
            for table, folder in sorted(folders.items()) if (folder / landing.SCHEMA_FILE).exists()]


def landed_batches(landed_dir: Path, entity: str) -> dict[str, LandedBatch]:
    """The entity's batches landing holds now, by storage key (from the landed manifests)."""
    found = {}
    for path in sorted((landed_dir / landing.MANIFEST_DIR / entity).glob("*.json")):
        record = json.loads(path.read_text())
        key = path.name[: -len(".json")]
        found[key] = LandedBatch(entity, key, record["batch_id"], f"{record['sha256']}:{record['contract']}")
    return found
