"""Frames the suites validate, read with DuckDB into pandas: GX validates in-memory batches, because
GX 1.x over DuckDB through SQLAlchemy errors on every expectation without saying so."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from data_quality.suites import Suite
from ingest import contract
from ingest.landing import SCHEMA_FILE


def _landed_files(landed_dir: Path, entity: str) -> list[str]:
    # The zero-row schema file keeps every column present when no batch has arrived yet.
    folder = landed_dir / entity
    files = sorted(p for p in folder.glob("*.parquet") if p.name != SCHEMA_FILE)
    schema = folder / SCHEMA_FILE
    return [str(p) for p in ([schema] if schema.exists() else []) + files]


def register_landed_views(con: duckdb.DuckDBPyConnection, landed_dir: Path) -> dict[str, str]:
    """A view per landed entity holding its latest row per key (a later batch supersedes), as dbt reads it."""
    relations: dict[str, str] = {}
    for ent in contract.ENTITIES.values():
        files = _landed_files(landed_dir, ent.name)
        if not files:
            continue
        view = f"landed_{ent.name}"
        keys = ", ".join(ent.primary_key)
        file_list = ", ".join(f"'{f}'" for f in files)
        con.execute(
            f"create or replace temp view {view} as "
            f"select * from read_parquet([{file_list}], union_by_name = true) "
            f"qualify row_number() over (partition by {keys} order by _batch_id desc, _source_row desc) = 1"
        )
        relations[ent.name] = view
    return relations


def read_landed_frame(landed_dir: Path, suite: Suite) -> pd.DataFrame:
    """The suite's frame over the landed Parquet (an in-memory DuckDB; the warehouse is not touched)."""
    with duckdb.connect() as con:
        relations = register_landed_views(con, landed_dir)
        return con.sql(suite.query.format(**relations)).to_arrow_table().to_pandas()


def read_published_frame(warehouse: Path, relations: dict[str, str], suite: Suite) -> pd.DataFrame:
    """The suite's frame over warehouse tables (model name -> relation); the caller holds the warehouse lock."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.sql(suite.query.format(**relations)).to_arrow_table().to_pandas()
