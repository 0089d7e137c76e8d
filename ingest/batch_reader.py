"""Read one extract batch file (CSV, gzip-compressed CSV or Parquet) into text columns, keeping
every row accounted for.

Everything comes out as UTF-8 string arrays plus the 1-based data-row number of each row, so the
validator has one input shape whatever the file type. Rows the reader itself cannot use (wrong
field count, undecodable bytes, oversized fields) and problems of the whole file come back as
quarantine entries.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ingest import contract
from ingest.batch_files import SUPPORTED_SUFFIXES, split_format
from ingest.csv_reader import read_csv
from ingest.raw_batch import RawBatch, RejectedRow, all_rows_rejected, decode_binary_columns, duplicate_names

__all__ = ["SUPPORTED_SUFFIXES", "RawBatch", "RejectedRow", "read_batch"]


def read_batch(path: Path, ent: contract.Entity, fmt: str | None = None) -> RawBatch:
    """Read a batch file; bad content becomes rejected rows (format: csv, csv.gz or parquet,
    by default from the file name)."""
    if fmt is None:
        parts = split_format(path.name)
        fmt = parts[1] if parts else "csv"
    if fmt == "parquet":
        return _read_parquet(path, ent)
    return read_csv(path.read_bytes(), ent, compressed=fmt == "csv.gz")


def _read_parquet(path: Path, ent: contract.Entity) -> RawBatch:
    try:
        table = pq.ParquetFile(path).read()
    except (pa.ArrowException, OSError) as exc:
        return all_rows_rejected(0, None, f"not a readable Parquet file: {exc}")

    def all_records() -> list[str]:
        return [json.dumps(r, default=repr, ensure_ascii=False) for r in table.to_pylist()]

    missing = [c for c in ent.required_columns if c not in set(table.column_names)]
    if missing:
        records = all_records()
        return all_rows_rejected(
            table.num_rows, ",".join(missing), f"missing required column(s): {', '.join(missing)}", records
        )
    dup = duplicate_names(ent, table.column_names)
    if dup:
        return all_rows_rejected(table.num_rows, None, dup, all_records())
    names = [n for n in table.column_names if n in ent.column_names]
    unreadable = [n for n in names if not _readable_type(table.schema.field(n).type)]
    if unreadable:
        shown = ", ".join(f"{n} ({table.schema.field(n).type})" for n in unreadable)
        return all_rows_rejected(
            table.num_rows, ",".join(unreadable),
            f"column(s) of a type the contract cannot read: {shown}; expected strings or the contract's types",
            all_records(),
        )
    text = pa.table({n: _as_text(table.column(n).combine_chunks()) for n in names}) if names else pa.table({})
    rejected: list[RejectedRow] = []
    row_numbers = np.arange(1, table.num_rows + 1, dtype=np.int64)
    columns, row_numbers = decode_binary_columns(
        text, ent, names, row_numbers, rejected,
        lambda n, i: repr(table.column(n)[i].as_py()),
    )
    return RawBatch(columns, row_numbers, rejected)


def _readable_type(typ: pa.DataType) -> bool:
    if pa.types.is_dictionary(typ):
        return _readable_type(typ.value_type)
    if pa.types.is_list(typ) or pa.types.is_large_list(typ):
        return _scalar_type(typ.value_type)
    return _scalar_type(typ)


def _scalar_type(typ: pa.DataType) -> bool:
    return not (pa.types.is_nested(typ) or pa.types.is_union(typ) or pa.types.is_dictionary(typ))


def _as_text(arr: pa.Array) -> pa.Array:
    """Typed Parquet values rendered in the contract's text forms, so one validator serves both.
    Binary values stay binary here: they are decoded (and checked) as UTF-8 afterwards."""
    if pa.types.is_dictionary(arr.type):
        arr = arr.cast(arr.type.value_type)
    if pa.types.is_list(arr.type) or pa.types.is_large_list(arr.type):
        joined = pc.binary_join(pc.cast(arr, pa.list_(pa.string())), contract.LIST_SEPARATOR)
        return pc.if_else(pc.equal(pc.list_value_length(arr), 0), pa.scalar(None, pa.string()), joined)
    if pa.types.is_timestamp(arr.type) and arr.type.tz is not None:
        return pc.strftime(arr, format="%Y-%m-%dT%H:%M:%S%z")
    if pa.types.is_boolean(arr.type):
        return pc.if_else(arr, "true", "false")
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        return arr.cast(pa.string())
    if pa.types.is_binary(arr.type) or pa.types.is_large_binary(arr.type) or pa.types.is_fixed_size_binary(arr.type):
        return arr.cast(pa.binary())
    return pc.cast(arr, pa.string())
