"""The honest choice between the trained model and the weighted rule, on hand-made walk-forward
figures: each reason for keeping the rule, in words with its numbers; the default sample's figures
publish the model; and a training run that keeps the rule says why and keeps every metric."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from models_ml import warehouse
from models_ml.config import ScoringConfig, load_config
from models_ml.scoring import METHOD_RULE
from models_ml.training import train_entity
from models_ml.training.trainer import model_choice_reason
from runtime import settings
from tests.scoring.conftest import Warehouse

DEFAULTS = {"minimum_blocks": 2, "auc_margin": 0.0, "ece_tolerance": 0.02}
EVALUATED = {"trained_until": "2025-10-02", "model_roc_auc": 0.8, "model_ece": 0.02}
SKIPPED = {"trained_until": "2026-01-30", "skipped": "no held-out rows with a known outcome"}


def metrics(model_auc: float | None, rule_auc: float | None, model_ece: float | None, rule_ece: float | None) -> dict:
    return {"model": {"roc_auc": model_auc, "ece": model_ece, "brier": 0.2},
            "weighted_rule": {"roc_auc": rule_auc, "ece": rule_ece, "brier": 0.21},
            "recency_only": {"roc_auc": 0.6, "ece": 0.01}}


def choose(blocks: list[dict], figures: dict, **settings_: float) -> str | None:
    return model_choice_reason(blocks, figures, **{**DEFAULTS, **settings_})


def test_the_default_samples_figures_publish_the_model() -> None:
    three = [EVALUATED] * 3
    assert choose(three, metrics(0.824, 0.7982, 0.015, 0.0295)) is None  # contact
    assert choose([EVALUATED, EVALUATED, SKIPPED], metrics(0.8683, 0.8181, 0.0199, 0.019)) is None  # account
    assert choose(three, metrics(0.8267, 0.7574, 0.037, 0.0337)) is None  # opportunity


def test_too_few_evaluated_blocks_keep_the_rule() -> None:
    reason = choose([EVALUATED, SKIPPED, SKIPPED], metrics(0.9, 0.8, 0.01, 0.02))
    assert reason == "only 1 of 3 walk-forward blocks could be evaluated (minimum 2)"
    assert choose([SKIPPED] * 3, {}) == "only 0 of 3 walk-forward blocks could be evaluated (minimum 2)"
    assert choose([EVALUATED, SKIPPED, SKIPPED], metrics(0.9, 0.8, 0.01, 0.02), minimum_blocks=1) is None


def test_a_lower_auc_than_the_rule_keeps_the_rule() -> None:
    reason = choose([EVALUATED] * 3, metrics(0.685, 0.836, 0.02, 0.02))
    assert reason == "model AUC 0.685 < weighted rule 0.836 out of sample"
    # the margin: at least as high as the rule plus the margin
    assert choose([EVALUATED] * 3, metrics(0.8, 0.8, 0.02, 0.02)) is None  # a tie is enough with margin 0
    assert choose([EVALUATED] * 3, metrics(0.81, 0.8, 0.02, 0.02), auc_margin=0.01) is None
    assert (choose([EVALUATED] * 3, metrics(0.805, 0.8, 0.02, 0.02), auc_margin=0.01)
            == "model AUC 0.805 < weighted rule 0.800 + margin 0.010 out of sample")


def test_a_worse_calibration_than_the_rule_beyond_the_tolerance_keeps_the_rule() -> None:
    reason = choose([EVALUATED] * 3, metrics(0.9, 0.8, 0.061, 0.03))
    assert reason == "model ECE 0.061 > weighted rule 0.030 + tolerance 0.020 out of sample"
    assert choose([EVALUATED] * 3, metrics(0.9, 0.8, 0.05, 0.03)) is None  # exactly the tolerance
    assert choose([EVALUATED] * 3, metrics(0.9, 0.8, 0.0199, 0.019)) is None
    assert (choose([EVALUATED] * 3, metrics(0.9, 0.8, 0.0419, 0.019))
            == "model ECE 0.0419 > weighted rule 0.0190 + tolerance 0.0200 out of sample")


def test_figures_that_could_not_be_computed_keep_the_rule() -> None:
    reason = choose([EVALUATED] * 3, metrics(None, None, 0.02, 0.02))
    assert reason == "out-of-sample ROC AUC could not be computed (held-out outcomes of one class only)"
    assert choose([EVALUATED] * 3, metrics(0.9, 0.8, float("nan"), 0.02)) == "out-of-sample ECE could not be computed"


def test_every_failed_test_is_named() -> None:
    reason = choose([EVALUATED, SKIPPED, SKIPPED], metrics(0.685, 0.836, 0.09, 0.03))
    assert reason == ("only 1 of 3 walk-forward blocks could be evaluated (minimum 2); "
                      "model AUC 0.685 < weighted rule 0.836 out of sample; "
                      "model ECE 0.090 > weighted rule 0.030 + tolerance 0.020 out of sample")


def test_the_settings_default_when_the_configuration_omits_them(tmp_path: Path) -> None:
    text = settings.load().scoring_config.read_text()
    for key in ("minimum_evaluated_blocks", "auc_margin", "ece_tolerance"):
        text = "\n".join(line for line in text.splitlines() if not line.strip().startswith(f"{key}:"))
    path = tmp_path / "scoring.yml"
    path.write_text(text)
    config = load_config(path)
    assert (config.minimum_evaluated_blocks, config.auc_margin, config.ece_tolerance) == (2, 0.0, 0.02)


def test_a_model_that_does_not_beat_the_rule_is_not_published(sim: Warehouse, config: ScoringConfig) -> None:
    demanding = dataclasses.replace(config, auc_margin=1.0)  # no model beats the rule by a whole AUC
    with sim.connect() as con:
        features = warehouse.load_features(con, "contact", end=sim.as_of)
        result = train_entity(features, warehouse.load_labels(con, "contact"), "contact", sim.as_of, demanding)
    card = result.card
    assert result.model is None and card["method"] == METHOD_RULE
    assert "< weighted rule" in card["fallback_reason"] and "+ margin 1.0" in card["fallback_reason"]
    assert {"model", "weighted_rule", "recency_only", "activity_count_90d"} <= set(card["metrics"])
    assert card["model_choice"]["published"] == METHOD_RULE
    assert card["model_choice"]["model_roc_auc"] == card["metrics"]["model"]["roc_auc"]
