"""The Python steps' connection to Spark: what Parquet tables cannot do (delete rows) done by
partition, and Spark's refusals as the warehouse's engine errors."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from runtime.relations import Relation
from runtime.settings import SparkServer
from targets.warehouse import ENGINE_ERRORS, SparkConnection, column_names, replace_rows, table_exists

SNAPSHOTS = Relation("snapshots", "warehouse_test", "snapshots")
DAY_1, DAY_2 = dt.date(2025, 1, 1), dt.date(2025, 1, 2)


def test_replace_rows_replaces_the_days_it_writes_and_keeps_the_others(spark: SparkServer) -> None:
    with SparkConnection(spark) as con:
        con.execute(f"drop table if exists {SNAPSHOTS.sql}")
        assert not table_exists(con, SNAPSHOTS)
        replace_rows(con, SNAPSHOTS, pa.table({"snapshot_date": [DAY_1, DAY_1, DAY_2], "contact_id": ["a", "b", "a"],
                                               "score": [1.0, 2.0, 3.0]}), "snapshot_date")
        # day 2 again, with a column the table lacks: day 1 untouched, day 2 replaced
        replace_rows(con, SNAPSHOTS, pa.table({"snapshot_date": [DAY_2], "contact_id": ["c"], "score": [9.0],
                                               "reason": ["new"]}), "snapshot_date")
        rows = sorted(con.execute(f"select snapshot_date, contact_id, score, reason from {SNAPSHOTS.sql}").fetchall())
        assert set(column_names(con, SNAPSHOTS)) == {"snapshot_date", "contact_id", "score", "reason"}
        con.execute(f"drop table {SNAPSHOTS.sql}")
    assert rows == [(DAY_1, "a", 1.0, None), (DAY_1, "b", 2.0, None), (DAY_2, "c", 9.0, "new")]


def test_a_refused_statement_is_an_engine_error_naming_the_problem(spark: SparkServer) -> None:
    with SparkConnection(spark) as con, pytest.raises(ENGINE_ERRORS, match="TABLE_OR_VIEW_NOT_FOUND"):
        con.execute('select count(*) from "warehouse_test"."missing"').fetchall()


def test_values_are_bound_never_spliced(spark: SparkServer) -> None:
    """A value with quotes and backslashes reaches Spark as itself."""
    awkward = "it's a \\ back'slash"
    with SparkConnection(spark) as con:
        assert con.execute("select ? as value", [awkward]).fetchall() == [(awkward,)]


def test_a_snapshot_table_kept_whole_is_partitioned_with_its_rows(spark: SparkServer) -> None:
    """A table written whole (before partitions were used) keeps its other days when a day is
    replaced: overwriting an unpartitioned table would have replaced all of it."""
    from targets.spark import write_table

    with SparkConnection(spark) as con:
        write_table(con.spark, SNAPSHOTS, pa.table({"snapshot_date": [DAY_1, DAY_2], "contact_id": ["a", "a"],
                                                   "score": [1.0, 2.0]}))
        replace_rows(con, SNAPSHOTS, pa.table({"snapshot_date": [DAY_2], "contact_id": ["b"], "score": [5.0]}),
                     "snapshot_date")
        rows = sorted(con.execute(f"select snapshot_date, contact_id, score from {SNAPSHOTS.sql}").fetchall())
        con.execute(f"drop table {SNAPSHOTS.sql}")
    assert rows == [(DAY_1, "a", 1.0), (DAY_2, "b", 5.0)]
