"""Every setting the pipeline reads from its environment: one typed object, read once per run.

Entry points (the Dagster assets, the `relintel` command, the demo, benchmarks) call `load()` once
and pass the object down; nothing else reads an `RI_*` variable. dbt receives the values it needs
as `--vars` (`dbt_arguments()`), never from whatever environment the calling process has.

    python -m runtime.settings --dbt-vars    prints those vars as JSON (the Makefile's `dbt parse`)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"

# The first date scores can be rebuilt for; the embedded sample starts here.
DEFAULT_PARTITION_START = "2025-01-01"

# A run waits this long for another run's warehouse step before it fails with a clear error.
DEFAULT_LOCK_TIMEOUT_SECONDS = "7200"

_TRUE = {"1", "true", "yes"}

# The warehouses the same dbt project and scorer run on (RI_TARGET); each is an output of
# dbt_project/profiles.yml under the same name.
TARGETS = ("duckdb", "postgres", "spark")
DEFAULT_TARGET = "duckdb"
# dbt leaves variables named DBT_ENV_SECRET_* out of its logs: the server password reaches dbt's
# profile (and the Python side, through these settings) under this name, never as a --var.
POSTGRES_PASSWORD_VARIABLE = "DBT_ENV_SECRET_PG_PASSWORD"

# DuckDB spills to disk beyond this instead of growing: what bounds the memory of dbt builds and of
# the Python steps (runtime.local_duckdb).
DEFAULT_DUCKDB_MEMORY_LIMIT = "3GB"
# DuckDB's share in the steps that read the warehouse into data frames (the scorer, the published
# suites, news) and in the release: they hold frames, pages or what earlier steps left beside it,
# and DuckDB keeps the blocks it has read cached up to its limit. On the 10M warehouse the scorer's
# block loop grew to 3.39 GB at 3GB and stayed at 2.48 GB at 1GB, at the same CPU; copying the 1M
# warehouse into a first release took 3.18 GB and 60.0 CPU-s at 3GB, 1.19 GB and 68.7 CPU-s at 1GB.
DEFAULT_DUCKDB_FRAMES_MEMORY_LIMIT = "1GB"
# dbt's own variable for the level of its file log (dbt.log, in the step's target folder). Unset,
# the pipeline's dbt commands write none: at dbt's default level (debug) dbt formats every event of
# every node for it, all SQL included, an eighth of a small build's CPU (19.2 against 21.8 CPU-s,
# median of four). What a run shows is in the step's log (dbt's info output) either way;
# DBT_LOG_LEVEL_FILE=debug brings the file back for a run that needs looking into.
DBT_FILE_LOG_LEVEL_VARIABLE = "DBT_LOG_LEVEL_FILE"
_MEMORY_SIZE = re.compile(r"[0-9]+(\.[0-9]+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)")


def _memory_size(name: str, raw: str) -> str:
    value = raw.strip()
    if not _MEMORY_SIZE.fullmatch(value):
        raise ValueError(f"{name} must be a size such as 3GB or 512MB, got {raw!r}")
    return value


def _positive_seconds(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise ValueError(f"RI_LOCK_TIMEOUT_SECONDS must be a positive number of seconds, got {raw!r}")
    return value


def _positive_whole(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, got {raw!r}")
    return value


def _target(raw: str) -> str:
    value = raw.strip().lower()
    if value not in TARGETS:
        raise ValueError(f"RI_TARGET must be one of {', '.join(TARGETS)}, got {raw!r}")
    return value


def _port(raw: str) -> int:
    port = _positive_whole("RI_PG_PORT", raw)
    if port > 65535:
        raise ValueError(f"RI_PG_PORT must be a port number (1-65535), got {raw!r}")
    return port


@dataclass(frozen=True)
class PostgresServer:
    """Where the `postgres` target's warehouse lives (RI_PG_*; the password from
    DBT_ENV_SECRET_PG_PASSWORD, or none for trust and peer authentication)."""

    host: str = "127.0.0.1"  # RI_PG_HOST
    port: int = 5432  # RI_PG_PORT
    user: str = "relintel"  # RI_PG_USER
    database: str = "relintel"  # RI_PG_DATABASE
    password: str = field(default="", repr=False)

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> PostgresServer:
        return cls(
            host=env.get("RI_PG_HOST") or cls.host,
            port=_port(env.get("RI_PG_PORT") or str(cls.port)),
            user=env.get("RI_PG_USER") or cls.user,
            database=env.get("RI_PG_DATABASE") or cls.database,
            password=env.get(POSTGRES_PASSWORD_VARIABLE, ""),
        )


@dataclass(frozen=True)
class SparkServer:
    """Where the `spark` target's warehouse lives: a Spark Connect endpoint (RI_SPARK_REMOTE), the
    local server scripts/spark_server.sh starts or a cluster's. dbt (dbt-spark's session method) and
    the scorer both reach Spark through it."""

    remote: str = "sc://127.0.0.1:15002"  # RI_SPARK_REMOTE

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> SparkServer:
        remote = (env.get("RI_SPARK_REMOTE") or cls.remote).strip()
        if not remote.startswith("sc://"):
            raise ValueError(f"RI_SPARK_REMOTE must be a Spark Connect URL sc://host:port, got {remote!r}")
        return cls(remote=remote)


def check_webhook_url(url: str, name: str) -> None:
    """An http(s) URL with a host and a valid port, or a ValueError naming `name`. The error shows
    the scheme only: a chat webhook's path is its credential."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{name} must be an http(s) URL with a host; got one with scheme {parts.scheme!r}")
    try:
        parts.port  # noqa: B018 - parsing the port is the check
    except ValueError:
        raise ValueError(f"{name} has an invalid port") from None


def _webhook_url(raw: str) -> str | None:
    """RI_ALERT_WEBHOOK_URL checked, or None when unset."""
    url = raw.strip()
    if url:
        check_webhook_url(url, "RI_ALERT_WEBHOOK_URL")
    return url or None


@dataclass(frozen=True)
class Settings:
    data_dir: Path  # RI_DATA_DIR: root of everything the pipeline writes (default ./data)
    extract_dir: Path  # RI_EXTRACT_DIR: where extract batches arrive, one folder per entity
    landed_dir: Path  # RI_LANDED_DIR: typed Parquet written by landing, read by dbt
    warehouse_path: Path  # RI_WAREHOUSE: the pipeline's own DuckDB file (single writer)
    serving_dir: Path  # RI_SERVING_DIR: published releases for BI tools, swapped in atomically
    ground_truth_dir: Path  # RI_GROUND_TRUTH_DIR: the simulator's ground truth, apart from the extracts
    reports_dir: Path  # <data>/reports: the model evaluation, and the hygiene report by default
    hygiene_report_dir: Path  # RI_REPORT_DIR: the hygiene report (default <reports>/hygiene)
    quality_dir: Path  # RI_QUALITY_DIR: the quality history
    models_dir: Path  # RI_MODELS_DIR: versioned scorer artefacts
    scoring_config: Path  # RI_SCORING_CONFIG: config/scoring.yml
    feeds_config: Path  # RI_FEEDS: the news feeds file (config/feeds.yml)
    partition_start: str  # RI_PARTITION_START: first as-of date of the daily partitions
    internal_domains: str  # RI_INTERNAL_DOMAINS: extra internal mail domains, comma-separated
    store_bodies: bool  # RI_STORE_BODIES=1 keeps message bodies; by default they are discarded
    lock_timeout_seconds: float  # RI_LOCK_TIMEOUT_SECONDS: longest wait for the warehouse or landing lock
    alert_webhook_url: str | None = None  # RI_ALERT_WEBHOOK_URL: Slack-compatible webhook for alerts (none: outbox only)
    alert_webhook_attempts: int = 3  # RI_ALERT_WEBHOOK_ATTEMPTS: tries per alert and delivery
    alert_delivery_days: int = 7  # RI_ALERT_DELIVERY_DAYS: alerts opened this many days back are delivered
    duckdb_memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT  # RI_DUCKDB_MEMORY_LIMIT: the memory of every DuckDB the pipeline opens (dbt and Python)
    duckdb_frames_memory_limit: str = DEFAULT_DUCKDB_FRAMES_MEMORY_LIMIT  # RI_DUCKDB_FRAMES_MEMORY_LIMIT: instead, in the steps reading the warehouse into data frames and the release
    target: str = DEFAULT_TARGET  # RI_TARGET: the warehouse dbt and the scorer run on (TARGETS)
    postgres: PostgresServer = PostgresServer()  # RI_PG_*: the postgres target's server
    spark: SparkServer = SparkServer()  # RI_SPARK_REMOTE: the spark target's Spark Connect server
    dbt_file_log_level: str = "none"  # DBT_LOG_LEVEL_FILE: dbt's file log (none, or debug, info, warn, error)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def path(name: str, default: Path) -> Path:
            return Path(env.get(name) or default).resolve()

        data = path("RI_DATA_DIR", PROJECT_ROOT / "data")
        reports = data / "reports"
        start = env.get("RI_PARTITION_START") or DEFAULT_PARTITION_START
        try:
            dt.date.fromisoformat(start)
        except ValueError:
            raise ValueError(f"RI_PARTITION_START must be a date YYYY-MM-DD, got {start!r}") from None
        return cls(
            data_dir=data,
            extract_dir=path("RI_EXTRACT_DIR", data / "extracts"),
            landed_dir=path("RI_LANDED_DIR", data / "landed"),
            warehouse_path=path("RI_WAREHOUSE", data / "warehouse.duckdb"),
            serving_dir=path("RI_SERVING_DIR", data / "serving"),
            ground_truth_dir=path("RI_GROUND_TRUTH_DIR", data / "ground_truth"),
            reports_dir=reports,
            hygiene_report_dir=path("RI_REPORT_DIR", reports / "hygiene"),
            quality_dir=path("RI_QUALITY_DIR", data / "quality"),
            models_dir=path("RI_MODELS_DIR", data / "models"),
            scoring_config=path("RI_SCORING_CONFIG", PROJECT_ROOT / "config" / "scoring.yml"),
            feeds_config=path("RI_FEEDS", PROJECT_ROOT / "config" / "feeds.yml"),
            partition_start=start,
            internal_domains=env.get("RI_INTERNAL_DOMAINS", ""),
            store_bodies=env.get("RI_STORE_BODIES", "0").strip().lower() in _TRUE,
            lock_timeout_seconds=_positive_seconds(env.get("RI_LOCK_TIMEOUT_SECONDS") or DEFAULT_LOCK_TIMEOUT_SECONDS),
            alert_webhook_url=_webhook_url(env.get("RI_ALERT_WEBHOOK_URL", "")),
            alert_webhook_attempts=_positive_whole("RI_ALERT_WEBHOOK_ATTEMPTS", env.get("RI_ALERT_WEBHOOK_ATTEMPTS") or "3"),
            alert_delivery_days=_positive_whole("RI_ALERT_DELIVERY_DAYS", env.get("RI_ALERT_DELIVERY_DAYS") or "7"),
            duckdb_memory_limit=_memory_size("RI_DUCKDB_MEMORY_LIMIT", env.get("RI_DUCKDB_MEMORY_LIMIT") or DEFAULT_DUCKDB_MEMORY_LIMIT),
            duckdb_frames_memory_limit=_memory_size("RI_DUCKDB_FRAMES_MEMORY_LIMIT", env.get("RI_DUCKDB_FRAMES_MEMORY_LIMIT")
                                                    or DEFAULT_DUCKDB_FRAMES_MEMORY_LIMIT),
            target=_target(env.get("RI_TARGET") or DEFAULT_TARGET),
            postgres=PostgresServer.from_environment(env),
            spark=SparkServer.from_environment(env),
            dbt_file_log_level=env.get(DBT_FILE_LOG_LEVEL_VARIABLE) or "none",
        )

    @property
    def warehouse_lock(self) -> Path:
        """The OS file lock every warehouse writer holds (DuckDB has one writer)."""
        return self.warehouse_path.with_suffix(".lock")

    @property
    def landing_lock(self) -> Path:
        """The OS file lock landing holds while it writes the landed folder."""
        return self.landed_dir / ".landing.lock"

    def dbt_vars(self, as_of: dt.date | None = None) -> dict[str, str]:
        """The values dbt reads with `var()` (profiles.yml, the landed sources, macros). Without an
        as-of date, dbt takes the last day with activity."""
        values = {
            "warehouse": str(self.warehouse_path),
            "landed_dir": str(self.landed_dir),
            "internal_domains": self.internal_domains,
            "duckdb_memory_limit": self.duckdb_memory_limit,
        }
        if self.target == "postgres":
            values |= {"pg_host": self.postgres.host, "pg_port": str(self.postgres.port),
                       "pg_user": self.postgres.user, "pg_database": self.postgres.database}
        if self.target == "spark":
            values["spark_remote"] = self.spark.remote
        if as_of is not None:
            values["as_of_date"] = as_of.isoformat()
        return values

    def dbt_arguments(self, as_of: dt.date | None = None) -> list[str]:
        """The target, `--vars` and file log level for a dbt command of this run. A changed value of
        `--vars` re-parses the project (seconds), once per run: the price of dbt never reading a stray
        environment."""
        return ["--target", self.target, "--vars", json.dumps(self.dbt_vars(as_of), sort_keys=True),
                "--log-level-file", self.dbt_file_log_level]


def load(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings as the environment gives them now (entry points call this once)."""
    return Settings.from_environment(environ)


def child_environment(base: Mapping[str, str], *, data_dir: Path, extract_dir: Path, ground_truth_dir: Path,
                      partition_start: str) -> dict[str, str]:
    """`base` with these settings for a child process (a benchmark's simulator or pipeline run) and
    no other `RI_*` variable, so the child reads them and the defaults, never a stray one of ours."""
    env = {k: v for k, v in base.items() if not k.startswith("RI_")}
    env.update({
        "RI_DATA_DIR": str(data_dir),
        "RI_EXTRACT_DIR": str(extract_dir),
        "RI_GROUND_TRUTH_DIR": str(ground_truth_dir),
        "RI_PARTITION_START": partition_start,
    })
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description="Print the settings as the environment gives them.")
    parser.add_argument("--dbt-vars", action="store_true", help="only the vars dbt reads, as JSON")
    args = parser.parse_args()
    cfg = load()
    values = cfg.dbt_vars() if args.dbt_vars else {k: str(v) for k, v in vars(cfg).items()}
    print(json.dumps(values, sort_keys=True))


if __name__ == "__main__":
    main()
