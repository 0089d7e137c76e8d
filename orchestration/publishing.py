"""Publish tables for BI tools: a complete release is built aside, then swapped in atomically.

    <serving_dir>/releases/<release_id>/...    the release's files (runtime/serving.py)
    <serving_dir>/current -> releases/<release_id>        (a symlink, replaced in one rename)

A BI tool opens `current/relintel.duckdb` (read-only) or `current/parquet/*.parquet`. It never
sees half a run, and never waits on the pipeline's DuckDB lock, because the pipeline never
writes a file that has already been published.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from runtime import serving
from runtime.relations import Relation
from runtime.sql import qualified, quote_identifier

BUILDING_SUFFIX = ".building"  # a release folder while it is written: hidden, renamed when complete
KEEP_RELEASES = 3  # older releases are pruned; a reader still holding one open keeps its data


@dataclass(frozen=True)
class Release:
    release_id: str
    path: Path
    tables: dict[str, int]  # published table -> row count


def publish(warehouse: Path, serving_dir: Path, relations: dict[str, Relation], release_id: str,
            decorate: Callable[[Path], None] | None = None) -> Release:
    """Copy each relation (published table name -> warehouse relation) into a new release, let
    `decorate` add to the folder (the static pages), then swap it in."""
    releases = serving_dir / "releases"
    target = releases / release_id
    building = releases / f".{release_id}{BUILDING_SUFFIX}"
    # The caller holds the warehouse lock, so no other publish is under way: any folder still being
    # built is what a killed publish left behind.
    _remove_abandoned_builds(releases)
    (building / serving.PARQUET_DIR).mkdir(parents=True)
    counts: dict[str, int] = {}
    # The release file is the writable side; the warehouse is attached read-only under its own
    # database name (the file's stem), which is how dbt's relation names refer to it. Paths are
    # bound parameters, names quoted identifiers.
    database_sql = quote_identifier(warehouse.stem)
    with duckdb.connect(str(building / serving.DATABASE_FILE)) as con:
        con.execute(f"attach ? as {database_sql} (read_only)", [str(warehouse)])
        con.execute(f"create schema {quote_identifier(serving.SCHEMA)}")
        for name in sorted(relations):
            table_sql = qualified(serving.SCHEMA, name)
            source_sql = f"{database_sql}.{relations[name].sql}"
            con.execute(f"create table {table_sql} as select * from {source_sql}")
            parquet = building / serving.PARQUET_DIR / f"{name}.parquet"
            con.execute(f"copy {table_sql} to ? (format parquet, compression zstd)", [str(parquet)])
            counts[name] = con.sql(f"select count(*) from {table_sql}").fetchall()[0][0]
        con.execute(f"detach {database_sql}")
    if decorate is not None:
        decorate(building)  # still invisible: what it writes becomes current with the tables
    shutil.rmtree(target, ignore_errors=True)
    os.replace(building, target)
    _swap_current(serving_dir, target)
    _prune(releases, keep=target)
    return Release(release_id, target, counts)


def _remove_abandoned_builds(releases: Path) -> None:
    if releases.is_dir():
        for folder in releases.glob(f".*{BUILDING_SUFFIX}"):
            shutil.rmtree(folder, ignore_errors=True)


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
