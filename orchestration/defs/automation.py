"""The nightly job, its schedule, and the sensor for new extract batches."""

import hashlib

import dagster as dg

from ingest.landing import discover_batches, is_pending
from orchestration.defs.connector_assets import CONNECTOR_GROUP
from orchestration.partitions import DAILY
from runtime import settings

# In-process: each step in its own subprocess costs seconds and buys nothing on one DuckDB file.
daily_pipeline = dg.define_asset_job(
    "daily_pipeline",
    # Connector assets need a path from the launchpad; they feed extracts, the sensor does the rest.
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups(CONNECTOR_GROUP),
    executor_def=dg.in_process_executor,
    description="Land new extract batches, build and test the dbt models, retrain and score, write the hygiene "
    "report and publish the serving release.",
)

nightly_schedule = dg.build_schedule_from_partitioned_job(
    daily_pipeline, hour_of_day=2, minute_of_hour=0, name="nightly_pipeline"
)


@dg.sensor(job=daily_pipeline, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.STOPPED)
def new_extract_batches(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    """Runs the pipeline for the latest as-of date when new or changed extract batches arrive."""
    cfg = settings.load()
    pending = [b for b in discover_batches(cfg.extract_dir) if is_pending(b, cfg.landed_dir)]
    if not pending:
        return dg.SkipReason("no new or changed extract batches")
    names = sorted(b.relative_path for b in pending)
    # The same set of pending files asks for one run only, however often the sensor ticks.
    run_key = hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=run_key, partition_key=DAILY.get_last_partition_key(),
                                    tags={"relintel/new_batches": str(len(names))})]
    )
