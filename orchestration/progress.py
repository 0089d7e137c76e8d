"""A Dagster logger for people watching a terminal: one line when a step starts, one when it ends
(with its wall and CPU seconds, the process tree's peak memory so far, how many assets and checks
it wrote, which checks failed), and the steps' own progress messages (stage names with counts). `python -m orchestration.run` and `make demo` use
it instead of Dagster's event-by-event console log."""

from __future__ import annotations

import logging
import resource
import sys
import time
from collections import Counter
from typing import Any, TextIO

import dagster as dg

LOGGER_NAME = "progress"


class ProgressHandler(logging.Handler):
    """Turns Dagster log records into short progress lines on `stream`."""

    def __init__(self, stream: TextIO) -> None:
        # Dagster logs its step events at DEBUG: they are all let in, and the steps' own messages
        # below INFO are dropped in emit().
        super().__init__(level=logging.DEBUG)
        self.stream = stream
        self.started: dict[str, tuple[float, float]] = {}
        self.written: Counter[str] = Counter()
        self.checked: Counter[str] = Counter()
        self.failed_checks: dict[str, list[str]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        meta: dict[str, Any] = getattr(record, "dagster_meta", None) or {}
        step = meta.get("step_key")
        event = meta.get("dagster_event")
        if event is None:
            if step and record.levelno >= logging.INFO:
                self._line(f"  {step}: {meta.get('orig_message', record.getMessage())}")
            return
        kind = event.event_type_value
        if kind == "STEP_START":
            self.started[step] = (time.perf_counter(), cpu_seconds())
            self._line(f"{step} ...")
        elif kind == "ASSET_MATERIALIZATION":
            self.written[step] += 1
        elif kind == "ASSET_CHECK_EVALUATION":
            self.checked[step] += 1
            evaluation = event.event_specific_data
            if not evaluation.passed:
                self.failed_checks.setdefault(step, []).append(
                    f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}")
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE"):
            wall, cpu = self.started.pop(step, (time.perf_counter(), cpu_seconds()))
            took, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
            outcome = "done" if kind == "STEP_SUCCESS" else "FAILED"
            parts = [f"{self.written[step]:,} materialisations", f"{self.checked[step]:,} checks"]
            if self.failed_checks.get(step):
                parts.append("failed checks: " + ", ".join(self.failed_checks[step]))
            if kind == "STEP_FAILURE" and event.step_failure_data and event.step_failure_data.error:
                parts.append(_root_cause(event.step_failure_data.error))
            self._line(f"{step} {outcome} in {took:.1f} s (CPU {cpu:.1f} s, peak RSS {peak_rss_gb():.2f} GB): "
                       + "; ".join(parts))
        elif kind == "STEP_SKIPPED":
            self._line(f"{step} skipped (an upstream step failed or wrote nothing)")

    def _line(self, text: str) -> None:
        self.stream.write(f"[{time.strftime('%H:%M:%S')}] {text}\n")
        self.stream.flush()


def cpu_seconds() -> float:
    """User + system CPU of this process and of its children waited for (dbt runs as one)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_rss_gb() -> float:
    """The largest resident set so far of this process or any child waited for (Linux: KiB)."""
    kib = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return kib / 1024**2


def _root_cause(error: Any) -> str:
    """First line of the innermost error: what went wrong, not Dagster's wrapper around it."""
    while getattr(error, "cause", None) is not None:
        error = error.cause
    return error.message.strip().splitlines()[0]


@dg.logger(description="Step starts and ends with counts, and the steps' progress messages, on stdout.")
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.Logger(LOGGER_NAME, level=logging.DEBUG)
    logger.addHandler(ProgressHandler(sys.stdout))
    return logger
