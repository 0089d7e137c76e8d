"""The serving release: published dbt models copied for BI tools and swapped in atomically."""

import shutil
import tempfile
import threading
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, get_asset_key_for_model

from orchestration.dbt_project import DBT_PROJECT
from orchestration.defs.dbt_models import as_of_date, dbt_models
from orchestration.defs.quality_assets import published_quality_checks
from orchestration.partitions import daily_asset
from orchestration.publishing import publish
from orchestration.release_guard import refuse_if_checks_failed
from orchestration.step_locks import warehouse_step
from runtime import relations, serving, settings


@daily_asset(
    key=["serving", "release"],
    description=f"The published tables as one release (DuckDB schema `{serving.SCHEMA}` + Parquet), swapped in atomically.",
    group_name="serving",
    kinds={"duckdb", "parquet"},
    deps=[get_asset_key_for_model([dbt_models], r.name) for r in relations.load().published().values()],
)
def serving_release(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> dg.MaterializeResult:
    """Copy the published models into a new release and make it current."""
    # the published-table suites block the release even when it is materialised on its own
    refuse_if_checks_failed(context, [key for check in published_quality_checks for key in check.check_keys])
    cfg = settings.load()
    as_of = as_of_date(context)
    release_id = f"{as_of.isoformat()}_{context.run.run_id[:8]}"
    pages: dict[str, object] = {}

    def write_pages(folder: Path) -> None:
        from pages.build import build_release_site  # templates and charts load only when a release is written

        # The pages are a view of the tables: if they cannot be drawn, BI tools still get the tables.
        try:
            result = build_release_site(folder, log=context.log.info, memory_limit=cfg.duckdb_frames_memory_limit)
            pages.update(result.pages, seconds=result.seconds)
        except Exception as exc:  # noqa: BLE001 - reported in the log and the metadata, never fatal
            context.log.error(f"the static pages could not be written: {type(exc).__name__}: {exc}")
            pages["error"] = f"{type(exc).__name__}: {exc}"

    def write_docs(folder: Path) -> None:
        # dbt's docs of the models (descriptions, columns, lineage, each model's SQL as written) as
        # one static page beside the tables; like the pages, never worth losing the release over.
        # Not compiled: compiling every model and test again is most of what generating costs, and
        # compiled SQL only repeats the written SQL with this night's date filled in. Uncompiled,
        # dbt embeds the manifest it finds in the target folder: the project's, which the code
        # location runs (the catalog, the warehouse's columns, is read for this release).
        try:
            with tempfile.TemporaryDirectory(prefix="relintel-docs-") as tmp:
                shutil.copyfile(DBT_PROJECT.manifest_path, Path(tmp) / DBT_PROJECT.manifest_path.name)
                dbt.cli(["docs", "generate", "--static", "--no-compile", *cfg.dbt_arguments(as_of)],
                        target_path=Path(tmp)).wait()
                (folder / serving.DOCS_DIR).mkdir()
                shutil.copyfile(Path(tmp) / "static_index.html", folder / serving.DOCS_DIR / "index.html")
        except Exception as exc:  # noqa: BLE001 - reported in the log and the metadata, never fatal
            context.log.error(f"the dbt docs could not be written: {type(exc).__name__}: {exc}")
            pages["docs_error"] = f"{type(exc).__name__}: {exc}"

    def decorate(folder: Path) -> None:
        # dbt's docs are a subprocess reading the warehouse, the pages Python reading the release:
        # they run side by side (each writes a folder of its own).
        docs = threading.Thread(target=write_docs, args=(folder,), name="dbt-docs")
        docs.start()
        try:
            write_pages(folder)
        finally:
            docs.join()

    with warehouse_step(context, cfg):
        manifest = relations.load()
        if cfg.target == "postgres":
            from targets.postgres import publish_schema

            # BI tools on the server read the schema `serving`; the files below are the same release
            counts = publish_schema(cfg.postgres, manifest.published(), serving.SCHEMA, release_id)
            context.log.info(f"postgres: schema {serving.SCHEMA} now holds {len(counts)} tables of release {release_id}")
        source = {"postgres": cfg.postgres, "spark": cfg.spark}.get(cfg.target, cfg.warehouse_path)
        # DuckDB's in-process share, as for the pages: this process holds what earlier steps left
        release = publish(source, cfg.serving_dir, manifest.published(), release_id, decorate,
                          memory_limit=cfg.duckdb_frames_memory_limit)
    current = cfg.serving_dir / "current"
    return dg.MaterializeResult(
        metadata={
            "pages": dg.MetadataValue.json(pages),
            "site": dg.MetadataValue.path(str(current / serving.SITE_DIR / "index.html")),
            "docs": dg.MetadataValue.path(str(current / serving.DOCS_DIR / "index.html")),
            "release": release.release_id,
            "as_of_date": as_of.isoformat(),
            "duckdb_file": dg.MetadataValue.path(str(current / serving.DATABASE_FILE)),
            "parquet_dir": dg.MetadataValue.path(str(current / serving.PARQUET_DIR)),
            "tables": dg.MetadataValue.json(release.tables),
            # the tables published by month: the months copied from the warehouse, and how many
            # were kept unchanged from the previous release
            "months_written": dg.MetadataValue.json({t: list(m.written) for t, m in release.months.items()}),
            "months_kept": dg.MetadataValue.json({t: m.kept for t, m in release.months.items()}),
            "dagster/row_count": sum(release.tables.values()),
        }
    )
