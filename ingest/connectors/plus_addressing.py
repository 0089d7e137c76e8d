"""Plus-addressing: `jordan+crm@x.com` is `jordan@x.com`.

The rule is written once, as `vars.plus_addressing` in dbt_project/dbt_project.yml, because dbt
(macro `email_base_address`) must fold addresses exactly as the connectors do: an address the two
folded differently would split one person into two in the marts.
"""

from __future__ import annotations

import re

from runtime.dbt_vars import project_var


def _load_rule() -> tuple[re.Pattern[str], str]:
    rule = project_var("plus_addressing")
    return re.compile(rule["pattern"]), rule["replacement"]


PATTERN, REPLACEMENT = _load_rule()


def fold_plus_address(address: str) -> str:
    """The address without its plus tag; addresses without one come back unchanged."""
    return PATTERN.sub(REPLACEMENT, address, count=1)
