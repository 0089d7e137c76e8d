"""The scikit-learn pipeline (one-hot segment, weighted bins + monotone gradient boosting), its
calibration on time-blocked out-of-fold predictions, and prediction."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.isotonic import IsotonicRegression
from sklearn.model_selection import KFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from models_ml.entities import EntitySpec
from models_ml.training.binning import WeightedBins
from models_ml.training.rows import SEGMENT, row_weights


def model_frame(df: pd.DataFrame, spec: EntitySpec) -> pd.DataFrame:
    """The model's input columns with stable dtypes (float features, string segment)."""
    missing = [c for c in [*spec.features, SEGMENT] if c not in df.columns]
    if missing:
        raise KeyError(f"{spec.name} features are missing columns: {missing}")
    out = df[list(spec.features)].apply(pd.to_numeric, errors="coerce").astype("float64")
    out[SEGMENT] = df[SEGMENT].fillna("unknown").astype(str).to_numpy(dtype=object)
    return out


def build_pipeline(spec: EntitySpec, seed: int, params: dict[str, Any] | None = None) -> Pipeline:
    """Preprocessing and model in one Pipeline, so training and scoring cannot drift apart."""
    pre = ColumnTransformer(
        [("signals", "passthrough", list(spec.features)),
         (SEGMENT, OneHotEncoder(handle_unknown="ignore", sparse_output=False), [SEGMENT])],
        verbose_feature_names_out=False,
    ).set_output(transform="pandas")
    monotone = {f: d for f, d in spec.features.items() if d != 0}
    hyperparameters = {"learning_rate": 0.05, "max_iter": 250, "max_leaf_nodes": 15, "min_samples_leaf": 40,
                "l2_regularization": 1.0, **(params or {})}
    model = HistGradientBoostingClassifier(**hyperparameters, monotonic_cst=monotone, early_stopping=False, random_state=seed)
    return WeightedPipeline([("preprocess", pre), ("bins", WeightedBins(tuple(spec.features))), ("model", model)])


class WeightedPipeline(Pipeline):
    """A Pipeline whose fit takes `sample_weight` and hands it to its steps that take weights (the
    bins and the model).

    CalibratedClassifierCV passes sample weights only to estimators whose fit names the parameter,
    and a plain Pipeline's does not; without this the weights would reach the calibrator only.
    """

    def fit(self, X: Any, y: Any = None, sample_weight: np.ndarray | None = None, **params: Any) -> "WeightedPipeline":
        if sample_weight is not None:
            for name, step in self.steps:
                if isinstance(step, (WeightedBins, HistGradientBoostingClassifier)):
                    params[f"{name}__sample_weight"] = sample_weight
        return super().fit(X, y, **params)


def fit_calibrated(train: pd.DataFrame, spec: EntitySpec, seed: int, settings: dict[str, Any]) -> CalibratedClassifierCV:
    """Fit the pipeline on all training rows; calibrate on its out-of-fold predictions in
    `calibration_folds` time blocks. `settings`: the entity type's `training.model` entry of
    scoring.yml (params, calibration, calibration_folds; models_ml/config.py)."""
    calibrated = CalibratedClassifierCV(build_pipeline(spec, seed, settings["params"]), method=settings["calibration"],
                                        cv=KFold(settings["calibration_folds"], shuffle=False), ensemble=False)
    weights = row_weights(train, spec)
    # Equal weights are passed as none: with weights, gradient boosting bins every feature by
    # weighted percentiles, half of a contact model's fitting time, to the same model but for the
    # bins' edges (interpolated between values instead of the first value at the percentile).
    calibrated.fit(model_frame(train, spec), train["label"].to_numpy(),
                   sample_weight=None if (weights == 1.0).all() else weights)
    return calibrated


def predict(model: CalibratedClassifierCV, df: pd.DataFrame, spec: EntitySpec) -> np.ndarray:
    """Calibrated probabilities of the positive outcome.

    Isotonic calibration is a step function: every raw score inside one of its steps gets the same
    probability, so a few dozen values would hold thousands of entities ("sorted by risk" would be
    mostly ties). The steps are replaced by the line through their midpoints: the same monotone
    map, the same probability at each step's centre, but the model's ranking kept within a step.
    """
    if len(df) == 0:
        return np.zeros(0)
    X = model_frame(df, spec)
    calibrated = model.calibrated_classifiers_[0] if len(model.calibrated_classifiers_) == 1 else None
    isotonic = calibrated.calibrators[0] if calibrated is not None else None
    if not isinstance(isotonic, IsotonicRegression):
        return model.predict_proba(X)[:, 1]
    raw = calibrated.estimator.decision_function(X)
    return smooth_isotonic(isotonic, raw)


def smooth_isotonic(isotonic: IsotonicRegression, raw: np.ndarray) -> np.ndarray:
    """The isotonic map with each flat step replaced by the line through the steps' midpoints."""
    x, y = np.asarray(isotonic.X_thresholds_, dtype=float), np.asarray(isotonic.y_thresholds_, dtype=float)
    steps = np.flatnonzero(np.r_[True, np.diff(y) != 0])  # first threshold of each step
    ends = np.r_[steps[1:], len(y)] - 1
    centres, values = (x[steps] + x[ends]) / 2.0, y[steps]
    if len(centres) < 2:
        return isotonic.predict(raw)
    # Outside the outer midpoints the map keeps the outer steps' values, as the step function does.
    xs = np.r_[x[0], centres, x[-1]]
    ys = np.r_[y[0], values, y[-1]]
    keep = np.r_[True, np.diff(xs) > 0]
    return np.clip(np.interp(raw, xs[keep], ys[keep]), 0.0, 1.0)
