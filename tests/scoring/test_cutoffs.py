"""Cut-offs per segment derived from outcomes: every segment rates its healthy relationships alike,
and writing them keeps the configuration valid and its comments."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from models_ml import cutoffs
from models_ml.config import Thresholds, load_config
from runtime import settings

DEFAULT = Thresholds(excellent=80, good=60, fair=40)


def _held_out(seed: int = 7) -> pd.DataFrame:
    """Two segments whose healthy relationships score differently (enterprise answers slower, so the
    model is less sure of it), and one too small to judge."""
    rng = np.random.default_rng(seed)
    parts = []
    for segment, centre, n in (("enterprise", 55.0, 3000), ("smb", 75.0, 3000), ("tiny", 70.0, 50)):
        parts.append(pd.DataFrame({"score": np.clip(rng.normal(centre, 15.0, n), 0, 100),
                                   "label": 1, "segment": segment}))
        parts.append(pd.DataFrame({"score": np.clip(rng.normal(centre - 25.0, 15.0, n), 0, 100),
                                   "label": 0, "segment": segment}))
    return pd.concat(parts, ignore_index=True)


def test_each_segment_rates_the_same_share_of_its_healthy_rows_in_each_band() -> None:
    rows = _held_out()
    derived = cutoffs.derive(rows["score"], rows["label"], rows["segment"], DEFAULT)
    pooled = derived["pooled"]["healthy_share_at_or_above"]
    assert derived["enterprise"]["good"] < DEFAULT.good < derived["smb"]["good"]
    for segment in ("enterprise", "smb"):
        healthy = rows[(rows["segment"] == segment) & (rows["label"] == 1)]["score"]
        for band in cutoffs.BANDS:
            share = float((healthy >= derived[segment][band]).mean())
            assert abs(share - pooled[band]) < 0.01, (segment, band, share, pooled[band])
        assert derived[segment]["excellent"] > derived[segment]["good"] > derived[segment]["fair"]
    assert derived["tiny"]["kept_default"] and derived["tiny"]["good"] == DEFAULT.good


def test_tied_scores_still_give_ordered_cutoffs() -> None:
    derived = cutoffs.derive(pd.Series([50.0] * 300), pd.Series([1] * 300), pd.Series(["smb"] * 300), DEFAULT)
    smb = derived["smb"]
    assert smb["excellent"] > smb["good"] > smb["fair"] >= 0


def test_writing_the_cutoffs_replaces_only_the_thresholds_block(tmp_path: Path) -> None:
    path = tmp_path / "scoring.yml"
    shutil.copy(settings.load().scoring_config, path)
    before = path.read_text()
    rows = _held_out()
    derived = cutoffs.derive(rows["score"], rows["label"], rows["segment"], DEFAULT)
    before_config = load_config(path)
    cutoffs.write_thresholds(path, cutoffs.thresholds_yaml(before_config, "contact", derived))
    config = load_config(path)
    assert config.thresholds_for("contact", "enterprise").good == derived["enterprise"]["good"]
    assert config.thresholds_for("contact", "tiny") == before_config.thresholds["default"]  # too few rows
    assert config.thresholds_for("account", "enterprise") == before_config.thresholds_for("account", "enterprise")
    assert config.thresholds == before_config.thresholds
    after = path.read_text()
    # everything but the block is unchanged, comments included
    assert _without_cutoff_lines(after) == _without_cutoff_lines(before)


def _without_cutoff_lines(text: str) -> list[str]:
    return [line for line in text.splitlines()
            if not (line.startswith("  ") and ("{excellent" in line or line.strip() == "contact:"))]
