"""The generic tests that check a model's columns of one kind in one query (dbt_project/tests/generic:
not_null_columns, accepted_values_columns, non_negative_columns, between_columns) fail for every row
breaking the rule in any of their columns, pass nulls where their per-column counterparts do, and
find nothing when every row keeps the rule."""

from __future__ import annotations

import datetime as dt

import duckdb
import jinja2
import pytest

from runtime.settings import DBT_PROJECT_DIR
from tests.dbt_macros import render_macros


def generic_test_sql(name: str, model: str, columns: object) -> str:
    """The test's query, rendered as dbt renders a generic test (its block is a macro), with the
    project's literal helpers."""
    text = (DBT_PROJECT_DIR / "tests" / "generic" / f"{name}.sql").read_text(encoding="utf-8")
    text = text.replace("{% test ", "{% macro ").replace("{% endtest %}", "{% endmacro %}")
    environment = jinja2.Environment()
    environment.globals.update(vars(render_macros("literals.sql")))
    return getattr(environment.from_string(text).module, name)(model, columns)


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create table t (id varchar, day date, n integer, share double, kind varchar, side varchar)")
    con.execute("insert into t values ('a', date '2025-01-01', 1, 0.5, 'call', 'ours'), ('b', date '2025-01-02', 0, 1, 'email', null)")
    return con


def test_not_null_columns_finds_a_null_in_any_column(con: duckdb.DuckDBPyConnection) -> None:
    sql = generic_test_sql("not_null_columns", "t", ["id", "day", "n"])
    assert con.execute(sql).fetchall() == []
    con.execute("insert into t values ('c', null, 1, 0, 'call', 'ours'), ('d', date '2025-01-03', null, 0, 'call', 'ours')")
    assert sorted(con.execute(sql).fetchall(), key=repr) == [("c", None, 1), ("d", dt.date(2025, 1, 3), None)]


def test_accepted_values_columns_finds_a_value_outside_any_list(con: duckdb.DuckDBPyConnection) -> None:
    sql = generic_test_sql("accepted_values_columns", "t", {"kind": ["call", "email", "it's"], "side": ["ours", "theirs"]})
    assert con.execute(sql).fetchall() == []  # the null side passes, as in dbt's accepted_values
    con.execute("insert into t values ('c', null, 1, 0, 'fax', 'ours'), ('d', null, 1, 0, 'call', 'both'), ('e', null, 1, 0, 'it''s', null)")
    assert sorted(con.execute(sql).fetchall()) == [("call", "both"), ("fax", "ours")]


def test_non_negative_columns_finds_a_negative_in_any_column(con: duckdb.DuckDBPyConnection) -> None:
    sql = generic_test_sql("non_negative_columns", "t", ["n", "share"])
    assert con.execute(sql).fetchall() == []
    con.execute("insert into t values ('c', null, -1, 0, 'call', 'ours'), ('d', null, null, -0.5, 'call', 'ours')")
    assert sorted(con.execute(sql).fetchall(), key=repr) == [(-1, 0.0), (None, -0.5)]


def test_between_columns_finds_a_value_outside_any_range(con: duckdb.DuckDBPyConnection) -> None:
    sql = generic_test_sql("between_columns", "t", {"n": [0, 1], "share": [0, 1]})
    assert con.execute(sql).fetchall() == []
    con.execute("insert into t values ('c', null, 2, 0, 'call', 'ours'), ('d', null, null, 1.5, 'call', 'ours')")
    assert sorted(con.execute(sql).fetchall(), key=repr) == [(2, 0.0), (None, 1.5)]
    with pytest.raises(ValueError, match="must be a number"):
        generic_test_sql("between_columns", "t", {"n": [0, "1; drop table t"]})
