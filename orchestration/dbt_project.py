"""The one dbt project the code location runs. Where its models live in the warehouse is
runtime.relations' job (read from the same manifest)."""

from dagster_dbt import DbtProject

from runtime.settings import DBT_PROJECT_DIR

# The manifest is built by `make setup` (again whenever a model changes), before anything loads
# this module; `make ui` and `make demo` depend on that step.
DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
