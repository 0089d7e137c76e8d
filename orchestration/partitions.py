"""The as-of dates the pipeline runs for, and how ranges of them run."""

import os

import dagster as dg

# The first date scores can be rebuilt for; the embedded sample starts here.
PARTITION_START = os.environ.get("RI_PARTITION_START", "2025-01-01")

DAILY = dg.DailyPartitionsDefinition(start_date=PARTITION_START)

# A backfill of many days is one run: every step sees the whole range and builds once.
SINGLE_RUN = dg.BackfillPolicy.single_run()

# DuckDB has one writer at a time; every step that writes the warehouse takes this pool.
WAREHOUSE_POOL = "duckdb_warehouse"
