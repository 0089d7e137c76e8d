"""Trends over the snapshots: score 7 and 30 days earlier, deltas, direction, rating transition,
sustained decline."""

from __future__ import annotations

import numpy as np
import pandas as pd

from models_ml.config import ScoringConfig


def add_trends(snap: pd.DataFrame, key: str, config: ScoringConfig, earlier: pd.DataFrame | None = None) -> pd.DataFrame:
    """snap holds the snapshots to publish; the 30 days before them come from snap itself or from
    `earlier` (key, snapshot_date, score, rating of snapshots already written)."""
    out = snap.copy()
    history = out[[key, "snapshot_date", "score", "rating"]]
    if earlier is not None and len(earlier):
        history = pd.concat([history, earlier.assign(snapshot_date=pd.to_datetime(earlier["snapshot_date"]).dt.date)])
    dates = pd.to_datetime(history["snapshot_date"])
    for days in (7, 30):
        prior = history[[key, "score", "rating"]].assign(
            snapshot_date=(dates + pd.Timedelta(days=days)).dt.date).rename(
            columns={"score": f"score_{days}d_ago", "rating": f"rating_{days}d_ago"})
        out = out.merge(prior, on=[key, "snapshot_date"], how="left")
        out[f"score_delta_{days}d"] = (out["score"] - out[f"score_{days}d_ago"]).round(1)
    d7 = out["score_delta_7d"]
    out["trend"] = np.select([d7 >= config.flat_band, d7 <= -config.flat_band, d7.notna()], ["up", "down", "flat"],
                             default=None)
    out["trend"] = out["trend"].where(d7.notna(), None)
    changed = out["rating"].notna() & out["rating_30d_ago"].notna() & (out["rating"] != out["rating_30d_ago"])
    out["rating_transition"] = (out["rating_30d_ago"].astype(str) + " → " + out["rating"].astype(str)).where(changed, None)
    out["is_sustained_decline"] = ((out["score_delta_30d"] <= -config.decline_points) & (d7 < 0)).fillna(False)
    return out.drop(columns=["rating_7d_ago"])
