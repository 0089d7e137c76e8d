"""The alert_delivery sensor: every five minutes the current serving release's new alerts go to the
outbox and the webhook (orchestration/alerting.py), and each delivery is recorded on the
`alert_outbox` asset. A failing webhook only shows as `webhook_failed` in that record."""

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from orchestration.alerting import ALERTS_TABLE, deliver_release_alerts
from orchestration.defs.dbt_models import dbt_serving_models
from runtime import settings

OUTBOX_KEY = dg.AssetKey(["serving", "alert_outbox"])

alert_outbox = dg.AssetSpec(
    key=OUTBOX_KEY,
    description="Alerts delivered by the alert_delivery sensor to data/alerts/outbox.jsonl and the "
    "RI_ALERT_WEBHOOK_URL webhook: one per alert and recipient, never twice.",
    group_name="actions",
    kinds={"json"},
    deps=[get_asset_key_for_model([dbt_serving_models], ALERTS_TABLE)],
)


@dg.sensor(minimum_interval_seconds=300, default_status=dg.DefaultSensorStatus.RUNNING)
def alert_delivery(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    """The current release's alerts opened in the last RI_ALERT_DELIVERY_DAYS days, delivered once."""
    result = deliver_release_alerts(settings.load(), context.log.info)
    if result is None:
        return dg.SkipReason("no serving release yet")
    if not (result["outbox_written"] or result["webhook_sent"] or result["webhook_failed"]):
        return dg.SkipReason(f"nothing new to deliver from release {result['release']}")
    return dg.SensorResult(asset_events=[dg.AssetMaterialization(asset_key=OUTBOX_KEY, metadata=result)])
