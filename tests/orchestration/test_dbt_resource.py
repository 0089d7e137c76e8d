"""The dbt resource knows the installed dbt's version without running `dbt --version` (a subprocess
that imports dbt before every run's first dbt step), and knows the version that command reports; a
dbt step keeps only its last invocations' target folders."""

from __future__ import annotations

import os
import re
import subprocess

import dagster_dbt.core.resource
import pytest

from orchestration.defs.dbt_models import KEPT_INVOCATION_TARGETS, _prune_invocation_targets
from orchestration.defs.resources import resources


def test_the_dbt_version_is_the_executables_and_read_without_running_it(monkeypatch: pytest.MonkeyPatch) -> None:
    dbt = resources().resources["dbt"]
    reported = subprocess.check_output([dbt.dbt_executable, "--version"], text=True)

    def no_subprocess(*args: object, **kwargs: object) -> bytes:
        raise AssertionError(f"the dbt resource ran {args}")

    monkeypatch.setattr(dagster_dbt.core.resource, "check_output", no_subprocess)
    fresh = resources().resources["dbt"]
    assert str(fresh._cli_version) == re.search(r"(\d+\.\d+\.\d+)", reported).group(1)
    assert fresh._cli_version.major < 2  # dbt-core, whose adapter dagster-dbt initialises


def test_no_dbt_adapter_is_loaded_into_the_steps_process(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """The adapter serves only metadata fetches the steps never make; loading it costs each dbt step
    the project's macros and a connection profile in this process."""
    import dbt.config.runtime

    loaded: list[object] = []
    monkeypatch.setattr(dbt.config.runtime, "load_profile", lambda *args, **kwargs: loaded.append(args))
    dbt = resources().resources["dbt"]
    invocation = dbt.cli(["--version"], raise_on_error=True, target_path=tmp_path)
    invocation.wait()
    assert loaded == [] and invocation.adapter is None and invocation.is_successful()


def test_a_step_keeps_its_last_finished_invocations_targets_and_every_unfinished_one(tmp_path) -> None:
    """Each night's dbt invocations leave ~8 MB of compiled SQL and logs: a year of nights would be
    gigabytes. The newest finished folders of the step stay; a folder without run_results.json (an
    invocation still running, or killed) and other steps' folders are not touched."""

    def invocation(name: str, finished_at: int | None) -> str:
        folder = tmp_path / name
        (folder / "compiled").mkdir(parents=True)
        if finished_at is not None:
            (folder / "run_results.json").write_text("{}")
            os.utime(folder / "run_results.json", (finished_at, finished_at))
        return name

    # Names sort differently from the times they finished, as run ids do.
    nights = [invocation(f"dbt_models-{run:07x}-aaaaaaa", 1_000_000 + 86_400 * ((run * 7) % 12))
              for run in range(12)]
    running = invocation("dbt_models-fffffff-bbbbbbb", None)
    other_step = [invocation(f"dbt_serving_models-{run:07x}-ccccccc", 1_000) for run in range(9)]
    assert len(nights) > KEPT_INVOCATION_TARGETS
    by_time = sorted(nights, key=lambda name: (tmp_path / name / "run_results.json").stat().st_mtime)

    _prune_invocation_targets(tmp_path / by_time[-1])

    kept = sorted(folder.name for folder in tmp_path.iterdir())
    assert kept == sorted([*by_time[-KEPT_INVOCATION_TARGETS:], running, *other_step])
