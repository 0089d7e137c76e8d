"""Small simulator runs shared by the simulator tests (each takes a second or two)."""

from __future__ import annotations

import glob
import os
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # runnable without installing the project
    sys.path.insert(0, str(ROOT))

from simulator import SimulationConfig, SimulationResult, simulate  # noqa: E402

SMALL = 5_000


def run(tmp: Path, **kwargs: object) -> SimulationResult:
    return simulate(SimulationConfig(out_dir=tmp / "out", truth_dir=tmp / "truth", activities=SMALL, **kwargs))


class Extract:
    """An extract folder read back as text (exactly as written), one frame per entity."""

    def __init__(self, result: SimulationResult) -> None:
        self.result = result
        self.out = Path(result.config.out_dir)
        self.truth = Path(result.config.truth_dir)
        self.feeds = Path(str(result.config.feeds_dir))
        self._cache: dict[str, pd.DataFrame] = {}

    def __getitem__(self, entity: str) -> pd.DataFrame:
        if entity not in self._cache:
            files = sorted(glob.glob(str(self.out / entity / "*.csv")))
            frames = [pd.read_csv(f, dtype=str, keep_default_na=False) for f in files]
            self._cache[entity] = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        return self._cache[entity]

    def truth_table(self, name: str) -> pd.DataFrame:
        return pd.read_parquet(self.truth / f"{name}.parquet")


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Extract:
    """Default-shaped small run: seed 7 with defects."""
    return Extract(run(tmp_path_factory.mktemp("seed7")))


class Rerun(NamedTuple):
    out: Path
    truth: Path
    feeds: Path


@pytest.fixture(scope="session")
def sample_again(tmp_path_factory: pytest.TempPathFactory) -> Rerun:
    """The same run through the CLI in another process with another string-hash seed, news feeds elsewhere."""
    tmp = tmp_path_factory.mktemp("seed7-again")
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-m", "simulator", "--out", str(tmp / "out"), "--truth", str(tmp / "truth"),
         "--activities", str(SMALL), "--seed", "7", "--feeds", str(tmp / "elsewhere" / "news")],
        check=True, cwd=ROOT, env=env, capture_output=True,
    )
    return Rerun(tmp / "out", tmp / "truth", tmp / "elsewhere" / "news")


@pytest.fixture(scope="session")
def other_seed(tmp_path_factory: pytest.TempPathFactory) -> Extract:
    return Extract(run(tmp_path_factory.mktemp("seed8"), seed=8))


@pytest.fixture(scope="session")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Extract:
    """The same org without injected defects."""
    return Extract(run(tmp_path_factory.mktemp("clean"), defects=False))
