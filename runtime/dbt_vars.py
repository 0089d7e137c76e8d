"""Rules written once in the dbt project's `vars:` (dbt_project/dbt_project.yml) that Python must
apply the same way, e.g. plus-addressing or the spreadsheet formula prefixes."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from runtime.settings import DBT_PROJECT_DIR


@cache
def _project_vars() -> dict[str, Any]:
    with (DBT_PROJECT_DIR / "dbt_project.yml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)["vars"]


def project_var(name: str) -> Any:
    """The value of a var as dbt_project.yml sets it."""
    try:
        return _project_vars()[name]
    except KeyError:
        raise KeyError(f"dbt_project.yml has no var {name!r}") from None
