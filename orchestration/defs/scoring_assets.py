"""Scoring: train the health scorers (weekly schedule), score daily snapshots, evaluate, and check."""


import datetime as dt
import json
from collections import Counter
from typing import TYPE_CHECKING, Any

import dagster as dg
import pyarrow as pa
from dagster_dbt import get_asset_key_for_model

from models_ml import report, warehouse
from models_ml.config import ScoringConfig, load_config
from models_ml.entities import ENTITIES, SPECS
from orchestration.defs.dbt_models import as_of_date, dbt_models, dbt_serving_models, range_start
from orchestration.metadata import markdown_preview
from orchestration.partitions import DAILY, SINGLE_RUN
from orchestration.step_locks import warehouse_step
from runtime import settings
from targets.warehouse import Warehouse
from targets.warehouse import connect as connect_warehouse

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pandas as pd

INPUT_MODELS = [SPECS[e].inputs_model for e in ENTITIES]
LABEL_MODELS = [SPECS[e].label_model for e in ENTITIES]
# What the scoring reads besides its inputs: the deal contacts whose health a deal rolls up.
ROLLUP_MODELS = ["dim_opportunity_contacts"]
MODELS_KEY = dg.AssetKey(["ml", "models"])
# What only the weekly job materialises (the daily job trains only on a first run, inside scoring).
TRAINING_ASSETS = (MODELS_KEY,)
# Asset keys of the scorer's snapshot tables: the dbt source `ml` they are, so dbt models reading
# them hang off these assets.
SCORE_KEYS = {e: dg.AssetKey([warehouse.ML_SOURCE, SPECS[e].snapshot_table]) for e in ENTITIES}
EVALUATION_KEY = dg.AssetKey(["reports", "model_evaluation"])


def _upstream(names: list[str]) -> list[dg.AssetKey]:
    return [get_asset_key_for_model([dbt_models], n) for n in names]


@dg.asset(
    key=MODELS_KEY,
    description="Health scorers per entity (calibrated gradient boosting, or the weighted rule when the model did not beat it out of sample or labels are scarce), versioned with model cards. Trained by the weekly job (and by the daily job's scoring step on a first run, when no model exists, and one version covering the 30-day trend window before its day); a backfill also trains the weekly versions its dates would have had.",
    group_name="scoring",
    kinds={"scikit-learn", "python"},
    partitions_def=DAILY,
    backfill_policy=SINGLE_RUN,
    deps=_upstream(INPUT_MODELS + LABEL_MODELS),
)
def ml_models(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """Train every entity's scorer on labels known by the run's as-of date; over a range (a backfill),
    also the versions its earlier dates would have had (`training.backfill_training_every_days`)."""
    cfg = settings.load()
    config = load_config(cfg.scoring_config)
    with warehouse_step(context, cfg), connect_warehouse(cfg, read_only=True) as con:
        metadata = _train(context, con, cfg, config, _training_cutoffs(context, config))
    return dg.MaterializeResult(metadata=metadata)


def _train(context: dg.AssetExecutionContext, con: Warehouse, cfg: settings.Settings, config: ScoringConfig,
           cutoffs: list[dt.date], meanwhile: "Iterator[object] | None" = None) -> dict[str, Any]:
    """Train the cut-offs, taking steps of `meanwhile` while the workers fit (pipeline.train_all);
    the materialisation metadata of the models asset."""
    from models_ml import pipeline

    results = pipeline.train_all(con, cutoffs, config, cfg.models_dir, context.log.info, meanwhile)
    summary = {e: {"version": r.version, "method": r.card["method"], "fallback_reason": r.card["fallback_reason"],
                   "holdout": {k: {"roc_auc": m["roc_auc"], "ece": m["ece"]} for k, m in r.card["metrics"].items()}}
               for e, r in results.items()}
    return {
        "as_of_date": as_of_date(context).isoformat(),
        "training_cutoffs": dg.MetadataValue.json([c.isoformat() for c in cutoffs]),
        "models_dir": dg.MetadataValue.path(str(cfg.models_dir)),
        "models": dg.MetadataValue.json(summary),
    }


def _training_cutoffs(context: dg.AssetExecutionContext, config: ScoringConfig, first_run: bool = False) -> list[dt.date]:
    """The run's cut-offs: a range's weekly ones ending on its as-of date; a first run's also cover
    the trend window before its day."""
    from models_ml import pipeline

    return (pipeline.first_run_cutoffs if first_run else pipeline.training_cutoffs)(
        range_start(context), as_of_date(context), config.backfill_training_every_days)


@dg.multi_asset(
    specs=[dg.AssetSpec(key, description=f"Daily {e} health snapshots (score, rating, sub-scores, reasons, trend) for the partition range.",
                        group_name="scoring", kinds={"python", "duckdb"},
                        deps=[MODELS_KEY, *_upstream(INPUT_MODELS + ROLLUP_MODELS)])
           for e, key in SCORE_KEYS.items()],
    check_specs=[dg.AssetCheckSpec(name, asset=SCORE_KEYS[e], blocking=True, description=text)
                 for e in ENTITIES for name, text in (
                     ("score_range", "scores and sub-scores within 0-100; every row scored or saying why not"),
                     ("coverage", "one snapshot per entity and day the features hold"),
                     ("no_leakage", "no snapshot after the run's as-of date, none scored by a model trained after its own date"))],
    partitions_def=DAILY,
    backfill_policy=SINGLE_RUN,
)
def ml_scores(context: dg.AssetExecutionContext):
    """Score every entity for the days of the partition range not yet written, each day by the model
    version current on it; written days are never rewritten (immutable, point-in-time history)."""
    import pandas as pd

    from models_ml import pipeline

    start, end = range_start(context), as_of_date(context)
    cfg = settings.load()
    config = load_config(cfg.scoring_config)
    summaries: dict[str, list[dict[str, Any]]] = {e: [] for e in ENTITIES}
    last_frames: dict[str, pd.DataFrame] = {}

    def score(con: Warehouse, first_day: dt.date, last_day: dt.date, models: "pipeline.PointInTimeModels") -> "Iterator[None]":
        """Score and write first_day..last_day a block at a time, one block per step: memory follows the
        entities, not the history; a block's trends read the days the blocks before it wrote."""
        days = pipeline.block_days(con, first_day, last_day, config)
        for block_start, block_end in pipeline.score_blocks(first_day, last_day, days):
            frames = pipeline.score_range(con, block_start, block_end, config, models, skip_written=True)
            pipeline.write_scores(con, frames)
            for entity, frame in frames.items():
                summaries[entity].append(_snapshot_summary(frame, end))
                if len(frame):
                    last_frames[entity] = frame
            if block_end < end:
                context.log.info(f"scored {block_start} .. {block_end}: "
                                 + ", ".join(f"{len(f):,} {e} snapshots" for e, f in frames.items()))
            yield

    with warehouse_step(context, cfg), connect_warehouse(cfg) as con:
        first = pipeline.first_run_start(con)
        if first is not None and first < start:
            # No snapshots yet: score the whole feature history once, each day with the model it
            # would have had (dates before the first training: the weighted rule, saying so).
            context.log.info(f"no snapshots yet: scoring the history from {first}")
            start = first
        scored_from = start
        if not pipeline.every_entity_trained(cfg.models_dir):
            # Training belongs to the weekly job; a first run has no model yet, so it trains here
            # the versions its dates would have had, and one covering the trend window before its
            # day (its last day's trends compare models), and records them as the models asset's.
            # The days before the earliest cut-off take no model trained here: they are scored
            # while the workers fit.
            context.log.info("no trained model yet (first run): training before scoring")
            cutoffs = _training_cutoffs(context, config, first_run=True)
            scored_from = max(start, min(cutoffs))
            before = score(con, start, scored_from - dt.timedelta(days=1), pipeline.PointInTimeModels(cfg.models_dir))
            context.log_event(dg.AssetMaterialization(asset_key=MODELS_KEY, partition=context.partition_key_range.end,
                                                      metadata=_train(context, con, cfg, config, cutoffs, before)))
            for _ in before:
                pass
        for _ in score(con, scored_from, end, pipeline.PointInTimeModels(cfg.models_dir)):
            pass
        expected = {e: warehouse.feature_rows(con, e, start, end) for e in ENTITIES}
        stored = {e: warehouse.snapshot_rows_between(con, e, start, end) for e in ENTITIES}
    for entity in ENTITIES:
        key = SCORE_KEYS[entity]
        parts = summaries[entity]
        written = sum(p["rows"] for p in parts)
        frame = last_frames.get(entity, pd.DataFrame(columns=["snapshot_date", "entity_name", "score", "rating", "reasons_down"]))
        last = frame[frame["snapshot_date"] == frame["snapshot_date"].max()] if len(frame) else frame
        versions = sum((Counter(p["versions"]) for p in parts), Counter())
        cutoffs = [p["latest_cutoff"] for p in parts if p["latest_cutoff"] is not None]
        yield dg.MaterializeResult(asset_key=key, metadata={
            "dagster/row_count": stored[entity],
            "snapshots_written": written,
            "snapshots_kept": stored[entity] - written,
            "snapshot_dates": f"{start} .. {end}",
            "scored_share": round(sum(p["scored"] for p in parts) / written, 4) if written else 0.0,
            "model_versions": dg.MetadataValue.json(dict(sorted(versions.items()))),
            "ratings_last_day": dg.MetadataValue.json(last["rating"].fillna("unscored").value_counts().to_dict()),
            "preview": markdown_preview(pa.Table.from_pandas(
                last.sort_values("score", ascending=False).head(5)[
                    ["snapshot_date", "entity_name", "score", "rating", "reasons_down"]], preserve_index=False)),
        })
        yield dg.AssetCheckResult(asset_key=key, check_name="score_range", passed=all(p["in_range"] for p in parts))
        yield dg.AssetCheckResult(asset_key=key, check_name="coverage", passed=stored[entity] == expected[entity],
                                  metadata={"snapshots": stored[entity], "feature_rows": expected[entity]})
        yield dg.AssetCheckResult(asset_key=key, check_name="no_leakage", passed=all(p["leak_free"] for p in parts),
                                  metadata={"latest_training_cutoff": str(max(cutoffs)) if cutoffs else "",
                                            "run_as_of": end.isoformat()})


def _snapshot_summary(frame: "pd.DataFrame", end: dt.date) -> dict[str, Any]:
    """What the checks and the metadata need of one block's snapshots of an entity type."""
    import pandas as pd

    scored = frame["score"].notna()
    sub = frame[[c for c in frame.columns if c.endswith("_score") and c != "rule_score"]]
    cutoffs = frame["training_cutoff"].dropna()
    return {
        "rows": len(frame),
        "scored": int(scored.sum()),
        "in_range": bool(((frame["score"].dropna() >= 0) & (frame["score"].dropna() <= 100)).all()
                         and ((sub.stack().dropna() >= 0) & (sub.stack().dropna() <= 100)).all()
                         and (scored | frame["unscored_reason"].notna()).all()),
        "leak_free": bool((len(frame) == 0 or frame["snapshot_date"].max() <= end)
                          and (cutoffs <= pd.to_datetime(frame.loc[cutoffs.index, "snapshot_date"])).all()),
        "versions": frame["model_version"].value_counts().to_dict() if len(frame) else {},
        "latest_cutoff": cutoffs.max() if len(cutoffs) else None,
    }


@dg.asset(
    key=EVALUATION_KEY,
    description="model_evaluation.md / .json in data/reports: held-out metrics of each scorer vs three baselines, and ground-truth agreement on the simulator.",
    group_name="scoring",
    kinds={"python"},
    partitions_def=DAILY,
    backfill_policy=SINGLE_RUN,
    deps=[MODELS_KEY, *SCORE_KEYS.values(),
          get_asset_key_for_model([dbt_serving_models], report.DECLINE_LEADS_MODEL)],
)
def model_evaluation(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """Write the evaluation report from the current model cards and the snapshots."""
    from models_ml import artefacts, pipeline

    cfg = settings.load()
    config = load_config(cfg.scoring_config)
    cards = {e: artefacts.load_current(e, cfg.models_dir)[1] for e in ENTITIES}
    since = min(dt.date.fromisoformat(c["window"]["holdout_start"]) for c in cards.values())
    with warehouse_step(context, cfg), connect_warehouse(cfg, read_only=True) as con:
        truth = report.ground_truth_checks(con, cfg.ground_truth_dir, since, config.evaluation_minimum_rows_per_day)
        bands = report.band_shares(con, as_of_date(context))
    payload = {"as_of_date": as_of_date(context).isoformat(), "entities": cards, "ground_truth": truth, "band_shares": bands}
    out = cfg.reports_dir
    pipeline.write_json(out / "model_evaluation.json", payload)
    (out / "model_evaluation.md").write_text(report.markdown(cards, truth, bands))
    headline = {e: {k: c["metrics"].get(k, {}).get("roc_auc") for k in ("model", *report.BASELINES)} for e, c in cards.items()}
    return dg.MaterializeResult(metadata={
        "report": dg.MetadataValue.path(str(out / "model_evaluation.md")),
        "roc_auc": dg.MetadataValue.json(headline),
        "ground_truth": dg.MetadataValue.json(json.loads(json.dumps(truth, default=str))),
    })


weekly_training = dg.define_asset_job(
    "weekly_training",
    selection=dg.AssetSelection.assets(MODELS_KEY, EVALUATION_KEY),
    executor_def=dg.in_process_executor,
    description="Retrain the health scorers on the latest labels and refresh the evaluation report.",
)



@dg.schedule(job=weekly_training, cron_schedule="0 3 * * 1", name="weekly_training_schedule")
def weekly_training_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Mondays 03:00, after the nightly run: retrain as of the latest partition."""
    return dg.RunRequest(partition_key=DAILY.get_last_partition_key())
