"""The dbt resource knows the installed dbt's version without running `dbt --version` (a subprocess
that imports dbt before every run's first dbt step), and knows the version that command reports."""

from __future__ import annotations

import re
import subprocess

import dagster_dbt.core.resource
import pytest

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
