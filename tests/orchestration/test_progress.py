"""The progress logger prints one line per step start and end, with counts, and the steps' own
messages; a failing check and a failing step are named."""

import io
import re
import logging

import dagster as dg

from orchestration import progress


def _job_output(fail: bool) -> str:
    out = io.StringIO()

    @dg.logger
    def captured(init_context: dg.InitLoggerContext) -> logging.Logger:
        logger = logging.Logger("captured", level=logging.DEBUG)
        logger.addHandler(progress.ProgressHandler(out))
        return logger

    @dg.asset(check_specs=[dg.AssetCheckSpec("positive", asset="counted")])
    def counted(context: dg.AssetExecutionContext):
        context.log.info("landing: 3 batches, 1,200 rows")
        yield dg.MaterializeResult()
        yield dg.AssetCheckResult(check_name="positive", passed=False)

    @dg.asset(deps=[counted])
    def broken() -> None:
        if fail:
            raise ValueError("the warehouse is locked")

    job = dg.define_asset_job("job", executor_def=dg.in_process_executor)
    defs = dg.Definitions(assets=[counted, broken], jobs=[job], loggers={"captured": captured})
    defs.resolve_job_def("job").execute_in_process(run_config={"loggers": {"captured": {}}}, raise_on_error=False)
    return out.getvalue()


def test_steps_are_announced_with_counts_and_messages() -> None:
    lines = _job_output(fail=False).splitlines()
    text = "\n".join(lines)
    assert "counted ..." in text and "counted: landing: 3 batches, 1,200 rows" in text
    assert "counted done in" in text and "1 materialisations; 1 checks; failed checks: counted:positive" in text
    assert re.search(r"counted done in [0-9.]+ s \(CPU [0-9.]+ s, peak RSS [0-9.]+ GB\)", text)
    assert "broken done in" in text
    assert all(line.startswith("[") for line in lines)


def test_a_failing_step_says_why() -> None:
    text = _job_output(fail=True)
    assert "broken FAILED in" in text and "the warehouse is locked" in text
