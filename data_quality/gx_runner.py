"""Runs a suite on a pandas frame with Great Expectations 1.x and flattens the results into rows
for the check history and the Dagster check metadata."""

from __future__ import annotations

import functools
import json
import logging
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from data_quality.suites import Check, Suite

if TYPE_CHECKING:
    import pandas as pd

SAMPLE_SIZE = 10  # unexpected values kept per failed expectation


@dataclass(frozen=True)
class ExpectationResult:
    suite: str
    check: str
    severity: str
    expectation_type: str
    success: bool
    observed_value: str | None  # JSON
    element_count: int | None
    unexpected_count: int | None
    unexpected_percent: float | None
    failure_sample: str | None  # JSON list of unexpected values
    error: str | None


@dataclass(frozen=True)
class SuiteResult:
    suite: str
    row_count: int
    results: tuple[ExpectationResult, ...]

    @property
    def critical_failures(self) -> list[ExpectationResult]:
        return [r for r in self.results if r.severity == "critical" and not r.success]

    @property
    def warning_failures(self) -> list[ExpectationResult]:
        return [r for r in self.results if r.severity != "critical" and not r.success]


@functools.cache
def _context() -> Any:
    """One ephemeral GX context per process: creating it and importing GX costs seconds."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    context.data_sources.add_pandas("frames")
    return context


def _batch_definition(suite_name: str) -> Any:
    source = _context().data_sources.get("frames")
    try:
        asset = source.get_asset(suite_name)
    except LookupError:
        asset = source.add_dataframe_asset(suite_name)
    try:
        return asset.get_batch_definition("whole")
    except KeyError:
        return asset.add_batch_definition_whole_dataframe("whole")


def _expectation(check: Check) -> Any:
    import great_expectations as gx

    cls = getattr(gx.expectations, check.expectation)
    return cls(**check.kwargs, meta={"check": check.name, "severity": check.severity})


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, default=str, sort_keys=True)


def _clean(values: list[Any]) -> list[Any]:
    return [None if isinstance(v, float) and math.isnan(v) else v for v in values[:SAMPLE_SIZE]]


def _error_message(info: Any) -> str | None:
    """The exception an expectation raised, if any: GX reports it either flat or per metric."""
    if not isinstance(info, dict):
        return None
    candidates = [info] + [v for v in info.values() if isinstance(v, dict)]
    for c in candidates:
        if c.get("raised_exception"):
            return str(c.get("exception_message"))[:500]
    return None


def validate(suite: Suite, frame: pd.DataFrame) -> SuiteResult:
    """Validate frame against every check of suite; an expectation that raises counts as failed."""
    import great_expectations as gx

    context = _context()
    gx_suite = context.suites.add_or_update(
        gx.ExpectationSuite(name=suite.name, expectations=[_expectation(c) for c in suite.checks])
    )
    batch = _batch_definition(suite.name).get_batch(batch_parameters={"dataframe": frame})
    outcome = batch.validate(
        gx_suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_SIZE}
    )
    by_name = {c.name: c for c in suite.checks}
    rows = []
    for r in outcome.results:
        name = r.expectation_config.meta["check"]
        check = by_name[name]
        error = _error_message(r.exception_info)
        result = r.result or {}
        observed = result.get("observed_value")
        if observed is None and "unexpected_percent" in result:
            observed = {"unexpected_percent": result.get("unexpected_percent")}
        sample = result.get("partial_unexpected_list")
        rows.append(
            ExpectationResult(
                suite=suite.name,
                check=name,
                severity=check.severity,
                expectation_type=r.expectation_config.type,
                success=bool(r.success) and error is None,
                observed_value=_json(observed),
                element_count=result.get("element_count"),
                unexpected_count=result.get("unexpected_count"),
                unexpected_percent=result.get("unexpected_percent"),
                failure_sample=_json(_clean(sample)) if sample and not r.success else None,
                error=error,
            )
        )
    rows.sort(key=lambda x: [c.name for c in suite.checks].index(x.check))
    return SuiteResult(suite.name, len(frame), tuple(rows))
