"""Write extract batches in the canonical contract (used by the simulator and the connectors)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Iterable, Mapping
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

    folder = Path(extract_dir) / entity_name
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{batch_name}.{fmt}"
    tmp = path.with_name(f".{path.name}.tmp")
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=contract.CSV_DELIMITER, lineterminator="\n")
        # csv quotes a value holding "\n" but not one holding a lone "\r", which readers take as a
        # line end: such rows are written fully quoted.
        quote_all = csv.writer(buf, delimiter=contract.CSV_DELIMITER, lineterminator="\n", quoting=csv.QUOTE_ALL)
        writer.writerow(names)
        for r in rendered:
            values = ["" if v is None else v for v in r]
            (quote_all if any("\r" in v for v in values) else writer).writerow(values)
        tmp.write_text(buf.getvalue(), encoding="utf-8")
    elif fmt == "parquet":
        # Strings in the contract's text forms keep timestamp offsets, which a typed column would lose.
        columns = {n: pa.array([r[j] for r in rendered], pa.string()) for j, n in enumerate(names)}
        pq.write_table(pa.table(columns), tmp)
    else:
        raise ValueError(f"unknown extract format {fmt!r} (csv or parquet)")
    os.replace(tmp, path)
    return path
