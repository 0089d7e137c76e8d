"""The scorer's three jobs over a warehouse connection: train every entity type, score a range of
snapshot dates, and read the first feature date when nothing has been scored yet. The Dagster
assets (orchestration/defs/scoring_assets.py) hold the warehouse lock around them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from models_ml import artefacts, warehouse
from models_ml.config import ScoringConfig
from models_ml.entities import ENTITIES, SCORING_ORDER, SPECS
from models_ml.scoring import METHOD_MODEL, account_contact_links, contact_rollup, deal_contact_links, finish, score_frame
from models_ml.training import TrainResult, train_entity
from models_ml.trends import add_trends

TREND_LOOKBACK_DAYS = 30


def train_all(con: duckdb.DuckDBPyConnection, as_of: dt.date, config: ScoringConfig,
              models_root: Path) -> dict[str, TrainResult]:
    """Train (or fall back to the rule for) every entity type as of `as_of`; save the artefacts."""
    results = {}
    for entity in ENTITIES:
        features = warehouse.load_features(con, entity, end=as_of)
        result = train_entity(features, warehouse.load_labels(con, entity), entity, as_of, config)
        artefacts.save(entity, result.version, result.model, result.card, models_root)
        results[entity] = result
    return results


def score_range(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date, config: ScoringConfig,
                models: dict[str, tuple[Any | None, dict[str, Any]]]) -> dict[str, pd.DataFrame]:
    """Snapshots for every entity and date in start..end (trends need 30 earlier days, scored too)."""
    lookback = start - dt.timedelta(days=TREND_LOOKBACK_DAYS)
    frames: dict[str, pd.DataFrame] = {}
    full: dict[str, pd.DataFrame] = {}
    for entity in SCORING_ORDER:
        model, card = models[entity]
        features = warehouse.load_features(con, entity, lookback, end)
        snap = score_frame(entity, features, config, model, card["version"], card.get("fallback_reason"))
        if entity == "account":
            links = account_contact_links(full["contact"], config)
            snap = contact_rollup(snap, "account_id", full["contact"], links, config.contact_share["account"])
        elif entity == "opportunity":
            links = deal_contact_links(warehouse.load_deal_contacts(con), config)
            snap = contact_rollup(snap, "opportunity_id", full["contact"], links, config.contact_share["opportunity"])
            # The deal's own score is its calibrated chance of being won when the model scores it.
            snap["win_probability"] = (snap["own_score"] / 100.0).where(snap["scoring_method"] == METHOD_MODEL)
        snap = finish(snap, config)
        full[entity] = snap
        snap = add_trends(snap, SPECS[entity].key, config)
        keep = pd.to_datetime(snap["snapshot_date"]) >= pd.Timestamp(start)
        frames[entity] = snap[keep].sort_values(["snapshot_date", SPECS[entity].key]).reset_index(drop=True)
    return frames


def first_run_start(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The first feature date when no snapshot has been written yet, else None."""
    if warehouse.snapshot_rows(con, "contact"):
        return None
    return warehouse.first_feature_date(con)


def write_scores(con: duckdb.DuckDBPyConnection, frames: dict[str, pd.DataFrame], start: dt.date, end: dt.date) -> None:
    for entity, frame in frames.items():
        warehouse.write_snapshots(con, entity, frame, start, end)


def current_models(root: Path) -> dict[str, tuple[Any | None, dict[str, Any]]]:
    out = {}
    for entity in ENTITIES:
        loaded = artefacts.load_current(entity, root)
        if loaded is None:
            raise FileNotFoundError(f"no {entity} model yet: run the training asset first")
        out[entity] = loaded
    return out


def write_json(path: Path, payload: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, sort_keys=True, default=str) + "\n")
