"""A warehouse of its own for each test module on each server target, or a skip saying why.

PostgreSQL: the server RI_PG_* names (`make test` starts a private one: scripts/postgres_server.sh);
a module's database is created empty and dropped afterwards. Spark: a private Spark Connect server
(scripts/spark_server.sh) with its catalog in a temporary folder, stopped after the run."""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from runtime import settings
from runtime.settings import PROJECT_ROOT, PostgresServer, SparkServer
from runtime.sql import quote_identifier
from targets.postgres import open_connection
from tests.target_outcomes import OUTCOMES


def _admin(server: PostgresServer):
    """An autocommit connection to the server's `postgres` database, which creates and drops others."""
    con = open_connection(dataclasses.replace(server, database="postgres"))
    con.autocommit = True
    return con


@contextmanager
def _database(server: PostgresServer, name: str) -> Iterator[PostgresServer]:
    """A new, empty database on the server, dropped afterwards."""
    admin = _admin(server)
    with admin.cursor() as cur:
        cur.execute(f"drop database if exists {quote_identifier(name)}")
        cur.execute(f"create database {quote_identifier(name)}")
    try:
        yield dataclasses.replace(server, database=name)
    finally:
        with admin.cursor() as cur:
            cur.execute(f"drop database if exists {quote_identifier(name)} with (force)")
        admin.close()


@pytest.fixture
def another_database(postgres: PostgresServer, request: pytest.FixtureRequest) -> Iterator[PostgresServer]:
    """A second database of its own for one test, beside its module's."""
    with _database(postgres, f"{postgres.database}_{request.node.name[:20]}") as server:
        yield server


@pytest.fixture(scope="module")
def postgres(request: pytest.FixtureRequest) -> Iterator[PostgresServer]:
    """The server with a new database named after the test module."""
    server = settings.load().postgres
    try:
        admin = _admin(server)
    except Exception as exc:  # noqa: BLE001 - any reason the server cannot be reached is a skip
        reason = (f"no PostgreSQL server at {server.host}:{server.port} ({type(exc).__name__}: "
                  f"{str(exc).strip().splitlines()[0][:120]}); `make test` starts one with scripts/postgres_server.sh")
        OUTCOMES["postgres"] = f"skipped: {reason}"
        pytest.skip(reason)
    OUTCOMES["postgres"] = f"ran on the server at {server.host}:{server.port}"
    admin.close()
    with _database(server, f"relintel_{request.module.__name__.rsplit('.', 1)[-1]}_{os.getpid()}") as database:
        yield database


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkServer]:
    """A private Spark Connect server for the run, its catalog and tables in a temporary folder
    (one pipeline's schemas: the tests besides the pipeline's use schemas of their own)."""
    reason = None
    if shutil.which("java") is None:
        reason = "no Java on this machine (Spark needs Java 17 or newer; `make test` installs it as root)"
    else:
        try:
            import pyspark  # noqa: F401 - only whether it is installed
        except ImportError:
            reason = "PySpark is not installed (it comes from the lock file: `make setup`)"
    if reason is None:
        folder, port = tmp_path_factory.mktemp("spark"), _free_port()
        script = [str(PROJECT_ROOT / "scripts" / "spark_server.sh")]
        started = subprocess.run([*script, "start", str(folder), str(port)], capture_output=True, text=True,
                                 env={**os.environ, "PYTHON": sys.executable})
        if started.returncode != 0:
            reason = f"the Spark server did not start: {(started.stderr or started.stdout).strip()[:200]}"
    if reason is not None:
        OUTCOMES["spark"] = f"skipped: {reason}"
        pytest.skip(reason)
    OUTCOMES["spark"] = "ran on a local Spark Connect server (scripts/spark_server.sh)"
    try:
        yield SparkServer(remote=f"sc://127.0.0.1:{port}")
    finally:
        subprocess.run([*script, "stop", str(folder), str(port)], capture_output=True, env={**os.environ, "PYTHON": sys.executable})
