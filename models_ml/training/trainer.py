"""Train one entity type's scorer end to end: rows, fit, calibrate, walk-forward evaluation, card."""

from __future__ import annotations

import datetime as dt
import importlib.metadata as md
from dataclasses import dataclass
from typing import Any

import pandas as pd

from models_ml.artefacts import data_hash as content_hash
from models_ml.config import ScoringConfig
from models_ml.entities import SPECS, EntitySpec
from models_ml.training import estimator, rows as training_rows
from models_ml.training.walk_forward import holdout_metrics, walk_forward_predictions

LIBRARIES = ("scikit-learn", "skops", "numpy", "pandas", "duckdb", "dbt-core")


@dataclass
class TrainResult:
    entity: str
    version: str
    model: Any | None
    card: dict[str, Any]


def train_entity(features: pd.DataFrame, label_frame: pd.DataFrame, entity: str, as_of: dt.date,
                 config: ScoringConfig) -> TrainResult:
    """The published model on every outcome known by `as_of`, and its walk-forward evaluation."""
    spec = SPECS[entity]
    rows = training_rows.training_rows(features, label_frame, spec, as_of, config.step_days[entity])
    outcomes = training_rows.labelled_outcomes(rows, spec)
    minimum = config.minimum_labels_per_class[entity]
    reason = training_rows.fallback_reason(outcomes, minimum)
    data_hash = _hash(rows, spec)
    version = f"{entity}-{as_of.isoformat()}-{data_hash[:10]}"
    model_settings = config.model[entity]
    model = None if reason else estimator.fit_calibrated(rows, spec, config.seed, model_settings["params"], model_settings["calibration"])
    holdout, blocks = walk_forward_predictions(rows, entity, as_of, config)
    metrics = holdout_metrics(holdout, entity)
    card = {
        "entity": entity, "version": version, "as_of_date": as_of.isoformat(),
        "method": "weighted_rule" if model is None else
            f"HistGradientBoostingClassifier, {model_settings['calibration']} calibration on time-blocked out-of-fold predictions"
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
        "libraries": {lib: md.version(lib) for lib in LIBRARIES},
        "config": {"weights": config.weights, "minimum_labels_per_class": config.minimum_labels_per_class},
    }
    return TrainResult(entity, version, model, card)


def _hash(rows: pd.DataFrame, spec: EntitySpec) -> str:
    cols = [spec.key, "as_of_date", "label", *spec.features, estimator.SEGMENT]
    return content_hash(rows[cols]) if len(rows) else "0" * 64


def _date(value: Any) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()
