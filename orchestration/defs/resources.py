"""Resources of the local default: the dbt project's CLI."""

import importlib.metadata
import sys
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource
from packaging import version

from orchestration.dbt_project import DBT_PROJECT


class InstalledDbtCli(DbtCliResource):
    """The CLI of the dbt installed beside this interpreter, started without work it does not need.

    dagster-dbt learns the executable's version by running `dbt --version` once per run, a
    subprocess that imports dbt (seconds, before every run's first dbt step). The executable beside
    this interpreter is the installed dbt-core, whose version the package metadata gives at once.

    It also loads the project and a dbt adapter into this process before every dbt command (one to
    two CPU-seconds), for `fetch_row_counts` and `fetch_column_metadata` alone. The steps call
    neither: they count the built tables themselves once dbt has exited (DuckDB has one writer)."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None


@dg.definitions
def resources() -> dg.Definitions:
    # The dbt installed beside this interpreter, so the location works without an activated venv.
    dbt_executable = str(Path(sys.executable).parent / "dbt")
    return dg.Definitions(resources={"dbt": InstalledDbtCli(project_dir=DBT_PROJECT, dbt_executable=dbt_executable)})
