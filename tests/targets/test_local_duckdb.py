"""Every DuckDB the pipeline's Python steps open is bounded by RI_DUCKDB_MEMORY_LIMIT, as dbt's is;
the warehouse connection of the steps that read into data frames by RI_DUCKDB_FRAMES_MEMORY_LIMIT."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from runtime import local_duckdb, settings
from targets import warehouse


def memory_limit(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("select current_setting('memory_limit')").fetchall()[0][0]


def test_the_memory_setting_bounds_python_duckdb_connections(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RI_DUCKDB_MEMORY_LIMIT", "700MB")
    monkeypatch.setenv("RI_DUCKDB_FRAMES_MEMORY_LIMIT", "300MB")
    with local_duckdb.connect() as con:
        assert memory_limit(con) in {"667.5 MiB", "700.0 MB"}
    cfg = settings.load()
    with warehouse.connect(cfg) as con:  # the scorer's and the checks' warehouse connection
        con.execute("create table t as select 1 as x")
        assert memory_limit(con) in {"286.1 MiB", "300.0 MB"}
        # a plain connection to the same file (a test, a BI reader in-process) is still accepted
        with duckdb.connect(str(cfg.warehouse_path)) as plain:
            assert plain.execute("select x from t").fetchall() == [(1,)]
    with local_duckdb.connect(cfg.warehouse_path, read_only=True) as con:
        assert memory_limit(con) in {"667.5 MiB", "700.0 MB"}
    monkeypatch.setenv("RI_DUCKDB_FRAMES_MEMORY_LIMIT", "half")
    with pytest.raises(ValueError, match="RI_DUCKDB_FRAMES_MEMORY_LIMIT"):
        settings.load()
    monkeypatch.setenv("RI_DUCKDB_FRAMES_MEMORY_LIMIT", "300MB")
    monkeypatch.setenv("RI_DUCKDB_MEMORY_LIMIT", "lots")
    with pytest.raises(ValueError, match="RI_DUCKDB_MEMORY_LIMIT"):
        local_duckdb.connect()
