"""Deliver the current serving release's recent alerts (the published `alerts` table) to the outbox
and the webhook (orchestration/alert_delivery.py). The `alert_delivery` sensor calls this; so can a
person:

    python -m orchestration.alerting
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from orchestration.alert_delivery import DeliverySettings, deliver
from orchestration.publishing import current_release
from runtime import serving, settings
from runtime.sql import qualified

ALERTS_TABLE = "alerts"  # the dbt model models/actions/alerts.sql, as published


def recent_alerts(release: Path, within_days: int) -> list[dict[str, Any]]:
    """The release's alert rows (one per alert and recipient) opened in its last `within_days` days."""
    table_sql = qualified(serving.SCHEMA, ALERTS_TABLE)
    with duckdb.connect(str(release / serving.DATABASE_FILE), read_only=True) as con:
        latest = con.execute(f"select max(last_seen_date) from {table_sql}").fetchone()[0]
        if latest is None:
            return []
        since = latest - dt.timedelta(days=within_days - 1)
        frame = con.execute(f"select * from {table_sql} where opened_date >= ? "
                            "order by opened_date, alert_id, recipient_user_id", [since]).df()
    return frame.to_dict("records")


def deliver_release_alerts(cfg: settings.Settings, log: Callable[[str], None] = print) -> dict[str, Any] | None:
    """Deliver the current release's recent alerts; the delivery's counts, or None without a release."""
    release = current_release(cfg.serving_dir)
    if release is None:
        return None
    report = deliver(recent_alerts(release, cfg.alert_delivery_days), DeliverySettings.from_settings(cfg), log)
    return {"release": release.name, **report.as_metadata()}


def main() -> int:
    result = deliver_release_alerts(settings.load())
    if result is None:
        print("no serving release yet: run the pipeline first", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
