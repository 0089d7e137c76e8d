"""The as-of dates the pipeline runs for, and how ranges of them run."""

from typing import Any

import dagster as dg

from runtime import settings

# Built when the code location loads, so the first date comes from the settings of that moment.
DAILY = dg.DailyPartitionsDefinition(start_date=settings.load().partition_start)

# A backfill of many days is one run: every step sees the whole range and builds once.
SINGLE_RUN = dg.BackfillPolicy.single_run()

# DuckDB has one writer at a time; every step that writes the warehouse takes this pool.
WAREHOUSE_POOL = "duckdb_warehouse"


def daily_warehouse_asset(**asset_kwargs: Any) -> Any:
    """`@dg.asset` for a step over the warehouse: daily partitions, a range in one run, and the
    warehouse pool (so it never runs beside another writer)."""
    return dg.asset(partitions_def=DAILY, backfill_policy=SINGLE_RUN, pool=WAREHOUSE_POOL, **asset_kwargs)
