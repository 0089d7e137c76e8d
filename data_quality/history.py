"""The quality history: every expectation result of every run, and every night's findings.

Kept in its own DuckDB file (<data>/quality/quality_history.duckdb, RI_QUALITY_DIR to move it),
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
import os
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd

from data_quality.gx_runner import SuiteResult
from ingest import settings
from orchestration.locks import exclusive

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


def quality_dir() -> Path:
    """Folder of the quality history (RI_QUALITY_DIR, default <data>/quality)."""
    return Path(os.environ.get("RI_QUALITY_DIR", settings.data_dir() / "quality")).resolve()


def history_path() -> Path:
    return quality_dir() / HISTORY_FILE


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    for ddl in _DDL:
        con.execute(ddl)
    return con


def _upsert(path: Path, table: str, frame: pd.DataFrame, columns: Iterable[str]) -> None:
    cols = ", ".join(columns)
    with exclusive(path.with_suffix(".lock")), _connect(path) as con:
        con.register("incoming", frame)
        # insert or replace on the primary key: a re-run overwrites, never duplicates
        con.execute(f"insert or replace into {table} ({cols}) select {cols} from incoming")
        con.unregister("incoming")


def record_suite(result: SuiteResult, run_id: str, asset_key: str, layer: str,
                 checked_at: dt.datetime | None = None, path: Path | None = None) -> int:
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
        _upsert(path or history_path(), "check_results", frame, CHECK_COLUMNS)
    return len(rows)


def record_findings(findings: pd.DataFrame, as_of_date: dt.date, run_id: str,
                    recorded_at: dt.datetime | None = None, path: Path | None = None) -> int:
    """Store the night's findings; a re-run of the same night replaces them (findings since fixed go)."""
    target = path or history_path()
    frame = findings.reindex(columns=list(FINDING_COLUMNS)).copy()
    frame["as_of_date"] = as_of_date
    frame["run_id"] = run_id
    frame["recorded_at"] = recorded_at or dt.datetime.now(dt.UTC)
    with exclusive(target.with_suffix(".lock")), _connect(target) as con:
        con.execute("delete from findings_history where as_of_date = ?", [as_of_date])
        if len(frame):
            con.register("incoming", frame)
            cols = ", ".join(FINDING_COLUMNS)
            con.execute(f"insert into findings_history ({cols}) select {cols} from incoming")
            con.unregister("incoming")
    return len(frame)


def read_table(table: str, path: Path | None = None) -> pd.DataFrame:
    """A whole history table (empty with its columns when nothing was recorded yet)."""
    target = path or history_path()
    if not target.exists():
        columns = CHECK_COLUMNS if table == "check_results" else FINDING_COLUMNS
        return pd.DataFrame(columns=list(columns))
    with exclusive(target.with_suffix(".lock")), duckdb.connect(str(target), read_only=True) as con:
        return con.sql(f"select * from {table}").to_arrow_table().to_pandas()
