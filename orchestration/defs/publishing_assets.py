"""The serving release: published dbt models copied for BI tools and swapped in atomically."""

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from orchestration.defs.dbt_models import as_of_date, dbt_models
from orchestration.defs.quality_assets import published_quality_checks
from orchestration.partitions import daily_asset
from orchestration.publishing import DATABASE_FILE, PARQUET_DIR, SERVING_SCHEMA, publish
from orchestration.release_guard import refuse_if_checks_failed
from orchestration.step_locks import warehouse_step
from runtime import relations, settings


@daily_asset(
    key=["serving", "release"],
    description=f"The published tables as one release (DuckDB schema `{SERVING_SCHEMA}` + Parquet), swapped in atomically.",
    group_name="serving",
    kinds={"duckdb", "parquet"},
    deps=[get_asset_key_for_model([dbt_models], r.name) for r in relations.load().published().values()],
)
def serving_release(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """Copy the published models into a new release and make it current."""
    # the published-table suites block the release even when it is materialised on its own
    refuse_if_checks_failed(context, [key for check in published_quality_checks for key in check.check_keys])
    cfg = settings.load()
    as_of = as_of_date(context)
    release_id = f"{as_of.isoformat()}_{context.run.run_id[:8]}"
    with warehouse_step(context, cfg):
        release = publish(cfg.warehouse_path, cfg.serving_dir, relations.load().published(), release_id)
    current = cfg.serving_dir / "current"
    return dg.MaterializeResult(
        metadata={
            "release": release.release_id,
            "as_of_date": as_of.isoformat(),
            "duckdb_file": dg.MetadataValue.path(str(current / DATABASE_FILE)),
            "parquet_dir": dg.MetadataValue.path(str(current / PARQUET_DIR)),
            "tables": dg.MetadataValue.json(release.tables),
            "dagster/row_count": sum(release.tables.values()),
        }
    )
