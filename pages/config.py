"""config/pages.yml: which entities get a page, and how much each page shows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from runtime.settings import PROJECT_ROOT

CONFIG_PATH = PROJECT_ROOT / "config" / "pages.yml"
KINDS = ("opportunity", "account", "contact")


@dataclass(frozen=True)
class PagesConfig:
    account_activity_days: int
    max_pages: dict[str, int]
    list_page_size: int
    trend_days: int
    colleagues_per_contact: int


def load_config(path: Path = CONFIG_PATH) -> PagesConfig:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    config = PagesConfig(
        account_activity_days=int(raw["account_activity_days"]),
        max_pages={kind: int(raw["max_pages"][kind]) for kind in KINDS},
        list_page_size=int(raw["list_page_size"]),
        trend_days=int(raw["trend_days"]),
        colleagues_per_contact=int(raw["colleagues_per_contact"]),
    )
    numbers = [config.account_activity_days, config.list_page_size, config.trend_days, config.colleagues_per_contact,
               *config.max_pages.values()]
    if min(numbers) < 1:
        raise ValueError(f"{path}: every number must be at least 1")
    return config
