"""How many keys a landed entity holds (its latest rows, one per key): what a landed suite's
table-level expectations count, kept from run to run.

Counting the distinct keys of every landed row is most of a nightly landed suite's cost at scale
(ten million activities: 9.8 CPU-s for the parties' 22M keys of three columns, 2.9 for the
activities'), though a night adds a day's files. So the count is kept in the quality folder with
the files it covers (name, size, modification time). A run whose landed files are those, unchanged,
and new ones adds the keys of the new files that no earlier file holds (the same keys read, but
only the new files' keys hashed: 1.7 and 0.8 CPU-s); any covered file changed or gone (a batch
landed again, a folder restored), or the key columns changed, and the keys are counted whole again.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import duckdb

from ingest import contract
from runtime.sql import quote_identifier

KEY_COUNTS_DIR = "landed_key_counts"


def key_counts_dir(quality_dir: Path) -> Path:
    """The folder of the kept counts in the quality folder (`Settings.quality_dir`)."""
    return quality_dir / KEY_COUNTS_DIR


def landed_key_count(con: duckdb.DuckDBPyConnection, entity: str, files: Sequence[str], kept_in: Path | None) -> int:
    """The number of distinct keys in the entity's landed `files`; with `kept_in`, from the count
    kept there when it still covers them, and kept there for the next run."""
    key = list(contract.entity(entity).primary_key)
    stats = {Path(f).name: _stat(f) for f in files}
    recorded = _read(kept_in, entity)
    if recorded is not None and recorded["key"] == key and all(
            stats.get(name) == stat for name, stat in recorded["files"].items()):
        earlier = [f for f in files if Path(f).name in recorded["files"]]
        arrived = [f for f in files if Path(f).name not in recorded["files"]]
        count = recorded["keys"] + _keys_not_in(con, key, arrived, earlier)
    else:
        count = _keys_not_in(con, key, files, [])
    if kept_in is not None:
        kept_in.mkdir(parents=True, exist_ok=True)
        partial = kept_in / f".{entity}.json.partial"
        partial.write_text(json.dumps({"key": key, "files": stats, "keys": count}, sort_keys=True))
        os.replace(partial, kept_in / f"{entity}.json")  # a reader sees the old record or the new one
    return count


def _keys_not_in(con: duckdb.DuckDBPyConnection, key: list[str], files: Sequence[str], earlier: Sequence[str]) -> int:
    """The distinct keys of `files` that no file of `earlier` holds (file lists through DuckDB's
    API, never into SQL text)."""
    if not files:
        return 0
    keys_sql = ", ".join(quote_identifier(k) for k in key)
    con.read_parquet(list(files), union_by_name=True).create_view("key_count_files")
    if not earlier:
        sql = f"select count(*) from (select distinct {keys_sql} from key_count_files)"
    else:
        con.read_parquet(list(earlier), union_by_name=True).create_view("key_count_earlier")
        sql = (f"select count(*) from (select distinct {keys_sql} from key_count_files) as arrived "
               f"anti join key_count_earlier using ({keys_sql})")
    [(count,)] = con.execute(sql).fetchall()
    return int(count)


def _stat(file: str) -> list[int]:
    st = os.stat(file)
    return [st.st_size, st.st_mtime_ns]


def _read(kept_in: Path | None, entity: str) -> dict | None:
    """The kept record, or None when there is none or it cannot be read (then the keys are counted whole)."""
    record_path = None if kept_in is None else kept_in / f"{entity}.json"
    if record_path is None or not record_path.exists():
        return None
    try:
        recorded = json.loads(record_path.read_text())
    except (OSError, ValueError):
        return None
    valid = (isinstance(recorded, dict) and isinstance(recorded.get("files"), dict)
             and isinstance(recorded.get("keys"), int) and isinstance(recorded.get("key"), list))
    return recorded if valid else None
