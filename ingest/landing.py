"""Land extract batches as typed Parquet, with a quarantine table for every row that cannot land.

Layout under the landed directory (read by the dbt sources):
    <entity>/<batch_id>.parquet              good rows, typed by the contract (+ _batch_id, _source_row)
    <entity>/_schema.parquet                 zero rows, so every column exists even with no batches
    _quarantine/<entity>/<batch_id>.parquet  rejected rows: file, row, field, reason, raw record
    _manifest/<entity>/<batch_id>.json       what was landed from which file content (written last)

Idempotent: a batch whose file content and contract are unchanged is skipped; a changed file
under the same name replaces its batch (data, quarantine and manifest together).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ingest import contract
from ingest.batch_reader import SUPPORTED_SUFFIXES, RejectedRow, read_batch
from ingest.validation import validate
from runtime import settings

QUARANTINE_DIR = "_quarantine"
MANIFEST_DIR = "_manifest"
SCHEMA_FILE = "_schema.parquet"

QUARANTINE_SCHEMA = pa.schema(
    [
        pa.field("entity", pa.string(), nullable=False),
        pa.field("batch_id", pa.string(), nullable=False),
        pa.field("source_file", pa.string(), nullable=False),
        pa.field("row_number", pa.int64()),  # null: the entry is about the whole file
        pa.field("field", pa.string()),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("raw_record", pa.string()),
    ]
)


@dataclass(frozen=True)
class BatchFile:
    entity: str
    batch_id: str
    path: Path
    relative_path: str  # entity/file name: stable across machines, used in the tables


@dataclass
class BatchResult:
    entity: str
    batch_id: str
    source_file: str
    status: str  # landed | replaced | unchanged
    rows_read: int
    rows_landed: int
    rows_quarantined: int


@dataclass
class LandingSummary:
    batches: list[BatchResult] = field(default_factory=list)

    def totals(self) -> dict[str, dict[str, int]]:
        """Per entity: rows read, landed and quarantined, and batches by status."""
        out: dict[str, dict[str, int]] = {}
        for b in self.batches:
            t = out.setdefault(b.entity, {"rows_read": 0, "rows_landed": 0, "rows_quarantined": 0, "batches": 0})
            t["rows_read"] += b.rows_read
            t["rows_landed"] += b.rows_landed
            t["rows_quarantined"] += b.rows_quarantined
            t["batches"] += 1
            t[b.status] = t.get(b.status, 0) + 1
        return out


def discover_batches(extract_dir: Path, entity_name: str | None = None) -> list[BatchFile]:
    """Batch files under the extract directory, in landing order (entity, then batch name)."""
    names = [entity_name] if entity_name else list(contract.ENTITIES)
    found: list[BatchFile] = []
    for name in names:
        folder = extract_dir / name
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.name.startswith(".") or path.suffix not in SUPPORTED_SUFFIXES or not path.is_file():
                continue  # hidden files are batches still being written
            found.append(BatchFile(name, path.stem, path, f"{name}/{path.name}"))
    return found


def contract_fingerprint(ent: contract.Entity) -> str:
    """Changes whenever the entity's contract changes, so its batches are landed again."""
    described = [(c.name, c.type, c.required, c.values, c.keep_offset, c.transient) for c in ent.columns]
    return hashlib.sha256(repr((described, ent.primary_key)).encode()).hexdigest()[:16]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _manifest_path(landed_dir: Path, batch: BatchFile) -> Path:
    return landed_dir / MANIFEST_DIR / batch.entity / f"{batch.batch_id}.json"


def _read_manifest(landed_dir: Path, batch: BatchFile) -> dict | None:
    manifest = _manifest_path(landed_dir, batch)
    return json.loads(manifest.read_text()) if manifest.exists() else None


def _content_changed(batch: BatchFile, seen: dict) -> bool:
    """Did the file change since its manifest was written? Hashes only when size or mtime differ,
    so a sensor ticking every minute does not re-read every batch."""
    stat = batch.path.stat()
    if seen.get("size") == stat.st_size and seen.get("mtime_ns") == stat.st_mtime_ns:
        return False
    return seen.get("sha256") != _sha256(batch.path)


def _pending(batch: BatchFile, seen: dict | None) -> bool:
    if seen is None:
        return True
    if seen.get("contract") != contract_fingerprint(contract.entity(batch.entity)):
        return True
    return seen.get("source_file") != batch.relative_path or _content_changed(batch, seen)


def is_pending(batch: BatchFile, landed_dir: Path) -> bool:
    """True when the batch is new or its content or contract changed since it was landed."""
    return _pending(batch, _read_manifest(landed_dir, batch))


def _write_parquet(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)


def _quarantine_table(batch: BatchFile, rejected: list[RejectedRow]) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "entity": batch.entity,
                "batch_id": batch.batch_id,
                "source_file": batch.relative_path,
                "row_number": r.row_number,
                "field": r.field,
                "reason": r.reason,
                "raw_record": r.raw_record,
            }
            for r in rejected
        ],
        schema=QUARANTINE_SCHEMA,
    )


def ensure_schema_files(landed_dir: Path, ent: contract.Entity) -> None:
    """Zero-row files so the dbt sources find the entity and every column, whatever has arrived."""
    path = landed_dir / ent.name / SCHEMA_FILE
    schema = ent.landed_schema()
    if not path.exists() or pq.read_schema(path) != schema:
        _write_parquet(schema.empty_table(), path)
    qpath = landed_dir / QUARANTINE_DIR / ent.name / SCHEMA_FILE
    if not qpath.exists():
        _write_parquet(QUARANTINE_SCHEMA.empty_table(), qpath)


def land_batch(batch: BatchFile, landed_dir: Path, *, keep_bodies: bool = False) -> BatchResult:
    """Land one batch file (unless unchanged): typed rows, quarantine, then the manifest.

    Message bodies are discarded after deriving signals unless keep_bodies (`Settings.store_bodies`)."""
    ent = contract.entity(batch.entity)
    manifest = _manifest_path(landed_dir, batch)
    seen = _read_manifest(landed_dir, batch)
    existed = seen is not None
    if not _pending(batch, seen):
        return BatchResult(
            batch.entity, batch.batch_id, batch.relative_path, "unchanged",
            seen["rows_read"], seen["rows_landed"], seen["rows_quarantined"],
        )
    raw = read_batch(batch.path, ent)
    checked = validate(raw, ent, batch.batch_id, keep_bodies=keep_bodies)
    quarantined_rows = sum(1 for r in checked.rejected if r.row_number is not None)
    result = BatchResult(
        batch.entity,
        batch.batch_id,
        batch.relative_path,
        "replaced" if existed else "landed",
        raw.rows_read,
        checked.table.num_rows,
        quarantined_rows,
    )
    if result.rows_landed + result.rows_quarantined != result.rows_read:
        raise AssertionError(f"{batch.relative_path}: row accounting broken: {result}")
    _write_parquet(checked.table, landed_dir / batch.entity / f"{batch.batch_id}.parquet")
    _write_parquet(_quarantine_table(batch, checked.rejected), landed_dir / QUARANTINE_DIR / batch.entity / f"{batch.batch_id}.parquet")
    stat = batch.path.stat()
    record = asdict(result) | {
        "sha256": _sha256(batch.path),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "contract": contract_fingerprint(ent),
    }
    record.pop("status")
    manifest.parent.mkdir(parents=True, exist_ok=True)
    tmp = manifest.with_name(f".{manifest.name}.tmp")
    tmp.write_text(json.dumps(record, indent=2, sort_keys=True))
    os.replace(tmp, manifest)
    return result


def land_entity(entity_name: str, extract_dir: Path, landed_dir: Path, *, keep_bodies: bool = False) -> list[BatchResult]:
    """Land every batch of one entity; a batch that cannot be read never stops the others."""
    ensure_schema_files(landed_dir, contract.entity(entity_name))
    return [land_batch(b, landed_dir, keep_bodies=keep_bodies) for b in discover_batches(extract_dir, entity_name)]


def land_all(extract_dir: Path, landed_dir: Path, *, keep_bodies: bool = False) -> LandingSummary:
    """Land every entity's batches."""
    summary = LandingSummary()
    for name in contract.ENTITIES:
        summary.batches.extend(land_entity(name, extract_dir, landed_dir, keep_bodies=keep_bodies))
    return summary


if __name__ == "__main__":
    cfg = settings.load()
    totals = land_all(cfg.extract_dir, cfg.landed_dir, keep_bodies=cfg.store_bodies).totals()
    print(json.dumps(totals, indent=2))
