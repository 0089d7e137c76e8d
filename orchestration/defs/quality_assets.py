"""Data quality in the pipeline: Great Expectations suites as blocking asset checks on the landed
extracts and on the tables about to be published, and the nightly hygiene report.

A critical expectation that fails makes its check fail with ERROR; the checks are blocking, so
nothing downstream of the checked asset runs in that run: a bad extract stops the dbt build (and
with it scoring and publishing), a bad published table stops the serving release.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from data_quality.frames import read_landed_frame, read_published_frame
from data_quality.gx_runner import validate
from data_quality.suites import LANDED_SUITES, PUBLISHED_SUITES, Suite
from orchestration.defs.dbt_models import as_of_date, dbt_models
from orchestration.defs.landing_assets import landed_key
from orchestration.partitions import daily_asset
from orchestration.quality_checks import check_result
from orchestration.step_locks import landing_step, warehouse_step
from runtime import relations, settings
from runtime.settings import Settings

if TYPE_CHECKING:
    import pandas as pd

LANDED_CHECK = "gx_landed_suite"
PUBLISHED_CHECK = "gx_published_suite"
REPORT_MODELS = (
    "hygiene_findings", "hygiene_rules", "hygiene_capture_gap_days", "hygiene_role_coverage",
    "hygiene_rep_capture_discipline", "dim_users", "landing_quarantine",
)


def _model_key(name: str) -> dg.AssetKey:
    return get_asset_key_for_model([dbt_models], name)


def _suite_check(suite: Suite, key: dg.AssetKey, name: str, lock: Callable[[Any, Settings], AbstractContextManager[None]],
                 read_frame: Callable[[Settings], "pd.DataFrame"], **spec: Any) -> dg.AssetChecksDefinition:
    """A blocking check running the suite on the frame read_frame gives, read while holding lock."""

    @dg.asset_check(asset=key, name=name, blocking=True, **spec)
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        from data_quality import history

        cfg = settings.load()
        with lock(context, cfg):
            frame = read_frame(cfg)
        return check_result(context, suite, validate(suite, frame), key, history.history_path(cfg.quality_dir))

    return _check


def _summary(suite: Suite) -> str:
    return f"({len(suite.checks)} expectations, {len(suite.critical_checks)} critical)"


def build_landed_check(suite: Suite) -> dg.AssetChecksDefinition:
    return _suite_check(
        suite, landed_key(suite.target), LANDED_CHECK,
        lock=landing_step,
        read_frame=lambda cfg: read_landed_frame(cfg.landed_dir, suite),
        # it reads the other entities it joins, so it waits until they have landed too
        additional_deps=[landed_key(name) for name in suite.relations_read if name != suite.target],
        description=f"Great Expectations suite `{suite.name}` {_summary(suite)}.",
    )


def build_published_check(suite: Suite) -> dg.AssetChecksDefinition:
    return _suite_check(
        suite, _model_key(suite.target), PUBLISHED_CHECK,
        lock=warehouse_step,
        read_frame=lambda cfg: read_published_frame(cfg.warehouse_path, relations.load(), suite),
        description=f"Great Expectations suite `{suite.name}` on the table before it is published {_summary(suite)}.",
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
    with warehouse_step(context, cfg):
        data = load_report_data(cfg.warehouse_path, relations.load(), history_file, as_of)
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
