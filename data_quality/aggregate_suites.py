"""The suites as DuckDB aggregate queries: no table goes into pandas.

Every expectation of a suite (data_quality/suites.py) is a handful of aggregates over the suite's
frame, run in an in-memory DuckDB: rows, non-null values, unexpected values, and up to SAMPLE_SIZE
of them when the expectation fails. The result has Great Expectations' shape and meaning (`mostly`
over the non-null values, a vacuous pass on an empty frame, unexpected_percent of the non-null
values), so the history and the Dagster checks read it as before; tests hold these answers to GX's
(data_quality.gx_runner) on the same rows.

A landed suite's frame is its query over read_parquet of the landed files (the views of
data_quality.frames, the latest row per key). A published suite's frame is its query's result,
read from the warehouse as Arrow, whatever the target (run_frame_suite): at ten million activities
GX took 24 CPU-s and 3.2 GB over the published activities in pandas.

`batches` limits the rows checked to those of the given landed batches (those a run landed): the
frame's target entity is cut to its latest rows from those batches (which row of a key is the
latest is still decided over every batch's keys), while the entities it is joined to and the
values a uniqueness check compares with come from every landed batch. Table-level expectations
(row counts) count the whole entity's latest rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from data_quality.frames import landed_files, register_landed_views
from data_quality.gx_runner import SAMPLE_SIZE, ExpectationResult, SuiteResult
from data_quality.key_counts import landed_key_count
from data_quality.latest_batch import batch_columns_sql, latest_batch_rows_sql
from data_quality.suites import Check, Suite
from ingest import contract
from ingest.landing import MANIFEST_DIR
from runtime import local_duckdb
from runtime.sql import quote_identifier, quote_literal

# Python's `\s` (Unicode white space), which RE2's `\s` (ASCII) is not: GX matches with Python's re.
_PY_WHITESPACE = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}"

# expectation -> (SQL condition a non-null value `{c}` must meet, the kwargs it binds, in order)
_CONDITIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "ExpectColumnValuesToBeInSet": ("list_contains(?, {c})", ("value_set",)),
    "ExpectColumnValuesToNotBeInSet": ("not list_contains(?, {c})", ("value_set",)),
    "ExpectColumnValuesToMatchRegex": ("regexp_matches(cast({c} as varchar), ?)", ("regex",)),
}
_OPTIONS = {"column", "mostly", "min_value", "max_value", "value_set", "regex"}
SUPPORTED = frozenset({*_CONDITIONS, "ExpectColumnValuesToBeBetween", "ExpectColumnValuesToNotBeNull",
                       "ExpectColumnValuesToBeUnique", "ExpectTableRowCountToBeBetween"})


def batch_ids(landed_dir: Path, entity: str, source_files: Sequence[str]) -> list[str]:
    """The landed batch ids (`_batch_id`) of the given source files (`entity/file`), from the manifests."""
    wanted, found = set(source_files), []
    for manifest in sorted((landed_dir / MANIFEST_DIR / entity).glob("*.json")):
        try:
            seen = json.loads(manifest.read_text())
        except (OSError, ValueError):
            continue
        if seen.get("source_file") in wanted and seen.get("batch_id"):
            found.append(seen["batch_id"])
    return found


def run_landed_suite(landed_dir: Path, suite: Suite, batches: Sequence[str] | None = None,
                     key_counts: Path | None = None) -> SuiteResult:
    """Every expectation of a landed suite, over all landed rows or only those of `batches`; with
    `key_counts` (data_quality.key_counts), the target's keys counted for the table-level
    expectations are kept there from run to run."""
    with local_duckdb.connect() as con:
        views = register_landed_views(con, landed_dir)
        whole_sql = suite.query.format(**views)
        if batches is None:
            # the frame is computed once (the latest row per key is a sort of every landed row)
            con.execute(f"create temp table frame as {whole_sql}")
            con.execute("create temp view whole as select * from frame")
            con.execute("create temp view whole_rows as select count(*) as n from frame")
        else:
            scoped_sql = _scoped_view(con, suite.target, batches)
            frame_sql = suite.query.format(**(views | {suite.target: scoped_sql}))
            con.execute(f"create temp table frame as {frame_sql}")
            con.execute(f"create temp view whole as {whole_sql}")
            # one frame row per latest row of the target (the suites' joins keep it so): its keys
            keys = landed_key_count(con, suite.target, landed_files(landed_dir, suite.target), key_counts)
            con.execute("create temp table whole_rows as select cast(? as bigint) as n", [keys])
        rows = con.execute("select count(*) from frame").fetchone()[0]
        results = tuple(_evaluate(con, suite, check) for check in suite.checks)
    return SuiteResult(suite.name, rows, results)


def run_frame_suite(suite: Suite, frame: pa.Table) -> SuiteResult:
    """Every expectation of a suite over a frame already read (a published table's, from the
    warehouse); its row count is the frame's."""
    with local_duckdb.connect() as con:
        con.register("frame", frame)
        con.execute("create temp view whole as select * from frame")
        con.execute("create temp view whole_rows as select count(*) as n from frame")
        results = tuple(_evaluate(con, suite, check) for check in suite.checks)
    return SuiteResult(suite.name, frame.num_rows, results)


def _scoped_view(con: duckdb.DuckDBPyConnection, entity: str, batches: Sequence[str]) -> str:
    """A view of the entity's latest rows that come from `batches` (quoted name). Which row of a
    key is the latest is decided over every batch's rows of that key, as the staging rule does
    (data_quality.latest_batch): only the keys `batches` hold are ordered, not every landed key,
    and only the rows of `batches` are read whole. The batches that sort before all of `batches`
    cannot hold a later row of their keys: their files are skipped by their statistics (a night's
    batches sort after every other, as a rule)."""
    con.execute("create temp table batches_in_scope as select unnest(cast(? as varchar[])) as batch_id", [list(batches)])
    keys_sql = ", ".join(quote_identifier(k) for k in contract.entity(entity).primary_key)
    files_sql = quote_identifier(f"landed_{entity}__files")
    columns_sql = batch_columns_sql()
    latest_sql = latest_batch_rows_sql("batch_keys", contract.entity(entity).primary_key)
    view_sql = quote_identifier(f"landed_{entity}__in_scope")
    # a constant the files' statistics answer: a batch that sorts before every batch in scope
    # holds none of their rows, nor the latest row of their keys
    from_earliest_sql = f"_batch_id >= {quote_literal(min(batches))}" if batches else "false"
    in_scope_sql = f"_batch_id in (select batch_id from batches_in_scope) and {from_earliest_sql}"
    con.execute(
        f"create temp view {view_sql} as "
        f"with keys_in_scope as (select distinct {keys_sql} from {files_sql} where {in_scope_sql}), "
        f"batch_keys as (select {keys_sql}, {columns_sql} from {files_sql} "
        f"semi join keys_in_scope using ({keys_sql}) where {from_earliest_sql}), "
        f"latest as ({latest_sql}) "
        f"select scoped.* from (select *, {columns_sql} from {files_sql} where {in_scope_sql}) as scoped "
        "semi join latest on scoped.batch_id = latest.batch_id and scoped.source_row = latest.source_row"
    )
    return view_sql


def _evaluate(con: duckdb.DuckDBPyConnection, suite: Suite, check: Check) -> ExpectationResult:
    try:
        return _expectation(con, suite, check)
    except (duckdb.Error, KeyError, ValueError) as exc:  # like GX: an expectation that cannot run fails
        return ExpectationResult(suite.name, check.name, check.severity, _gx_type(check), False,
                                 None, None, None, None, None, f"{type(exc).__name__}: {exc}"[:500])


def _expectation(con: duckdb.DuckDBPyConnection, suite: Suite, check: Check) -> ExpectationResult:
    kwargs = check.kwargs
    unknown = set(kwargs) - _OPTIONS
    if check.expectation not in SUPPORTED or unknown:
        raise ValueError(f"{check.expectation} {sorted(unknown)} has no aggregate form here")
    if check.expectation == "ExpectTableRowCountToBeBetween":
        count = con.execute("select n from whole_rows").fetchone()[0]
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        success = (low is None or count >= low) and (high is None or count <= high)
        return ExpectationResult(suite.name, check.name, check.severity, _gx_type(check), success,
                                 json.dumps(count), None, None, None, None, None)

    c_sql = quote_identifier(kwargs["column"])
    unexpected_sql, params = _unexpected(check, c_sql)
    total, nonnull, unexpected = con.execute(
        f"select count(*), count({c_sql}), count(*) filter (where {unexpected_sql}) from frame", params
    ).fetchone()
    mostly = float(kwargs.get("mostly", 1.0))
    if check.expectation == "ExpectColumnValuesToNotBeNull":  # GX: counted over every row
        considered, percent_of = total, total
    else:  # GX: counted over the non-null values
        considered, percent_of = nonnull, (nonnull if total else 0)
    success = considered == 0 or (float(considered) - float(unexpected)) / float(considered) >= mostly
    percent = unexpected / percent_of * 100 if percent_of else None
    sample = None
    if not success and unexpected:
        values = con.execute(
            f"select {c_sql} from frame where {unexpected_sql} order by all limit ?", [*params, SAMPLE_SIZE]
        ).fetchall()
        sample = json.dumps([v for (v,) in values], default=str, sort_keys=True)
    return ExpectationResult(suite.name, check.name, check.severity, _gx_type(check), success,
                             json.dumps({"unexpected_percent": percent}, default=str, sort_keys=True),
                             total, unexpected, percent, sample, None)


def _unexpected(check: Check, c_sql: str) -> tuple[str, list[Any]]:
    """SQL true for an unexpected row of the frame, and the values it binds."""
    kwargs = check.kwargs
    if check.expectation == "ExpectColumnValuesToNotBeNull":
        return f"{c_sql} is null", []
    if check.expectation == "ExpectColumnValuesToBeUnique":
        return (f"{c_sql} in (select {c_sql} from whole where {c_sql} is not null "
                f"group by {c_sql} having count(*) > 1)"), []
    if check.expectation == "ExpectColumnValuesToBeBetween":
        bounds, params = [], []
        if kwargs.get("min_value") is not None:
            bounds.append(f"{c_sql} >= ?")
            params.append(kwargs["min_value"])
        if kwargs.get("max_value") is not None:
            bounds.append(f"{c_sql} <= ?")
            params.append(kwargs["max_value"])
        within_sql = " and ".join(bounds) or "true"
        return f"{c_sql} is not null and not ({within_sql})", params
    condition, names = _CONDITIONS[check.expectation]
    params = [_re2(kwargs[n]) if n == "regex" else list(kwargs[n]) if n == "value_set" else kwargs[n] for n in names]
    condition_sql = condition.format(c=c_sql)
    return f"{c_sql} is not null and not coalesce({condition_sql}, false)", params


def _re2(pattern: str) -> str:
    """A Python regular expression as RE2 reads it the same way: `\\s` spelled out as Python's
    white space (inside a class, or as a class of its own). Other classes that differ (`\\d`, `\\w`,
    `\\b`) are refused rather than matched differently. (Python's `$` also matches before a final
    line break, RE2's does not: landed one-line values are trimmed and hold no line break.)"""
    out: list[str] = []
    class_start = None  # index in pattern of the open class's "[", while inside one
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt in "dDwWbBS":
                raise ValueError(f"regex {pattern!r}: \\{nxt} differs between Python and RE2")
            if nxt == "s":
                out.append(_PY_WHITESPACE if class_start is not None else f"[{_PY_WHITESPACE}]")
            else:
                out.append(ch + nxt)
            i += 2
            continue
        if ch == "[" and class_start is None:
            class_start = i
        elif ch == "]" and class_start is not None and pattern[class_start:i] not in ("[", "[^"):
            class_start = None  # (a "]" right after "[" or "[^" is a literal)
        out.append(ch)
        i += 1
    return "".join(out)


def _gx_type(check: Check) -> str:
    """The expectation type as GX names it in its results (ExpectColumnValuesToNotBeNull ->
    expect_column_values_to_not_be_null)."""
    name = check.expectation
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
