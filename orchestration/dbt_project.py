"""The one dbt project the code location runs."""

from pathlib import Path

from dagster_dbt import DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"

# The manifest is built by `make setup` (again whenever a model changes), before anything loads
# this module; `make ui` and `make demo` depend on that step.
DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

# Models carrying this dbt tag are copied to the serving release for BI tools.
PUBLISHED_TAG = "published"
