"""DuckDB connections opened by the pipeline's Python steps, bounded by the same memory setting as
dbt's DuckDB (RI_DUCKDB_MEMORY_LIMIT), or by the smaller share their caller passes (the warehouse
connection of the steps that read into data frames, targets.warehouse.connect).

DuckDB otherwise takes up to 80 % of the machine's memory before it spills to disk, and at ten
million activities the landed suites' frames, the scorer's reads and the release's copies would grow
the step's process past what a shared machine has. With the limit they spill to DuckDB's temporary
folder instead. The limit is set on the connection rather than passed as configuration: DuckDB
refuses a second connection to a file that is open with a different configuration, and tests and BI
readers open the same files plainly.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from runtime import settings


def connect(database: Path | str = ":memory:", *, read_only: bool = False,
            memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to `database` (in memory by default) with `memory_limit`, by default the
    pipeline's setting (a caller holding its Settings passes theirs)."""
    con = duckdb.connect(str(database), read_only=read_only)
    try:
        con.execute("set memory_limit = ?", [memory_limit or settings.load().duckdb_memory_limit])
    except BaseException:
        con.close()
        raise
    return con
