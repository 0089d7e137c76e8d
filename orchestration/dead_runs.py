"""Runs the instance still calls in progress although their process is gone (killed, crashed, the
machine rebooted): each is marked failed with a message saying so, and any concurrency slot it held
is released, so nothing waits for it. The next run's launcher (`python -m orchestration.run`, the
demo), the schedule, the extract sensor and the `dead_runs` sensor all call `release_dead_runs`.

A run's process is the one that wrote its latest event (Dagster records the pid of every event). It
counts as gone when no such process exists, when it is a zombie, or when the process that now has
that pid started after the event (the pid was reused). This assumes the instance and its runs are on
one machine, as with the local default (`orchestration/dagster.yaml`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import dagster as dg
from dagster._core.storage.dagster_run import RunsFilter

IN_PROGRESS = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]
RECENT_EVENTS = 20


def release_dead_runs(instance: dg.DagsterInstance, log: Callable[[str], None] = print) -> list[str]:
    """Mark every in-progress run whose process is gone as failed and free its slots; their ids."""
    released = []
    for record in instance.get_run_records(filters=RunsFilter(statuses=IN_PROGRESS)):
        run = record.dagster_run
        process = _last_process(instance, run.run_id)
        if process is None or _alive(*process):
            continue
        pid, _ = process
        message = (f"Run {run.run_id} stopped without finishing: its process {pid} is gone (killed or crashed). "
                   "Marked failed by relintel. Re-run the partition: every step rebuilds what it writes.")
        instance.report_run_failed(run, message)
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        log(message)
        released.append(run.run_id)
    return released


def _last_process(instance: dg.DagsterInstance, run_id: str) -> tuple[int, float] | None:
    """(pid, time) of the run's latest event that names its process."""
    records = instance.get_records_for_run(run_id, limit=RECENT_EVENTS, ascending=False).records
    for record in records:
        event = record.event_log_entry.dagster_event
        if event is not None and event.pid is not None:
            return event.pid, record.event_log_entry.timestamp
    return None


def _alive(pid: int, seen_at: float) -> bool:
    """Does the process that wrote an event at `seen_at` still run?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: it exists
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        return True  # no /proc here: trust the signal check
    fields = stat.read_text().rsplit(")", 1)[1].split()
    if fields[0] == "Z":
        return False  # a zombie: dead, not yet reaped by its parent
    started = _boot_time() + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    return started <= seen_at + 1.0  # a process started after the event has reused the pid


def _boot_time() -> float:
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("btime "):
            return float(line.split()[1])
    return 0.0
