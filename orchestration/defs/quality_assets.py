"""Data quality in the pipeline: suites as blocking asset checks on the landed extracts (DuckDB
aggregate queries over the landed Parquet, over the batches the run landed) and on the tables about
to be published (the same aggregates over the table's frame), and the nightly hygiene report.

A critical expectation that fails makes its check fail with ERROR; the checks are blocking, so
nothing downstream of the checked asset runs in that run: a bad extract stops the dbt build (and
with it scoring and publishing), a bad published table stops the serving release.
"""

from collections.abc import Callable
from typing import Any

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from data_quality.aggregate_suites import batch_ids, run_frame_suite, run_landed_suite
from data_quality.frames import read_published_frame
from data_quality.gx_runner import SuiteResult
from data_quality.key_counts import key_counts_dir
from data_quality.suites import LANDED_SUITES, PUBLISHED_SUITES, Suite
from orchestration.defs.dbt_models import as_of_date, dbt_models
from orchestration.defs.landing_assets import landed_key
from orchestration.partitions import daily_asset
from orchestration.quality_checks import check_result
from orchestration.step_locks import landing_step, warehouse_step
from runtime import relations, settings
from runtime.settings import Settings
from targets.warehouse import connect as connect_warehouse

LANDED_CHECK = "gx_landed_suite"
PUBLISHED_CHECK = "gx_published_suite"
REPORT_MODELS = (
    "hygiene_findings", "hygiene_rules", "hygiene_capture_gap_days", "hygiene_role_coverage",
    "hygiene_rep_capture_discipline", "dim_users", "landing_quarantine",
)


def _model_key(name: str) -> dg.AssetKey:
    return get_asset_key_for_model([dbt_models], name)


def _suite_check(suite: Suite, key: dg.AssetKey, name: str,
                 evaluate: Callable[[dg.AssetCheckExecutionContext, Settings], SuiteResult],
                 **spec: Any) -> dg.AssetChecksDefinition:
    """A blocking check reporting the suite's result as evaluate computes it."""

    @dg.asset_check(asset=key, name=name, blocking=True, **spec)
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        from data_quality import history

        cfg = settings.load()
        return check_result(context, suite, evaluate(context, cfg), key, history.history_path(cfg.quality_dir))

    return _check


def _summary(suite: Suite) -> str:
    return f"({len(suite.checks)} expectations, {len(suite.critical_checks)} critical)"


def _landed_this_run(context: dg.AssetCheckExecutionContext, key: dg.AssetKey) -> list[str] | None:
    """The source files the asset's materialization in this run landed; None when it did not
    materialize in this run or landed nothing new (then every landed batch is checked)."""
    event = context.instance.get_latest_materialization_event(key)
    if event is None or event.run_id != context.run.run_id or event.asset_materialization is None:
        return None
    files = event.asset_materialization.metadata.get("batches_landed_this_run_list")
    return (list(files.value) or None) if files is not None else None


def build_landed_check(suite: Suite) -> dg.AssetChecksDefinition:
    key = landed_key(suite.target)

    def evaluate(context: dg.AssetCheckExecutionContext, cfg: Settings) -> SuiteResult:
        from data_quality import history

        files = _landed_this_run(context, key)
        if files is not None and history.last_run_passed(suite.name, history.history_path(cfg.quality_dir)) is False:
            context.log.info(f"{suite.name} failed in its last run: checking every landed batch")
            files = None
        with landing_step(context, cfg):
            batches = None if files is None else batch_ids(cfg.landed_dir, suite.target, files)
            return run_landed_suite(cfg.landed_dir, suite, batches, key_counts_dir(cfg.quality_dir))

    return _suite_check(
        suite, key, LANDED_CHECK, evaluate,
        # it reads the other entities it joins, so it waits until they have landed too
        additional_deps=[landed_key(name) for name in suite.relations_read if name != suite.target],
        description=f"Suite `{suite.name}` {_summary(suite)}: DuckDB aggregates over the batches the run landed.",
    )


def build_published_check(suite: Suite) -> dg.AssetChecksDefinition:
    def evaluate(context: dg.AssetCheckExecutionContext, cfg: Settings) -> SuiteResult:
        with warehouse_step(context, cfg), connect_warehouse(cfg, read_only=True) as con:
            frame = read_published_frame(con, relations.load(), suite)
        return run_frame_suite(suite, frame)

    return _suite_check(
        suite, _model_key(suite.target), PUBLISHED_CHECK, evaluate,
        description=f"Suite `{suite.name}` {_summary(suite)}: DuckDB aggregates over the table before it is published.",
    )


landed_quality_checks = [build_landed_check(s) for s in LANDED_SUITES]
published_quality_checks = [build_published_check(s) for s in PUBLISHED_SUITES]


@daily_asset(
    key=["quality", "hygiene_report"],
    description="The nightly hygiene report: static HTML with charts and one CSV per finding type.",
    group_name="quality",
    kinds={"python", "html"},
    deps=[_model_key(name) for name in REPORT_MODELS],
)
def hygiene_report(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """Record tonight's findings in the history and write the report."""
    from data_quality import history
    from data_quality.evaluate_findings import load_defects, score, to_frame
    from data_quality.report import load_report_data, write_report

    cfg = settings.load()
    as_of = as_of_date(context)
    history_file = history.history_path(cfg.quality_dir)
    defects = load_defects(cfg.ground_truth_dir)
    with warehouse_step(context, cfg), connect_warehouse(cfg, read_only=True) as con:
        data = load_report_data(con, relations.load(), history_file, as_of)
    history.record_findings(data.findings, as_of, context.run.run_id, history_file)
    data.findings_history = history.read_table("findings_history", history_file)
    if defects is not None:
        # Only a simulated organisation has ground truth; real data is never evaluated.
        data.evaluation = to_frame(score(data.findings, defects))
    index = write_report(data, cfg.hygiene_report_dir)
    by_severity = data.findings["severity"].value_counts().to_dict() if len(data.findings) else {}
    metadata = {
        "report": dg.MetadataValue.path(str(index)),
        "as_of_date": as_of.isoformat(),
        "findings": len(data.findings),
        "findings_by_severity": dg.MetadataValue.json({k: int(v) for k, v in sorted(by_severity.items())}),
        "capture_gap_user_days": len(data.gap_days),
        "dagster/row_count": len(data.findings),
    }
    if data.evaluation is not None:
        failing = data.evaluation[~data.evaluation["passed"]]["defect_type"].tolist()
        metadata["evaluation_failing_types"] = dg.MetadataValue.json(failing)
    return dg.MaterializeResult(metadata=metadata)
