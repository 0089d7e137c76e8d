"""The dbt models in two `dbt build` steps for the partition range's as-of date: everything up to
the point-in-time features first, then the serving health tables once the Python scorer has
written its snapshots (models/serving reads them as the `ml` source)."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from ingest import settings
from orchestration.dbt_project import DBT_PROJECT, manifest_nodes, schema_qualified
from orchestration.locks import environment, exclusive
from orchestration.partitions import DAILY, SINGLE_RUN, WAREHOUSE_POOL

# Models under models/serving read the scorer's output, so they build in a second step.
SERVING_SELECTION = "path:models/serving"


class Translator(DagsterDbtTranslator):
    """dbt folders become asset groups (staging, intermediate, marts, ...)."""

    def get_group_name(self, dbt_resource_props: dict[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"


def as_of_date(context: dg.AssetExecutionContext) -> dt.date:
    """Last day of the run's partition range: what 'as of' means for the whole run."""
    window = context.partition_time_window
    return (window.end - dt.timedelta(days=1)).date()


def range_start(context: dg.AssetExecutionContext) -> dt.date:
    """First day of the run's partition range."""
    return context.partition_time_window.start.date()


def _row_counts(relations: dict[str, str]) -> dict[str, int]:
    """Row counts of the built relations, read after dbt released the warehouse."""
    counts: dict[str, int] = {}
    with duckdb.connect(str(settings.warehouse_path()), read_only=True) as con:
        for unique_id, relation in relations.items():
            try:
                counts[unique_id] = con.sql(f"select count(*) from {relation}").fetchall()[0][0]
            except duckdb.Error:
                continue  # ephemeral models and views on missing inputs have no count to report
    return counts


def _build(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    """One `dbt build` of the step's selection, holding the warehouse lock, with run-specific env."""
    as_of = as_of_date(context)
    context.log.info(f"dbt build as of {as_of}")
    env = {
        "RI_AS_OF_DATE": as_of.isoformat(),
        "RI_AS_OF_START": range_start(context).isoformat(),
        "RI_LANDED_DIR": str(settings.landed_dir()),
        "RI_WAREHOUSE": str(settings.warehouse_path()),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    # Events are held until dbt exits: DuckDB has one writer, so row counts are read afterwards.
    with exclusive(settings.warehouse_path().with_suffix(".lock")), environment(**env):
        events = list(dbt.cli(["build"], context=context).stream())
        relations = {
            uid: schema_qualified(node)
            for uid, node in manifest_nodes().items()
            if node.get("resource_type") in ("model", "seed", "snapshot") and node.get("alias")
        }
        counts = _row_counts(relations)
    for event in events:
        unique_id = (getattr(event, "metadata", None) or {}).get("unique_id")
        uid = getattr(unique_id, "value", unique_id)
        if isinstance(event, dg.Output) and uid in counts:
            yield event.with_metadata({**event.metadata, "dagster/row_count": counts[uid]})
        else:
            yield event


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    dagster_dbt_translator=Translator(),
    exclude=SERVING_SELECTION,
    partitions_def=DAILY,
    backfill_policy=SINGLE_RUN,
    pool=WAREHOUSE_POOL,
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    """Staging, intermediate, mart, hygiene and feature models, built and tested by one `dbt build`."""
    yield from _build(context, dbt)


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    dagster_dbt_translator=Translator(),
    select=SERVING_SELECTION,
    name="dbt_serving_models",
    partitions_def=DAILY,
    backfill_policy=SINGLE_RUN,
    pool=WAREHOUSE_POOL,
)
def dbt_serving_models(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    """The published health tables (contracts enforced) over the scorer's snapshots, one `dbt build`."""
    yield from _build(context, dbt)
