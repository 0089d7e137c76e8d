"""What the suites check (data_quality.aggregate_suites): views of the landed Parquet holding the
latest row per key, and a published suite's frame read from the warehouse as Arrow."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from data_quality.latest_batch import batch_columns_sql, latest_batch_rows_sql
from data_quality.suites import KEYS_SUFFIX, Suite
from ingest import contract
from ingest.landing import SCHEMA_FILE
from runtime.relations import Relations
from runtime.sql import quote_identifier
from targets.warehouse import Warehouse

if TYPE_CHECKING:
    import pyarrow as pa


def landed_files(landed_dir: Path, entity: str) -> list[str]:
    """The entity's landed Parquet files (paths), its columns-only schema file first."""
    # The zero-row schema file keeps every column present when no batch has arrived yet.
    folder = landed_dir / entity
    files = sorted(p for p in folder.glob("*.parquet") if p.name != SCHEMA_FILE)
    schema = folder / SCHEMA_FILE
    return [str(p) for p in ([schema] if schema.exists() else []) + files]


def register_landed_views(con: duckdb.DuckDBPyConnection, landed_dir: Path) -> dict[str, str]:
    """A view per landed entity holding its latest row per key, as the dbt staging models read it
    (entity -> quoted view name), and one of the keys landed (`entity__keys`, suites.KEYS_SUFFIX)."""
    views: dict[str, str] = {}
    for ent in contract.ENTITIES.values():
        files = landed_files(landed_dir, ent.name)
        if not files:
            continue
        # The file list goes through DuckDB's API, never into SQL text.
        files_view = f"landed_{ent.name}__files"
        con.read_parquet(files, union_by_name=True).create_view(files_view)
        files_sql = quote_identifier(files_view)
        view_sql = quote_identifier(f"landed_{ent.name}")
        columns_sql = batch_columns_sql()
        latest_sql = latest_batch_rows_sql("batches", ent.primary_key)
        con.execute(f"create or replace temp view {view_sql} as "
                    f"with batches as (select *, {columns_sql} from {files_sql}) {latest_sql}")
        views[ent.name] = view_sql
        keys_view_sql = quote_identifier(f"landed_{ent.name}{KEYS_SUFFIX}")
        keys_sql = ", ".join(quote_identifier(k) for k in ent.primary_key)
        con.execute(f"create or replace temp view {keys_view_sql} as select {keys_sql} from {files_sql}")
        views[f"{ent.name}{KEYS_SUFFIX}"] = keys_view_sql
    return views


def read_published_frame(con: Warehouse, relations: Relations, suite: Suite) -> pa.Table:
    """The suite's frame over the warehouse tables it names (`con`: targets.warehouse.connect), as
    Arrow; the caller holds the warehouse lock."""
    tables = {name: relations.model(name).sql for name in suite.relations_read}
    return con.sql(suite.query.format(**tables)).to_arrow_table()
