"""Where the pipeline keeps its files. One place, configured from the environment."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """Root of everything the pipeline writes (RI_DATA_DIR, default ./data in the project)."""
    return Path(os.environ.get("RI_DATA_DIR", PROJECT_ROOT / "data")).resolve()


def extract_dir() -> Path:
    """Where extract batches arrive, one folder per entity (RI_EXTRACT_DIR)."""
    return Path(os.environ.get("RI_EXTRACT_DIR", data_dir() / "extracts")).resolve()


def landed_dir() -> Path:
    """Typed Parquet written by landing, read by dbt (RI_LANDED_DIR)."""
    return Path(os.environ.get("RI_LANDED_DIR", data_dir() / "landed")).resolve()


def warehouse_path() -> Path:
    """The pipeline's own DuckDB file (single writer) (RI_WAREHOUSE)."""
    return Path(os.environ.get("RI_WAREHOUSE", data_dir() / "warehouse.duckdb")).resolve()


def serving_dir() -> Path:
    """Published copies for BI tools: a DuckDB file and Parquet, swapped in atomically (RI_SERVING_DIR)."""
    return Path(os.environ.get("RI_SERVING_DIR", data_dir() / "serving")).resolve()


def ground_truth_dir() -> Path:
    """The simulator's ground truth, kept apart from the extracts (RI_GROUND_TRUTH_DIR)."""
    return Path(os.environ.get("RI_GROUND_TRUTH_DIR", data_dir() / "ground_truth")).resolve()


def store_bodies() -> bool:
    """Message bodies are discarded after deriving signals unless RI_STORE_BODIES=1."""
    return os.environ.get("RI_STORE_BODIES", "0").strip().lower() in {"1", "true", "yes"}
