"""`python -m orchestration.run` refuses a date before the first partition and names the setting."""

from __future__ import annotations

import pytest

from orchestration.run import main


def test_a_date_before_the_first_partition_names_the_setting(capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RI_PARTITION_START", "2025-01-01")
    assert main(["2001-05-01"]) == 2
    assert "RI_PARTITION_START=2001-05-01" in capsys.readouterr().err


def test_without_dagster_home_the_data_folders_instance_is_used(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's command works outside `make`: the instance lives where `make` would put it."""
    from orchestration.run import project_instance

    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.setenv("RI_DATA_DIR", str(tmp_path))
    with project_instance() as instance:
        assert instance.is_persistent
        assert instance.root_directory == str(tmp_path / "dagster_home")
    assert (tmp_path / "dagster_home" / "dagster.yaml").read_text().startswith("# Instance settings")
