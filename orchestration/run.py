"""Run a job of the code location for one as-of date (or a range) in this process, recorded in the
Dagster instance the UI reads ($DAGSTER_HOME; unset, `<RI_DATA_DIR>/dagster_home` as `make` sets it
up), without the daemon: for cron, scripts and the demo.

    python -m orchestration.run 2026-03-31                       # daily_pipeline as of that day
    python -m orchestration.run 2026-03-31 --from 2026-03-01     # one run for the whole range
    python -m orchestration.run 2026-03-31 --job weekly_training
    python -m orchestration.run 2026-03-31 --full-refresh          # dbt rebuilds incremental models whole

Runs whose process died (killed, crashed) are first marked failed, so they hold nothing. Exits 1
when the run fails, naming the step.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
from pathlib import Path

import dagster as dg

from orchestration.dead_runs import release_dead_runs
from orchestration.progress import LOGGER_NAME
from runtime import settings

INSTANCE_SETTINGS = Path(__file__).with_name("dagster.yaml")
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def run_job(job_name: str, as_of: str, range_start: str | None = None,
            verbose: bool = False, full_refresh: bool = False) -> dg.ExecuteInProcessResult:
    """Execute `job_name` for the as-of date (or the range start..as_of as one run)."""
    from orchestration.definitions import defs
    from orchestration.defs.dbt_models import FULL_REFRESH_TAG

    job = defs().resolve_job_def(job_name)
    # Progress lines (step starts and ends with counts) by default; Dagster's event log when verbose.
    run_config = ({"loggers": {"console": {"config": {"log_level": "INFO"}}}} if verbose
                  else {"loggers": {LOGGER_NAME: {}}})
    with project_instance() as instance:
        release_dead_runs(instance)
        tags = {FULL_REFRESH_TAG: "true"} if full_refresh else {}
        if range_start and range_start != as_of:
            tags |= {RANGE_START_TAG: range_start, RANGE_END_TAG: as_of}
            return job.execute_in_process(instance=instance, tags=tags, run_config=run_config, raise_on_error=False)
        return job.execute_in_process(instance=instance, partition_key=as_of, tags=tags, run_config=run_config,
                                      raise_on_error=False)


def project_instance() -> dg.DagsterInstance:
    """The instance $DAGSTER_HOME names; without it, the one `make` would set up under the data folder."""
    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    home = settings.load().data_dir / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(INSTANCE_SETTINGS, home / "dagster.yaml")
    return dg.DagsterInstance.from_config(str(home))


def _date(text: str) -> str:
    return dt.date.fromisoformat(text).isoformat()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("as_of", type=_date, help="as-of date YYYY-MM-DD (the partition)")
    parser.add_argument("--from", dest="range_start", type=_date, default=None, help="first date of a range")
    parser.add_argument("--job", default="daily_pipeline", help="daily_pipeline (default) or weekly_training")
    parser.add_argument("--verbose", action="store_true", help="Dagster's step-by-step log")
    parser.add_argument("--full-refresh", action="store_true",
                        help="dbt rebuilds the incremental models whole (late activity older than the look-back)")
    args = parser.parse_args(argv)
    first = settings.load().partition_start
    too_early = [d for d in (args.range_start, args.as_of) if d is not None and d < first]
    if too_early:
        print(f"{too_early[0]} is before the first partition, {first}: set RI_PARTITION_START to the first "
              f"day of your data (e.g. RI_PARTITION_START={too_early[0]}) and run again.", file=sys.stderr)
        return 2
    print(f"Running {args.job} as of {args.as_of} ...", flush=True)
    result = run_job(args.job, args.as_of, args.range_start, args.verbose, args.full_refresh)
    if result.success:
        print(f"Run {result.run_id} succeeded.")
        return 0
    failed = [e.step_key for e in result.all_events if e.is_step_failure]
    print(f"Run {result.run_id} failed at {', '.join(failed) or 'a check'}; open the Dagster UI (make ui) for why.",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
