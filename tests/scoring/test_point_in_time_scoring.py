"""Point-in-time scoring: the version current on each date, written once; smooth calibration; the
silence cap."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pytest
import pandas as pd
from sklearn.isotonic import IsotonicRegression

from models_ml import artefacts, pipeline, warehouse
from models_ml.config import ScoringConfig
from models_ml.entities import SPECS
from models_ml.scoring import finish, score_frame
from models_ml.training.estimator import smooth_isotonic
from tests.scoring.conftest import Warehouse
from tests.scoring.conftest import one_row
from tests.scoring.test_scores import scorers


def _rule_card(entity: str, cutoff: str, version: str) -> dict:
    return {"entity": entity, "version": version, "as_of_date": cutoff, "method": "weighted_rule",
            "fallback_reason": "too few labelled outcomes", "label": "", "metrics": {}}


def test_the_version_current_on_a_date_is_the_latest_trained_by_then(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(artefacts, "card_markdown", lambda card: "")  # the cards here carry only what this needs
    for cutoff, version in (("2025-03-03", "contact-a"), ("2025-03-10", "contact-b"), ("2025-03-10", "contact-c")):
        artefacts.save("contact", version, None, _rule_card("contact", cutoff, version), tmp_path)
    assert artefacts.version_on("contact", dt.date(2025, 3, 2), tmp_path) is None
    assert artefacts.version_on("contact", dt.date(2025, 3, 9), tmp_path) == "contact-a"
    # two versions on one cut-off (a re-run with late data): the one trained last
    assert artefacts.version_on("contact", dt.date(2025, 3, 31), tmp_path) == "contact-c"
    assert pipeline.training_cutoffs(dt.date(2025, 3, 1), dt.date(2025, 3, 31), 7) == [
        dt.date(2025, 3, d) for d in (3, 10, 17, 24, 31)]
    assert pipeline.training_cutoffs(dt.date(2025, 3, 31), dt.date(2025, 3, 31), 7) == [dt.date(2025, 3, 31)]


def test_a_first_run_trains_a_version_for_every_day_of_its_trend_window() -> None:
    """A one-day first run also trains the version of its weekly sequence on or before the first day
    of the trend window (else its 30-day trend would compare the model with the weighted rule); a
    range that starts early enough keeps its own cut-offs."""
    one_day = pipeline.first_run_cutoffs(dt.date(2025, 3, 31), dt.date(2025, 3, 31), 7)
    assert one_day == [dt.date(2025, 2, 24), dt.date(2025, 3, 31)]
    assert pipeline.first_run_cutoffs(dt.date(2025, 3, 1), dt.date(2025, 3, 31), 7) == [
        dt.date(2025, 2, 24), *(dt.date(2025, 3, d) for d in (3, 10, 17, 24, 31))]
    window_start = dt.date(2025, 3, 31) - dt.timedelta(days=pipeline.TREND_LOOKBACK_DAYS)
    for every in (1, 5, 7, 14, 30, 31):
        cutoffs = pipeline.first_run_cutoffs(dt.date(2025, 3, 31), dt.date(2025, 3, 31), every)
        assert len(cutoffs) == 2 and window_start - dt.timedelta(days=every) < cutoffs[0] <= window_start, every
        assert (dt.date(2025, 3, 31) - cutoffs[0]).days % every == 0
    assert pipeline.first_run_cutoffs(dt.date(2025, 1, 1), dt.date(2025, 3, 31), 7) == \
        pipeline.training_cutoffs(dt.date(2025, 1, 1), dt.date(2025, 3, 31), 7)
