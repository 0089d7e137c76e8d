"""The generic test not_null_columns (dbt_project/tests/generic) finds a null in any of its columns,
and nothing when there is none: the label views' columns are checked by it in one read."""

from __future__ import annotations

import datetime as dt

import duckdb
import jinja2

from runtime.settings import DBT_PROJECT_DIR


def not_null_columns_sql(model: str, columns: list[str]) -> str:
    """The test's query, rendered as dbt renders a generic test (its block is a macro)."""
    text = (DBT_PROJECT_DIR / "tests" / "generic" / "not_null_columns.sql").read_text(encoding="utf-8")
    text = text.replace("{% test ", "{% macro ").replace("{% endtest %}", "{% endmacro %}")
    return jinja2.Environment().from_string(text).module.not_null_columns(model, columns)


def test_a_null_in_any_column_fails_the_test() -> None:
    con = duckdb.connect()
    con.execute("create table labels (contact_id varchar, as_of_date date, label integer)")
    con.execute("insert into labels values ('c-1', date '2025-01-01', 1), ('c-2', date '2025-01-02', 0)")
    sql = not_null_columns_sql("labels", ["contact_id", "as_of_date", "label"])
    assert con.execute(sql).fetchall() == []
    con.execute("insert into labels values ('c-3', null, 1), ('c-4', date '2025-01-03', null)")
    assert sorted(con.execute(sql).fetchall(), key=repr) == [("c-3", None, 1), ("c-4", dt.date(2025, 1, 3), None)]

