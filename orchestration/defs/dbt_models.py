"""The dbt models in two `dbt build` steps for the partition range's as-of date: everything up to
the point-in-time features first, then the serving health tables once the Python scorer has
written its snapshots (models/serving reads them as the `ml` source)."""

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from news.collecting import FEED_RUNS_DIR, ITEMS_DIR, news_dir
from orchestration.dbt_project import DBT_PROJECT
from orchestration.partitions import DAILY, SINGLE_RUN
from orchestration.step_locks import warehouse_step
from runtime import relations, settings
from targets.warehouse import ENGINE_ERRORS
from targets.warehouse import connect as connect_warehouse

# Models reading the scorer's output (the dbt source `ml`: the health tables and the evaluation's
# decline leads) or the news step's (landed news items, matches) build in a second step, after
# scoring and the news step.
SERVING_SELECTION = "source:ml+ source:news_landed+ source:news+"
# dbt's unit tests check the models' SQL on fixed inputs, not the data: the test suite runs them
# (tests/dbt/test_dbt_build.py), and a run's build runs the models and their data tests only. On
# a server warehouse each unit test is a round of queries (Spark: 40 s for the six).
RUN_EXCLUDES = ["--exclude-resource-type", "unit_test"]
# A run tagged with this (`python -m orchestration.run DATE --full-refresh`) rebuilds every
# incremental model whole: the day-grained models' history, the serving tables from the scorer's.
FULL_REFRESH_TAG = "relintel/dbt_full_refresh"
# Each dbt invocation writes its compiled SQL, logs and run_results.json to a folder of its own under
# the project's target (about 8 MB): a step keeps its last week of nights to look into, not every
# night since it was installed.
KEPT_INVOCATION_TARGETS = 7


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


def _row_counts(cfg: settings.Settings, tables: dict[str, relations.Relation]) -> dict[str, int]:
    """Row counts of the built models (by unique id), read after dbt released the warehouse."""
    counts: dict[str, int] = {}
    with connect_warehouse(cfg, read_only=True) as con:
        for unique_id, relation in tables.items():
            try:
                counts[unique_id] = con.sql(f"select count(*) from {relation.sql}").fetchall()[0][0]
            except ENGINE_ERRORS:
                continue  # views on missing inputs have no count to report
    return counts


def _unique_id(event: Any) -> str | None:
    """The dbt node a Dagster event from dbt is about, if any."""
    value = (getattr(event, "metadata", None) or {}).get("unique_id")
    value = getattr(value, "value", value)
    return value if isinstance(value, str) else None


def _built_tables(events: list[Any]) -> dict[str, relations.Relation]:
    """unique id -> warehouse relation of every table the events report on. Views are left out:
    counting a view's rows computes the view (a staging view reads every landed file again)."""
    manifest = relations.load()
    models = manifest.models()
    nodes = {uid: manifest.nodes.get(uid, {}) for uid in map(_unique_id, events) if uid}
    return {uid: models[node["name"]] for uid, node in nodes.items()
            if node.get("resource_type") == "model" and node["name"] in models
            and node.get("config", {}).get("materialized") != "view"}


def _share_parse(invocation_target: Path) -> None:
    """Offer this invocation's parsed project to the next one: each dbt invocation starts from the
    project target's partial_parse.msgpack, and one parsed with the run's values lets the run's
    second step skip a full re-parse (dbt re-parses anyway when the values differ)."""
    parsed = invocation_target / "partial_parse.msgpack"
    if not parsed.exists():
        return
    shared = DBT_PROJECT.project_dir / "target" / parsed.name
    staged = shared.with_name(f".{parsed.name}.{os.getpid()}")
    shutil.copyfile(parsed, staged)
    os.replace(staged, shared)  # atomic: a concurrent invocation reads the old file or the new one


def _prune_invocation_targets(invocation_target: Path) -> None:
    """Remove the target folders of this step's finished invocations but the newest
    KEPT_INVOCATION_TARGETS. dbt writes run_results.json last, so a folder without it belongs to an
    invocation still running (a concurrent run of another data folder) or one that was killed, and is
    left alone: a killed one's logs are what a user reads next."""
    step = invocation_target.name.rsplit("-", 2)[0]  # dagster-dbt names it <step>-<run id>-<unique id>
    finished = sorted((results.stat().st_mtime, results.parent) for results in
                      invocation_target.parent.glob(f"{step}-*-*/run_results.json"))
    for _, folder in finished[:-KEPT_INVOCATION_TARGETS]:
        shutil.rmtree(folder, ignore_errors=True)


def _build(context: dg.AssetExecutionContext, dbt: DbtCliResource, *, reads_extracts: bool) -> Iterator[Any]:
    """One `dbt build` of the step's selection, holding the warehouse lock, with the run's values.
    On a server warehouse, what the step reads of the landed folder is loaded first: the models
    step's extracts (what landed since the last load), the serving step's news (after the news step);
    Spark reads them in place, through external tables registered first."""
    cfg = settings.load()
    as_of = as_of_date(context)
    context.log.info(f"dbt build as of {as_of} on {cfg.target}")
    # Events are held until dbt exits: DuckDB has one writer, so row counts are read afterwards.
    news_folders = {name: news_dir(cfg.landed_dir) / name for name in (ITEMS_DIR, FEED_RUNS_DIR)}
    with warehouse_step(context, cfg):
        if cfg.target == "postgres":
            from targets.postgres import load_landed, load_news

            if reads_extracts:
                loaded = load_landed(cfg.landed_dir, cfg.postgres, context.log.info)
                context.log.info(f"landed -> postgres: {loaded.loaded} batches loaded ({loaded.rows:,} rows), {loaded.deleted} removed")
            else:
                load_news(news_folders, cfg.postgres, context.log.info)
        elif cfg.target == "spark":
            from targets.spark import register_landed, register_news

            if reads_extracts:
                register_landed(cfg.landed_dir, cfg.spark, context.log.info)
            else:
                register_news(news_folders, cfg.spark, context.log.info)
        full_refresh = ["--full-refresh"] if context.run.tags.get(FULL_REFRESH_TAG) == "true" else []
        invocation = dbt.cli(["build", *cfg.dbt_arguments(as_of), *RUN_EXCLUDES, *full_refresh], context=context)
        events = list(invocation.stream())
        counts = _row_counts(cfg, _built_tables(events))
    _share_parse(Path(invocation.target_path))
    _prune_invocation_targets(Path(invocation.target_path))
    for event in events:
        uid = _unique_id(event)
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
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    """Staging, intermediate, mart, hygiene and feature models, built and tested by one `dbt build`."""
    yield from _build(context, dbt, reads_extracts=True)


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    dagster_dbt_translator=Translator(),
    select=SERVING_SELECTION,
    name="dbt_serving_models",
    partitions_def=DAILY,
    backfill_policy=SINGLE_RUN,
)
def dbt_serving_models(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    """The published health tables (contracts enforced) over the scorer's snapshots, one `dbt build`."""
    yield from _build(context, dbt, reads_extracts=False)
