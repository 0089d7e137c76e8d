"""The serving release: published dbt models copied for BI tools and swapped in atomically."""

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from ingest import settings
from orchestration.dbt_project import PUBLISHED_TAG, manifest_nodes, schema_qualified
from orchestration.defs.dbt_models import as_of_date, dbt_models
from orchestration.locks import exclusive
from orchestration.partitions import DAILY, SINGLE_RUN, WAREHOUSE_POOL
from orchestration.publishing import publish


def published_models() -> dict[str, str]:
    """Published table name -> `schema.table` in the warehouse, for every dbt model tagged `published`."""
    return {
        node["alias"]: schema_qualified(node)
        for node in sorted(manifest_nodes().values(), key=lambda n: n["unique_id"])
        if node["resource_type"] == "model" and PUBLISHED_TAG in node.get("tags", [])
    }


@dg.asset(
    key=["serving", "release"],
    description="The published tables as one release (DuckDB schema `serving` + Parquet), swapped in atomically.",
    group_name="serving",
    kinds={"duckdb", "parquet"},
    partitions_def=DAILY,
    backfill_policy=SINGLE_RUN,
    pool=WAREHOUSE_POOL,
    deps=[get_asset_key_for_model([dbt_models], name) for name in published_models()],
)
def serving_release(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """Copy the published models into a new release and make it current."""
    as_of = as_of_date(context)
    release_id = f"{as_of.isoformat()}_{context.run.run_id[:8]}"
    with exclusive(settings.warehouse_path().with_suffix(".lock")):
        release = publish(settings.warehouse_path(), settings.serving_dir(), published_models(), release_id)
    return dg.MaterializeResult(
        metadata={
            "release": release.release_id,
            "as_of_date": as_of.isoformat(),
            "duckdb_file": dg.MetadataValue.path(str(settings.serving_dir() / "current" / "relintel.duckdb")),
            "parquet_dir": dg.MetadataValue.path(str(settings.serving_dir() / "current" / "parquet")),
            "tables": dg.MetadataValue.json(release.tables),
            "dagster/row_count": sum(release.tables.values()),
        }
    )
