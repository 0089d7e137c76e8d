"""Where a piece of text survives in a data folder: raw bytes of every file, plus the decoded string
values of every Parquet file and DuckDB database (compressed storage would hide it from a byte grep)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from runtime.sql import qualified, quote_identifier


def files_holding(files: list[Path], texts: list[str]) -> list[str]:
    """'file: text' for every file among ``files`` that holds one of ``texts`` in any form."""
    found = []
    for path in files:
        raw = path.read_bytes()
        values = _string_values(path) if raw[:4] == b"PAR1" or path.suffix == ".duckdb" else []
        for text in texts:
            if text.encode() in raw or any(text in v for v in values):
                found.append(f"{path}: {text!r}")
    return found


def _string_values(path: Path) -> list[str]:
    if path.suffix == ".duckdb":
        with duckdb.connect(str(path), read_only=True) as con:
            columns = con.sql(
                "select table_schema, table_name, column_name from information_schema.columns "
                "where data_type = 'VARCHAR' order by 1, 2, 3"
            ).fetchall()
            values: list[str] = []
            for schema, table, column in columns:
                rows = con.sql(f"select distinct {quote_identifier(column)} from {qualified(schema, table)}").fetchall()
                values.extend(v for (v,) in rows if v)
            return values
    table = pq.read_table(path)
    return [v for col in table.columns if pa.types.is_string(col.type) for v in col.to_pylist() if v]
