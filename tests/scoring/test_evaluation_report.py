"""The evaluation report shows each segment on its own (held-out AUC and ECE, rating shares) and
says the ground truth compares point-in-time snapshots."""

from __future__ import annotations

import pandas as pd

from models_ml import report
from models_ml.training.walk_forward import segment_metrics


def test_segment_metrics_score_each_segment_on_its_own_rows() -> None:
    holdout = pd.DataFrame({
        "segment": ["smb"] * 4 + ["enterprise"] * 4,
        "label": [0, 1, 0, 1, 0, 1, 1, 0],
        "p_model": [0.1, 0.9, 0.2, 0.8, 0.3, 0.7, 0.6, 0.4],
        "p_weighted_rule": [0.9, 0.1, 0.8, 0.2, 0.5, 0.5, 0.5, 0.5],
    })
    by_segment = segment_metrics(holdout)
    assert list(by_segment) == ["enterprise", "smb"]
    assert by_segment["smb"]["model_roc_auc"] == 1.0 and by_segment["smb"]["weighted_rule_roc_auc"] == 0.0
    assert by_segment["enterprise"]["rows"] == 4 and by_segment["enterprise"]["positive_rate"] == 0.5


def test_report_has_a_table_per_segment_and_the_rating_shares(trained: dict) -> None:
    cards = {e: r.card for e, r in trained["results"].items()}
    bands = {"contact": {"date": "2025-12-31", "segments": {"smb": {"scored": 10, "Good": 0.6, "Fair": 0.4}}}}
    text = report.markdown(cards, {"available": True, "since": "2025-07-01"}, bands)
    segments = cards["contact"]["metrics_by_segment"]
    assert segments and all(f"| {seg} | {m['rows']} |" in text for seg, m in segments.items())
    assert "| smb | 10 | 0% | 60% | 40% | 0% |" in text
    assert "point-in-time" in text or "version current on" in text
