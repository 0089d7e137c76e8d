"""Versioned model artefacts: one folder per version with the skops file and the model card.

    <models_dir>/<entity>/<version>/model.skops        (absent when the weighted rule is used)
    <models_dir>/<entity>/<version>/model_card.json
    <models_dir>/<entity>/<version>/model_card.md
    <models_dir>/<entity>/current.json                   {"version": ...}
    <models_dir>/<entity>/versions.json                  every version in the order trained
    <models_dir>/<entity>/walk_forward/<day>-<key>.skops a walk-forward block's model, fitted on the
                                                         rows known on <day> (training.walk_forward)

A snapshot of date D is scored by the version "current on D": the latest trained of those whose
training cut-off (the card's `as_of_date`: outcomes known by then) is not after D (`version_on`).

skops, not pickle: loading only accepts the types listed in TRUSTED_TYPES.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
import skops.io as sio


TRUSTED_TYPES = [
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.isotonic.IsotonicRegression",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.model_selection._split.KFold",
    "models_ml.training.estimator.WeightedPipeline",
    "models_ml.training.binning.WeightedBins",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.preprocessing._encoders.OneHotEncoder",
    "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier",
    "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn._loss.loss.HalfBinomialLoss",
    "sklearn._loss.link.LogitLink",
    "sklearn._loss.link.Interval",
    "sklearn._loss._loss.CyHalfBinomialLoss",
    "sklearn.utils._bunch.Bunch",
    "collections.OrderedDict",
    "builtins.slice",
    "numpy.dtype",
]


def data_hash(frame: pd.DataFrame) -> str:
    """Content hash of the training rows (order-independent of the frame's index)."""
    h = hashlib.sha256(pd.util.hash_pandas_object(frame.reset_index(drop=True), index=False).to_numpy().tobytes())
    return h.hexdigest()


def save(entity: str, version: str, model: Any | None, card: dict[str, Any], root: Path) -> Path:
    folder = root / entity / version
    folder.mkdir(parents=True, exist_ok=True)
    if model is not None:
        save_fitted(model, folder / "model.skops")
    (folder / "model_card.json").write_text(json.dumps(card, indent=2, sort_keys=True, default=str) + "\n")
    (folder / "model_card.md").write_text(card_markdown(card))
    (folder.parent / "current.json").write_text(json.dumps({"version": version}) + "\n")
    trained = _trained_order(folder.parent)
    if version not in trained:
        (folder.parent / VERSIONS_FILE).write_text(json.dumps([*trained, version], indent=1) + "\n")
    return folder


VERSIONS_FILE = "versions.json"
WALK_FORWARD_DIR = "walk_forward"


def save_fitted(model: Any, path: Path) -> None:
    """A fitted model as skops, written whole or not at all (a concurrent reader never sees half)."""
    data = sio.dumps(model)
    untrusted = [t for t in sio.get_untrusted_types(data=data) if t not in TRUSTED_TYPES]
    if untrusted:
        raise TypeError(f"model holds types not on the trusted list: {untrusted}")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_bytes(data)
    partial.replace(path)


def load_fitted(path: Path) -> Any | None:
    """A model save_fitted wrote, or None when there is none."""
    return sio.load(path, trusted=TRUSTED_TYPES) if path.exists() else None


def walk_forward_models(entity: str, root: Path) -> Path:
    """Where an entity type's walk-forward block models are kept between trainings."""
    return root / entity / WALK_FORWARD_DIR


def prune_walk_forward_models(entity: str, root: Path, before: dt.date) -> None:
    """Remove the block models fitted on a day before `before`: no later training evaluates that block."""
    for path in walk_forward_models(entity, root).glob("*.skops"):
        if path.name[:10] < before.isoformat():
            path.unlink(missing_ok=True)


def _trained_order(base: Path) -> list[str]:
    path = base / VERSIONS_FILE
    return json.loads(path.read_text()) if path.exists() else []


def versions(entity: str, root: Path) -> list[tuple[str, str]]:
    """(training cut-off, version) of every saved version, by cut-off, then in the order trained."""
    base = root / entity
    order = {v: i for i, v in enumerate(_trained_order(base))}
    found = []
    for card_path in sorted(base.glob("*/model_card.json")):
        version = card_path.parent.name
        found.append((json.loads(card_path.read_text())["as_of_date"], order.get(version, -1), version))
    return [(cutoff, version) for cutoff, _, version in sorted(found)]


def version_on(entity: str, day: dt.date, root: Path, saved: list[tuple[str, str]] | None = None) -> str | None:
    """The version current on `day` (trained on outcomes known by then), None before the first
    training. `saved`: versions(entity, root) when the caller has read it already."""
    eligible = [version for cutoff, version in (versions(entity, root) if saved is None else saved)
                if cutoff <= day.isoformat()]
    return eligible[-1] if eligible else None


def load_version(entity: str, version: str, root: Path) -> tuple[Any | None, dict[str, Any]]:
    """(model or None for the weighted rule, card) of one saved version."""
    folder = root / entity / version
    card = json.loads((folder / "model_card.json").read_text())
    path = folder / "model.skops"
    return (sio.load(path, trusted=TRUSTED_TYPES) if path.exists() else None), card


def load_current(entity: str, root: Path) -> tuple[Any | None, dict[str, Any]] | None:
    """(model or None for the weighted rule, card) of the current version, or None if never trained."""
    base = root / entity
    pointer = base / "current.json"
    if not pointer.exists():
        return None
    return load_version(entity, json.loads(pointer.read_text())["version"], root)


def card_markdown(card: dict[str, Any]) -> str:
    lines = [f"# Model card: {card['entity']} health ({card['version']})", "",
             f"- Method: **{card['method']}**" + (f" — {card['fallback_reason']}" if card.get("fallback_reason") else ""),
             f"- Label: {card['label']}",
             f"- Training as of: {card['as_of_date']}; rows from {card['window']['first_as_of']} to {card['window']['last_as_of']}",
             f"- Trained and calibrated on every outcome known by {card['window']['max_label_known_date']}",
             f"- Evaluated walking forward from {card['window']['holdout_start']}: every "
             f"{card['window']['refit_every_days']} days a model trained on what was known that day scores the next days",
             f"- Rows: {json.dumps(card['rows'])}; labelled outcomes per class: {json.dumps(card['labelled_outcomes'])}",
             f"- Data hash: `{card['data_hash']}`",
             f"- Libraries: {json.dumps(card['libraries'])}", "", "## Features (monotonic direction)", ""]
    lines += [f"- `{f}`: {d:+d}" if d else f"- `{f}`: free" for f, d in card["features"].items()]
    lines += ["", "## Held-out metrics", "", "| scorer | ROC AUC | Brier | ECE | top-decile lift |", "|---|---|---|---|---|"]
    for name, m in card.get("metrics", {}).items():
        lines.append(f"| {name} | {m.get('roc_auc')} | {m.get('brier')} | {m.get('ece')} | {m.get('top_decile_lift')} |")
    choice = card.get("model_choice")
    if choice:
        lines += ["", f"Published: **{choice['published']}**. The model is published when at least "
                  f"{choice['minimum_evaluated_blocks']} walk-forward blocks were evaluated ({choice['evaluated_blocks']} of "
                  f"{choice['blocks']}), its ROC AUC is at least the weighted rule's + {choice['auc_margin']} "
                  f"({choice['model_roc_auc']} vs {choice['weighted_rule_roc_auc']}) and its ECE at most the rule's + "
                  f"{choice['ece_tolerance']} ({choice['model_ece']} vs {choice['weighted_rule_ece']})."]
    return "\n".join(lines) + "\n"
