"""Where each dbt model and source lives in the warehouse, resolved from the dbt manifest.

The one place that knows schema names: Python never spells `main`, `main_features` or `ml`; it asks
for a model or source by its dbt name and gets a quoted `"schema"."table"`. The schema is whatever
dbt decided for the target (the profile's schema plus the folder's `+schema`), so the same code
runs on another warehouse.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from runtime.settings import DBT_PROJECT_DIR
from runtime.sql import qualified, quote_identifier, quote_literal

MANIFEST_PATH = DBT_PROJECT_DIR / "target" / "manifest.json"

# Models carrying this dbt tag are copied to the serving release for BI tools.
PUBLISHED_TAG = "published"
# A log of the runs themselves (when each feed was read, published; which activities a run rebuilt
# and what it built them from, in the warehouse): the one kind of table that differs between two
# runs over the same data, so comparisons of releases and warehouses leave it out.
RUN_LOG_TAG = "run_log"
# A published model's meta key naming its date column: the release publishes it month by month and
# copies only the months that changed since the previous release (orchestration/publishing.py).
MONTH_COLUMN_META = "published_by_month"
# A column's meta key: `published: false` keeps the column (the warehouse's own bookkeeping, such as
# which dbt invocation wrote a row) out of the serving release.
COLUMN_PUBLISHED_META = "published"
# The column marking which dbt invocation wrote a row (dbt macro written_by_this_build): a release
# finds by it the months no build has written since the previous release.
WRITER_COLUMN = "dbt_invocation_id"


@dataclass(frozen=True)
class Relation:
    name: str  # the dbt model's or source table's name
    schema: str
    identifier: str  # the table's name in the schema (a model's alias)
    tags: tuple[str, ...] = ()
    description: str = ""  # the model's dbt description
    column_descriptions: tuple[tuple[str, str], ...] = ()  # (column, its dbt description), in the contract's order
    month_column: str | None = None  # meta `published_by_month`: the date column it is published by
    unpublished_columns: tuple[str, ...] = ()  # column meta `published: false`: left out of a release

    def comment_statements(self, table_sql: str) -> list[str]:
        """COMMENT ON statements giving a copy of this model (`table_sql`) its dbt descriptions, so
        a BI tool shows them beside the table and its columns."""
        statements = [f"comment on table {table_sql} is {quote_literal(self.description.strip())}"] if self.description.strip() else []
        return statements + [f"comment on column {table_sql}.{quote_identifier(column)} is {quote_literal(text.strip())}"
                             for column, text in self.column_descriptions
                             if text.strip() and column not in self.unpublished_columns]

    @property
    def published_columns_sql(self) -> str:
        """The select list of what a release copies of this model: every column but the unpublished
        ones, in the contract's order (`*` when none is unpublished)."""
        if not self.unpublished_columns:
            return "*"
        return ", ".join(quote_identifier(column) for column, _ in self.column_descriptions
                         if column not in self.unpublished_columns)

    @property
    def marks_writers(self) -> bool:
        """Whether its rows carry the dbt invocation that wrote them (WRITER_COLUMN)."""
        return any(column == WRITER_COLUMN for column, _ in self.column_descriptions)

    @property
    def sql(self) -> str:
        """`"schema"."table"`: not the manifest's relation_name, which embeds the database name of
        whichever file the manifest was parsed against."""
        return qualified(self.schema, self.identifier)


class Relations:
    """The models and sources of one dbt manifest."""

    def __init__(self, manifest: dict[str, Any]):
        self._models = {
            node["name"]: Relation(node["name"], node["schema"], node["alias"], tuple(node.get("tags", [])),
                                   node.get("description", ""),
                                   tuple((c["name"], c.get("description", "")) for c in node.get("columns", {}).values()),
                                   node.get("config", {}).get("meta", {}).get(MONTH_COLUMN_META),
                                   tuple(c["name"] for c in node.get("columns", {}).values() if _column_meta(c).get(COLUMN_PUBLISHED_META) is False))
            for node in sorted(manifest["nodes"].values(), key=lambda n: n["unique_id"])
            if node["resource_type"] == "model" and node.get("config", {}).get("materialized") != "ephemeral"
        }
        self._sources = {
            (node["source_name"], node["name"]): Relation(node["name"], node["schema"], node["identifier"])
            for node in manifest["sources"].values()
        }
        self.nodes: dict[str, Any] = manifest["nodes"]

    def model(self, name: str) -> Relation:
        try:
            return self._models[name]
        except KeyError:
            raise KeyError(f"no dbt model {name!r} in the manifest ({MANIFEST_PATH}); run `make setup`") from None

    def source(self, source_name: str, table: str) -> Relation:
        try:
            return self._sources[(source_name, table)]
        except KeyError:
            raise KeyError(f"no dbt source {source_name}.{table} in the manifest ({MANIFEST_PATH})") from None

    def models(self) -> dict[str, Relation]:
        """Every materialised model by name."""
        return dict(self._models)

    def published(self) -> dict[str, Relation]:
        """Models tagged `published`, by their table name in the serving release."""
        return {r.identifier: r for r in self._models.values() if PUBLISHED_TAG in r.tags}

    def run_logs(self) -> set[str]:
        """Table names of the models tagged `run_log` (in the warehouse and in a release)."""
        return {r.identifier for r in self._models.values() if RUN_LOG_TAG in r.tags}


def _column_meta(column: dict[str, Any]) -> dict[str, Any]:
    """A manifest column's meta, written under `meta` or under `config: meta`."""
    return {**column.get("meta", {}), **column.get("config", {}).get("meta", {})}


def load(manifest_path: Path = MANIFEST_PATH) -> Relations:
    return _load(manifest_path, manifest_path.stat().st_mtime_ns)


@cache
def _load(manifest_path: Path, _mtime: int) -> Relations:
    return Relations(json.loads(manifest_path.read_text()))
