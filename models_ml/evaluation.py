"""Honest numbers for a scorer: discrimination, calibration and lift on a held-out later period."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import brier_score_loss, roc_auc_score

N_BINS = 10


def calibration_table(y: np.ndarray, p: np.ndarray, bins: int = N_BINS,
                      w: np.ndarray | None = None) -> list[dict[str, float]]:
    """Equal-width probability bins: rows, weight, mean predicted, observed rate."""
    w = np.ones(len(y)) if w is None else w
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1], right=False), 0, bins - 1)
    out = []
    for b in range(bins):
        m = idx == b
        if m.any():
            out.append({"bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}", "rows": int(m.sum()), "weight": float(w[m].sum()),
                        "mean_predicted": round(float(np.average(p[m], weights=w[m])), 4),
                        "observed_rate": round(float(np.average(y[m], weights=w[m])), 4)})
    return out


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = N_BINS, w: np.ndarray | None = None) -> float:
    table = calibration_table(y, p, bins, w)
    total = sum(r["weight"] for r in table)
    return float(sum(r["weight"] / total * abs(r["mean_predicted"] - r["observed_rate"]) for r in table)) if total else float("nan")


def ece_noise_floor(p: np.ndarray, groups: np.ndarray | None = None, draws: int = 200, seed: int = 0) -> dict[str, float]:
    """The ECE a perfectly calibrated scorer would still show on these rows, from sampling alone.

    Outcomes are drawn from the probabilities themselves (one uniform draw per group, so the rows
    of one deal share their luck as they share one outcome). With few groups this is far from
    zero; an observed ECE near the median is as good as this many outcomes can show.
    """
    p = np.asarray(p, dtype=float)
    if len(p) == 0:
        return {"median": float("nan"), "p90": float("nan")}
    _, idx = np.unique(np.arange(len(p)) if groups is None else np.asarray(groups), return_inverse=True)
    rng = np.random.default_rng(seed)
    eces = [expected_calibration_error((rng.random(idx.max() + 1)[idx] < p).astype(int), p) for _ in range(draws)]
    return {"median": round(float(np.median(eces)), 4), "p90": round(float(np.quantile(eces, 0.9)), 4)}


def top_decile_lift(y: np.ndarray, score: np.ndarray) -> float:
    """Observed positive rate among the top 10% of scores over the overall rate."""
    if len(y) == 0 or y.mean() == 0:
        return float("nan")
    k = max(1, int(np.ceil(len(y) * 0.1)))
    order = np.argsort(-score, kind="stable")[:k]
    return float(y[order].mean() / y.mean())


def metrics(y: np.ndarray, p: np.ndarray, groups: np.ndarray | None = None) -> dict[str, object]:
    """ROC AUC, Brier, ECE, calibration table and lift for probabilities p.

    With `groups` (e.g. the deal of each row) it adds the same metrics weighting every group
    equally, so a deal open for 200 days does not count 200 times more than one open for 5.
    """
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    both = len(np.unique(y)) == 2
    extra: dict[str, object] = {}
    if groups is not None and len(y):
        g = pd.Series(groups)
        w = (1.0 / g.map(g.value_counts())).to_numpy()
        extra = {
            "groups": int(g.nunique()),
            "roc_auc_per_group_weighted": round(float(roc_auc_score(y, p, sample_weight=w)), 4) if both else None,
            "brier_per_group_weighted": round(float(brier_score_loss(y, p, sample_weight=w)), 4),
            "ece_per_group_weighted": round(expected_calibration_error(y, p, w=w), 4),
        }
    return {**extra,
        "rows": int(len(y)),
        "positive_rate": round(float(y.mean()), 4) if len(y) else None,
        "roc_auc": round(float(roc_auc_score(y, p)), 4) if both else None,
        "brier": round(float(brier_score_loss(y, p)), 4) if len(y) else None,
        "ece": round(expected_calibration_error(y, p), 4) if len(y) else None,
        "top_decile_lift": round(top_decile_lift(y, p), 3) if both else None,
        "calibration": calibration_table(y, p),
    }


def calibrate_baseline(score_cal: np.ndarray, y_cal: np.ndarray, score_test: np.ndarray) -> np.ndarray:
    """A baseline score turned into probabilities on the same training rows as the model, so
    Brier and ECE compare like with like (AUC does not change)."""
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
    iso.fit(score_cal, y_cal)
    return iso.predict(score_test)


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Rank correlation (average ranks for ties), without scipy."""
    ra = pd.Series(a).rank().to_numpy()
    rb = pd.Series(b).rank().to_numpy()
    if len(ra) < 3:
        return float("nan")
    return float(np.corrcoef(ra, rb)[0, 1])
