"""Rating cut-offs per segment, derived from outcomes: every segment rates its healthy relationships
alike.

    python -m models_ml.cutoffs [--entity contact] [--write]

Method (docs/scoring.md, "Cut-offs per segment"). A relationship whose outcome turned out healthy
(label 1) should have the same chance of each rating whatever its segment: an enterprise contact
who keeps answering must not be Fair where an SMB contact like them is Good. On an entity type's
held-out walk-forward scores (out of sample, the model's calibrated probability x 100), the
`default` cut-offs give each rating a share of the healthy rows: share(k) = P(score >= cut-off k |
healthy). Each segment's cut-off k is the score its own healthy rows reach with that same share —
the (1 - share(k)) quantile of their scores. A segment with fewer than `MINIMUM_HEALTHY_ROWS`
healthy held-out rows keeps the default.

The model card of every training holds the cut-offs its evaluation derives (`derived_thresholds`);
this command prints them beside the configured ones and, with --write, writes them into the
scoring configuration as the entity type's own `thresholds` (contacts by default). Only a score
that is the model's probability can take them as they are: a contact's is; an account's and a
deal's blend the model with their contacts' health, so they keep the shared cut-offs.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from models_ml import artefacts
from models_ml.config import ScoringConfig, Thresholds, load_config
from models_ml.entities import ENTITIES
from runtime import settings

MINIMUM_HEALTHY_ROWS = 200
BANDS = ("excellent", "good", "fair")
# Cut-offs are written with one decimal; each is kept at least this far below the one above it.
_STEP = 0.1


def derive(scores: pd.Series, labels: pd.Series, segments: pd.Series, default: Thresholds,
           minimum_healthy_rows: int = MINIMUM_HEALTHY_ROWS) -> dict[str, dict[str, Any]]:
    """Per segment: healthy rows, the derived cut-offs, and whether the default was kept.

    `scores` are 0-100, `labels` 1 for a healthy outcome, `segments` the account segment of each row.
    """
    scores = pd.to_numeric(scores, errors="coerce").to_numpy(dtype=float)
    healthy = (pd.to_numeric(labels, errors="coerce").to_numpy() == 1) & ~np.isnan(scores)
    segment = segments.fillna("unknown").astype(str).to_numpy()
    if not healthy.any():
        return {}
    pooled = scores[healthy]
    shares = {band: float((pooled >= getattr(default, band)).mean()) for band in BANDS}
    out: dict[str, dict[str, Any]] = {"pooled": {"healthy_rows": int(healthy.sum()),
                                                 "healthy_share_at_or_above": {b: round(s, 4) for b, s in shares.items()}}}
    for name in sorted(set(segment)):
        own = scores[healthy & (segment == name)]
        entry: dict[str, Any] = {"healthy_rows": int(own.size)}
        if own.size < minimum_healthy_rows:
            entry.update(vars(default), kept_default=f"fewer than {minimum_healthy_rows} healthy held-out rows")
        else:
            entry.update(_ordered({band: float(np.quantile(own, 1.0 - shares[band])) for band in BANDS}))
        out[name] = entry
    return out


def _ordered(cut: dict[str, float]) -> dict[str, float]:
    """One decimal, excellent > good > fair (a segment whose healthy rows tie keeps them apart)."""
    excellent = round(min(cut["excellent"], 100.0), 1)
    good = round(min(cut["good"], excellent - _STEP), 1)
    fair = round(min(cut["fair"], good - _STEP), 1)
    return {"excellent": excellent, "good": good, "fair": max(fair, 0.0)}


def thresholds_yaml(config: ScoringConfig, entity: str, derived: dict[str, dict[str, Any]]) -> list[str]:
    """The configuration's whole `thresholds:` block with `entity`'s own cut-offs set to `derived`
    (segments that kept the default are left out); every other entry as it is."""
    own = {entity: {seg: Thresholds(**{b: e[b] for b in BANDS}) for seg, e in derived.items()
                    if seg not in ("pooled", "default") and not e.get("kept_default")}}
    lines = ["thresholds:"]
    lines += [f"  {segment}: {_flow(t)}" for segment, t in config.thresholds.items()]
    for name, segments in {**config.entity_thresholds, **own}.items():
        if segments:
            lines.append(f"  {name}:")
            lines += [f"    {segment}: {_flow(t)}" for segment, t in sorted(segments.items())]
    return lines


def _flow(t: Thresholds) -> str:
    return "{" + ", ".join(f"{b}: {getattr(t, b):g}" for b in BANDS) + "}"


def write_thresholds(config_path: Path, lines: list[str]) -> None:
    """Replace the `thresholds:` block of the configuration file, comments elsewhere kept."""
    text = config_path.read_text(encoding="utf-8")
    block = re.compile(r"^thresholds:\n(?:[ \t]+\S.*\n)*", re.MULTILINE)
    if not block.search(text):
        raise ValueError(f"{config_path}: no `thresholds:` block to replace")
    config_path.write_text(block.sub(lambda _: "\n".join(lines) + "\n", text, count=1), encoding="utf-8")
    load_config(config_path)  # still a valid configuration


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models_ml.cutoffs", description=__doc__.split("\n\n")[0])
    parser.add_argument("--entity", choices=ENTITIES, default="contact", help="whose held-out outcomes (default contact)")
    parser.add_argument("--write", action="store_true", help="write the derived cut-offs into the scoring configuration")
    args = parser.parse_args(argv)
    cfg = settings.load()
    config = load_config(cfg.scoring_config)
    current = artefacts.load_current(args.entity, cfg.models_dir)
    derived = (current[1].get("derived_thresholds") if current else None) or {}
    if not derived:
        print(f"error: no {args.entity} model card with derived cut-offs under {cfg.models_dir}: run the pipeline first",
              file=sys.stderr)
        return 2
    print(f"{args.entity} model {current[1]['version']}: held-out healthy rows {derived['pooled']['healthy_rows']}, "
          f"share rated at or above each default cut-off {derived['pooled']['healthy_share_at_or_above']}")
    print(f"{'segment':<14} {'healthy rows':>12}  configured (E/G/F)   derived (E/G/F)")
    for segment, entry in derived.items():
        if segment == "pooled":
            continue
        now = config.thresholds_for(args.entity, segment)
        print(f"{segment:<14} {entry['healthy_rows']:>12}  {now.excellent:g}/{now.good:g}/{now.fair:g}"
              f"{'':<10} {entry['excellent']:g}/{entry['good']:g}/{entry['fair']:g}"
              + (f"  (default kept: {entry['kept_default']})" if entry.get("kept_default") else ""))
    if args.write:
        write_thresholds(cfg.scoring_config, thresholds_yaml(config, args.entity, derived))
        print(f"written to {cfg.scoring_config}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
