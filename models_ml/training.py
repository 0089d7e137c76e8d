"""Training rows, the walk-forward evaluation blocks, the scikit-learn pipeline and its calibration.

Rows: one as-of date every `step_days` (counted back from the run's as-of date, so a re-run picks
the same dates). Time decides everything, never a random split:

    published model   every row whose label is known by the run's as-of date
    evaluation        the last `holdout_days` of as-of dates, in blocks of `refit_every_days`: each
                      block is scored by a model trained only on rows whose as-of date *and* label
                      were known when the block starts (how the weekly training runs in production)

Calibration uses out-of-fold predictions over a model's training rows in contiguous time blocks
(5 folds, rows in date order, no shuffling): a separate calibration period would hold only a few
dozen closed deals, too few to estimate a calibration curve.

A deal is won or lost once, however many days it was open; its rows share one outcome. Training
therefore weighs each deal as one (its rows' weights sum to the same total), so long deals do not
outvote short ones and probabilities stay calibrated per deal.
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
class Block:
    """One step of the walk-forward evaluation: train on what was known at `trained_until`, score
    the rows of the following days up to `scores_to`."""

    trained_until: dt.date
    scores_to: dt.date
    train: pd.DataFrame
    test: pd.DataFrame


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


def holdout_start(as_of: dt.date, config: ScoringConfig) -> dt.date:
    return as_of - dt.timedelta(days=config.holdout_days)


def walk_forward(rows: pd.DataFrame, as_of: dt.date, config: ScoringConfig) -> list[Block]:
    """Blocks of `refit_every_days` over the held-out period, each with the rows known at its start."""
    dates = pd.to_datetime(rows["as_of_date"])
    known = rows["label_known_date"]
    blocks = []
    cut = holdout_start(as_of, config)
    while cut < as_of:
        until = min(cut + dt.timedelta(days=config.refit_every_days), as_of)
        t_cut, t_until = pd.Timestamp(cut), pd.Timestamp(until)
        blocks.append(Block(cut, until, train=rows[(dates <= t_cut) & (known <= t_cut)],
                            test=rows[(dates > t_cut) & (dates <= t_until)]))
        cut = until
    return blocks


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
    return WeightedPipeline([("preprocess", pre), ("model", model)])


CALIBRATION_FOLDS = 5


class WeightedPipeline(Pipeline):
    """A Pipeline whose fit takes `sample_weight` and hands it to its final step.

    CalibratedClassifierCV passes sample weights only to estimators whose fit names the parameter,
    and a plain Pipeline's does not; without this the weights would reach the calibrator only.
    """

    def fit(self, X: Any, y: Any = None, sample_weight: np.ndarray | None = None, **params: Any) -> "WeightedPipeline":
        if sample_weight is not None:
            params[f"{self.steps[-1][0]}__sample_weight"] = sample_weight
        return super().fit(X, y, **params)


def row_weights(rows: pd.DataFrame, spec: EntitySpec) -> np.ndarray:
    """1 per row; with one outcome per entity, 1 / (the entity's rows), rescaled to a mean of 1."""
    if not spec.one_outcome_per_entity or len(rows) == 0:
        return np.ones(len(rows))
    per_entity = rows[spec.key].map(rows[spec.key].value_counts()).to_numpy(dtype=float)
    w = 1.0 / per_entity
    return w / w.mean()


def fit_calibrated(train: pd.DataFrame, spec: EntitySpec, seed: int, params: dict[str, Any] | None = None,
                   method: str = "isotonic") -> CalibratedClassifierCV:
    """Fit the pipeline on all training rows; calibrate on its out-of-fold predictions in time blocks."""
    calibrated = CalibratedClassifierCV(build_pipeline(spec, seed, params), method=method,
                                        cv=KFold(CALIBRATION_FOLDS, shuffle=False), ensemble=False)
    calibrated.fit(model_frame(train, spec), train["label"].to_numpy(), sample_weight=row_weights(train, spec))
    return calibrated


def labelled_outcomes(rows: pd.DataFrame, spec: EntitySpec) -> dict[int, int]:
    """Labelled outcomes per class: distinct entities when each has one outcome (deals), rows otherwise."""
    per = rows.drop_duplicates(spec.key) if spec.one_outcome_per_entity else rows
    counts = per["label"].value_counts()
    return {0: int(counts.get(0, 0)), 1: int(counts.get(1, 0))}


def predict(model: CalibratedClassifierCV, df: pd.DataFrame, spec: EntitySpec) -> np.ndarray:
    if len(df) == 0:
        return np.zeros(0)
    return model.predict_proba(model_frame(df, spec))[:, 1]
