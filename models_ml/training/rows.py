"""Training rows, outcome counts, deal weights and the walk-forward blocks: time decides
everything, never a random split (see the package docstring)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models_ml.artefacts import data_hash
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


SEGMENT = "segment"  # the account segment column of every entity's rows; the model one-hot encodes it
_EPOCH = dt.date(1970, 1, 1)  # pandas counts days from here; the grid is on date.toordinal()


def grid_floor(day: dt.date, every_days: int) -> dt.date:
    """The last day not after `day` on the calendar's grid of every `every_days`-th day.

    Training rows and walk-forward blocks sit on such grids, fixed rather than counted from a run's
    date: the same rows and blocks then recur in every training whose window covers them, and a
    block fitted once is reused (walk_forward.block_model)."""
    return dt.date.fromordinal(day.toordinal() - day.toordinal() % every_days)


def training_dates(cutoff: dt.date, step_days: int, config: ScoringConfig) -> list[dt.date]:
    """The as-of dates a training as of `cutoff` reads: every `step_days`-th day of the calendar, back
    to the window of its first walk-forward block."""
    first = holdout_start(cutoff, config) - dt.timedelta(days=config.training_window_days)
    day, dates = grid_floor(cutoff, step_days), []
    while day >= first:
        dates.append(day)
        day -= dt.timedelta(days=step_days)
    return dates[::-1]


def training_rows(features: pd.DataFrame, labels: pd.DataFrame, spec: EntitySpec, as_of: dt.date,
                  step_days: int) -> pd.DataFrame:
    """Features on the grid's dates up to as_of, joined to their labels known by then."""
    dates = pd.to_datetime(features["as_of_date"])
    ordinal = (dates - pd.Timestamp(_EPOCH)).dt.days + _EPOCH.toordinal()
    sampled = features[(dates <= pd.Timestamp(as_of)) & (ordinal % step_days == 0)]
    keys = [spec.key] if "as_of_date" not in labels else [spec.key, "as_of_date"]
    lab = labels.copy()
    if "as_of_date" in lab:
        lab["as_of_date"] = pd.to_datetime(lab["as_of_date"])
        sampled = sampled.assign(as_of_date=pd.to_datetime(sampled["as_of_date"]))
    rows = sampled.merge(lab, on=keys, how="inner")
    rows["label_known_date"] = pd.to_datetime(rows["label_known_date"])
    rows = rows[rows["label_known_date"] <= pd.Timestamp(as_of)]
    return rows.sort_values(["as_of_date", spec.key], kind="stable").reset_index(drop=True)


def within_window(rows: pd.DataFrame, cutoff: dt.date, config: ScoringConfig) -> pd.DataFrame:
    """The rows a model trained as of `cutoff` learns from: as-of dates in the window before it."""
    dates = pd.to_datetime(rows["as_of_date"])
    first = pd.Timestamp(cutoff - dt.timedelta(days=config.training_window_days))
    return rows[(dates >= first) & (dates <= pd.Timestamp(cutoff))]


def holdout_start(as_of: dt.date, config: ScoringConfig) -> dt.date:
    """Where the walk-forward evaluation starts: the last day of the refit grid at least
    `holdout_days` before as_of (so the held-out period is holdout_days to one refit longer)."""
    return grid_floor(as_of - dt.timedelta(days=config.holdout_days), config.refit_every_days)


def walk_forward(rows: pd.DataFrame, as_of: dt.date, config: ScoringConfig) -> list[Block]:
    """Blocks of `refit_every_days` on the refit grid over the held-out period, each trained on the
    rows known at its start within the training window before it."""
    dates = pd.to_datetime(rows["as_of_date"])
    known = rows["label_known_date"]
    blocks = []
    cut = holdout_start(as_of, config)
    while cut < as_of:
        until = min(cut + dt.timedelta(days=config.refit_every_days), as_of)
        t_cut, t_until = pd.Timestamp(cut), pd.Timestamp(until)
        train = within_window(rows, cut, config)
        blocks.append(Block(cut, until, train=train[train["label_known_date"] <= t_cut],
                            test=rows[(dates > t_cut) & (dates <= t_until)]))
        cut = until
    return blocks


def rows_hash(rows: pd.DataFrame, spec: EntitySpec) -> str:
    """Content hash of training rows as a fit reads them (keys, dates, labels, features, segment, in order)."""
    columns = [spec.key, "as_of_date", "label", *spec.features, SEGMENT]
    return data_hash(rows[columns]) if len(rows) else "0" * 64


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
