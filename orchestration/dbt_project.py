"""The one dbt project the code location runs."""

import json
from pathlib import Path
from typing import Any

from dagster_dbt import DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"

# The manifest is built by `make setup` (again whenever a model changes), before anything loads
# this module; `make ui` and `make demo` depend on that step.
DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

# Models carrying this dbt tag are copied to the serving release for BI tools.
PUBLISHED_TAG = "published"


def manifest_nodes() -> dict[str, Any]:
    """The dbt manifest's nodes (models, tests, ...) by unique id."""
    return json.loads(DBT_PROJECT.manifest_path.read_text())["nodes"]


def schema_qualified(node: dict[str, Any]) -> str:
    # Not the manifest's relation_name: that embeds the database name of whichever file the
    # manifest was parsed against, while schema and alias are the same wherever the warehouse is.
    return f'"{node["schema"]}"."{node["alias"]}"'


def model_relations() -> dict[str, str]:
    """Model name -> `"schema"."table"` in the warehouse, for every model that is materialised."""
    return {
        node["name"]: schema_qualified(node)
        for node in manifest_nodes().values()
        if node["resource_type"] == "model" and node.get("config", {}).get("materialized") != "ephemeral"
    }
