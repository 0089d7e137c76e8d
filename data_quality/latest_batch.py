"""The staging rule "the latest delivery of a key wins", as dbt's own macro writes it.

The landed suites run before dbt (they block the dbt build), so they cannot read the staging
models; they need the same rows, though (a key delivered again supersedes its earlier row, or a
corrected export would keep failing on the rows it corrected). Rather than writing the rule a
second time, the macro file the staging models use (dbt_project/macros/batches.sql) is rendered
here with Jinja: it is plain SQL with two parameters and no dbt-only calls. If it ever needs dbt's
context, this module fails loudly and the landed suites' tests show it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import jinja2

from runtime.settings import DBT_PROJECT_DIR
from runtime.sql import quote_identifier

MACRO_FILE = DBT_PROJECT_DIR / "macros" / "batches.sql"


@cache
def _macros() -> Any:
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    return environment.from_string(MACRO_FILE.read_text()).module


def batch_columns_sql() -> str:
    """`batch_id` and `source_row` from the landing bookkeeping columns, as staging names them."""
    return str(_macros().batch_columns())


def latest_batch_rows_sql(relation_sql: str, key_columns: Sequence[str]) -> str:
    """A query over `relation_sql` (which has batch_id and source_row) keeping the latest row per key."""
    keys_sql = ", ".join(quote_identifier(k) for k in key_columns)
    # DuckDB's form: the landed suites read the landed Parquet with DuckDB, whatever the target
    # (latest_batch_rows itself dispatches on dbt's adapter)
    return str(_macros().duckdb__latest_batch_rows(relation_sql, keys_sql))
