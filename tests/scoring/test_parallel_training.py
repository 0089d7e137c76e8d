"""Training several models at once, in worker processes, saves the same artefacts in the same order
as training them one at a time."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from models_ml import artefacts, pipeline, warehouse
from models_ml.config import ScoringConfig
from models_ml.entities import ENTITIES, SPECS
from models_ml.training import estimator
from models_ml.training.estimator import predict


def small_fits(config: ScoringConfig, processes: int) -> ScoringConfig:
    """Few boosting rounds: the test is about who fits what, not about the models' quality."""
    model = {e: {**m, "params": {**m["params"], "max_iter": 5}} for e, m in config.model.items()}
    return dataclasses.replace(config, model=model, processes=processes, minimum_evaluated_blocks=0,
                               auc_margin=-1.0, ece_tolerance=1.0)


def saved(root: Path) -> dict[str, object]:
    """Per entity type: the versions in training order, the current one, and the cards' metrics."""
    out = {}
    for entity in ENTITIES:
        base = root / entity
        out[entity] = {
            "versions": artefacts.versions(entity, root),
            "trained_order": json.loads((base / artefacts.VERSIONS_FILE).read_text()),
            "current": json.loads((base / "current.json").read_text()),
            "metrics": [json.loads((base / v / "model_card.json").read_text())["metrics"]
                        for _, v in artefacts.versions(entity, root)],
        }
    return out


def test_models_trained_in_worker_processes_equal_models_trained_one_at_a_time(sim, config, tmp_path) -> None:
    cutoffs = [sim.as_of - dt.timedelta(days=14), sim.as_of]
    lines: list[str] = []
    saved_at_step: list[int] = []

    def other_work() -> Iterator[None]:
        """The process's own work, a step at a time (the scoring of days no model here will score)."""
        for _ in range(3):
            saved_at_step.append(sum(line.startswith("trained ") for line in lines))
            yield

    with sim.connect() as con:
        one = pipeline.train_all(con, cutoffs, small_fits(config, 1), tmp_path / "one")
        many = pipeline.train_all(con, cutoffs, small_fits(config, 2), tmp_path / "many", lines.append, other_work())
        features = {e: warehouse.load_features(con, e, sim.as_of, sim.as_of) for e in ENTITIES}

    assert saved(tmp_path / "one") == saved(tmp_path / "many")
    assert all(len(saved(tmp_path / "many")[e]["versions"]) == len(cutoffs) for e in ENTITIES)
    for entity in ENTITIES:
        assert one[entity].version == many[entity].version
        if one[entity].model is not None:
            assert np.array_equal(predict(one[entity].model, features[entity], SPECS[entity]),
                                  predict(many[entity].model, features[entity], SPECS[entity]))
    # Progress names each model as its rows are read and as it is saved.
    assert sum(line.startswith("training ") for line in lines) == len(cutoffs) * len(ENTITIES)
    assert sum(line.startswith("trained ") for line in lines) == len(cutoffs) * len(ENTITIES)
    # The other work was done while the workers fitted, not after them, and it changed no model.
    assert len(saved_at_step) == 3 and saved_at_step[0] < len(cutoffs) * len(ENTITIES)


def test_no_worker_process_starts_when_no_model_has_the_outcomes_to_fit(sim, config, tmp_path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Too few labelled outcomes: every entity type falls back to the rule without fitting, so starting
    worker processes (seconds each) would buy nothing."""
    scarce = dataclasses.replace(small_fits(config, 2), minimum_labels_per_class={e: 10**9 for e in ENTITIES})

    def no_workers(*args: object, **kwargs: object) -> None:
        raise AssertionError("a worker process pool was started")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_workers)
    cutoffs = [sim.as_of - dt.timedelta(days=14), sim.as_of]
    with sim.connect() as con:
        results = pipeline.train_all(con, cutoffs, scarce, tmp_path)
    assert sorted(results) == sorted(ENTITIES)
    for entity, result in results.items():
        assert result.model is None and result.card["fallback_reason"].startswith("too few labelled outcomes")
        assert len(artefacts.versions(entity, tmp_path)) == len(cutoffs)


def test_a_later_training_reads_the_blocks_it_shares_and_publishes_the_same_card(sim, config, tmp_path,
                                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Next week's training holds this week's walk-forward blocks but the last: it reads their kept
    models instead of fitting them, and its cards are those of a training from nothing."""
    small = small_fits(config, 1)
    fitted: list[int] = []
    fit = estimator.fit_calibrated

    def counted(train, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202 - fit_calibrated's own
        fitted.append(len(train))
        return fit(train, *args, **kwargs)

    monkeypatch.setattr(estimator, "fit_calibrated", counted)
    earlier, later = sim.as_of - dt.timedelta(days=7), sim.as_of
    with sim.connect() as con:
        pipeline.train_all(con, [earlier], small, tmp_path / "weekly")
        fitted.clear()
        weekly = pipeline.train_all(con, [later], small, tmp_path / "weekly")
        fits_weekly = len(fitted)
        fitted.clear()
        afresh = pipeline.train_all(con, [later], small, tmp_path / "afresh")
        fits_afresh = len(fitted)

    published = sum(result.model is not None for result in afresh.values())
    assert published >= 1 and published <= fits_weekly < fits_afresh
    for entity in ENTITIES:
        assert weekly[entity].card == afresh[entity].card, entity
        # only the blocks the later training evaluates are kept
        kept = sorted(p.name[:10] for p in artefacts.walk_forward_models(entity, tmp_path / "weekly").glob("*.skops"))
        assert all(day >= afresh[entity].card["window"]["holdout_start"] for day in kept)
