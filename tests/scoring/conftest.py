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
import pytest

from ingest.landing import land_all
from models_ml import pipeline
from models_ml.config import ScoringConfig, load_config
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
    run_settings = settings.load({"RI_LANDED_DIR": str(landed), "RI_WAREHOUSE": str(warehouse)})
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RI_", "DBT_"))}
    # Everything the scorer reads (models/scoring), but not what reads the scorer's own output.
    result = subprocess.run(
        [DBT, "run", "--select", "+path:models/scoring", "--exclude", "source:ml+", *run_settings.dbt_arguments(as_of), "--project-dir", str(PROJECT_DIR),
         "--profiles-dir", str(PROJECT_DIR), "--target-path", str(root / "target"), "--log-path", str(root / "logs")],
        env=env | {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:]


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
