"""The dbt descriptions of the published tables, and what an engine's catalog says of them."""

from __future__ import annotations

from typing import Any

from runtime import relations

Descriptions = dict[str, dict[str, str]]  # table -> {"": the table's description, column: its description}


def expected(released: bool = True) -> Descriptions:
    """Every described published table and column, as dbt's models say them: in a release (the
    columns it publishes), or where dbt built them (`released` false: every column)."""
    out: Descriptions = {}
    for name, relation in relations.load().published().items():
        described = {"": relation.description.strip()} if relation.description.strip() else {}
        described |= {column: text.strip() for column, text in relation.column_descriptions
                      if text.strip() and (not released or column not in relation.unpublished_columns)}
        out[name] = described
    return out


def in_duckdb(con: Any, schema: str) -> Descriptions:
    """The comments DuckDB's catalog holds on the schema's tables (and views: a release's tables
    published by month) and their columns."""
    out: Descriptions = {}
    for table, comment in con.execute("select table_name, comment from duckdb_tables() where schema_name = ? union all "
                                      "select view_name, comment from duckdb_views() where schema_name = ?",
                                      [schema, schema]).fetchall():
        out.setdefault(table, {})[""] = comment
    for table, column, comment in con.execute(
            "select table_name, column_name, comment from duckdb_columns() where schema_name = ?", [schema]).fetchall():
        out.setdefault(table, {})[column] = comment
    return {t: {k: v for k, v in d.items() if v} for t, d in out.items()}


def in_postgres(con: Any, schema: str) -> Descriptions:
    """The comments Postgres's catalog holds on the schema's tables and their columns."""
    out: Descriptions = {}
    for table, comment in con.execute(
            "select c.relname, obj_description(c.oid, 'pg_class') from pg_class c "
            "join pg_namespace n on n.oid = c.relnamespace where n.nspname = ? and c.relkind = 'r'", [schema]).fetchall():
        out.setdefault(table, {})[""] = comment
    for table, column, comment in con.execute(
            "select c.relname, a.attname, col_description(c.oid, a.attnum) from pg_class c "
            "join pg_namespace n on n.oid = c.relnamespace join pg_attribute a on a.attrelid = c.oid "
            "where n.nspname = ? and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped", [schema]).fetchall():
        out.setdefault(table, {})[column] = comment
    return {t: {k: v for k, v in d.items() if v} for t, d in out.items()}


def in_spark(con: Any) -> Descriptions:
    """The comments Spark's catalog holds on each published table (where dbt built it) and its
    columns (`con`: a targets.warehouse.SparkConnection)."""
    out: Descriptions = {}
    for name, relation in relations.load().published().items():
        described = {}
        for detail, value, _ in con.execute(f"describe table extended {relation.sql}").fetchall():
            if detail == "Comment":  # the table's own, among the extended details
                described[""] = value
        for column in con.spark.catalog.listColumns(relation.identifier, relation.schema):
            described[column.name] = column.description
        # dbt writes a folded YAML description with its final newline here; the text is the same
        out[name] = {k: v.strip() for k, v in described.items() if v and v.strip()}
    return out
