"""A database of its own on the PostgreSQL server for each test module, or a skip saying why.

The server is the one RI_PG_* names (`make test` starts a private one: scripts/postgres_server.sh);
a module's database is created empty and dropped afterwards."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from runtime import settings
from runtime.settings import PostgresServer
from runtime.sql import quote_identifier
from targets.postgres import open_connection


def _admin(server: PostgresServer):
    """An autocommit connection to the server's `postgres` database, which creates and drops others."""
    con = open_connection(dataclasses.replace(server, database="postgres"))
    con.autocommit = True
    return con


# target -> how its suites went ("ran on ..." or why they were skipped), for the run's summary
OUTCOMES: dict[str, str] = {}


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


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say plainly which warehouse targets the suite ran on and why any was skipped."""
    if OUTCOMES:
        terminalreporter.section("warehouse targets")
        terminalreporter.write_line("duckdb: ran (embedded)")
        for target, outcome in sorted(OUTCOMES.items()):
            terminalreporter.write_line(f"{target}: {outcome}")
