"""Scoring time and peak memory for 100k contacts on one snapshot date.

    .venv/bin/python benchmarks/score_100k.py [--contacts 100000]

Feature rows are synthetic (drawn to look like the simulator's), the model is trained on 20k of
them with the production pipeline (preprocessing, monotonic gradient boosting, calibration); the
timed part is what the daily scoring does per row: sub-scores, weighted rule, calibrated model,
reasons, rating and within-segment percentile.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from models_ml.config import load_config  # noqa: E402
from models_ml.entities import CONTACT  # noqa: E402
from models_ml.factors import factor_scores, weighted_rule  # noqa: E402
from models_ml.scoring import finish, score_frame  # noqa: E402
from models_ml.training.estimator import fit_calibrated  # noqa: E402
from runtime import settings  # noqa: E402


def synthetic_contacts(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    touch90 = rng.poisson(rng.gamma(2.0, 4.0, n))
    df = pd.DataFrame({
        "contact_id": [f"c-{i:07d}" for i in range(n)],
        "as_of_date": pd.Timestamp("2026-03-31"),
        "entity_name": "Contact",
        "segment": rng.choice(["enterprise", "mid_market", "smb"], n),
        "days_since_meaningful": np.where(touch90 > 0, rng.integers(0, 60, n), np.nan),
        "days_since_customer_touch": np.where(touch90 > 0, rng.integers(0, 90, n), np.nan),
        "unanswered_streak": rng.poisson(1.5, n),
        "customer_touch_days_30d": rng.binomial(touch90, 0.33),
        "customer_touch_days_90d": touch90,
        "meaningful_days_30d": rng.binomial(touch90, 0.4),
        "meaningful_days_90d": touch90 + rng.poisson(2, n),
        "emails_inbound_90d": touch90 + rng.poisson(1, n),
        "meetings_90d": rng.poisson(2, n),
        "calls_90d": rng.poisson(1, n),
        "emails_outbound_30d": rng.poisson(5, n),
        "reply_rate_90d": rng.beta(2, 2, n),
        "two_way_exchanges_90d": touch90 + rng.poisson(3, n),
        "their_response_hours_90d": rng.lognormal(2, 1, n),
        "our_response_hours_90d": rng.lognormal(1.5, 1, n),
        "their_response_business_hours_90d": rng.lognormal(1.5, 1, n),
        "our_response_business_hours_90d": rng.lognormal(1.0, 1, n),
        "channel_count_90d": rng.integers(0, 4, n),
        "sentiment_90d": rng.uniform(-0.5, 0.9, n),
        "meetings_missed_90d": rng.poisson(0.3, n),
        "emails_human_opened_90d": rng.poisson(5, n),
        "emails_machine_opened_only_90d": rng.poisson(1, n),
        "tenure_days": rng.integers(30, 900, n),
        "interactions_90d": touch90 * 2 + rng.poisson(4, n),
        "account_id": [f"a-{i % 20000:06d}" for i in range(n)],
        "owner_user_id": "u-1", "contact_role": "user", "last_meaningful_date": pd.NaT,
        "is_going_quiet": False,
    })
    return df


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=100_000)
    args = parser.parse_args()
    config = load_config(settings.load().scoring_config)
    train = synthetic_contacts(20_000, seed=1)
    rule = weighted_rule(factor_scores("contact", train, config.factors), config.weights)
    train["label"] = (np.random.default_rng(2).random(len(train)) < rule / 110).astype(int)
    started = time.perf_counter()
    model = fit_calibrated(train, CONTACT, config.seed, config.model["contact"])
    fit_seconds = time.perf_counter() - started

    rows = synthetic_contacts(args.contacts)
    tracemalloc.start()
    started = time.perf_counter()
    snap = finish(score_frame("contact", rows, config, model, "benchmark"), config)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"contacts scored:        {len(snap):,} ({snap['score'].notna().sum():,} with a score)")
    print(f"scoring time:           {seconds:.2f} s  ({len(snap) / seconds:,.0f} contacts/s)")
    print(f"peak Python memory:     {peak / 2**20:.0f} MiB (tracemalloc, scoring only)")
    print(f"peak process RSS:       {rss:.0f} MiB (whole run, incl. training the model)")
    print(f"model training (20k):   {fit_seconds:.1f} s")


if __name__ == "__main__":
    main()
