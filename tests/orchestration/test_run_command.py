"""`python -m orchestration.run` refuses a date before the first partition and names the setting."""

from __future__ import annotations

import pytest

from orchestration.run import main


def test_a_date_before_the_first_partition_names_the_setting(capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RI_PARTITION_START", "2025-01-01")
    assert main(["2001-05-01"]) == 2
    assert "RI_PARTITION_START=2001-05-01" in capsys.readouterr().err
