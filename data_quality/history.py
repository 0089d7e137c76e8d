"""The quality history: every expectation result of every run, and every night's findings.

Kept in its own DuckDB file (<quality dir>/quality_history.duckdb, see `Settings.quality_dir`),
not in the warehouse: checks run while dbt may hold the warehouse's single write lock, and the
history must outlive warehouse rebuilds. Writers serialise on a lock file beside it.

- check_results, key (run_id, suite, check_name): re-recording a run replaces its rows, so a
  retried step never duplicates them; a new run adds rows, so one can see when a check started
  failing.
- findings_history, key (as_of_date, finding_id): the findings as of each night; re-running a
  night replaces that night's rows.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from data_quality.gx_runner import SuiteResult
from runtime.locks import exclusive
from runtime.sql import quote_identifier

HISTORY_FILE = "quality_history.duckdb"

_DDL = (
    """
    create table if not exists check_results (
        run_id varchar not null,
        suite varchar not null,
        check_name varchar not null,
        checked_at timestamp with time zone not null,
        asset_key varchar,
        layer varchar,
        expectation_type varchar,
        severity varchar not null,
        success boolean not null,
        row_count bigint,
        observed_value varchar,
        element_count bigint,
        unexpected_count bigint,
        unexpected_percent double,
        failure_sample varchar,
        error varchar,
        primary key (run_id, suite, check_name)
    )
    """,
    """
    create table if not exists findings_history (
        as_of_date date not null,
        finding_id varchar not null,
        run_id varchar not null,
        recorded_at timestamp with time zone not null,
        rule varchar not null,
        rule_group varchar,
        severity varchar not null,
        entity_type varchar,
        entity_id varchar,
        account_id varchar,
        user_id varchar,
        primary key (as_of_date, finding_id)
    )
    """,
)

CHECK_COLUMNS = (
    "run_id", "suite", "check_name", "checked_at", "asset_key", "layer", "expectation_type", "severity",
    "success", "row_count", "observed_value", "element_count", "unexpected_count", "unexpected_percent",
    "failure_sample", "error",
)
FINDING_COLUMNS = (
    "as_of_date", "finding_id", "run_id", "recorded_at", "rule", "rule_group", "severity", "entity_type",
    "entity_id", "account_id", "user_id",
)
COLUMNS = {"check_results": CHECK_COLUMNS, "findings_history": FINDING_COLUMNS}


def history_path(quality_dir: Path) -> Path:
    """The history file in the quality folder (`Settings.quality_dir`)."""
    return quality_dir / HISTORY_FILE


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    for ddl in _DDL:
        con.execute(ddl)
    return con


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, *, upsert: bool = False) -> None:
    """Insert the frame's rows into a history table; an upsert replaces rows with the same key."""
    insert_sql = "insert or replace" if upsert else "insert"
    columns_sql = ", ".join(quote_identifier(c) for c in COLUMNS[table])
    table_sql = quote_identifier(table)
    con.register("incoming", frame)
    con.execute(f"{insert_sql} into {table_sql} ({columns_sql}) select {columns_sql} from incoming")
    con.unregister("incoming")


def last_run_passed(suite: str, path: Path) -> bool | None:
    """Whether every expectation of the suite passed in the last run that checked it (None: never
    checked). A check scoped to new batches widens to all of them after a failure, so a bad batch
    keeps failing until it is corrected, whatever lands after it."""
    if not path.exists():
        return None
    with exclusive(path.with_suffix(".lock")), _connect(path) as con:
        found = con.execute(
            "select bool_and(success) from check_results where suite = ? and run_id = "
            "(select run_id from check_results where suite = ? order by checked_at desc limit 1)",
            [suite, suite]).fetchall()
    return found[0][0] if found else None


def record_suite(result: SuiteResult, run_id: str, asset_key: str, layer: str, path: Path,
                 checked_at: dt.datetime | None = None) -> int:
    """Store one suite's expectation results for a run; returns the rows written."""
    at = checked_at or dt.datetime.now(dt.UTC)
    rows = [
        {
            "run_id": run_id, "suite": r.suite, "check_name": r.check, "checked_at": at, "asset_key": asset_key,
            "layer": layer, "expectation_type": r.expectation_type, "severity": r.severity, "success": r.success,
            "row_count": result.row_count, "observed_value": r.observed_value, "element_count": r.element_count,
            "unexpected_count": r.unexpected_count, "unexpected_percent": r.unexpected_percent,
            "failure_sample": r.failure_sample, "error": r.error,
        }
        for r in result.results
    ]
    if rows:
        frame = pd.DataFrame(rows, columns=list(CHECK_COLUMNS))
        with exclusive(path.with_suffix(".lock")), _connect(path) as con:
            # insert or replace on the primary key: a re-run overwrites, never duplicates
            _insert(con, "check_results", frame, upsert=True)
    return len(rows)


def record_findings(findings: pd.DataFrame, as_of_date: dt.date, run_id: str, path: Path,
                    recorded_at: dt.datetime | None = None) -> int:
    """Store the night's findings; a re-run of the same night replaces them (findings since fixed go)."""
    frame = findings.reindex(columns=list(FINDING_COLUMNS)).copy()
    frame["as_of_date"] = as_of_date
    frame["run_id"] = run_id
    frame["recorded_at"] = recorded_at or dt.datetime.now(dt.UTC)
    with exclusive(path.with_suffix(".lock")), _connect(path) as con:
        con.execute("delete from findings_history where as_of_date = ?", [as_of_date])
        if len(frame):
            _insert(con, "findings_history", frame)
    return len(frame)


def read_table(table: str, path: Path) -> pd.DataFrame:
    """A whole history table (empty with its columns when nothing was recorded yet)."""
    columns = COLUMNS[table]
    if not path.exists():
        return pd.DataFrame(columns=list(columns))
    table_sql = quote_identifier(table)
    with exclusive(path.with_suffix(".lock")), duckdb.connect(str(path), read_only=True) as con:
        return con.sql(f"select * from {table_sql}").to_arrow_table().to_pandas()
