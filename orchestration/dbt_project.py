"""The one dbt project the code location runs."""

from pathlib import Path

from dagster_dbt import DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# Under `dagster dev` the manifest is (re)built on load; elsewhere `make setup` builds it.
DBT_PROJECT.prepare_if_dev()

# Models carrying this dbt tag are copied to the serving release for BI tools.
PUBLISHED_TAG = "published"
