"""A blocking check blocks the release however the release is run.

Within one run, Dagster skips what lies downstream of a failed blocking check. Materialising the
release asset on its own afterwards would publish anyway, so the release first asks the instance
for the latest result of every check on the assets it publishes and refuses while one of them
failed with ERROR severity: the data must be fixed and the checks run again first. The caller
names the checks (a run of the release alone carries no other assets' checks in its graph).
"""

from __future__ import annotations

from collections.abc import Sequence

import dagster as dg
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus


def failed_checks(instance: dg.DagsterInstance, check_keys: Sequence[dg.AssetCheckKey]) -> list[str]:
    """'asset: check' for every one of check_keys whose latest result is a failure of ERROR severity."""
    latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(list(check_keys))
    failing = []
    for key, record in latest.items():
        evaluation = record.evaluation
        if (record.status == AssetCheckExecutionRecordStatus.FAILED and evaluation is not None
                and evaluation.severity == dg.AssetCheckSeverity.ERROR):
            failing.append(f"{key.asset_key.to_user_string()}: {key.name}")
    return sorted(failing)


def refuse_if_checks_failed(context: dg.AssetExecutionContext, check_keys: Sequence[dg.AssetCheckKey]) -> None:
    """Raise a Failure naming them while any of check_keys last failed."""
    failing = failed_checks(context.instance, check_keys)
    if failing:
        raise dg.Failure(
            f"not publishing: the latest result of {len(failing)} blocking check(s) on the published tables is a "
            f"failure ({'; '.join(failing[:10])}{' …' if len(failing) > 10 else ''}). Fix the data and run the "
            "pipeline (or those checks) again.",
        )
