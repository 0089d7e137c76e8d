"""Ratings use each segment's cut-offs, fall back to the default, and cope with nothing to rate."""

import pandas as pd

from models_ml.config import load_config
from models_ml.scoring import rate
from runtime import settings

SCORING_CONFIG = settings.load().scoring_config


def test_ratings_by_segment_cutoffs_and_default() -> None:
    config = load_config(SCORING_CONFIG)
    score = pd.Series([85.0, 65.0, 45.0, 10.0, None])
    segment = pd.Series(["enterprise", "smb", "no_such_segment", None, "smb"])
    assert rate(score, segment, config).tolist() == ["Excellent", "Good", "Fair", "Poor", None]


def test_nothing_to_rate_is_not_an_error() -> None:
    empty = pd.Series([], dtype="float64")
    assert rate(empty, pd.Series([], dtype=object), load_config(SCORING_CONFIG)).tolist() == []
