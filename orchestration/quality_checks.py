"""Turns a Great Expectations suite result into a Dagster check result and a row set in the quality
history. Shared by the landed and the published checks (orchestration/defs/quality_assets.py)."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg

from data_quality.gx_runner import SuiteResult
from data_quality.suites import Suite


def _results_markdown(result: SuiteResult) -> str:
    lines = ["| expectation | severity | result | observed | unexpected |", "|---|---|---|---|---|"]
    for r in result.results:
        observed = (r.observed_value or "").replace("|", "\\|")[:60]
        status = "pass" if r.success else ("**FAIL**" if r.severity == "critical" else "fail")
        lines.append(f"| {r.check} | {r.severity} | {status} | {observed} | {r.unexpected_count if r.unexpected_count is not None else ''} |")
    return "\n".join(lines)


def check_result(context: dg.AssetCheckExecutionContext, suite: Suite, result: SuiteResult,
                 asset_key: dg.AssetKey, history_file: Path) -> dg.AssetCheckResult:
    """Record the suite's results for this run in the quality history, then report: ERROR (blocking)
    when a critical expectation failed, WARN when only warnings failed."""
    from data_quality import history

    written = history.record_suite(result, context.run.run_id, asset_key.to_user_string(), suite.layer, history_file)
    critical, warnings = result.critical_failures, result.warning_failures
    failures = {
        r.check: {"severity": r.severity, "observed": r.observed_value, "unexpected_count": r.unexpected_count,
                  "sample": json.loads(r.failure_sample) if r.failure_sample else None, "error": r.error}
        for r in critical + warnings
    }
    if critical:
        context.log.error(f"{suite.name}: critical expectations failed: {', '.join(r.check for r in critical)}")
    elif warnings:
        context.log.warning(f"{suite.name}: expectations failed: {', '.join(r.check for r in warnings)}")
    return dg.AssetCheckResult(
        passed=not critical and not warnings,
        severity=dg.AssetCheckSeverity.WARN if warnings and not critical else dg.AssetCheckSeverity.ERROR,
        description=f"{len(critical)} critical and {len(warnings)} warning expectations failed" if failures
        else f"all {len(result.results)} expectations passed",
        metadata={
            "suite": suite.name,
            "rows_validated": result.row_count,
            "expectations": len(result.results),
            "critical_failed": len(critical),
            "warnings_failed": len(warnings),
            "failures": dg.MetadataValue.json(failures),
            "results": dg.MetadataValue.md(_results_markdown(result)),
            "history_rows_written": written,
            "history": dg.MetadataValue.path(str(history_file)),
        },
    )
