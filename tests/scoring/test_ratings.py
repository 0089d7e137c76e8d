"""Ratings use each segment's cut-offs, fall back to the default, and cope with nothing to rate."""

from dataclasses import replace

import pandas as pd

from models_ml.config import Thresholds, load_config
from models_ml.scoring import rate
from runtime import settings

SCORING_CONFIG = settings.load().scoring_config


def test_ratings_by_segment_cutoffs_and_default() -> None:
    config = replace(load_config(SCORING_CONFIG), thresholds={
        "default": Thresholds(excellent=80, good=60, fair=40), "enterprise": Thresholds(excellent=70, good=55, fair=35)},
        entity_thresholds={"contact": {"smb": Thresholds(excellent=90, good=70, fair=50)}})
    score = pd.Series([72.0, 72.0, 45.0, 38.0, 38.0, 10.0, None])
    segment = pd.Series(["enterprise", "smb", "no_such_segment", "enterprise", None, None, "smb"])
    assert rate("account", score, segment, config).tolist() == ["Excellent", "Good", "Fair", "Fair", "Poor", "Poor", None]
    # an entity type's own cut-offs for a segment come first, the shared ones otherwise
    assert rate("contact", score, segment, config).tolist() == ["Excellent", "Good", "Fair", "Fair", "Poor", "Poor", None]
    assert rate("contact", pd.Series([72.0, 65.0]), pd.Series(["smb", "enterprise"]), config).tolist() == ["Good", "Good"]


def test_nothing_to_rate_is_not_an_error() -> None:
    empty = pd.Series([], dtype="float64")
    assert rate("contact", empty, pd.Series([], dtype=object), load_config(SCORING_CONFIG)).tolist() == []
