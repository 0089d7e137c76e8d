"""Data quality in the pipeline: Great Expectations suites as blocking asset checks on the landed
extracts and on the tables about to be published, and the nightly hygiene report.

A critical expectation that fails makes its check fail with ERROR; the checks are blocking, so
nothing downstream of the checked asset runs in that run: a bad extract stops the dbt build (and
with it scoring and publishing), a bad published table stops the serving release.
"""

import string

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from data_quality import history
from data_quality.evaluate_findings import load_defects, score, to_frame
from data_quality.frames import read_landed_frame, read_published_frame
from data_quality.gx_runner import validate
from data_quality.report import load_report_data, report_dir, write_report
from data_quality.suites import LANDED_SUITES, PUBLISHED_SUITES, Suite
from ingest import settings
from orchestration.dbt_project import model_relations
from orchestration.defs.dbt_models import as_of_date, dbt_models
from orchestration.defs.landing_assets import landed_key
from orchestration.locks import exclusive
from orchestration.partitions import DAILY, SINGLE_RUN, WAREHOUSE_POOL
from orchestration.quality_checks import check_result

LANDED_CHECK = "gx_landed_suite"
PUBLISHED_CHECK = "gx_published_suite"
REPORT_MODELS = (
    "hygiene_findings", "hygiene_rules", "hygiene_capture_gap_days", "hygiene_role_coverage",
    "hygiene_rep_capture_discipline", "dim_users", "landing_quarantine",
)


def _relations_read(suite: Suite) -> list[str]:
    return sorted({name for _, name, _, _ in string.Formatter().parse(suite.query) if name})


def _model_key(name: str) -> dg.AssetKey:
    return get_asset_key_for_model([dbt_models], name)


def build_landed_check(suite: Suite) -> dg.AssetChecksDefinition:
    key = landed_key(suite.target)
    others = [landed_key(name) for name in _relations_read(suite) if name != suite.target]

    @dg.asset_check(
        asset=key,
        name=LANDED_CHECK,
        blocking=True,
        # it reads the other entities it joins, so it waits until they have landed too
        additional_deps=others,
        description=f"Great Expectations suite `{suite.name}` ({len(suite.checks)} expectations, "
        f"{len(suite.critical_checks)} critical).",
    )
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        with exclusive(settings.landed_dir() / ".landing.lock"):
            frame = read_landed_frame(settings.landed_dir(), suite)
        return check_result(context, suite, validate(suite, frame), key)

    return _check


def build_published_check(suite: Suite) -> dg.AssetChecksDefinition:
    key = _model_key(suite.target)

    @dg.asset_check(
        asset=key,
        name=PUBLISHED_CHECK,
        blocking=True,
        pool=WAREHOUSE_POOL,
        description=f"Great Expectations suite `{suite.name}` on the table before it is published "
        f"({len(suite.checks)} expectations, {len(suite.critical_checks)} critical).",
    )
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        relations = model_relations()
        with exclusive(settings.warehouse_path().with_suffix(".lock")):
            frame = read_published_frame(settings.warehouse_path(), relations, suite)
        return check_result(context, suite, validate(suite, frame), key)

    return _check


landed_quality_checks = [build_landed_check(s) for s in LANDED_SUITES]
published_quality_checks = [build_published_check(s) for s in PUBLISHED_SUITES]


@dg.asset(
    key=["quality", "hygiene_report"],
    description="The nightly hygiene report: static HTML with charts and one CSV per finding type.",
    group_name="quality",
    kinds={"python", "html"},
    partitions_def=DAILY,
    backfill_policy=SINGLE_RUN,
    pool=WAREHOUSE_POOL,
    deps=[_model_key(name) for name in REPORT_MODELS],
)
def hygiene_report(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """Record tonight's findings in the history and write the report."""
    as_of = as_of_date(context)
    relations = model_relations()
    defects = load_defects(settings.ground_truth_dir())
    with exclusive(settings.warehouse_path().with_suffix(".lock")):
        data = load_report_data(settings.warehouse_path(), relations, as_of)
    history.record_findings(data.findings, as_of, context.run.run_id)
    data.findings_history = history.read_table("findings_history")
    if defects is not None:
        # Only a simulated organisation has ground truth; real data is never evaluated.
        data.evaluation = to_frame(score(data.findings, defects))
    index = write_report(data, report_dir())
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

