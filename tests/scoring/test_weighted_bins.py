"""The weighted bins found with one sort are the bins gradient boosting finds itself, so a model fitted
through them is the model fitted on the raw weighted rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.ensemble._hist_gradient_boosting.binning import _find_binning_thresholds

from models_ml.training.binning import WeightedBins, weighted_bin_edges


def columns(seed: int, n: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Features of several shapes (continuous, integer counts, rounded, ties), 10 % missing, and
    weights of one per group of rows, as deals are weighted."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "normal": rng.normal(size=n),
        "counts": rng.integers(0, 600, size=n).astype(float),
        "days": np.round(rng.exponential(30, size=n), 1),
        "few": rng.integers(0, 40, size=n).astype(float),
    })
    frame = frame.mask(rng.random(frame.shape) < 0.1)
    groups = rng.integers(0, n // 20, size=n)
    weights = 1.0 / np.bincount(groups)[groups]
    return frame, weights / weights.mean()


@pytest.mark.parametrize("seed", range(12))
def test_edges_are_the_ones_gradient_boosting_finds(seed: int) -> None:
    frame, weights = columns(seed, 255 * (2 + seed))
    if seed % 3 == 0:  # equal weights on a multiple of 255 rows: ranks fall exactly on rows
        weights = np.ones(len(frame))
    for name in frame:
        values = frame[name].to_numpy(dtype=float)
        expected = _find_binning_thresholds(values, 255, weights)
        found = weighted_bin_edges(values, weights)
        if found is None:  # few distinct values: the model bins them one value per bin itself
            assert len(np.unique(values[~np.isnan(values)])) <= 255
        else:
            np.testing.assert_array_equal(found, expected, err_msg=name)
    assert weighted_bin_edges(frame["counts"].to_numpy(dtype=float), weights) is not None


def test_a_model_fitted_through_the_bins_is_the_model_fitted_on_the_rows() -> None:
    frame, weights = columns(99, 4000)
    rng = np.random.default_rng(7)
    logit = 0.8 * frame["normal"].fillna(0) - 0.004 * frame["counts"].fillna(300) + rng.normal(size=len(frame))
    y = (logit > 0).astype(int).to_numpy()
    params = {"max_iter": 30, "max_leaf_nodes": 7, "random_state": 0, "early_stopping": False}
    plain = HistGradientBoostingClassifier(**params).fit(frame, y, sample_weight=weights)
    bins = WeightedBins(tuple(frame.columns)).fit(frame, y, sample_weight=weights)
    assert set(bins.edges_) == {"normal", "counts", "days"}
    through = HistGradientBoostingClassifier(**params).fit(bins.transform(frame), y, sample_weight=weights)
    np.testing.assert_allclose(through.predict_proba(bins.transform(frame)), plain.predict_proba(frame), atol=1e-12)


def test_without_weights_every_column_passes_unchanged() -> None:
    frame, _ = columns(3, 2000)
    bins = WeightedBins(tuple(frame.columns)).fit(frame)
    assert bins.edges_ == {} and bins.transform(frame) is frame
