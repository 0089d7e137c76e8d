"""The scorer's three jobs over a warehouse connection: train every entity type, score a range of
snapshot dates, and read the first feature date when nothing has been scored yet. The Dagster
assets (orchestration/defs/scoring_assets.py) hold the warehouse lock around them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
from threadpoolctl import threadpool_limits

from models_ml import artefacts, warehouse
from models_ml.config import ScoringConfig
from models_ml.entities import ENTITIES, SCORING_ORDER, SPECS
from models_ml.scoring import (METHOD_MODEL, account_contact_links, contact_rollup, deal_contact_links, finish,
                               key_contact_links, score_frame, weakest_key_pull)
from models_ml.training import TrainResult, fits_nothing, train_entity
from models_ml.training.rows import holdout_start, training_dates
from models_ml.trends import add_trends
from targets.warehouse import Warehouse

TREND_LOOKBACK_DAYS = 30
# model_version of snapshots dated before an entity type's first training (the weighted rule scores).
UNTRAINED_VERSION = "{entity}-untrained"
_DONE = object()  # what next() returns for an exhausted iterator


def training_cutoffs(start: dt.date, end: dt.date, every_days: int) -> list[dt.date]:
    """The cut-offs a run over start..end trains at: its last day, and every `every_days` before it."""
    cutoffs = []
    day = end
    while day >= start:
        cutoffs.append(day)
        day -= dt.timedelta(days=every_days)
    return cutoffs[::-1]


def first_run_cutoffs(start: dt.date, end: dt.date, every_days: int) -> list[dt.date]:
    """A first run's cut-offs: its range's, and, when the earliest of those comes after the first day
    of the trend window before `end`, the one of their weekly sequence on or before that day. Every
    day of the window then has a model version, and the last day's trends compare a model with a
    model, never with the weighted rule that scores the days before the first training. (One earlier
    version rather than a week's each: a first run trains about one cut-off's worth more, since the
    earlier one shares most of its walk-forward blocks.)"""
    cutoffs = training_cutoffs(start, end, every_days)
    if cutoffs and cutoffs[0] > end - dt.timedelta(days=TREND_LOOKBACK_DAYS):
        steps = -(-TREND_LOOKBACK_DAYS // every_days)
        cutoffs.insert(0, end - dt.timedelta(days=steps * every_days))
    return cutoffs


def train_all(con: Warehouse, cutoffs: list[dt.date], config: ScoringConfig,
              models_root: Path, log: Callable[[str], None] = print,
              meanwhile: Iterator[object] | None = None) -> dict[str, TrainResult]:
    """Train (or fall back to the rule for) every entity type as of each cut-off; save the artefacts.

    The last cut-off is always trained (the run's own day); an earlier one is skipped when a version
    was already trained on it. Up to `config.processes` models are fitted at once, each in a worker
    process of its own, while this process reads the next one's rows from the warehouse (which only
    it may open); a model depends on its rows alone, so the artefacts are the same however many run
    at once. The walk-forward blocks' models are kept under `models_root` for the next training (a
    later cut-off shares all its blocks but the last); those older than the last cut-off's held-out
    period are then removed. Returns the results of the last cut-off.

    `meanwhile` is other work of this process, one step per `next()`: while the workers fit, this
    process takes its steps instead of waiting idle (it may use `con`: the same thread). What is
    left of it when training ends is the caller's to finish."""
    tasks = [(cutoff, entity) for i, cutoff in enumerate(cutoffs) for entity in ENTITIES
             if i == len(cutoffs) - 1 or not any(c == cutoff.isoformat() for c, _ in artefacts.versions(entity, models_root))]
    last = cutoffs[-1] if cutoffs else None
    results: dict[str, TrainResult] = {}

    def inputs(number: int, cutoff: dt.date, entity: str) -> tuple[pd.DataFrame, pd.DataFrame, str, dt.date, ScoringConfig, Path]:
        dates = training_dates(cutoff, config.step_days[entity], config)
        log(f"training {entity} as of {cutoff} ({number} of {len(tasks)} models, {cutoffs.index(cutoff) + 1} of "
            f"{len(cutoffs)} cut-offs, {len(dates)} as-of dates)")
        return (warehouse.load_features(con, entity, dates=dates), warehouse.load_labels(con, entity, dates), entity,
                cutoff, config, artefacts.walk_forward_models(entity, models_root))

    def keep(result: TrainResult, cutoff: dt.date) -> None:
        artefacts.save(result.entity, result.version, result.model, result.card, models_root)
        log(f"trained {result.entity} as of {cutoff}: {result.card['model_choice']['published']} published")
        if cutoff == last:
            results[result.entity] = result

    if config.processes == 1 or len(tasks) < 2:
        for number, (cutoff, entity) in enumerate(tasks, 1):
            keep(train_entity(*inputs(number, cutoff, entity)), cutoff)
        _forget_old_blocks(models_root, last, config)
        return results
    import multiprocessing
    from collections import deque
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from contextlib import ExitStack

    # spawn: a forked child would inherit this process's DuckDB and thread state. Artefacts are saved
    # in the order the models were submitted (the last saved is an entity type's current version),
    # whichever finishes first. A model with too few labelled outcomes to fit anything is trained
    # here, and the workers are started only once a model needs fitting: starting one costs seconds.
    submitted: deque[tuple[Future[TrainResult], dt.date]] = deque()

    def step_or_wait(fitting: list[Future[TrainResult]]) -> None:
        """One step of the other work while the workers fit, or, when there is none, wait for one."""
        nonlocal meanwhile
        if meanwhile is not None and next(meanwhile, _DONE) is not _DONE:
            return
        meanwhile = None
        wait(fitting, return_when=FIRST_COMPLETED)

    def save_finished() -> None:
        while submitted and submitted[0][0].done():
            future, cutoff = submitted.popleft()
            keep(future.result(), cutoff)

    with ExitStack() as stack:
        pool: ProcessPoolExecutor | None = None
        for number, (cutoff, entity) in enumerate(tasks, 1):
            ready = inputs(number, cutoff, entity)  # read while the workers fit
            if fits_nothing(ready[1], entity, cutoff, config):
                done: Future[TrainResult] = Future()
                done.set_result(train_entity(*ready))
                submitted.append((done, cutoff))
                save_finished()
                continue
            if pool is None:
                pool = stack.enter_context(ProcessPoolExecutor(
                    max_workers=min(config.processes, len(tasks)), mp_context=multiprocessing.get_context("spawn")))
            while len(fitting := [future for future, _ in submitted if not future.done()]) >= config.processes:
                step_or_wait(fitting)
            save_finished()
            submitted.append((pool.submit(train_entity, *ready), cutoff))
        while fitting := [future for future, _ in submitted if not future.done()]:
            step_or_wait(fitting)
        save_finished()
    _forget_old_blocks(models_root, last, config)
    return results


def _forget_old_blocks(models_root: Path, last: dt.date | None, config: ScoringConfig) -> None:
    """Drop the walk-forward block models no training from `last` on evaluates."""
    if last is not None:
        for entity in ENTITIES:
            artefacts.prune_walk_forward_models(entity, models_root, holdout_start(last, config))


def block_days(con: Warehouse, start: dt.date, end: dt.date, config: ScoringConfig) -> int:
    """Days per scoring block of start..end: `scoring_block_days`, or more when the entities are few,
    as many as keep a block within `scoring_block_rows` rows of the largest entity type at the
    range's average rows per day (an organisation that grows through the range may pass it by its
    growth). Memory still follows the entities: a block never holds fewer days than the setting."""
    days = (end - start).days + 1
    if days <= config.scoring_block_days:
        return config.scoring_block_days  # one block whatever the counts: no need to ask
    rows_per_day = max(warehouse.feature_rows(con, entity, start, end) for entity in ENTITIES) / days
    return max(config.scoring_block_days, int(config.scoring_block_rows // max(rows_per_day, 1)))


def score_blocks(start: dt.date, end: dt.date, block_days: int) -> list[tuple[dt.date, dt.date]]:
    """start..end cut into consecutive ranges of at most `block_days` days, in date order."""
    blocks, day = [], start
    while day <= end:
        last = min(day + dt.timedelta(days=block_days - 1), end)
        blocks.append((day, last))
        day = last + dt.timedelta(days=1)
    return blocks


def every_entity_trained(models_root: Path) -> bool:
    """Whether every entity type has a trained version (or a rule fallback saved as one)."""
    return all(artefacts.versions(entity, models_root) for entity in ENTITIES)


class FixedModels:
    """One model (or rule) per entity type for every date: a deliberate re-score, and tests."""

    def __init__(self, models: dict[str, tuple[Any | None, dict[str, Any]]]) -> None:
        self.models = models

    def on(self, entity: str, day: dt.date) -> tuple[Any | None, dict[str, Any] | None]:
        return self.models[entity]


class PointInTimeModels:
    """The version current on each date (artefacts.version_on): trained only on outcomes known by
    then. Before an entity type's first training there is none, and the weighted rule scores.

    The versions are read once per entity type, at its first date: create the object after the
    run's training, for the scoring that follows it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._versions: dict[str, list[tuple[str, str]]] = {}
        self._loaded: dict[tuple[str, str], tuple[Any | None, dict[str, Any]]] = {}

    def on(self, entity: str, day: dt.date) -> tuple[Any | None, dict[str, Any] | None]:
        if entity not in self._versions:
            self._versions[entity] = artefacts.versions(entity, self.root)
        version = artefacts.version_on(entity, day, self.root, self._versions[entity])
        if version is None:
            return None, None
        if (entity, version) not in self._loaded:
            self._loaded[(entity, version)] = artefacts.load_version(entity, version, self.root)
        return self._loaded[(entity, version)]


def _score_by_version(entity: str, features: pd.DataFrame, config: ScoringConfig, models: FixedModels | PointInTimeModels) -> pd.DataFrame:
    """Score each date with the model its resolver names; the training cut-off goes with every row."""
    days = features["as_of_date"].dt.date
    chosen = {day: models.on(entity, day) for day in sorted(set(days))}
    version_of = {day: (card["version"] if card else None) for day, (_, card) in chosen.items()}
    parts = []
    for version, rows in features.groupby(days.map(version_of).fillna(""), sort=True):
        model, card = chosen[rows["as_of_date"].iloc[0].date()]
        if card is None:
            snap = score_frame(entity, rows, config, None, UNTRAINED_VERSION.format(entity=entity),
                               f"no {entity} model had been trained by this date")
            parts.append(snap.assign(training_cutoff=pd.NaT))
        else:
            snap = score_frame(entity, rows, config, model, card["version"], card.get("fallback_reason"))
            parts.append(snap.assign(training_cutoff=pd.Timestamp(card["as_of_date"])))
    if not parts:
        return score_frame(entity, features, config, None, "", None).assign(training_cutoff=pd.NaT)
    out = pd.concat(parts).sort_index()
    out["training_cutoff"] = pd.to_datetime(out["training_cutoff"])  # a date; typed even when none is known
    return out


def score_range(con: Warehouse, start: dt.date, end: dt.date, config: ScoringConfig,
                models: FixedModels | PointInTimeModels | dict[str, tuple[Any | None, dict[str, Any]]],
                *, skip_written: bool = False) -> dict[str, pd.DataFrame]:
    """Snapshots for every entity and date in start..end, each date scored by what `models` names
    for it (a plain dict: those models for every date).

    With `skip_written`, dates already in the snapshot tables are left out — a published snapshot
    is never rewritten — and the trends of the new dates read the 30 earlier days from those
    tables. Otherwise the 30 earlier days are scored too, with the same models.
    """
    with threadpool_limits(limits=config.threads):
        return _score_range(con, start, end, config, models, skip_written)


def _score_range(con: Warehouse, start: dt.date, end: dt.date, config: ScoringConfig,
                 models: FixedModels | PointInTimeModels | dict[str, tuple[Any | None, dict[str, Any]]],
                 skip_written: bool) -> dict[str, pd.DataFrame]:
    models = FixedModels(models) if isinstance(models, dict) else models
    lookback = start - dt.timedelta(days=TREND_LOOKBACK_DAYS)
    written = warehouse.snapshot_dates(con, "contact") if skip_written else set()
    frames: dict[str, pd.DataFrame] = {}
    full: dict[str, pd.DataFrame] = {}
    for entity in SCORING_ORDER:
        key = SPECS[entity].key
        features = warehouse.load_features(con, entity, start if skip_written else lookback, end)
        features = features[~features["as_of_date"].dt.date.isin(written)]
        snap = _score_by_version(entity, features, config, models)
        if entity == "account":
            links = account_contact_links(full["contact"], config)
            snap = contact_rollup(snap, "account_id", full["contact"], links, config.contact_share["account"])
            key_links = key_contact_links(full["contact"], warehouse.load_deal_contacts(con))
            snap = weakest_key_pull(snap, full["contact"], key_links, config.weakest_key_share)
        elif entity == "opportunity":
            links = deal_contact_links(warehouse.load_deal_contacts(con), config)
            snap = contact_rollup(snap, "opportunity_id", full["contact"], links, config.contact_share["opportunity"])
            # The deal's own score is its calibrated chance of being won when the model scores it.
            snap["win_probability"] = (snap["own_score"] / 100.0).where(snap["scoring_method"] == METHOD_MODEL)
        snap = finish(entity, snap, config)
        full[entity] = snap
        earlier = None
        if skip_written:
            earlier = warehouse.read_snapshots(con, entity, (key, "snapshot_date", "score", "rating"), lookback, end)
            earlier = earlier[~pd.to_datetime(earlier["snapshot_date"]).dt.date.isin(set(snap["snapshot_date"]))]
        snap = add_trends(snap, key, config, earlier)
        keep = pd.to_datetime(snap["snapshot_date"]) >= pd.Timestamp(start)
        frames[entity] = snap[keep].sort_values(["snapshot_date", key]).reset_index(drop=True)
    return frames


def first_run_start(con: Warehouse) -> dt.date | None:
    """The first feature date when no snapshot has been written yet, else None."""
    if warehouse.snapshot_rows(con, "contact"):
        return None
    return warehouse.first_feature_date(con)


def write_scores(con: Warehouse, frames: dict[str, pd.DataFrame]) -> None:
    """Write every entity type's snapshots of the frames' dates in one transaction: all or none."""
    con.execute("begin transaction")
    try:
        for entity, frame in frames.items():
            warehouse.write_snapshots(con, entity, frame)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


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
