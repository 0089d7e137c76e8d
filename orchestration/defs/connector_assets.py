"""Connector assets: convert a real export (mail, calendars, CRM) into an extract batch from the UI.

Each is configured by path in the launchpad; the batch it writes is then landed by the pipeline
like any other (the sensor notices it). They are not part of the nightly job. Without a path they
convert nothing and say so, so `dagster asset materialize --select '*'` works as written.
"""

from pathlib import Path

import dagster as dg

from ingest.connectors.base import ConnectorConfig
from ingest.connectors.registry import CONNECTORS, default_batch_name, load_connector
from runtime import settings as runtime_settings

CONNECTOR_GROUP = "connectors"


class ConnectorRunConfig(dg.Config):
    """Where the export is, and what the connector should know about the organisation."""

    path: str | None = None  # the export to convert; none: nothing to convert
    internal_domains: list[str] = []
    allow_senders: list[str] = []
    deny_senders: list[str] = []
    batch: str | None = None
    window_start: str | None = None
    window_end: str | None = None


def build_connector_asset(kind: str) -> dg.AssetsDefinition:
    @dg.asset(
        key=["connectors", kind],
        description=f"Convert a {kind} export (configured by path) into a canonical extract batch.",
        group_name=CONNECTOR_GROUP,
        kinds={"python"},
    )
    def _convert(context: dg.AssetExecutionContext, config: ConnectorRunConfig) -> dg.MaterializeResult:
        if config.path is None:
            context.log.info(f"{kind}: no export path configured: nothing converted")
            return dg.MaterializeResult(metadata={"converted": False, "why": "no export path configured"})
        source = Path(config.path)
        if not source.exists():
            raise dg.Failure(f"{kind}: the configured path does not exist: {source}")
        cfg = runtime_settings.load()
        converter = load_connector(kind)
        report = converter(
            source,
            cfg.extract_dir,
            batch_name=config.batch or default_batch_name(kind),
            config=ConnectorConfig(
                internal_domains=tuple(d.strip().lower().lstrip("@") for d in config.internal_domains),
                allow_senders=tuple(config.allow_senders),
                deny_senders=tuple(config.deny_senders),
                window_start=config.window_start,
                window_end=config.window_end,
            ),
        )
        summary = report.as_dict()
        return dg.MaterializeResult(
            metadata={
                "source": dg.MetadataValue.path(str(source)),
                "inputs_read": summary["inputs_read"],
                "activities": summary["activities"],
                "duplicates": summary["duplicates"],
                "excluded": summary["excluded"],
                "rejected": summary["rejected"],
                "rows_written": dg.MetadataValue.json(summary["rows_written"]),
                "files_written": dg.MetadataValue.json(summary["files_written"]),
            }
        )

    return _convert


connector_assets = [build_connector_asset(kind) for kind in CONNECTORS]
