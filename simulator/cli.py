"""Command line: python -m simulator --out DIR --truth DIR [--seed 7] [--activities N] ..."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from runtime import settings
from simulator.config import DEFAULT_ACTIVITIES, DEFAULT_END, DEFAULT_SEED, DEFAULT_START, SimulationConfig
from simulator.pipeline import simulate


def parse_args(argv: list[str] | None = None) -> SimulationConfig:
    parser = argparse.ArgumentParser(
        prog="python -m simulator",
        description="Simulate a B2B sales organisation: write canonical extracts and, separately, the ground truth.",
    )
    parser.add_argument("--out", type=Path, default=None, help="extract folder (default: RI_EXTRACT_DIR or data/extracts)")
    parser.add_argument("--truth", type=Path, default=None, help="ground-truth folder (default: RI_GROUND_TRUTH_DIR or data/ground_truth)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED}); same seed, same bytes")
    parser.add_argument("--activities", type=int, default=DEFAULT_ACTIVITIES, help="approximate number of activities to generate")
    parser.add_argument("--start", type=dt.date.fromisoformat, default=DEFAULT_START, help="first day of the sample window")
    parser.add_argument("--end", type=dt.date.fromisoformat, default=DEFAULT_END, help="last day of the sample window")
    parser.add_argument("--feeds", type=Path, default=None, help="news feed folder (default: next to --out, named feeds)")
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv", dest="fmt", help="extract file format (default csv)")
    parser.add_argument("--no-defects", action="store_true", help="a clean org (the seed's scenario is still present)")
    parser.add_argument("--keep-bodies", action="store_true", help="also write e-mail bodies (by default only their sentiment)")
    args = parser.parse_args(argv)
    cfg = settings.load()
    return SimulationConfig(
        out_dir=args.out or cfg.extract_dir, truth_dir=args.truth or cfg.ground_truth_dir, seed=args.seed,
        activities=args.activities, start=args.start, end=args.end, fmt=args.fmt, defects=not args.no_defects,
        keep_bodies=args.keep_bodies, feeds_dir=args.feeds,
    )


def main(argv: list[str] | None = None) -> int:
    try:
        config = parse_args(argv)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    result = simulate(config)
    print(result.summary())
    return 0
