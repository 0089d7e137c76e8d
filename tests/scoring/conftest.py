"""Fixtures for the scoring tests: a small simulated organisation built up to the features once
per session, and helpers to land and build any extract folder."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ingest.landing import land_all
from models_ml import pipeline, warehouse
from models_ml.config import ScoringConfig, load_config
from models_ml.scoring import finish, score_frame
from runtime import settings
from simulator import SimulationConfig, simulate

PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
DBT = str(Path(sys.executable).parent / "dbt")
SIM_START, SIM_END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


@dataclass
class Warehouse:
    root: Path
    path: Path
    as_of: dt.date

    def connect(self, read_only: bool = True) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.path), read_only=read_only)


def build_features(extract_dir: Path, root: Path, as_of: dt.date) -> Warehouse:
    """Land the extracts and run the dbt models up to the point-in-time features."""
    landed, warehouse = root / "landed", root / "warehouse.duckdb"
    land_all(extract_dir, landed)
    run_features(landed, warehouse, root, as_of)
    return Warehouse(root, warehouse, as_of)


def run_features(landed: Path, warehouse: Path, root: Path, as_of: dt.date) -> None:
    """dbt run of every model the features need, into `warehouse`."""
    # Everything the scorer reads (models/scoring), but not what reads the scorer's own output.
    run_models(landed, warehouse, root, as_of, ["--select", "+path:models/scoring", "--exclude", "source:ml+"])


def run_models(landed: Path, warehouse: Path, root: Path, as_of: dt.date, selection: list[str], command: str = "run") -> str:
    """dbt run (or another `command`) of the selected models (`selection`: dbt's --select /
    --exclude arguments) into `warehouse`; dbt's output."""
    run_settings = settings.load({"RI_LANDED_DIR": str(landed), "RI_WAREHOUSE": str(warehouse)})
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RI_", "DBT_"))}
    result = subprocess.run(
        [DBT, command, *selection, *run_settings.dbt_arguments(as_of), "--project-dir", str(PROJECT_DIR),
         "--profiles-dir", str(PROJECT_DIR), "--target-path", str(root / "target"), "--log-path", str(root / "logs")],
        env=env | {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    return result.stdout


@pytest.fixture(scope="session")
def config() -> ScoringConfig:
    return load_config(settings.load().scoring_config)


@pytest.fixture(scope="session")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """A small simulated organisation (about 10k activities over 2025), built to its features."""
    root = tmp_path_factory.mktemp("scoring_sim")
    simulate(SimulationConfig(out_dir=root / "extracts", truth_dir=root / "truth", activities=10_000,
                              start=SIM_START, end=SIM_END))
    return build_features(root / "extracts", root, SIM_END)


@pytest.fixture(scope="session")
def trained(sim: Warehouse, config: ScoringConfig) -> Iterator[dict]:
    """Models trained on the small organisation (saved under its own folder).

    On so few outcomes a model need not beat the weighted rule out of sample, and the honest choice
    would keep the rule (tests/scoring/test_model_choice.py tests that choice). Here every model
    with enough labels is published, so the tests exercise scoring by a model as well as by the rule.
    """
    publish = dataclasses.replace(config, minimum_evaluated_blocks=0, auc_margin=-1.0, ece_tolerance=1.0)
    with sim.connect() as con:
        results = pipeline.train_all(con, [sim.as_of], publish, sim.root / "models")
    yield {"results": results, "models": pipeline.current_models(sim.root / "models")}


def one_row(sim: Warehouse, entity: str, **overrides: object) -> pd.DataFrame:
    """A real feature row of the simulated org with some signals replaced."""
    with sim.connect() as con:
        row = warehouse.load_features(con, entity, sim.as_of, sim.as_of).head(1).copy()
    for col, value in overrides.items():
        row[col] = value
    return row.reset_index(drop=True)


# A healthy enterprise account: few activities, but answered, two-way, decision-makers engaged.
HEALTHY_ENTERPRISE_ACCOUNT = dict(
    segment="enterprise", interactions_90d=24, meetings_90d=6, meetings_30d=2, customer_touch_days_30d=3,
    customer_touch_days_90d=9, meaningful_days_90d=12, emails_outbound_30d=4, reply_rate_90d=0.7,
    two_way_exchanges_90d=14, max_unanswered_streak=0, days_since_meaningful=4, days_since_customer_touch=6,
    contacts_engaged_90d=3, decision_makers_engaged_90d=2, role_coverage_90d=0.75, channel_count_90d=2,
    their_response_hours_90d=10, sentiment_90d=0.6, open_opportunity_count=1, close_date_slips=0, won_last_365d=1)
# The same relationship at SMB volume.
BUSY_SMB_ACCOUNT = {**HEALTHY_ENTERPRISE_ACCOUNT, "segment": "smb", "interactions_90d": 140, "customer_touch_days_30d": 15,
                    "customer_touch_days_90d": 45, "meetings_90d": 3, "emails_outbound_30d": 40}


def assert_enterprise_cadence_is_not_poor(sim: Warehouse, config: ScoringConfig, model: object | None, version: str) -> None:
    """A healthy enterprise account with a fifth of the SMB volume is rated Good or better."""
    ent = finish("account", score_frame("account", one_row(sim, "account", **HEALTHY_ENTERPRISE_ACCOUNT), config, model, version), config)
    smb = finish("account", score_frame("account", one_row(sim, "account", **BUSY_SMB_ACCOUNT), config, model, version), config)
    assert ent["interactions_90d"].iloc[0] < smb["interactions_90d"].iloc[0] / 5
    assert ent["rating"].iloc[0] in ("Good", "Excellent"), (version, ent["score"].iloc[0])
