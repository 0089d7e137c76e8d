"""A deliberate re-score of history with today's models, written side by side, never over the
published snapshots:

    python -m models_ml.rescore LABEL [--from 2025-06-01] [--to 2026-03-31]

scores every date in the range with the current version of each entity type's model (hindsight:
those models were trained on outcomes after many of the dates, which the published snapshots never
are) and writes `rescored.<entity>_scores__<LABEL>` in the warehouse, with the same columns as the
scorer's own tables. Compare them with the published health tables; nothing published changes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys

import pyarrow as pa

from models_ml import pipeline, warehouse
from models_ml.config import load_config
from models_ml.entities import ENTITIES, SPECS
from runtime import settings
from runtime.locks import warehouse_lock
from runtime.relations import Relation
from runtime.sql import qualified
from targets.warehouse import Warehouse, replace_table
from targets.warehouse import connect as connect_warehouse

RESCORE_SCHEMA = "rescored"
_LABEL = re.compile(r"[a-z0-9_]{1,40}")


def rescore_table(entity: str, label: str) -> str:
    """The side-by-side table of one entity type and label (a checked, lower-case word)."""
    if not _LABEL.fullmatch(label):
        raise ValueError(f"label {label!r}: use 1-40 lower-case letters, digits or underscores")
    return f"{SPECS[entity].snapshot_table}__{label}"


def rescore(con: Warehouse, label: str, start: dt.date, end: dt.date, models_root, config) -> dict[str, int]:
    """Score start..end with the current models into the label's tables (replaced whole); rows per entity type."""
    tables = {e: rescore_table(e, label) for e in ENTITIES}
    frames = pipeline.score_range(con, start, end, config, pipeline.current_models(models_root))
    for entity, frame in frames.items():
        table = Relation(tables[entity], RESCORE_SCHEMA, tables[entity])
        replace_table(con, table, pa.Table.from_pandas(frame, preserve_index=False))
    return {e: len(f) for e, f in frames.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models_ml.rescore", description=__doc__.split("\n\n")[0])
    parser.add_argument("label", help="name of this re-score (lower-case letters, digits, _)")
    parser.add_argument("--from", dest="start", type=dt.date.fromisoformat, default=None, help="first date (default: the first feature date)")
    parser.add_argument("--to", dest="end", type=dt.date.fromisoformat, default=None, help="last date (default: the last feature date)")
    args = parser.parse_args(argv)
    try:
        rescore_table(ENTITIES[0], args.label)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    cfg = settings.load()
    config = load_config(cfg.scoring_config)
    with warehouse_lock(cfg, holder=f"rescore {args.label}"), connect_warehouse(cfg) as con:
        start = args.start or warehouse.first_feature_date(con)
        end = args.end or warehouse.last_feature_date(con)
        if start is None or end is None:
            print("error: no features yet: run the pipeline first", file=sys.stderr)
            return 2
        print(f"re-scoring {start} .. {end} with the current models as {args.label!r} ...", flush=True)
        rows = rescore(con, args.label, start, end, cfg.models_dir, config)
    for entity, n in rows.items():
        print(f"  {qualified(RESCORE_SCHEMA, rescore_table(entity, args.label))}: {n} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
