"""Project-wide rules the code is scanned for, so they hold for code written later too:

- pure layers (ingest, models_ml, data_quality, simulator, runtime, charts, targets) never import the Dagster layer;
- `RI_*` settings are read in one place (runtime/settings.py);
- warehouse schema names are known to one place, the relation resolver (runtime/relations.py,
  which reads them from the dbt manifest);
- no SQL text is assembled by an f-string from a value: an f-string that holds SQL may only
  interpolate a quoting helper's result (runtime/sql.py), a resolved relation (`<relation>.sql`)
  or a local already made of those, named `*_sql`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from runtime import relations

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("runtime", "ingest", "models_ml", "data_quality", "simulator", "news", "pages", "charts", "targets", "orchestration")
PURE_PACKAGES = ("runtime", "ingest", "models_ml", "data_quality", "simulator", "news", "pages", "charts", "targets")
SETTINGS_MODULE = ROOT / "runtime" / "settings.py"
RESOLVER_MODULE = ROOT / "runtime" / "relations.py"
QUOTING_HELPERS = {"quote_identifier", "qualified", "quote_literal"}

SQL_TEXT = re.compile(
    r"\b(select\b[\s\S]*\bfrom\b|insert\s+into|delete\s+from|update\s+\S+\s+set\b|create\s+(or\s+replace\s+)?"
    r"(temp\s+|temporary\s+)?(table|schema|view|index)\b|alter\s+table|drop\s+(table|schema|view)|attach\s|detach\s"
    r"|copy\s[\s\S]*\bto\b|describe\s|pragma\s|\bfrom\s+read_\w+\(|\bwhere\s+\w+\s*(=|<|>|in\b|between\b|like\b))",
    re.IGNORECASE,
)


def project_files(packages: tuple[str, ...] = PACKAGES) -> Iterator[Path]:
    for package in packages:
        yield from sorted((ROOT / package).rglob("*.py"))
    yield from sorted((ROOT / "benchmarks").glob("*.py"))
    yield from sorted((ROOT / "scripts").glob("*.py"))


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}"


def test_pure_layers_never_import_the_dagster_layer() -> None:
    offenders = []
    for path in project_files(PURE_PACKAGES):
        for node in ast.walk(parse(path)):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{where(path, node)} imports {n}" for n in names if n.split(".")[0] == "orchestration"]
    assert offenders == []


def test_settings_are_read_in_one_place() -> None:
    offenders = []
    for path in project_files():
        if path == SETTINGS_MODULE:
            continue
        for node in ast.walk(parse(path)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(r"RI_[A-Z0-9_]+", node.value):
                offenders.append(f"{where(path, node)} names {node.value}")
    assert offenders == [], "read settings through runtime.settings, not the environment"


def warehouse_schemas() -> set[str]:
    resolved = relations.load()
    schemas = {r.schema for r in resolved.models().values()}
    schemas |= {s.schema for s in resolved._sources.values()}  # noqa: SLF001 - the resolver's own data
    return schemas


def test_schema_names_live_in_the_resolver() -> None:
    schemas = warehouse_schemas()
    assert {"main", "ml"} <= schemas, "the manifest should hold the marts' and the scorer's schemas"
    qualified_use = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, sorted(schemas))) + r")\.[a-z_]")
    offenders = []
    for path in project_files():
        if path == RESOLVER_MODULE:
            continue
        for node in ast.walk(parse(path)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                # dbt derives schema names from the profile's (`main_<folder>`): no such name may
                # stand alone; any schema may not qualify a table in SQL text.
                if (text in schemas and text.startswith("main")) or (SQL_TEXT.search(text) and qualified_use.search(text)):
                    offenders.append(f"{where(path, node)}: {text.strip()[:60]!r}")
    assert offenders == [], "ask runtime.relations for a relation instead of naming its schema"


def _safe_fragment(node: ast.expr) -> bool:
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        return name in QUOTING_HELPERS
    if isinstance(node, ast.Attribute):
        return node.attr == "sql" or node.attr.endswith("_sql")
    if isinstance(node, ast.Name):
        return node.id.endswith("_sql")
    return False


def sql_fstring_offenders(tree: ast.Module, path: Path) -> list[str]:
    offenders = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.JoinedStr):
            continue
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        if not SQL_TEXT.search(text + " x"):
            continue
        for value in node.values:
            if isinstance(value, ast.FormattedValue) and not _safe_fragment(value.value):
                offenders.append(f"{where(path, node)}: {{{ast.unparse(value.value)}}} in {text.strip()[:50]!r}")
    return offenders


def test_no_sql_is_assembled_from_values() -> None:
    offenders = []
    for path in project_files():
        offenders += sql_fstring_offenders(parse(path), path)
    assert offenders == [], "bind values as parameters; quote identifiers with runtime.sql"


@pytest.mark.parametrize(("source", "flagged"), [
    ("f\"select * from t where name = '{name}'\"", True),
    ("f\"attach '{path}' as w\"", True),
    ("f\"select count(*) from {relation.sql} where d >= ?\"", False),
    ("f\"select {columns_sql} from {quote_identifier(table)}\"", False),
    ("f\"scoring the history from {first}\"", False),
])
def test_the_sql_scan_tells_values_from_quoted_fragments(source: str, flagged: bool) -> None:
    assert bool(sql_fstring_offenders(ast.parse(source), ROOT / "example.py")) is flagged
