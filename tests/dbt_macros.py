"""dbt_project macro files rendered outside dbt, as DuckDB's dbt would render them: for tests that
compare a Python rule with the SQL the models run (e-mail clean-up, plus-addressing)."""

from __future__ import annotations

import datetime
import re
from types import SimpleNamespace
from typing import Any

import jinja2
import yaml

from runtime.settings import DBT_PROJECT_DIR


class _DuckDBAdapter:
    """The part of dbt's `adapter` the rendered macros call: dispatch to duckdb__, else default__."""

    def __init__(self, environment: jinja2.Environment):
        self._globals = environment.globals

    def dispatch(self, name: str) -> Any:
        return self._globals.get(f"duckdb__{name}") or self._globals[f"default__{name}"]


def _duckdb_dateadd(datepart: str, interval: int | str, from_date: str) -> str:
    """dbt.dateadd as dbt-duckdb renders it."""
    return f"({from_date} + cast({interval} as bigint) * interval 1 {datepart})"


def _raise_compiler_error(message: str) -> None:
    """dbt's exceptions.raise_compiler_error: a ValueError here."""
    raise ValueError(message)


def render_macros(*files: str) -> SimpleNamespace:
    """The macros of dbt_project/macros/<file> for each file (with the project's vars), by name."""
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    environment = jinja2.Environment(extensions=["jinja2.ext.do"])
    environment.globals["var"] = lambda name, default=None: project["vars"].get(name, default)
    environment.globals["adapter"] = _DuckDBAdapter(environment)
    environment.globals["dbt"] = SimpleNamespace(dateadd=_duckdb_dateadd)
    environment.globals["modules"] = SimpleNamespace(re=re, datetime=datetime)
    environment.globals["exceptions"] = SimpleNamespace(raise_compiler_error=_raise_compiler_error)
    # dbt's return(value) ends a macro with `value`; here the value is the macro's output, which is
    # the same for a macro whose body is that call alone returning text (days_before)
    environment.globals["return"] = lambda value: value
    for file in files:
        module = environment.from_string((DBT_PROJECT_DIR / "macros" / file).read_text(encoding="utf-8")).module
        environment.globals.update({name: getattr(module, name) for name in dir(module) if not name.startswith("_")})
    return SimpleNamespace(**{name: value for name, value in environment.globals.items() if callable(value)})
