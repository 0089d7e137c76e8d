"""Train one entity type's scorer end to end: rows, fit, calibrate, walk-forward evaluation, card."""

from __future__ import annotations

import datetime as dt
import importlib.metadata as md
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from models_ml import evaluation, training
from models_ml.config import ScoringConfig
from models_ml.entities import SPECS
from models_ml.factors import factor_scores, weighted_rule

BASELINES = ("recency_only", "activity_count_90d", "weighted_rule")

LABEL_TEXT = {
    "contact": "the contact reaches out or replies within the next 30 days",
    "account": "the customer side reaches out or replies in both halves of the next 60 days, or a deal is won in them",
    "opportunity": "the deal is won (vs lost)",
}
RECENCY_COLUMN = {"contact": "days_since_meaningful", "account": "days_since_meaningful",
                  "opportunity": "best_days_since_meaningful"}
LIBRARIES = ("scikit-learn", "skops", "numpy", "pandas", "duckdb", "dbt-core")


@dataclass
class TrainResult:
    entity: str
    version: str
    model: Any | None
    card: dict[str, Any]


def baseline_scores(entity: str, rows: pd.DataFrame, config: ScoringConfig) -> dict[str, np.ndarray]:
    """Higher = healthier, for the three baselines."""
    days = pd.to_numeric(rows[RECENCY_COLUMN[entity]], errors="coerce").fillna(999).to_numpy(dtype=float)
    count = pd.to_numeric(rows["interactions_90d"], errors="coerce").fillna(0).to_numpy(dtype=float)
    rule = weighted_rule(factor_scores(entity, rows), config.weights)
    return {"recency_only": -days, "activity_count_90d": count, "weighted_rule": np.nan_to_num(rule, nan=0.0)}


def fallback_reason(outcomes: dict[int, int], minimum: int) -> str | None:
    if min(outcomes.values()) >= minimum:
        return None
    return (f"too few labelled outcomes: {outcomes[0]} negative / {outcomes[1]} positive "
            f"(minimum {minimum} per class)")


def train_entity(features: pd.DataFrame, label_frame: pd.DataFrame, entity: str, as_of: dt.date,
                 config: ScoringConfig) -> TrainResult:
    """The published model on every outcome known by `as_of`, and its walk-forward evaluation."""
    spec = SPECS[entity]
    rows = training.training_rows(features, label_frame, spec, as_of, config.step_days[entity])
    outcomes = training.labelled_outcomes(rows, spec)
    minimum = config.minimum_labels_per_class[entity]
    reason = fallback_reason(outcomes, minimum)
    data_hash = _hash(rows, spec)
    version = f"{entity}-{as_of.isoformat()}-{data_hash[:10]}"
    settings = config.model[entity]
    model = None if reason else training.fit_calibrated(rows, spec, config.seed, settings["params"], settings["calibration"])
    holdout, blocks = walk_forward_predictions(rows, entity, as_of, config)
    metrics = holdout_metrics(holdout, entity)
    card = {
        "entity": entity, "version": version, "as_of_date": as_of.isoformat(),
        "method": "weighted_rule" if model is None else
            f"HistGradientBoostingClassifier, {settings['calibration']} calibration on time-blocked out-of-fold predictions"
            + (", every deal weighted as one outcome" if spec.one_outcome_per_entity else ""),
        "model_params": settings,
        "fallback_reason": reason, "label": LABEL_TEXT[entity],
        "window": {
            "first_as_of": _date(rows["as_of_date"].min()), "last_as_of": _date(rows["as_of_date"].max()),
            "holdout_start": training.holdout_start(as_of, config).isoformat(),
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
        "libraries": {lib: md.version(lib) for lib in LIBRARIES},
        "config": {"weights": config.weights, "minimum_labels_per_class": config.minimum_labels_per_class},
    }
    return TrainResult(entity, version, model, card)


def walk_forward_predictions(rows: pd.DataFrame, entity: str, as_of: dt.date,
                             config: ScoringConfig) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Held-out rows with `p_<scorer>` columns, each block predicted by what was known at its start.

    A block whose training rows hold too few outcomes for a model is left out for every scorer
    (and listed as skipped), so the model and the baselines are always compared on the same rows.
    Baselines get probabilities by isotonic calibration on the block's training rows, so Brier and
    ECE compare like with like (their AUC does not change).
    """
    spec, settings = SPECS[entity], config.model[entity]
    minimum = config.minimum_labels_per_class[entity]
    scored, listed = [], []
    for block in training.walk_forward(rows, as_of, config):
        outcomes = training.labelled_outcomes(block.train, spec)
        entry = {"trained_until": block.trained_until.isoformat(), "scores_to": block.scores_to.isoformat(),
                 "train_rows": len(block.train), "train_outcomes": {"negative": outcomes[0], "positive": outcomes[1]},
                 "test_rows": len(block.test), "test_entities": int(block.test[spec.key].nunique())}
        skip = fallback_reason(outcomes, minimum) or ("no held-out rows with a known outcome" if block.test.empty else None)
        if skip:
            listed.append({**entry, "skipped": skip})
            continue
        test = block.test.copy()
        model = training.fit_calibrated(block.train, spec, config.seed, settings["params"], settings["calibration"])
        test["p_model"] = training.predict(model, test, spec)
        base_train, base_test = baseline_scores(entity, block.train, config), baseline_scores(entity, test, config)
        for name in base_test:
            test[f"p_{name}"] = evaluation.calibrate_baseline(base_train[name], block.train["label"].to_numpy(),
                                                              base_test[name])
        y = test["label"].to_numpy()
        both = y.min() != y.max()
        listed.append({**entry, "model_roc_auc": round(float(roc_auc_score(y, test["p_model"])), 4) if both else None,
                       "model_ece": round(evaluation.expected_calibration_error(y, test["p_model"].to_numpy()), 4)})
        scored.append(test)
    holdout = pd.concat(scored, ignore_index=True) if scored else rows.iloc[0:0].copy()
    return holdout, listed


def holdout_metrics(holdout: pd.DataFrame, entity: str) -> dict[str, dict[str, Any]]:
    """Pooled held-out metrics per scorer; for the model also the ECE that sampling alone would give."""
    if holdout.empty:
        return {}
    spec = SPECS[entity]
    y = holdout["label"].to_numpy()
    # One deal is one outcome however many days it was open: report entity-weighted figures too.
    groups = holdout[spec.key].to_numpy() if spec.one_outcome_per_entity else None
    out = {name: evaluation.metrics(y, holdout[f"p_{name}"].to_numpy(), groups) for name in ("model", *BASELINES)}
    out["model"]["ece_noise_floor"] = evaluation.ece_noise_floor(holdout["p_model"].to_numpy(), groups)
    return out


def _hash(rows: pd.DataFrame, spec: Any) -> str:
    from models_ml.artefacts import data_hash

    cols = [spec.key, "as_of_date", "label", *spec.features, "segment"]
    return data_hash(rows[cols]) if len(rows) else "0" * 64


def _date(value: Any) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()
