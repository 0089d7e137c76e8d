"""Training rows, outcome counts, deal weights and the walk-forward blocks: time decides
everything, never a random split (see the package docstring)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models_ml.config import ScoringConfig
from models_ml.entities import EntitySpec


@dataclass(frozen=True)
class Block:
    """One step of the walk-forward evaluation: train on what was known at `trained_until`, score
    the rows of the following days up to `scores_to`."""

    trained_until: dt.date
    scores_to: dt.date
    train: pd.DataFrame
    test: pd.DataFrame


def training_rows(features: pd.DataFrame, labels: pd.DataFrame, spec: EntitySpec, as_of: dt.date,
                  step_days: int) -> pd.DataFrame:
    """Features on every step_days-th date before as_of, joined to their (known) labels."""
    dates = pd.to_datetime(features["as_of_date"])
    offset = (pd.Timestamp(as_of) - dates).dt.days
    sampled = features[(offset >= 0) & (offset % step_days == 0)]
    keys = [spec.key] if "as_of_date" not in labels else [spec.key, "as_of_date"]
    lab = labels.copy()
    if "as_of_date" in lab:
        lab["as_of_date"] = pd.to_datetime(lab["as_of_date"])
        sampled = sampled.assign(as_of_date=pd.to_datetime(sampled["as_of_date"]))
    rows = sampled.merge(lab, on=keys, how="inner")
    rows["label_known_date"] = pd.to_datetime(rows["label_known_date"])
    rows = rows[rows["label_known_date"] <= pd.Timestamp(as_of)]
    return rows.sort_values(["as_of_date", spec.key], kind="stable").reset_index(drop=True)


def holdout_start(as_of: dt.date, config: ScoringConfig) -> dt.date:
    return as_of - dt.timedelta(days=config.holdout_days)


def walk_forward(rows: pd.DataFrame, as_of: dt.date, config: ScoringConfig) -> list[Block]:
    """Blocks of `refit_every_days` over the held-out period, each with the rows known at its start."""
    dates = pd.to_datetime(rows["as_of_date"])
    known = rows["label_known_date"]
    blocks = []
    cut = holdout_start(as_of, config)
    while cut < as_of:
        until = min(cut + dt.timedelta(days=config.refit_every_days), as_of)
        t_cut, t_until = pd.Timestamp(cut), pd.Timestamp(until)
        blocks.append(Block(cut, until, train=rows[(dates <= t_cut) & (known <= t_cut)],
                            test=rows[(dates > t_cut) & (dates <= t_until)]))
        cut = until
    return blocks


def row_weights(rows: pd.DataFrame, spec: EntitySpec) -> np.ndarray:
    """1 per row; with one outcome per entity, 1 / (the entity's rows), rescaled to a mean of 1."""
    if not spec.one_outcome_per_entity or len(rows) == 0:
        return np.ones(len(rows))
    per_entity = rows[spec.key].map(rows[spec.key].value_counts()).to_numpy(dtype=float)
    w = 1.0 / per_entity
    return w / w.mean()


def labelled_outcomes(rows: pd.DataFrame, spec: EntitySpec) -> dict[int, int]:
    """Labelled outcomes per class: distinct entities when each has one outcome (deals), rows otherwise."""
    per = rows.drop_duplicates(spec.key) if spec.one_outcome_per_entity else rows
    counts = per["label"].value_counts()
    return {0: int(counts.get(0, 0)), 1: int(counts.get(1, 0))}




def fallback_reason(outcomes: dict[int, int], minimum: int) -> str | None:
    if min(outcomes.values()) >= minimum:
        return None
    return (f"too few labelled outcomes: {outcomes[0]} negative / {outcomes[1]} positive "
            f"(minimum {minimum} per class)")
