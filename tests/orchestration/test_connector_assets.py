"""A connector asset converts the export at its configured path into an extract batch that lands."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from ingest.landing import land_all
from orchestration.defs.connector_assets import ConnectorRunConfig, build_connector_asset

FIXTURES = Path(__file__).resolve().parents[1] / "connectors" / "fixtures" / "mail"


def test_mbox_asset_writes_a_batch_that_lands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RI_DATA_DIR", str(tmp_path))
    mbox = FIXTURES / "mbox" / "thread.mbox"
    asset = build_connector_asset("mbox")
    config = ConnectorRunConfig(path=str(mbox), internal_domains=["harborline.io"], batch="2025-03-01-mbox")
    result = dg.materialize([asset], run_config={"ops": {"connectors__mbox": {"config": config.model_dump()}}})
    assert result.success
    metadata = result.asset_materializations_for_node("connectors__mbox")[0].metadata
    assert metadata["activities"].value > 0
    written = sorted(p.relative_to(tmp_path / "extracts").as_posix() for p in (tmp_path / "extracts").rglob("*.csv"))
    assert "activities/2025-03-01-mbox.csv" in written
    summary = land_all(tmp_path / "extracts", tmp_path / "landed").totals()
    assert summary["activities"]["rows_landed"] == metadata["activities"].value
    assert all(t["rows_quarantined"] == 0 for t in summary.values())


def test_a_missing_path_fails_with_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RI_DATA_DIR", str(tmp_path))
    asset = build_connector_asset("ics")
    result = dg.materialize(
        [asset], run_config={"ops": {"connectors__ics": {"config": {"path": str(tmp_path / "nope.ics")}}}},
        raise_on_error=False,
    )
    assert not result.success
    failure = result.get_step_failure_events()[0].step_failure_data.error
    assert "configured path does not exist" in failure.message


def test_without_a_path_nothing_is_converted_and_the_run_succeeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # what `dagster asset materialize --select '*'` does: no launchpad config at all
    monkeypatch.setenv("RI_DATA_DIR", str(tmp_path))
    result = dg.materialize([build_connector_asset("mbox")])
    assert result.success
    metadata = result.asset_materializations_for_node("connectors__mbox")[0].metadata
    assert metadata["converted"].value is False
    assert not (tmp_path / "extracts").exists()
