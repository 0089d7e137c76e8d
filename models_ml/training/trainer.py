"""Train one entity type's scorer end to end: rows, fit, calibrate, walk-forward evaluation, card."""

from __future__ import annotations

import datetime as dt
import importlib.metadata as md
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from threadpoolctl import threadpool_limits

from models_ml.config import ScoringConfig
from models_ml.cutoffs import derive as derive_thresholds
from models_ml.entities import SPECS
from models_ml.training import estimator, rows as training_rows
from models_ml.training.walk_forward import holdout_metrics, segment_metrics, walk_forward_predictions

LIBRARIES = ("scikit-learn", "skops", "numpy", "pandas", "duckdb", "dbt-core")


@dataclass
class TrainResult:
    entity: str
    version: str
    model: Any | None
    card: dict[str, Any]


def train_entity(features: pd.DataFrame, label_frame: pd.DataFrame, entity: str, as_of: dt.date,
                 config: ScoringConfig, block_models: Path | None = None) -> TrainResult:
    """The published model on every outcome known by `as_of`, and its walk-forward evaluation,
    fitted with at most `config.threads` threads. The features cover rows.training_dates; the
    walk-forward blocks' models are kept in (and read from) `block_models` when given."""
    with threadpool_limits(limits=config.threads):
        return _train_entity(features, label_frame, entity, as_of, config, block_models)


def _train_entity(features: pd.DataFrame, label_frame: pd.DataFrame, entity: str, as_of: dt.date,
                  config: ScoringConfig, block_models: Path | None) -> TrainResult:
    spec = SPECS[entity]
    every_row = training_rows.training_rows(features, label_frame, spec, as_of, config.step_days[entity])
    rows = training_rows.within_window(every_row, as_of, config)
    outcomes = training_rows.labelled_outcomes(rows, spec)
    minimum = config.minimum_labels_per_class[entity]
    data_hash = training_rows.rows_hash(rows, spec)
    version = f"{entity}-{as_of.isoformat()}-{data_hash[:10]}"
    model_settings = config.model[entity]
    holdout, blocks = walk_forward_predictions(every_row, entity, as_of, config, block_models)
    metrics = holdout_metrics(holdout, entity)
    # Enough labels to train at all, then the walk-forward evidence that the model beats the rule.
    reason = training_rows.fallback_reason(outcomes, minimum) or model_choice_reason(
        blocks, metrics, config.minimum_evaluated_blocks, config.auc_margin, config.ece_tolerance)
    model = None if reason else estimator.fit_calibrated(rows, spec, config.seed, model_settings)
    card = {
        "entity": entity, "version": version, "as_of_date": as_of.isoformat(),
        "method": "weighted_rule" if model is None else
            f"HistGradientBoostingClassifier, {model_settings['calibration']} calibration on time-blocked out-of-fold predictions"
            f" ({model_settings['calibration_folds']} folds)"
            + (", every deal weighted as one outcome" if spec.one_outcome_per_entity else ""),
        "model_params": model_settings,
        "fallback_reason": reason, "label": spec.label_text,
        "window": {
            "first_as_of": _date(rows["as_of_date"].min()), "last_as_of": _date(rows["as_of_date"].max()),
            "holdout_start": training_rows.holdout_start(as_of, config).isoformat(),
            "refit_every_days": config.refit_every_days,
            "max_label_known_date": _date(rows["label_known_date"].max()) if len(rows) else None,
            "step_days": config.step_days[entity],
        },
        "rows": {"train": len(rows), "holdout": len(holdout)},
        "labelled_outcomes": {"negative": outcomes[0], "positive": outcomes[1], "minimum_per_class": minimum},
        "data_hash": data_hash, "seed": config.seed,
        "features": dict(spec.features), "segment_encoding": "one-hot of the account segment",
        "evaluation_blocks": blocks,
        "metrics": {k: {m: v for m, v in d.items() if m != "calibration"} for k, d in metrics.items()},
        "calibration_tables": {k: d["calibration"] for k, d in metrics.items()},
        "metrics_by_segment": segment_metrics(holdout),
        # models_ml/cutoffs.py: the cut-offs per segment that rate healthy outcomes alike (python -m models_ml.cutoffs)
        "derived_thresholds": derive_thresholds(holdout["p_model"] * 100.0, holdout["label"], holdout[estimator.SEGMENT],
                                                config.thresholds["default"]) if len(holdout) else {},
        "libraries": {lib: md.version(lib) for lib in LIBRARIES},
        "model_choice": _choice_summary(blocks, metrics, config, published=model is not None),
        "config": {"weights": config.weights, "minimum_labels_per_class": config.minimum_labels_per_class,
                   "minimum_evaluated_blocks": config.minimum_evaluated_blocks, "auc_margin": config.auc_margin,
                   "ece_tolerance": config.ece_tolerance},
    }
    return TrainResult(entity, version, model, card)


def fits_nothing(label_frame: pd.DataFrame, entity: str, as_of: dt.date, config: ScoringConfig) -> bool:
    """Whether training `entity` as of `as_of` fits no model at all: fewer outcomes of a class than the
    minimum were known by then. Training rows and every walk-forward block hold a subset of these
    outcomes, so each falls back to the weighted rule before fitting anything."""
    known = label_frame[pd.to_datetime(label_frame["label_known_date"]) <= pd.Timestamp(as_of)]
    outcomes = training_rows.labelled_outcomes(known, SPECS[entity])
    return training_rows.fallback_reason(outcomes, config.minimum_labels_per_class[entity]) is not None


def model_choice_reason(blocks: list[dict[str, Any]], metrics: dict[str, dict[str, Any]], minimum_blocks: int,
                        auc_margin: float, ece_tolerance: float) -> str | None:
    """Why the weighted rule scores instead of the trained model, or None when the model is published.

    `blocks` and `metrics` are the walk-forward evaluation's (walk_forward_predictions, holdout_metrics):
    the model and the weighted rule scored the same held-out rows, each block by what was known at its
    start. The model is published only when all three hold:

    (a) at least `minimum_blocks` walk-forward blocks were evaluated (not skipped);
    (b) its pooled held-out ROC AUC is at least the rule's + `auc_margin` (a tie is enough with 0);
    (c) its pooled held-out ECE is at most the rule's + `ece_tolerance`.

    A figure that could not be computed (no held-out rows, or outcomes of one class only) fails its
    test. Every failing test is named, with its numbers, joined by "; ".
    """
    failed = []
    evaluated = sum(1 for b in blocks if not b.get("skipped"))
    if evaluated < minimum_blocks:
        failed.append(f"only {evaluated} of {len(blocks)} walk-forward blocks could be evaluated (minimum {minimum_blocks})")
    model, rule = metrics.get("model", {}), metrics.get("weighted_rule", {})
    if not evaluated:
        return "; ".join(failed) or "no walk-forward block could be evaluated"
    m_auc, r_auc = _figure(model.get("roc_auc")), _figure(rule.get("roc_auc"))
    if m_auc is None or r_auc is None:
        failed.append("out-of-sample ROC AUC could not be computed (held-out outcomes of one class only)")
    elif m_auc - r_auc < auc_margin - 1e-9:
        m, r, margin = _fmt(m_auc, r_auc, auc_margin)
        failed.append(f"model AUC {m} < weighted rule {r}{f' + margin {margin}' if auc_margin else ''} out of sample")
    m_ece, r_ece = _figure(model.get("ece")), _figure(rule.get("ece"))
    if m_ece is None or r_ece is None:
        failed.append("out-of-sample ECE could not be computed")
    elif m_ece - r_ece > ece_tolerance + 1e-9:
        m, r, tolerance = _fmt(m_ece, r_ece, ece_tolerance)
        failed.append(f"model ECE {m} > weighted rule {r} + tolerance {tolerance} out of sample")
    return "; ".join(failed) or None


def _figure(value: Any) -> float | None:
    """A metric as a float, None when it is missing or NaN."""
    return None if value is None or pd.isna(value) else float(value)


def _fmt(*figures: float) -> list[str]:
    """The figures with three decimals, or all with four when one needs the fourth (0.685; 0.0199 vs 0.0190)."""
    digits = 3 if all(round(x, 3) == round(x, 4) for x in figures) else 4
    return [f"{x:.{digits}f}" for x in figures]


def _choice_summary(blocks: list[dict[str, Any]], metrics: dict[str, dict[str, Any]], config: ScoringConfig,
                    published: bool) -> dict[str, Any]:
    """The figures the model-or-rule choice compared (all metrics stay under `metrics`)."""
    model, rule = metrics.get("model", {}), metrics.get("weighted_rule", {})
    return {
        "published": "model" if published else "weighted_rule",
        "evaluated_blocks": sum(1 for b in blocks if not b.get("skipped")), "blocks": len(blocks),
        "minimum_evaluated_blocks": config.minimum_evaluated_blocks,
        "model_roc_auc": model.get("roc_auc"), "weighted_rule_roc_auc": rule.get("roc_auc"),
        "auc_margin": config.auc_margin,
        "model_ece": model.get("ece"), "weighted_rule_ece": rule.get("ece"), "ece_tolerance": config.ece_tolerance,
    }


def _date(value: Any) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()
