"""Write extract batches in the canonical contract (used by the simulator and the connectors)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ingest import contract
from ingest.sentiment import without_body


def format_value(col: contract.Column, value: Any) -> str | None:
    """Render one Python value as the contract's text form (None stays None)."""
    if value is None:
        return None
    if col.type == contract.TIMESTAMP:
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            raise ValueError(f"{col.name}: timestamps must be timezone-aware datetimes, got {value!r}")
        return value.isoformat()
    if col.type == contract.DATE:
        if isinstance(value, dt.datetime):
            raise ValueError(f"{col.name}: expected a date, got a datetime {value!r}")
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if col.type == contract.BOOL:
        return "true" if value else "false"
    if col.type == contract.STRING_LIST:
        items = [str(v) for v in value]
        return contract.LIST_SEPARATOR.join(items) if items else None
    if col.type == contract.FLOAT:
        return repr(float(value))
    return str(value)


def write_batch(
    extract_dir: str | os.PathLike,
    entity_name: str,
    batch_name: str,
    rows: Iterable[Mapping[str, Any]],
    fmt: str = "csv",
    *,
    keep_bodies: bool = False,
) -> Path:
    """Write rows (dicts keyed by contract column names) as one batch file; returns its path.

    Unknown keys are an error (a typo would otherwise silently drop data). Message bodies become
    `body_sentiment` and are not written unless ``keep_bodies``. The file is written to a
    temporary name and renamed, so a sensor never sees half a batch.
    """
    ent = contract.entity(entity_name)
    names = ent.column_names
    known = set(names)
    rendered: list[list[str | None]] = []
    for i, row in enumerate(rows):
        row = without_body(row, keep_body=keep_bodies)
        if not known.issuperset(row):
            unknown = sorted(set(row) - known)
            raise ValueError(f"{entity_name} row {i}: columns not in the contract: {unknown}")
        rendered.append([format_value(col, row.get(col.name)) for col in ent.columns])
    columns = {n: [r[j] for r in rendered] for j, n in enumerate(names)}
    return write_text_columns(extract_dir, entity_name, batch_name, columns, len(rendered), fmt)


def write_text_columns(
    extract_dir: str | os.PathLike,
    entity_name: str,
    batch_name: str,
    columns: Mapping[str, Sequence[str | None]],
    n_rows: int,
    fmt: str = "csv",
) -> Path:
    """Write one batch given column by column, every value already in its text form; returns its path.

    For writers that render whole columns at once (the simulator's millions of rows) instead of
    one dict per row: the values must be what `format_value` gives (None for null), and a contract
    column left out is null throughout. The file is the same, byte for byte, as `write_batch` writes
    for the same rows.
    """
    ent = contract.entity(entity_name)
    names = ent.column_names
    unknown = sorted(set(columns) - set(names))
    if unknown:
        raise ValueError(f"{entity_name}: columns not in the contract: {unknown}")
    for name, values in columns.items():
        if len(values) != n_rows:
            raise ValueError(f"{entity_name}.{name}: {len(values)} values for {n_rows} rows")
    nulls = [None] * n_rows
    ordered = [columns[n] if n in columns else nulls for n in names]

    folder = Path(extract_dir) / entity_name
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{batch_name}.{fmt}"
    tmp = path.with_name(f".{path.name}.tmp")
    if fmt == "csv":
        tmp.write_text(_csv_text(names, ordered), encoding="utf-8")
    elif fmt == "parquet":
        # Strings in the contract's text forms keep timestamp offsets, which a typed column would lose.
        pq.write_table(pa.table({n: pa.array(c, pa.string()) for n, c in zip(names, ordered)}), tmp)
    else:
        raise ValueError(f"unknown extract format {fmt!r} (csv or parquet)")
    os.replace(tmp, path)
    return path


def _csv_text(names: list[str], columns: list[Sequence[str | None]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=contract.CSV_DELIMITER, lineterminator="\n")
    writer.writerow(names)
    writer.writerows(zip(*columns))  # csv writes None as an empty field, as it does ""
    text = buf.getvalue()
    # One scan of the finished text: a carriage return anywhere is rare enough to redo the batch.
    return text if "\r" not in text else _csv_text_quoting_cr(names, columns)


def _csv_text_quoting_cr(names: list[str], columns: list[Sequence[str | None]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=contract.CSV_DELIMITER, lineterminator="\n")
    # csv quotes a value holding "\n" but not one holding a lone "\r", which readers take as a
    # line end: such rows are written fully quoted.
    quote_all = csv.writer(buf, delimiter=contract.CSV_DELIMITER, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(names)
    for row in zip(*columns):
        values = ["" if v is None else v for v in row]
        (quote_all if any("\r" in v for v in values) else writer).writerow(values)
    return buf.getvalue()
