"""Trends over the snapshots: score 7 and 30 days earlier, deltas, direction, rating transition,
sustained decline."""

from __future__ import annotations

import numpy as np
import pandas as pd

from models_ml.config import ScoringConfig


def add_trends(snap: pd.DataFrame, key: str, config: ScoringConfig) -> pd.DataFrame:
    """snap holds every snapshot date needed (at least 30 days before the first one published)."""
    out = snap.copy()
    dates = pd.to_datetime(out["snapshot_date"])
    for days in (7, 30):
        prior = out[[key, "score", "rating"]].assign(
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
