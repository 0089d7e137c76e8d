"""Weighted bins for gradient boosting, found with one sort per feature.

With sample weights, scikit-learn's HistGradientBoosting finds each feature's 254 bin edges by
computing every weighted percentile on its own, sorting the column each time: on the deal model
(every deal weighted as one outcome) that was more than half of its fitting time. `WeightedBins`
finds the same edges with the same rule (the averaged inverted CDF of the weights) from one sort,
and hands the model each value's bin number: a feature then holds at most `max_bins` distinct
values, which the model bins as they are, one value per bin. The rows fall into the same bins, so
the model is the same. Without weights the step changes nothing (the model's own unweighted binning
is one vectorised percentile call).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

MAX_BINS = 255  # HistGradientBoostingClassifier's default max_bins


def weighted_bin_edges(values: np.ndarray, weights: np.ndarray, max_bins: int = MAX_BINS) -> np.ndarray | None:
    """The edges HistGradientBoosting would bin `values` by with these weights, or None when the
    values have at most `max_bins` distinct values (the model then bins them one value per bin).

    A value x is in bin i when edges[i - 1] < x <= edges[i]. Missing values and zero weights are
    left out, as the model leaves them out.
    """
    keep = ~np.isnan(values) & (weights != 0)
    order = np.argsort(values[keep], kind="stable")
    x, w = values[keep][order], weights[keep][order]
    if len(np.unique(x)) <= max_bins:
        return None
    cdf = np.cumsum(w)
    ranks = np.linspace(0, 100, num=max_bins + 1)[1:-1] / 100 * cdf[-1]
    at = np.clip(np.searchsorted(cdf, ranks), 0, len(x) - 1)
    # Where the rank falls exactly on a row's cumulative weight, the edge is the mean of that row's
    # value and the next row's with weight (the averaged inverted CDF); elsewhere the row's value.
    exact = (cdf[at] - ranks) <= np.finfo(float).eps
    following = np.minimum(at + 1, len(x) - 1)
    edges = np.where(exact, (x[at] + x[following]) / 2, x[at])
    return np.unique(edges)


class WeightedBins(TransformerMixin, BaseEstimator):
    """Each of `columns` replaced by its weighted bin number when fitted with sample weights;
    every column passes unchanged when fitted without."""

    def __init__(self, columns: tuple[str, ...] = (), max_bins: int = MAX_BINS) -> None:
        self.columns = columns
        self.max_bins = max_bins

    def fit(self, X: pd.DataFrame, y: Any = None, sample_weight: np.ndarray | None = None) -> "WeightedBins":
        self.edges_: dict[str, np.ndarray] = {}
        if sample_weight is not None:
            weights = np.asarray(sample_weight, dtype=float)
            for column in self.columns:
                edges = weighted_bin_edges(X[column].to_numpy(dtype=float), weights, self.max_bins)
                if edges is not None:
                    self.edges_[column] = edges
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        if not self.edges_:
            return X
        out = X.copy()
        for column, edges in self.edges_.items():
            values = out[column].to_numpy(dtype=float)
            out[column] = np.where(np.isnan(values), np.nan, np.searchsorted(edges, values, side="left").astype(float))
        return out

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray(input_features if input_features is not None else [], dtype=object)
