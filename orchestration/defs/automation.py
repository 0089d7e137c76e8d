"""The nightly job, its schedule, the sensor for new extract batches, and the sensor that releases
runs whose process died."""

import hashlib

import dagster as dg

from ingest.landing import discover_batches, is_pending
from orchestration.dead_runs import release_dead_runs
from orchestration.defs.connector_assets import CONNECTOR_GROUP
from orchestration.defs.scoring_assets import TRAINING_ASSETS
from orchestration.partitions import DAILY
from runtime import settings

# In-process: each step in its own subprocess costs seconds and buys nothing on one DuckDB file.
daily_pipeline = dg.define_asset_job(
    "daily_pipeline",
    # Connector assets need a path from the launchpad; they feed extracts, the sensor does the rest.
    # Training is the weekly job's (weekly_training): the night scores with the current versions.
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups(CONNECTOR_GROUP) - dg.AssetSelection.assets(*TRAINING_ASSETS),
    executor_def=dg.in_process_executor,
    description="Land new extract batches, build and test the dbt models, score with the current model versions "
    "(training first only when none exists yet), write the hygiene report and publish the serving release.",
)


@dg.schedule(job=daily_pipeline, cron_schedule="0 2 * * *", name="nightly_pipeline")
def nightly_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """02:00 every day: yesterday's partition. A run killed the night before is marked failed first."""
    release_dead_runs(context.instance, context.log.warning)
    partition = DAILY.get_last_partition_key(current_time=context.scheduled_execution_time)
    return dg.RunRequest(run_key=partition, partition_key=partition)


@dg.sensor(minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def dead_runs(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    """Every minute: runs whose process is gone are marked failed and release what they held."""
    released = release_dead_runs(context.instance, context.log.warning)
    return dg.SkipReason(f"released {len(released)} dead run(s)" if released else "no dead runs")


@dg.sensor(job=daily_pipeline, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.STOPPED)
def new_extract_batches(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    """Runs the pipeline for the latest as-of date when new or changed extract batches arrive."""
    release_dead_runs(context.instance, context.log.warning)
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
