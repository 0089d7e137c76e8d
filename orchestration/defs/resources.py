"""Resources of the local default: the dbt project's CLI."""

import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.dbt_project import DBT_PROJECT


@dg.definitions
def resources() -> dg.Definitions:
    # The dbt installed beside this interpreter, so the location works without an activated venv.
    dbt_executable = str(Path(sys.executable).parent / "dbt")
    return dg.Definitions(resources={"dbt": DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=dbt_executable)})
