"""Training rows, the time-based split, the scikit-learn pipeline and its calibration.

Rows: one as-of date every `step_days` (counted back from the run's as-of date, so a re-run picks
the same dates). Split on when labels became known, never at random:

    train + calibration  as-of date on or before T, label known by T   (T = start of the held-out period)
    held-out             as-of date after T, label known by the run's as-of date

Calibration uses out-of-fold predictions over the training rows in contiguous time blocks
(5 folds, rows in date order, no shuffling): a separate calibration period would hold only a few
dozen closed deals, too few to estimate a calibration curve. The held-out later period is never
seen by either step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import KFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from models_ml.config import ScoringConfig
from models_ml.entities import EntitySpec

SEGMENT = "segment"


@dataclass(frozen=True)
class Split:
    train: pd.DataFrame
    holdout: pd.DataFrame
    holdout_start: dt.date


def training_rows(features: pd.DataFrame, labels: pd.DataFrame, spec: EntitySpec, as_of: dt.date,
                  step_days: int) -> pd.DataFrame:
    """Features on every step_days-th date before as_of, joined to their (known) labels."""
    dates = pd.to_datetime(features["as_of_date"])
    offset = (pd.Timestamp(as_of) - dates).dt.days
    sampled = features[(offset >= 0) & (offset % step_days == 0)]
    keys = [spec.key] if "as_of_date" not in labels else [spec.key, "as_of_date"]
    lab = labels.copy()
    if "as_of_date" in lab:
        lab["as_of_date"] = pd.to_datetime(lab["as_of_date"])
        sampled = sampled.assign(as_of_date=pd.to_datetime(sampled["as_of_date"]))
    rows = sampled.merge(lab, on=keys, how="inner")
    rows["label_known_date"] = pd.to_datetime(rows["label_known_date"])
    rows = rows[rows["label_known_date"] <= pd.Timestamp(as_of)]
    return rows.sort_values(["as_of_date", spec.key], kind="stable").reset_index(drop=True)


def time_split(rows: pd.DataFrame, as_of: dt.date, config: ScoringConfig) -> Split:
    holdout_start = pd.Timestamp(as_of) - pd.Timedelta(days=config.holdout_days)
    as_of_dates = pd.to_datetime(rows["as_of_date"])
    known = rows["label_known_date"]
    return Split(
        train=rows[(as_of_dates <= holdout_start) & (known <= holdout_start)],
        holdout=rows[as_of_dates > holdout_start],
        holdout_start=holdout_start.date(),
    )


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
    settings = {"learning_rate": 0.05, "max_iter": 250, "max_leaf_nodes": 15, "min_samples_leaf": 40,
                "l2_regularization": 1.0, **(params or {})}
    model = HistGradientBoostingClassifier(**settings, monotonic_cst=monotone, early_stopping=False, random_state=seed)
    return Pipeline([("preprocess", pre), ("model", model)])


CALIBRATION_FOLDS = 5


def fit_calibrated(train: pd.DataFrame, spec: EntitySpec, seed: int, params: dict[str, Any] | None = None,
                   method: str = "isotonic") -> CalibratedClassifierCV:
    """Fit the pipeline on all training rows; calibrate on its out-of-fold predictions in time blocks."""
    calibrated = CalibratedClassifierCV(build_pipeline(spec, seed, params), method=method,
                                        cv=KFold(CALIBRATION_FOLDS, shuffle=False), ensemble=False)
    calibrated.fit(model_frame(train, spec), train["label"].to_numpy())
    return calibrated


def labelled_outcomes(rows: pd.DataFrame, spec: EntitySpec) -> dict[int, int]:
    """Labelled outcomes per class: distinct deals for opportunities (one outcome each), rows otherwise."""
    if spec.name == "opportunity":
        per = rows.drop_duplicates(spec.key)
    else:
        per = rows
    counts = per["label"].value_counts()
    return {0: int(counts.get(0, 0)), 1: int(counts.get(1, 0))}


def predict(model: CalibratedClassifierCV, df: pd.DataFrame, spec: EntitySpec) -> np.ndarray:
    if len(df) == 0:
        return np.zeros(0)
    return model.predict_proba(model_frame(df, spec))[:, 1]
