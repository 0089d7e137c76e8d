"""Model name -> warehouse relation, from the dbt manifest.

Schema-qualified only: the manifest's relation_name also carries the database, which dbt-duckdb
takes from the file name the manifest was parsed with, and the warehouse may be opened under
another name (RI_WAREHOUSE)."""

from __future__ import annotations

import json
from pathlib import Path


def model_relations(manifest_path: Path) -> dict[str, str]:
    nodes = json.loads(manifest_path.read_text())["nodes"]
    return {
        node["name"]: f'"{node["schema"]}"."{node.get("alias") or node["name"]}"'
        for node in nodes.values()
        if node.get("resource_type") == "model" and node.get("config", {}).get("materialized") != "ephemeral"
    }
