"""Publish tables for BI tools: a complete release is built aside, then swapped in atomically.

    <serving_dir>/releases/<release_id>/relintel.duckdb   schema `serving`, one table per published model
    <serving_dir>/releases/<release_id>/parquet/<table>.parquet
    <serving_dir>/current -> releases/<release_id>        (a symlink, replaced in one rename)

A BI tool opens `current/relintel.duckdb` (read-only) or `current/parquet/*.parquet`. It never
sees half a run, and never waits on the pipeline's DuckDB lock, because the pipeline never
writes a file that has already been published.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

SERVING_SCHEMA = "serving"
DATABASE_FILE = "relintel.duckdb"
KEEP_RELEASES = 3  # older releases are pruned; a reader still holding one open keeps its data


@dataclass(frozen=True)
class Release:
    release_id: str
    path: Path
    tables: dict[str, int]  # published table -> row count


def publish(warehouse: Path, serving_dir: Path, relations: dict[str, str], release_id: str) -> Release:
    """Copy each relation (published name -> `schema.table` in the warehouse) into a new release, then swap it in."""
    releases = serving_dir / "releases"
    target = releases / release_id
    building = releases / f".{release_id}.building"
    shutil.rmtree(building, ignore_errors=True)
    (building / "parquet").mkdir(parents=True)
    counts: dict[str, int] = {}
    # The release file is the writable side; the warehouse is attached read-only under its own
    # database name (the file's stem), which is how dbt's relation names refer to it.
    with duckdb.connect(str(building / DATABASE_FILE)) as con:
        con.execute(f"attach '{warehouse}' as \"{warehouse.stem}\" (read_only)")
        con.execute(f"create schema {SERVING_SCHEMA}")
        for name in sorted(relations):
            source = f'"{warehouse.stem}".{relations[name]}'
            con.execute(f"create table {SERVING_SCHEMA}.{name} as select * from {source}")
            con.execute(f"copy {SERVING_SCHEMA}.{name} to '{building / 'parquet' / name}.parquet' (format parquet, compression zstd)")
            counts[name] = con.sql(f"select count(*) from {SERVING_SCHEMA}.{name}").fetchall()[0][0]
        con.execute(f"detach \"{warehouse.stem}\"")
    shutil.rmtree(target, ignore_errors=True)
    os.replace(building, target)
    _swap_current(serving_dir, target)
    _prune(releases, keep=target)
    return Release(release_id, target, counts)


def current_release(serving_dir: Path) -> Path | None:
    link = serving_dir / "current"
    return link.resolve() if link.exists() else None


def _swap_current(serving_dir: Path, target: Path) -> None:
    tmp_link = serving_dir / ".current.tmp"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(target.relative_to(serving_dir))
    os.replace(tmp_link, serving_dir / "current")  # rename(2) is atomic: readers see old or new


def _prune(releases: Path, keep: Path) -> None:
    done = sorted((p for p in releases.iterdir() if not p.name.startswith(".")), key=lambda p: p.stat().st_mtime)
    for old in done[:-KEEP_RELEASES]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
