"""Train one entity type's scorer end to end: rows, split, fit, calibrate, evaluate, card."""

from __future__ import annotations

import datetime as dt
import importlib.metadata as md
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from models_ml import evaluation, training
from models_ml.config import ScoringConfig
from models_ml.entities import SPECS
from models_ml.factors import factor_scores, weighted_rule

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
    holdout: pd.DataFrame  # held-out rows with the model's and baselines' probabilities


def baseline_scores(entity: str, rows: pd.DataFrame, config: ScoringConfig) -> dict[str, np.ndarray]:
    """Higher = healthier, for the three baselines."""
    days = pd.to_numeric(rows[RECENCY_COLUMN[entity]], errors="coerce").fillna(999).to_numpy(dtype=float)
    count = pd.to_numeric(rows["interactions_90d"], errors="coerce").fillna(0).to_numpy(dtype=float)
    rule = weighted_rule(factor_scores(entity, rows), config.weights)
    return {"recency_only": -days, "activity_count_90d": count, "weighted_rule": np.nan_to_num(rule, nan=0.0)}


def train_entity(features: pd.DataFrame, label_frame: pd.DataFrame, entity: str, as_of: dt.date,
                 config: ScoringConfig) -> TrainResult:
    spec = SPECS[entity]
    rows = training.training_rows(features, label_frame, spec, as_of, config.step_days[entity])
    split = training.time_split(rows, as_of, config)
    outcomes = training.labelled_outcomes(split.train, spec)
    minimum = config.minimum_labels_per_class[entity]
    fallback_reason = None
    if min(outcomes.values()) < minimum:
        fallback_reason = (f"too few labelled outcomes: {outcomes[0]} negative / {outcomes[1]} positive "
                           f"(minimum {minimum} per class)")

    data_hash = _hash(rows, spec)
    version = f"{entity}-{as_of.isoformat()}-{data_hash[:10]}"
    settings = config.model[entity]
    model = None if fallback_reason else training.fit_calibrated(
        split.train, spec, config.seed, settings["params"], settings["calibration"])
    holdout = split.holdout.copy()
    metrics: dict[str, Any] = {}
    if len(holdout) and len(split.train):
        y = holdout["label"].to_numpy()
        # One deal is one outcome however many days it was open: report deal-weighted figures too.
        groups = holdout[spec.key].to_numpy() if entity == "opportunity" else None
        if model is not None:
            holdout["p_model"] = training.predict(model, holdout, spec)
            metrics["model"] = evaluation.metrics(y, holdout["p_model"].to_numpy(), groups)
        # Baselines get probabilities from the same training rows (isotonic), so Brier and ECE compare fairly.
        base_cal = baseline_scores(entity, split.train, config)
        base_test = baseline_scores(entity, holdout, config)
        for name in base_test:
            p = evaluation.calibrate_baseline(base_cal[name], split.train["label"].to_numpy(), base_test[name])
            holdout[f"p_{name}"] = p
            metrics[name] = evaluation.metrics(y, p, groups)
    card = {
        "entity": entity, "version": version, "as_of_date": as_of.isoformat(),
        "method": "weighted_rule" if model is None else
            f"HistGradientBoostingClassifier, {settings['calibration']} calibration on time-blocked out-of-fold predictions",
        "model_params": settings,
        "fallback_reason": fallback_reason, "label": LABEL_TEXT[entity],
        "window": {
            "first_as_of": _date(rows["as_of_date"].min()), "last_as_of": _date(rows["as_of_date"].max()),
            "holdout_start": split.holdout_start.isoformat(),
            "max_label_known_date": _date(rows["label_known_date"].max()) if len(rows) else None,
            "step_days": config.step_days[entity],
        },
        "rows": {"train": len(split.train), "holdout": len(split.holdout)},
        "labelled_outcomes": {"negative": outcomes[0], "positive": outcomes[1], "minimum_per_class": minimum},
        "data_hash": data_hash, "seed": config.seed,
        "features": dict(spec.features), "segment_encoding": "one-hot of the account segment",
        "metrics": {k: {m: v for m, v in d.items() if m != "calibration"} for k, d in metrics.items()},
        "calibration_tables": {k: d["calibration"] for k, d in metrics.items()},
        "libraries": {lib: md.version(lib) for lib in LIBRARIES},
        "config": {"weights": config.weights, "minimum_labels_per_class": config.minimum_labels_per_class},
    }
    return TrainResult(entity, version, model, card, holdout)


def _hash(rows: pd.DataFrame, spec: Any) -> str:
    from models_ml.artefacts import data_hash

    cols = [spec.key, "as_of_date", "label", *spec.features, "segment"]
    return data_hash(rows[cols]) if len(rows) else "0" * 64


def _date(value: Any) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()
