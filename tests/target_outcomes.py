"""How the suite's runs on each server target went ("ran on ..." or why they were skipped): written
by tests/targets/conftest.py, summarised by tests/conftest.py (gathered from every xdist worker)."""

from __future__ import annotations

# target -> outcome
OUTCOMES: dict[str, str] = {}
# the key under which an xdist worker hands OUTCOMES to the controller
KEY = "warehouse_targets"
