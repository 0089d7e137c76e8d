"""The as-of dates the pipeline runs for, and how ranges of them run."""

from typing import Any

import dagster as dg

from runtime import settings

# Built when the code location loads, so the first date comes from the settings of that moment.
DAILY = dg.DailyPartitionsDefinition(start_date=settings.load().partition_start)

# A backfill of many days is one run: every step sees the whole range and builds once.
SINGLE_RUN = dg.BackfillPolicy.single_run()



def daily_asset(**asset_kwargs: Any) -> Any:
    """`@dg.asset` for a step of the daily pipeline: daily partitions, a range in one run. Steps over
    the warehouse take its lock in their body (orchestration/step_locks.py)."""
    return dg.asset(partitions_def=DAILY, backfill_policy=SINGLE_RUN, **asset_kwargs)
