"""Scoring configuration (config/scoring.yml), read once into typed values."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from models_ml.entities import ENTITIES, ROLLED_UP

@dataclass(frozen=True)
class Thresholds:
    excellent: float
    good: float
    fair: float


@dataclass(frozen=True)
class ScoringConfig:
    weights: dict[str, float]
    # Rating cut-offs per segment for every entity type ("default" for segments not listed), and per
    # entity type and segment where an entity type has its own (derived ones: models_ml/cutoffs.py).
    thresholds: dict[str, Thresholds]
    entity_thresholds: dict[str, dict[str, Thresholds]]
    history_minimum: dict[str, int]
    minimum_labels_per_class: dict[str, int]
    step_days: dict[str, int]
    model: dict[str, dict[str, Any]]
    holdout_days: int
    refit_every_days: int
    backfill_training_every_days: int  # a range run trains the models its dates would have had, this often
    training_window_days: int  # training rows from this many days before a cut-off only
    scoring_block_days: int  # scoring reads and writes this many days at a time
    scoring_block_rows: int  # or more days, while a block holds at most this many rows of an entity type
    seed: int
    threads: int  # at most this many threads per fit or scoring pass (OpenMP, BLAS)
    processes: int  # training fits this many (entity type, cut-off) models at once, each in its own process
    flat_band: float
    decline_points: float
    contact_share: dict[str, float]  # account / opportunity
    role_weights: dict[str, float]
    primary_contact_weight: float
    weakest_key_share: float  # share of the gap to its weakest key relationship an account's score loses
    factors: dict[str, Any]  # the factor curves' numbers (models_ml/factors.py)
    evaluation_minimum_rows_per_day: int
    silence: dict[str, int]  # unanswered_streak, days_since_customer_touch: the silence cap (scoring.silence)
    # When the trained model may replace the weighted rule (models_ml/training/trainer.py: model_choice).
    minimum_evaluated_blocks: int = 2
    auc_margin: float = 0.0
    ece_tolerance: float = 0.02

    def thresholds_for(self, entity: str, segment: str | None) -> Thresholds:
        """The entity type's own cut-offs for the segment, else every entity type's, else the default."""
        own = self.entity_thresholds.get(entity, {})
        segment = segment or "default"
        return own.get(segment) or self.thresholds.get(segment) or self.thresholds["default"]

    def as_dict(self) -> dict[str, Any]:
        """Plain values, for model cards and hashes."""
        from dataclasses import asdict

        return asdict(self)


def load_config(path: Path) -> ScoringConfig:
    """The scoring configuration at `path` (the settings' `scoring_config`: config/scoring.yml)."""
    raw = yaml.safe_load(path.read_text())
    thresholds, entity_thresholds = _thresholds(raw["thresholds"])
    hist = raw["history_minimum"]
    training = raw["training"]
    choice = {"minimum_evaluated_blocks": int(training.get("minimum_evaluated_blocks", 2)),
              "auc_margin": float(training.get("auc_margin", 0.0)),
              "ece_tolerance": float(training.get("ece_tolerance", 0.02))}
    if choice["minimum_evaluated_blocks"] < 1 or choice["ece_tolerance"] < 0:
        raise ValueError("scoring.yml: training.minimum_evaluated_blocks must be at least 1 and "
                         "training.ece_tolerance not negative")
    for name in ("threads", "processes"):
        if int(raw["training"].get(name, 1)) < 1:
            raise ValueError(f"scoring.yml: training.{name} must be at least 1")
    model = {e: {"params": dict(training["model"][e].get("params", {})),
                 "calibration": str(training["model"][e].get("calibration", "isotonic")),
                 "calibration_folds": int(training["model"][e].get("calibration_folds", 5))} for e in ENTITIES}
    for entity, settings in model.items():
        if settings["calibration_folds"] < 2:
            raise ValueError(f"scoring.yml: training.model.{entity}.calibration_folds must be at least 2")
    for name in ("refit_every_days", "holdout_days", "backfill_training_every_days", "window_days"):
        if int(raw["training"][name]) < 1:
            raise ValueError(f"scoring.yml: training.{name} must be at least 1")
    for name in ("scoring_block_days", "scoring_block_rows"):
        if int(raw[name]) < 1:
            raise ValueError(f"scoring.yml: {name} must be at least 1")
    return ScoringConfig(
        weights={k: float(v) for k, v in raw["weights"].items()},
        thresholds=thresholds,
        entity_thresholds=entity_thresholds,
        history_minimum={e: int(hist[e]) for e in ENTITIES},
        minimum_labels_per_class={e: int(raw["minimum_labels_per_class"][e]) for e in ENTITIES},
        step_days={e: int(raw["training"]["step_days"][e]) for e in ENTITIES},
        model=model,
        holdout_days=int(raw["training"]["holdout_days"]),
        refit_every_days=int(raw["training"]["refit_every_days"]),
        backfill_training_every_days=int(raw["training"]["backfill_training_every_days"]),
        training_window_days=int(raw["training"]["window_days"]),
        scoring_block_days=int(raw["scoring_block_days"]),
        scoring_block_rows=int(raw["scoring_block_rows"]),
        seed=int(raw["training"]["seed"]),
        threads=int(raw["training"].get("threads", 1)),
        processes=int(raw["training"].get("processes", 1)),
        flat_band=float(raw["trend"]["flat_band"]),
        decline_points=float(raw["trend"]["decline_points"]),
        contact_share={e: float(raw["contact_rollup"]["contact_share"][e]) for e in ROLLED_UP},
        role_weights={k: float(v) for k, v in raw["contact_rollup"]["role_weights"].items()},
        primary_contact_weight=float(raw["contact_rollup"]["primary_contact_weight"]),
        weakest_key_share=float(raw["contact_rollup"]["weakest_key_share"]),
        factors=_factor_params(raw["factors"]),
        evaluation_minimum_rows_per_day=int(raw["evaluation"]["minimum_rows_per_day"]),
        silence={k: int(raw["silence"][k]) for k in ("unanswered_streak", "days_since_customer_touch")},
        **choice,
    )


def _thresholds(raw: dict[str, Any]) -> tuple[dict[str, Thresholds], dict[str, dict[str, Thresholds]]]:
    """`thresholds:`: `default` and segments for every entity type; an entity type's name holds its
    own segments' cut-offs."""
    def parse(name: str, values: Any) -> Thresholds:
        if not isinstance(values, dict) or set(values) != {"excellent", "good", "fair"}:
            raise ValueError(f"scoring.yml: thresholds.{name} needs excellent, good and fair")
        t = Thresholds(**{n: float(x) for n, x in values.items()})
        if not t.excellent > t.good > t.fair:
            raise ValueError(f"scoring.yml: thresholds.{name} must satisfy excellent > good > fair")
        return t

    shared = {k: parse(k, v) for k, v in raw.items() if k not in ENTITIES}
    if "default" not in shared:
        raise ValueError("scoring.yml: thresholds need a `default` entry")
    own = {e: {k: parse(f"{e}.{k}", v) for k, v in (raw[e] or {}).items()} for e in ENTITIES if e in raw}
    return shared, own


def _factor_params(raw: dict[str, Any]) -> dict[str, Any]:
    """The factor curves' numbers, checked: weights of a blend must add up to 1, scales be positive."""
    for where, parts in (("reciprocity", ("reply_rate_weight", "two_way_weight")),
                         ("reciprocity", ("streak_floor", "streak_weight")),
                         ("contact.recency", ("meaningful_weight", "customer_touch_weight")),
                         ("contact.response_time", ("their_weight", "our_weight")),
                         ("account.breadth", ("contacts_weight", "decision_makers_weight", "role_coverage_weight")),
                         ("opportunity.recency", ("primary_weight", "best_weight")),
                         ("opportunity.breadth", ("engaged_share_weight", "decision_maker_weight"))):
        section = raw
        for key in where.split("."):
            section = section[key]
        total = sum(float(section[p]) for p in parts)
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"scoring.yml: factors.{where}: {' + '.join(parts)} must add up to 1, not {total}")
    return raw
