"""Landing assets: one per contract entity, each landing its new extract batches as typed Parquet."""

from pathlib import Path

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq

from data_quality.landing_checks import row_accounting
from ingest import contract
from ingest.batch_files import storage_key
from ingest.landing import NOT_LANDED, land_entity
from orchestration.metadata import markdown_preview
from orchestration.partitions import DAILY, SINGLE_RUN
from orchestration.step_locks import landing_step
from runtime import settings

ROW_ACCOUNTING = "row_accounting"


def landed_key(entity_name: str) -> dg.AssetKey:
    # Matches the dbt source `landed`, so dbt models hang off these assets in the graph.
    return dg.AssetKey(["landed", entity_name])


def _row_accounting(landed_dir: Path, entity_name: str) -> dg.AssetCheckResult:
    result = row_accounting(landed_dir, entity_name)
    return dg.AssetCheckResult(
        check_name=ROW_ACCOUNTING,
        passed=result.passed,
        metadata={"batches_checked": result.batches_checked, "mismatches": dg.MetadataValue.json(result.mismatches)},
    )


def build_landing_asset(ent: contract.Entity) -> dg.AssetsDefinition:
    key = landed_key(ent.name)

    @dg.asset(
        key=key,
        description=f"Typed Parquet of the `{ent.name}` extract batches; rows breaking the contract are quarantined.",
        group_name="landing",
        kinds={"python", "parquet"},
        partitions_def=DAILY,
        backfill_policy=SINGLE_RUN,
        check_specs=[dg.AssetCheckSpec(ROW_ACCOUNTING, asset=key, blocking=True,
                                       description="landed + quarantined = read, for every batch")],
        metadata={"contract": f"docs/extract-contract.md#{ent.name}", "primary_key": list(ent.primary_key)},
    )
    def _land(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        cfg = settings.load()
        with landing_step(context, cfg):
            results = land_entity(ent.name, cfg.extract_dir, cfg.landed_dir, keep_bodies=cfg.store_bodies)
            check = _row_accounting(cfg.landed_dir, ent.name)
        changed = [r for r in results if r.status != "unchanged"]
        for r in changed:
            if r.status in NOT_LANDED:
                context.log.warning(f"{r.source_file}: {r.status}: {r.reason}")
            elif r.rows_quarantined:
                context.log.warning(f"{r.source_file}: {r.rows_quarantined} of {r.rows_read} rows quarantined")
        landed = [r for r in results if r.status not in NOT_LANDED]
        latest = cfg.landed_dir / ent.name / f"{storage_key(landed[-1].batch_id)}.parquet" if landed else None
        metadata = {
            "dagster/row_count": sum(r.rows_landed for r in results),
            "rows_read": sum(r.rows_read for r in results),
            "rows_quarantined": sum(r.rows_quarantined for r in results),
            "batches": len(results),
            "batches_landed_this_run": len(changed),
            "batches_landed_this_run_list": dg.MetadataValue.json([r.source_file for r in changed]),
            "files_failed_refused_or_skipped": dg.MetadataValue.json(
                {r.source_file: f"{r.status}: {r.reason}" for r in results if r.status in NOT_LANDED}),
        }
        if latest is not None and latest.exists():
            # Only the rows shown: a month of activities need not be read for a five-row preview.
            first_rows = next(pq.ParquetFile(latest).iter_batches(batch_size=5), None)
            if first_rows is not None:
                metadata["preview"] = markdown_preview(pa.Table.from_batches([first_rows]))
        return dg.MaterializeResult(metadata=metadata, check_results=[check])

    return _land


landing_assets = [build_landing_asset(ent) for ent in contract.ENTITIES.values()]
