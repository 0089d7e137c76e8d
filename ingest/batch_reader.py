"""Read one extract batch file (CSV or Parquet) into text columns, keeping every row accounted for.

Everything comes out as UTF-8 string arrays plus the 1-based data-row number of each row, so the
validator has one input shape whatever the file type. Rows the reader itself cannot use (wrong
field count, undecodable bytes) and problems of the whole file come back as quarantine entries.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from ingest import contract

SUPPORTED_SUFFIXES = (".csv", ".parquet")
_OTHER_DELIMITERS = (";", "\t", "|")


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

    @property
    def rows_read(self) -> int:
        return len(self.row_numbers) + sum(1 for r in self.rejected if r.row_number is not None)


def read_batch(path: Path, ent: contract.Entity) -> RawBatch:
    """Read a batch file; never raises for bad content (that becomes rejected rows)."""
    if path.suffix == ".parquet":
        return _read_parquet(path, ent)
    return _read_csv(path, ent)


def _all_rows_rejected(n_rows: int, field_name: str | None, reason: str, records: list[str] | None = None) -> RawBatch:
    """A file that cannot land at all: one entry per row it holds, or a file-level entry if none."""
    if n_rows == 0:
        return RawBatch({}, np.zeros(0, np.int64), [RejectedRow(None, field_name, reason)])
    rejected = [
        RejectedRow(i + 1, field_name, reason, records[i] if records else None) for i in range(n_rows)
    ]
    return RawBatch({}, np.zeros(0, np.int64), rejected)


def _missing_required(ent: contract.Entity, header: list[str]) -> list[str]:
    present = set(header)
    return [c for c in ent.required_columns if c not in present]


def _read_csv(path: Path, ent: contract.Entity) -> RawBatch:
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        return _all_rows_rejected(0, None, "empty file: no header row and no data")

    # latin-1 maps every byte to one character, so the structure can be read whatever the encoding.
    header_line = data.split(b"\n", 1)[0].decode("latin-1").rstrip("\r")
    header = [h.strip() for h in next(csv.reader([header_line], delimiter=contract.CSV_DELIMITER))]
    missing = _missing_required(ent, header)
    if missing:
        delimiter = _guess_other_delimiter(header_line) if len(header) == 1 else None
        records = _records(data, delimiter or contract.CSV_DELIMITER)
        if delimiter:
            reason = (
                f"file is delimited by {delimiter!r}; the contract requires ',' "
                f"(required columns not found: {', '.join(missing)})"
            )
        else:
            reason = f"missing required column(s): {', '.join(missing)}"
        return _all_rows_rejected(len(records), ",".join(missing), reason, records)

    malformed: list[RejectedRow] = []

    def on_invalid(row: pcsv.InvalidRow) -> str:
        # row.number counts the header as record 1.
        number = None if row.number is None else row.number - 1
        malformed.append(
            RejectedRow(
                number,
                None,
                f"row has {row.actual_columns} fields, the header has {row.expected_columns}",
                json.dumps({"text": row.text}),
            )
        )
        return "skip"

    table = pcsv.read_csv(
        io.BytesIO(data),
        read_options=pcsv.ReadOptions(use_threads=False, column_names=header, skip_rows=1),
        parse_options=pcsv.ParseOptions(
            delimiter=contract.CSV_DELIMITER, newlines_in_values=True, invalid_row_handler=on_invalid
        ),
        convert_options=pcsv.ConvertOptions(
            column_types={name: pa.binary() for name in header},
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )
    # The handler saw record numbers; every other record kept its place in order.
    total = table.num_rows + len(malformed)
    skipped = {r.row_number for r in malformed}
    row_numbers = np.array([n for n in range(1, total + 1) if n not in skipped], dtype=np.int64)

    columns: dict[str, pa.Array] = {}
    bad_utf8 = np.zeros(table.num_rows, dtype=bool)
    bad_fields: dict[int, list[str]] = {}
    for name in header:
        if name not in ent.column_names:
            continue  # unknown columns are ignored by contract
        arr = table.column(name).combine_chunks()
        try:
            columns[name] = pc.cast(arr, pa.string())
        except pa.ArrowInvalid:
            columns[name], invalid = _decode_per_value(arr)
            for i in np.flatnonzero(invalid):
                bad_fields.setdefault(int(i), []).append(name)
            bad_utf8 |= invalid
    if bad_utf8.any():
        keep = ~bad_utf8
        for i in np.flatnonzero(bad_utf8):
            fields = bad_fields[int(i)]
            raw = {n: _latin1(table.column(n)[int(i)].as_py()) for n in columns if not ent.column(n).transient}
            malformed.append(
                RejectedRow(
                    int(row_numbers[i]),
                    ",".join(fields),
                    f"{', '.join(fields)}: not valid UTF-8 (the file looks like Latin-1/Windows-1252; "
                    "the contract requires UTF-8)",
                    json.dumps(raw, ensure_ascii=False),
                )
            )
        mask = pa.array(keep)
        columns = {n: a.filter(mask) for n, a in columns.items()}
        row_numbers = row_numbers[keep]
    return RawBatch(columns, row_numbers, sorted(malformed, key=lambda r: r.row_number or 0))


def _decode_per_value(arr: pa.Array) -> tuple[pa.Array, np.ndarray]:
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


def _latin1(raw: bytes | None) -> str | None:
    return None if raw is None else raw.decode("latin-1")


def _guess_other_delimiter(header_line: str) -> str | None:
    counts = {d: header_line.count(d) for d in _OTHER_DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else None


def _records(data: bytes, delimiter: str) -> list[str]:
    """Data records of a file that cannot land, as JSON text, so nothing is lost."""
    reader = csv.reader(io.StringIO(data.decode("utf-8", errors="replace")), delimiter=delimiter)
    rows = list(reader)
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    return [json.dumps(dict(zip(header, r)) if len(r) == len(header) else {"fields": r}, ensure_ascii=False) for r in body if r]


def _read_parquet(path: Path, ent: contract.Entity) -> RawBatch:
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        return _all_rows_rejected(0, None, f"not a readable Parquet file: {exc}")
    missing = _missing_required(ent, table.column_names)
    if missing:
        records = [json.dumps(r, default=str) for r in table.slice(0, table.num_rows).to_pylist()]
        return _all_rows_rejected(
            table.num_rows, ",".join(missing), f"missing required column(s): {', '.join(missing)}", records
        )
    columns = {
        name: _as_text(table.column(name).combine_chunks())
        for name in table.column_names
        if name in ent.column_names
    }
    return RawBatch(columns, np.arange(1, table.num_rows + 1, dtype=np.int64))


def _as_text(arr: pa.Array) -> pa.Array:
    """Typed Parquet values rendered in the contract's text forms, so one validator serves both."""
    if pa.types.is_list(arr.type) or pa.types.is_large_list(arr.type):
        joined = pc.binary_join(pc.cast(arr, pa.list_(pa.string())), contract.LIST_SEPARATOR)
        return pc.if_else(pc.equal(pc.list_value_length(arr), 0), pa.scalar(None, pa.string()), joined)
    if pa.types.is_timestamp(arr.type) and arr.type.tz is not None:
        return pc.strftime(arr, format="%Y-%m-%dT%H:%M:%S%z")
    if pa.types.is_boolean(arr.type):
        return pc.if_else(arr, "true", "false")
    if pa.types.is_string(arr.type):
        return arr
    return pc.cast(arr, pa.string())
