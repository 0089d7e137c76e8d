"""The progress logger every job can be run with (orchestration/progress.py)."""

import dagster as dg

from orchestration.progress import LOGGER_NAME, progress_logger


@dg.definitions
def loggers() -> dg.Definitions:
    return dg.Definitions(loggers={LOGGER_NAME: progress_logger})
