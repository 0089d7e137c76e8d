"""Fixtures of the CRM connector tests: a test module names its connector as `CRM = <module>`."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.connectors.base import ConversionReport
from tests.connectors.crm_exports import convert_fixture, convert_shared


@pytest.fixture(scope="module")
def converted(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ConversionReport]:
    """The module's CRM connector run once on its hand-made export."""
    return convert_fixture(request.module.CRM, tmp_path_factory)


@pytest.fixture(scope="module")
def real_export(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ConversionReport]:
    """The module's CRM connector run once on the real column-set sample (skipped when absent)."""
    return convert_shared(request.module.CRM, tmp_path_factory)
