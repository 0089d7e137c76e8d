"""The dbt models' property files say what they mean: a column holds only keys dbt knows (an unquoted
comma in a one-line `{name: ..., description: ...}` cuts the description short and makes the rest
a key of its own, silently), and a model's not-null columns are checked by one not_null_columns
test, not a not_null test per column (a node, a query and a round trip each)."""

from __future__ import annotations

from pathlib import Path

import yaml

from runtime.settings import DBT_PROJECT_DIR

# The keys dbt reads on a model's column.
COLUMN_KEYS = {"name", "data_type", "description", "data_tests", "constraints", "meta", "config", "quote", "tags"}


def models() -> list[tuple[Path, dict]]:
    found = []
    for path in sorted((DBT_PROJECT_DIR / "models").rglob("*.yml")):
        for model in yaml.safe_load(path.read_text(encoding="utf-8")).get("models") or []:
            found.append((path.relative_to(DBT_PROJECT_DIR), model))
    assert len(found) > 50
    return found


def test_every_column_holds_only_keys_dbt_reads() -> None:
    strays = [f"{path}: {model['name']}.{column['name']}: {sorted(set(column) - COLUMN_KEYS)}"
              for path, model in models() for column in model.get("columns") or [] if set(column) - COLUMN_KEYS]
    assert strays == []


def test_a_models_not_null_columns_are_checked_in_one_test() -> None:
    several = {f"{path}: {model['name']}": names for path, model in models()
               if len(names := [c["name"] for c in model.get("columns") or [] if "not_null" in (c.get("data_tests") or [])]) > 1}
    assert several == {}
