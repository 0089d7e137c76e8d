"""The CRM connector tests' inputs: hand-made exports per CRM, and the real column-set samples."""

from __future__ import annotations

import csv
import dataclasses
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ingest.connectors.base import ConnectorConfig, ConversionReport
from tests.connectors.extract_batches import read_batch

FIXTURES = Path(__file__).parent / "fixtures" / "crm"
# Real exports' column sets, shared with the simulator; optional in a checkout.
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "crm_exports"
BATCH = "b1"
CONFIG = ConnectorConfig(internal_domains=("harborline.io",))


def read(out: Path, entity: str) -> list[dict[str, str]]:
    return read_batch(out, entity, BATCH)


def parties(out: Path, activity_id: str) -> set[tuple[str, str]]:
    return {(p["party_role"], p["email_address"]) for p in read(out, "activity_parties") if p["activity_id"] == activity_id}


def convert(connector: ModuleType, source: Path, out: Path, **config: Any) -> ConversionReport:
    """Run a CRM connector with the tests' configuration (fields given here replace its defaults)."""
    return connector.convert(source, out, batch_name=BATCH, config=dataclasses.replace(CONFIG, **config))


def convert_fixture(connector: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ConversionReport]:
    """The connector's hand-made export, converted once into a fresh folder (bodies kept, to check them)."""
    out = tmp_path_factory.mktemp(f"{connector.CONNECTOR}_out")
    return out, convert(connector, FIXTURES / connector.CONNECTOR, out, keep_bodies=True)


def convert_shared(connector: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ConversionReport]:
    """The real column-set sample, converted with the default configuration; skipped when absent."""
    source = SHARED / connector.CONNECTOR
    if not source.is_dir():
        pytest.skip(f"shared sample data not present ({source})")
    out = tmp_path_factory.mktemp(f"{connector.CONNECTOR}_real")
    return out, connector.convert(source, out, batch_name=BATCH, config=ConnectorConfig())


def rejected_rows(out: Path, file_name: str) -> set[str]:
    """The source_refs of the rejected rows of one input file."""
    return {r["source_ref"] for r in read(out, "source_rejections") if re.fullmatch(rf"{re.escape(file_name)}#row\d+", r["source_ref"])}


def csv_data_rows(path: Path) -> int:
    """Non-blank data rows of a CSV file (the header is not counted)."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return sum(1 for r in csv.reader(fh) if any(c.strip() for c in r)) - 1
