"""The dbt models' property files say what they mean: a column holds only keys dbt knows (an unquoted
comma in a one-line `{name: ..., description: ...}` cuts the description short and makes the rest
a key of its own, silently), and a model's not-null, enumerated, non-negative and bounded columns
are checked by one test of each kind (not_null_columns, accepted_values_columns, ...), not a test
per column (a node, a query and a round trip each)."""

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


# column tests whose columns of one model are checked in one model-level `<kind>_columns` test
COMBINED_KINDS = ("not_null", "accepted_values", "non_negative", "between")


def kind(test: object) -> str:
    """A column test's name, written as `name` or as `{name: {arguments: ...}}`."""
    return test if isinstance(test, str) else next(iter(test))  # type: ignore[call-overload]


def test_a_models_columns_of_one_kind_are_checked_in_one_test() -> None:
    several = {}
    for path, model in models():
        for test_kind in COMBINED_KINDS:
            names = [c["name"] for c in model.get("columns") or []
                     if any(kind(t) == test_kind for t in c.get("data_tests") or [])]
            if len(names) > 1:
                several[f"{path}: {model['name']}: {test_kind}"] = names
    assert several == {}
