"""The walk-forward evaluation: each held-out block scored by the model and the baselines as they
would have been trained at the block's start, and the pooled held-out metrics."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata as md
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from models_ml import artefacts, evaluation
from models_ml.config import ScoringConfig
from models_ml.entities import BASELINES, SPECS
from models_ml.factors import factor_scores, weighted_rule
from models_ml.training import estimator, rows as training_rows


def baseline_scores(entity: str, rows: pd.DataFrame, config: ScoringConfig) -> dict[str, np.ndarray]:
    """Higher = healthier, for the three baselines."""
    days = pd.to_numeric(rows[SPECS[entity].recency_column], errors="coerce").fillna(999).to_numpy(dtype=float)
    count = pd.to_numeric(rows["interactions_90d"], errors="coerce").fillna(0).to_numpy(dtype=float)
    rule = weighted_rule(factor_scores(entity, rows, config.factors), config.weights)
    return {"recency_only": -days, "activity_count_90d": count, "weighted_rule": np.nan_to_num(rule, nan=0.0)}


def walk_forward_predictions(rows: pd.DataFrame, entity: str, as_of: dt.date, config: ScoringConfig,
                             block_models: Path | None = None) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Held-out rows with `p_<scorer>` columns, each block predicted by what was known at its start.
    `rows`: every training row up to as_of, back to the first block's window (rows.training_dates).

    A block whose training rows hold too few outcomes for a model is left out for every scorer
    (and listed as skipped), so the model and the baselines are always compared on the same rows.
    Baselines get probabilities by isotonic calibration on the block's training rows, so Brier and
    ECE compare like with like (their AUC does not change).
    """
    spec = SPECS[entity]
    minimum = config.minimum_labels_per_class[entity]
    scored, listed = [], []
    for block in training_rows.walk_forward(rows, as_of, config):
        outcomes = training_rows.labelled_outcomes(block.train, spec)
        entry = {"trained_until": block.trained_until.isoformat(), "scores_to": block.scores_to.isoformat(),
                 "train_rows": len(block.train), "train_outcomes": {"negative": outcomes[0], "positive": outcomes[1]},
                 "test_rows": len(block.test), "test_entities": int(block.test[spec.key].nunique())}
        skip = training_rows.fallback_reason(outcomes, minimum) or ("no held-out rows with a known outcome" if block.test.empty else None)
        if skip:
            listed.append({**entry, "skipped": skip})
            continue
        test = block.test.copy()
        model = block_model(block.train, entity, block.trained_until, config, block_models)
        test["p_model"] = estimator.predict(model, test, spec)
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


def block_model(train: pd.DataFrame, entity: str, trained_until: dt.date, config: ScoringConfig,
                folder: Path | None) -> Any:
    """The calibrated model of a walk-forward block, fitted on its training rows, or the one fitted
    on the same rows with the same settings by an earlier training, kept in `folder`.

    Blocks sit on the refit grid, so next week's training (and each cut-off of a backfill) holds the
    same blocks as this one but the last: their fits are read, not repeated. The key covers all a
    fit depends on (the rows in order, the settings, the seed, the library's version), so a kept
    model is the one the fit would give."""
    spec, model_settings = SPECS[entity], config.model[entity]

    def fit() -> Any:
        return estimator.fit_calibrated(train, spec, config.seed, model_settings)

    if folder is None:
        return fit()
    key = hashlib.sha256(json.dumps(
        [training_rows.rows_hash(train, spec), model_settings, config.seed, md.version("scikit-learn")],
        sort_keys=True).encode()).hexdigest()[:24]
    path = folder / f"{trained_until.isoformat()}-{key}.skops"
    model = artefacts.load_fitted(path)
    if model is None:
        model = fit()
        artefacts.save_fitted(model, path)
    return model


def segment_metrics(holdout: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Per account segment, the held-out rows, outcome rate, and the model's and the rule's ROC AUC
    and ECE: one model serves every segment, so each must be checked on its own."""
    out: dict[str, dict[str, Any]] = {}
    if holdout.empty or estimator.SEGMENT not in holdout:
        return out
    for segment, rows in holdout.groupby(holdout[estimator.SEGMENT].fillna("unknown").astype(str), sort=True):
        y = rows["label"].to_numpy()
        entry: dict[str, Any] = {"rows": int(len(rows)), "positive_rate": round(float(y.mean()), 4)}
        for name in ("model", "weighted_rule"):
            m = evaluation.metrics(y, rows[f"p_{name}"].to_numpy())
            entry[f"{name}_roc_auc"], entry[f"{name}_ece"] = m["roc_auc"], m["ece"]
        out[str(segment)] = entry
    return out


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


