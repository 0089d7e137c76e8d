"""Small helpers that turn tables into Dagster metadata (previews a reader sees in the UI)."""

from __future__ import annotations

from typing import Any

import dagster as dg
import pyarrow as pa


def markdown_preview(table: pa.Table, rows: int = 5, max_width: int = 40) -> dg.MetadataValue:
    """The first rows as a Markdown table."""

    def cell(value: Any) -> str:
        text = "" if value is None else str(value)
        text = text.replace("|", "\\|").replace("\n", " ")
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    head = table.slice(0, rows).to_pylist()
    lines = ["| " + " | ".join(table.column_names) + " |", "|" + "---|" * table.num_columns]
    lines += ["| " + " | ".join(cell(r[c]) for c in table.column_names) + " |" for r in head]
    return dg.MetadataValue.md("\n".join(lines))
