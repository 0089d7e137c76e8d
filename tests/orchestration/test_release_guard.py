"""A failed blocking check blocks the release also when the release is materialised on its own."""

import dagster as dg

from orchestration.release_guard import refuse_if_checks_failed

STATE = {"good": False}


@dg.asset
def published_table() -> None:
    return None


@dg.asset_check(asset=published_table, blocking=True)
def rows_are_plausible() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=STATE["good"], severity=dg.AssetCheckSeverity.ERROR)


@dg.asset(deps=[published_table])
def release(context: dg.AssetExecutionContext) -> None:
    refuse_if_checks_failed(context, [rows_are_plausible.check_key])


def test_the_release_alone_refuses_while_the_latest_check_failed_and_publishes_once_it_passes() -> None:
    everything = [published_table, rows_are_plausible, release]
    with dg.DagsterInstance.ephemeral() as instance:
        STATE["good"] = False
        first = dg.materialize(everything, instance=instance, raise_on_error=False)
        assert not first.success  # the blocking check stops the run before the release
        alone = dg.materialize(everything, instance=instance, selection=[release], raise_on_error=False)
        assert not alone.success
        failure = alone.get_step_failure_events()[0].step_failure_data
        message = failure.user_failure_data.description if failure.user_failure_data else failure.error.to_string()
        assert "not publishing" in message and "rows_are_plausible" in message
        STATE["good"] = True
        assert dg.materialize(everything, instance=instance).success
        assert dg.materialize(everything, instance=instance, selection=[release]).success
