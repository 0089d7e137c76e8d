"""What a batch reader hands the validator: text columns, row numbers and what could not be read."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingest import contract


@dataclass
class RejectedRow:
    """A row (or, with row_number None, a whole file) that cannot land."""

    row_number: int | None
    field: str | None
    reason: str
    raw_record: str | None = None


@dataclass
class RawBatch:
    """The readable rows of a batch as string columns, and what could not be read."""

    columns: dict[str, pa.Array]
    row_numbers: np.ndarray
    rejected: list[RejectedRow] = field(default_factory=list)
    # Cheap whole-file facts that let the validator skip per-value scans (True: must check).
    may_hold_controls: bool = True  # control characters other than tab/line breaks
    may_hold_line_breaks: bool = True  # a line break inside a value
    may_hold_long_fractions: bool = True  # a timestamp with more than 6 fractional digits

    @property
    def rows_read(self) -> int:
        return len(self.row_numbers) + sum(1 for r in self.rejected if r.row_number is not None)


def all_rows_rejected(n_rows: int, field_name: str | None, reason: str, records: list[str] | None = None) -> RawBatch:
    """A file that cannot land at all: one entry per row it holds, or a file-level entry if none."""
    if n_rows == 0:
        return RawBatch({}, np.zeros(0, np.int64), [RejectedRow(None, field_name, reason)])
    rejected = [
        RejectedRow(i + 1, field_name, reason, records[i] if records and i < len(records) else None) for i in range(n_rows)
    ]
    return RawBatch({}, np.zeros(0, np.int64), rejected)


def duplicate_names(ent: contract.Entity, names: list[str]) -> str | None:
    """Why a header with a contract column named twice is refused (None when it is not)."""
    seen: dict[str, list[int]] = {}
    for i, name in enumerate(names, start=1):
        if name in ent.column_names:
            seen.setdefault(name, []).append(i)
    dups = {n: pos for n, pos in seen.items() if len(pos) > 1}
    if not dups:
        return None
    shown = "; ".join(f"{n!r} (columns {', '.join(map(str, pos))})" for n, pos in dups.items())
    return f"duplicate column name(s) in the header: {shown}; the file is refused, as which one holds the data is unknown"


def decode_binary_columns(
    table: pa.Table, ent: contract.Entity, names: list[str], row_numbers: np.ndarray, rejected: list[RejectedRow],
    raw_of: callable,
) -> tuple[dict[str, pa.Array], np.ndarray]:
    """Binary/text columns as UTF-8 strings; rows holding undecodable bytes are rejected (appended)
    and dropped. raw_of(column, index) renders a raw value for the quarantine record."""
    columns: dict[str, pa.Array] = {}
    bad = np.zeros(table.num_rows, dtype=bool)
    bad_fields: dict[int, list[str]] = {}
    for name in names:
        arr = table.column(name).combine_chunks()
        if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
            columns[name] = arr.cast(pa.string())
            continue
        try:
            columns[name] = pc.cast(arr, pa.string())
        except pa.ArrowInvalid:
            columns[name], invalid = decode_per_value(arr)
            for i in np.flatnonzero(invalid):
                bad_fields.setdefault(int(i), []).append(name)
            bad |= invalid
    if bad.any():
        for i in np.flatnonzero(bad):
            fields = bad_fields[int(i)]
            raw = {n: raw_of(n, int(i)) for n in columns if not ent.column(n).transient}
            rejected.append(
                RejectedRow(
                    int(row_numbers[i]),
                    ",".join(fields),
                    f"{', '.join(fields)}: not valid UTF-8 (the file looks like Latin-1/Windows-1252; "
                    "the contract requires UTF-8)",
                    json.dumps(raw, ensure_ascii=False),
                )
            )
        keep = ~bad
        mask = pa.array(keep)
        columns = {n: a.filter(mask) for n, a in columns.items()}
        row_numbers = row_numbers[keep]
    return columns, row_numbers


def decode_per_value(arr: pa.Array) -> tuple[pa.Array, np.ndarray]:
    values, invalid = [], np.zeros(len(arr), dtype=bool)
    for i, raw in enumerate(arr.to_pylist()):
        if raw is None:
            values.append(None)
            continue
        try:
            values.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            values.append(None)
            invalid[i] = True
    return pa.array(values, pa.string()), invalid


def drop_rows(columns: dict[str, pa.Array], row_numbers: np.ndarray, drop: np.ndarray) -> tuple[dict[str, pa.Array], np.ndarray]:
    if not drop.any():
        return columns, row_numbers
    mask = pa.array(~drop)
    return {n: a.filter(mask) for n, a in columns.items()}, row_numbers[~drop]
