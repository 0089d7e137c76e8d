"""Land extract batches as typed Parquet, with a quarantine table for every row that cannot land.

Layout under the landed directory (read by the dbt sources):
    <entity>/<key>.parquet                   good rows, typed by the contract (+ _batch_id, _source_row)
    <entity>/_schema.parquet                 zero rows, so every column exists even with no batches
    _quarantine/<entity>/<key>.parquet       rejected rows: file, row, field, reason, raw record
    _manifest/<entity>/<key>.json            what was landed from which file content (written last)

<key> is the batch id when that is a safe file name, else a readable prefix and a hash (see
ingest.batch_files). Idempotent: a batch whose file content and contract are unchanged is skipped;
a changed file under the same name replaces its batch (data, quarantine and manifest together).
Every batch is isolated: whatever goes wrong with one file becomes a file-level quarantine entry
and a `failed` result, and the other batches and entities land.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ingest import contract
from ingest.authorship import OurSide, sent_by_us
from ingest.batch_files import BatchFile, SkippedFile, scan_folder, temp_name
from ingest.batch_reader import RejectedRow, read_batch
from ingest.validation import SentByUs, validate
from runtime import settings
from runtime.dbt_vars import project_var

QUARANTINE_DIR = "_quarantine"
MANIFEST_DIR = project_var("landed_manifest_dir")
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


# Statuses of a file that did not land as a batch: reading it failed, it was refused (a symlink,
# an unknown kind of file) or skipped (hidden files, folders); `reason` says which and why.
NOT_LANDED = ("failed", "refused", "skipped")


@dataclass
class BatchResult:
    entity: str
    batch_id: str
    source_file: str
    status: str  # landed | replaced | unchanged, or one of NOT_LANDED
    rows_read: int
    rows_landed: int
    rows_quarantined: int
    reason: str | None = None  # failed, refused or skipped: why (also the file-level quarantine entry)
    formula_prefixed: int = 0  # landed free-text values starting with = + - @ (spreadsheet formulas)


@dataclass
class LandingSummary:
    batches: list[BatchResult] = field(default_factory=list)

    def totals(self) -> dict[str, dict[str, int]]:
        """Per entity: rows read, landed and quarantined, and batches by status."""
        out: dict[str, dict[str, int]] = {}
        for b in self.batches:
            t = out.setdefault(b.entity, {"rows_read": 0, "rows_landed": 0, "rows_quarantined": 0, "batches": 0})
            t[b.status] = t.get(b.status, 0) + 1
            if b.status == "skipped":
                continue  # not a batch (yet): reported, nothing read
            t["rows_read"] += b.rows_read
            t["rows_landed"] += b.rows_landed
            t["rows_quarantined"] += b.rows_quarantined
            t["batches"] += 1
        return out


def discover_batches(extract_dir: Path, entity_name: str | None = None) -> list[BatchFile]:
    """Batch files under the extract directory, in landing order (entity, then batch id)."""
    return [b for b in discover_files(extract_dir, entity_name)[0] if b.refusal is None]


def discover_files(extract_dir: Path, entity_name: str | None = None) -> tuple[list[BatchFile], list[SkippedFile]]:
    """Batches and refused files (both get landed/quarantined), and skipped files (reported only)."""
    names = [entity_name] if entity_name else list(contract.ENTITIES)
    found: list[BatchFile] = []
    skipped: list[SkippedFile] = []
    for name in names:
        batches, hidden = scan_folder(extract_dir / name, name)
        found += batches
        skipped += hidden
    return found, skipped


def contract_fingerprint(ent: contract.Entity) -> str:
    """Changes whenever the entity's contract changes, so its batches are landed again."""
    described = [(c.name, c.type, c.required, c.values, c.keep_offset, c.transient, c.free_text) for c in ent.columns]
    return hashlib.sha256(repr((described, ent.primary_key, contract.LANDING_RULES)).encode()).hexdigest()[:16]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _manifest_path(landed_dir: Path, batch: BatchFile) -> Path:
    return landed_dir / MANIFEST_DIR / batch.entity / f"{batch.storage_key}.json"


def _data_path(landed_dir: Path, batch: BatchFile) -> Path:
    return landed_dir / batch.entity / f"{batch.storage_key}.parquet"


def _quarantine_path(landed_dir: Path, batch: BatchFile) -> Path:
    return landed_dir / QUARANTINE_DIR / batch.entity / f"{batch.storage_key}.parquet"


def _stat(batch: BatchFile) -> os.stat_result:
    return batch.path.lstat()  # a symlink is described, never followed


def _content_sha256(batch: BatchFile) -> str:
    if batch.path.is_symlink():
        return hashlib.sha256(os.fsencode(os.readlink(batch.path))).hexdigest()
    return _sha256(batch.path)


def _read_manifest(landed_dir: Path, batch: BatchFile) -> dict | None:
    # Raises OSError/ValueError for an unreadable manifest; land_batch treats that as new.
    manifest = _manifest_path(landed_dir, batch)
    return json.loads(manifest.read_text()) if manifest.exists() else None


def _content_changed(batch: BatchFile, seen: dict) -> bool:
    """Did the file change since its manifest was written? Hashes only when size or mtime differ,
    so a sensor ticking every minute does not re-read every batch."""
    try:
        stat = _stat(batch)
    except OSError:
        return True
    if seen.get("size") == stat.st_size and seen.get("mtime_ns") == stat.st_mtime_ns:
        return False
    return seen.get("sha256") != _content_sha256(batch)


def _pending(batch: BatchFile, seen: dict | None) -> bool:
    if seen is None:
        return True
    if seen.get("contract") != contract_fingerprint(contract.entity(batch.entity)):
        return True
    return seen.get("source_file") != batch.relative_path or _content_changed(batch, seen)


def is_pending(batch: BatchFile, landed_dir: Path) -> bool:
    """True when the batch is new or its content or contract changed since it was landed."""
    try:
        return _pending(batch, _read_manifest(landed_dir, batch))
    except (OSError, ValueError):
        return True


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write through a temporary file and rename: a reader sees the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(path)
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
        write_parquet(schema.empty_table(), path)
    qpath = landed_dir / QUARANTINE_DIR / ent.name / SCHEMA_FILE
    if not qpath.exists():
        write_parquet(QUARANTINE_SCHEMA.empty_table(), qpath)


def land_batch(batch: BatchFile, landed_dir: Path, *, keep_bodies: bool = False) -> BatchResult:
    """Land one batch file (unless unchanged): typed rows, quarantine, then the manifest.

    Never raises for what is in the file: a batch that cannot be read, validated or written is
    recorded as failed, with one file-level quarantine entry naming the error, and landing goes on.
    Message bodies are discarded after deriving signals unless keep_bodies (`Settings.store_bodies`)."""
    try:
        seen = _read_manifest(landed_dir, batch)
    except (OSError, ValueError):
        seen = None  # an unreadable manifest: land again
    if not _pending(batch, seen):
        return BatchResult(
            batch.entity, batch.batch_id, batch.relative_path, "unchanged",
            seen["rows_read"], seen["rows_landed"], seen["rows_quarantined"],
            seen.get("reason"), seen.get("formula_prefixed", 0),
        )
    status = "replaced" if seen is not None else "landed"
    if batch.refusal is not None:
        return _land_whole_file_entry(batch, landed_dir, "refused", batch.refusal)
    try:
        return _land_rows(batch, landed_dir, status, keep_bodies)
    except Exception as exc:  # noqa: BLE001 - one bad batch must never stop the others
        return _land_whole_file_entry(batch, landed_dir, "failed", f"batch could not be landed: {type(exc).__name__}: {exc}")


def _land_rows(batch: BatchFile, landed_dir: Path, status: str, keep_bodies: bool) -> BatchResult:
    ent = contract.entity(batch.entity)
    stat = _stat(batch)
    raw = read_batch(batch.path, ent, batch.fmt)
    bodies = raw.columns.get("body_text")
    ours = _senders_of(batch) if bodies is not None and bodies.null_count < len(bodies) else None
    checked = validate(raw, ent, batch.batch_id, keep_bodies=keep_bodies, sent_by_us=ours)
    quarantined_rows = sum(1 for r in checked.rejected if r.row_number is not None)
    result = BatchResult(
        batch.entity, batch.batch_id, batch.relative_path, status,
        raw.rows_read, checked.table.num_rows, quarantined_rows,
        formula_prefixed=checked.formula_prefixed,
    )
    if result.rows_landed + result.rows_quarantined != result.rows_read:
        raise AssertionError(f"{batch.relative_path}: row accounting broken: {result}")
    _write_batch(batch, landed_dir, result, checked.table, checked.rejected, stat)
    return result


def _senders_of(batch: BatchFile) -> SentByUs | None:
    """Which activities of this batch we sent (ingest.authorship), from the activity_parties batch
    of the same name in the same extract folder (writers put an activity's parties in the batch of
    its name) and what landing would land of the users batches. An e-mail whose sender is not found
    there counts as the customer's; so does every e-mail if these cannot be read."""
    extract_dir = batch.path.parent.parent
    try:
        parties = _parties(extract_dir, batch.batch_id)
        if parties is None or parties.num_rows == 0:
            return None
        users = [validate(read_batch(b.path, contract.USERS, b.fmt), contract.USERS, b.batch_id).table
                 for b in discover_batches(extract_dir, contract.USERS.name)]
        if not users:
            return None
        # the latest row of each user, as staging keeps it (stg_landed__users)
        latest = pa.concat_tables(users).sort_by(
            [("user_id", "ascending"), (contract.BATCH_COLUMN, "descending"), (contract.SOURCE_ROW_COLUMN, "descending")])
        ids = latest.column("user_id").to_numpy(zero_copy_only=False)
        latest = latest.filter(pa.array(np.r_[True, ids[1:] != ids[:-1]] if len(ids) else np.zeros(0, bool)))
        ours = OurSide.from_users(latest.column("email").to_pylist(), latest.column("email_aliases").to_pylist())
    except Exception:  # noqa: BLE001 - another entity's files: its own landing reports them
        return None
    return lambda activity_ids: sent_by_us(activity_ids, parties, ours)


def _parties(extract_dir: Path, batch_id: str) -> pa.Table | None:
    """activity_id, party_role and email_address of the activity_parties batches called batch_id,
    trimmed and the role lower-cased as landing does. Rows landing would quarantine are not left
    out: an extra sender can make an e-mail ours only when it is the e-mail's one sender, and then
    the warehouse, which never sees it, does not take the e-mail for the customer's either."""
    ent, tables = contract.ACTIVITY_PARTIES, []
    for other in discover_batches(extract_dir, ent.name):
        if other.batch_id != batch_id:
            continue
        raw = read_batch(other.path, ent, other.fmt)
        if not raw.columns:
            continue
        text = {n: pc.utf8_trim_whitespace(raw.columns[n]) for n in ("activity_id", "party_role", "email_address")}
        text["party_role"] = pc.utf8_lower(text["party_role"])
        tables.append(pa.table(text))
    return pa.concat_tables(tables) if tables else None


def _land_whole_file_entry(batch: BatchFile, landed_dir: Path, status: str, reason: str) -> BatchResult:
    """A file none of whose rows can be counted or landed: no rows, one file-level quarantine entry."""
    result = BatchResult(batch.entity, batch.batch_id, batch.relative_path, status, 0, 0, 0, reason)
    try:
        empty = contract.entity(batch.entity).landed_schema().empty_table()
        _write_batch(batch, landed_dir, result, empty, [RejectedRow(None, None, reason)], _stat(batch))
    except Exception as exc:  # noqa: BLE001 - e.g. the landed folder is not writable: report, go on
        result.reason = f"{reason}; recording it failed too: {type(exc).__name__}: {exc}"
    return result


def _write_batch(
    batch: BatchFile, landed_dir: Path, result: BatchResult, table: pa.Table, rejected: list[RejectedRow], stat: os.stat_result
) -> None:
    write_parquet(table, _data_path(landed_dir, batch))
    write_parquet(_quarantine_table(batch, rejected), _quarantine_path(landed_dir, batch))
    record = asdict(result) | {
        "sha256": _content_sha256(batch),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "contract": contract_fingerprint(contract.entity(batch.entity)),
    }
    record.pop("status")
    manifest = _manifest_path(landed_dir, batch)
    manifest.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(manifest)
    tmp.write_text(json.dumps(record, indent=2, sort_keys=True))
    os.replace(tmp, manifest)


def _drop_renamed(landed_dir: Path, entity_name: str, batches: list[BatchFile]) -> None:
    """Remove what was landed for a file under another storage key (its batch id changed, e.g. when
    `b1.parquet` arrived next to `b1.csv`), so no row is landed twice."""
    current = {b.relative_path: b.storage_key for b in batches}
    for manifest in sorted((landed_dir / MANIFEST_DIR / entity_name).glob("*.json")):
        try:
            source = json.loads(manifest.read_text()).get("source_file")
        except (OSError, ValueError):
            continue
        key = manifest.name[: -len(".json")]
        if source in current and current[source] != key:
            for path in (landed_dir / entity_name / f"{key}.parquet", landed_dir / QUARANTINE_DIR / entity_name / f"{key}.parquet"):
                path.unlink(missing_ok=True)
            manifest.unlink(missing_ok=True)


def land_entity(entity_name: str, extract_dir: Path, landed_dir: Path, *, keep_bodies: bool = False) -> list[BatchResult]:
    """Land every batch of one entity; a batch that cannot be read never stops the others.

    Refused files (symlinks, other kinds of file) are quarantined as a whole; hidden files are
    reported with status `skipped` (they are batches still being written)."""
    ensure_schema_files(landed_dir, contract.entity(entity_name))
    batches, skipped = discover_files(extract_dir, entity_name)
    _drop_renamed(landed_dir, entity_name, batches)
    results = [land_batch(b, landed_dir, keep_bodies=keep_bodies) for b in batches]
    results += [BatchResult(s.entity, "", s.relative_path, "skipped", 0, 0, 0, s.reason) for s in skipped]
    return results


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
