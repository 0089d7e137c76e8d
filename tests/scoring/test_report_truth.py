"""The evaluation report reads the simulator's ground truth only from the first day it compares."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from models_ml import report

DAYS = [dt.date(2026, 1, 1) + dt.timedelta(days=d) for d in range(10)]
ACCOUNTS = ["a-1", "a-2", "a-3"]


def write_truth(path: Path) -> Path:
    rows = [(a, day, (i + 1) / 4 + d / 100) for d, day in enumerate(DAYS) for i, a in enumerate(ACCOUNTS)]
    pq.write_table(pa.table({"account_id": [r[0] for r in rows], "date": [r[1] for r in rows],
                             "value": [r[2] for r in rows]}), path)
    return path


def scored_from(first: dt.date) -> pd.DataFrame:
    rows = [(a, day, 20.0 + 25 * i + d, "fair", DAYS[0], 80.0, 60.0, 40.0)
            for d, day in enumerate(DAYS) if day >= first for i, a in enumerate(ACCOUNTS)]
    return pd.DataFrame(rows, columns=list(report.ACCOUNT_AGREEMENT_COLUMNS))


def test_only_the_days_compared_are_read(tmp_path: Path) -> None:
    path = write_truth(tmp_path / "account_latent_health.parquet")
    truth = report._truth(path, "account_id", DAYS[6])
    assert sorted(truth["date"].dt.date.unique()) == DAYS[6:]
    assert len(truth) == 4 * len(ACCOUNTS)


def test_account_agreement_compares_the_scored_days_with_their_truth(tmp_path: Path) -> None:
    path = write_truth(tmp_path / "account_latent_health.parquet")
    agreement = report.account_agreement(scored_from(DAYS[4]), path)
    assert agreement["account_rows_after_training_cutoff"] == 6 * len(ACCOUNTS)
    assert agreement["account_dates_after_training_cutoff"] == [DAYS[4].isoformat(), DAYS[-1].isoformat()]
    assert agreement["account_latent_spearman_pooled"] > 0.9
    assert report.account_agreement(scored_from(DAYS[-1] + dt.timedelta(days=1)), path) == {}
