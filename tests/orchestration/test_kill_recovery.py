"""Nothing breaks the night: a run killed with `kill -9` during its dbt step, or while it publishes,
is followed by a run that completes without any manual step and leaves every published table as an
unkilled run does; a BI reader looping on the published DuckDB file meanwhile never sees an error or
a partial table; and an extract batch whose file name carries SQL runs none of it.

Each run is a real process (`python -m orchestration.run`) in its own process group, killed as a
group, exactly as an operator or the OOM killer would."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from runtime import serving
from runtime.settings import PROJECT_ROOT
from runtime.sql import qualified
from scripts.serving_fingerprint import fingerprints
from tests.tiny_org import write_tiny_org

AS_OF = "2025-03-31"
# A batch file name an attacker could choose: if it ever reached SQL text it would write pwned.csv.
HOSTILE_BATCH = "2025-03-31'); copy (select 42) to 'pwned.csv'; --.csv"
RUN_TIMEOUT = 600
# Seconds between a BI reader's reads: a read takes tens of milliseconds, and back to back the
# reader would take a core from the runs it watches.
READ_INTERVAL = 0.05


@dataclass
class Org:
    root: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def release_file(self) -> Path:
        return self.data / "serving" / "current" / serving.DATABASE_FILE

    def start_run(self) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "orchestration.run", AS_OF], cwd=self.root, env=self.env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )

    def run(self) -> str:
        process = self.start_run()
        output, _ = process.communicate(timeout=RUN_TIMEOUT)
        assert process.returncode == 0, output[-4000:]
        return output

    def instance(self) -> dg.DagsterInstance:
        return dg.DagsterInstance.from_config(str(self.root / "dagster_home"))


def make_org(root: Path) -> Org:
    write_tiny_org(root / "data" / "extracts")
    events = root / "data" / "extracts" / "email_events"
    shutil.copy(next(events.glob("*.csv")), events / HOSTILE_BATCH)
    (root / "dagster_home").mkdir()
    shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", root / "dagster_home" / "dagster.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RI_", "DAGSTER_"))}
    env |= {"RI_DATA_DIR": str(root / "data"), "DAGSTER_HOME": str(root / "dagster_home"),
            "PYTHONPATH": str(PROJECT_ROOT)}
    return Org(root, env)


def kill_when(process: subprocess.Popen[str], ready: Callable[[], bool], what: str) -> None:
    """kill -9 the run's whole process group as soon as `ready()` holds."""
    deadline = time.monotonic() + RUN_TIMEOUT
    while not ready():
        assert process.poll() is None, f"the run ended before {what}:\n{process.stdout.read()[-3000:]}"
        assert time.monotonic() < deadline, f"never saw {what}"
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)


def dbt_running_in(group: int) -> bool:
    """A `dbt build` process of that process group exists."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if os.getpgid(int(proc.name)) != group:
                continue
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
        except (OSError, ProcessLookupError):
            continue
        if any(part.endswith(b"dbt") for part in cmdline) and b"build" in cmdline:
            return True
    return False


def publishing_under_way(org: Org) -> bool:
    releases = org.data / "serving" / "releases"
    return releases.is_dir() and any(releases.glob(".*.building"))


class ReaderLoop(threading.Thread):
    """A BI tool: opens the published file read-only again and again and counts every table."""

    def __init__(self, release_file: Path, expected_rows: dict[str, int]):
        super().__init__(daemon=True)
        self.release_file, self.expected_rows = release_file, expected_rows
        self.stop = threading.Event()
        self.reads, self.problems = 0, []

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                with duckdb.connect(str(self.release_file), read_only=True) as con:
                    for name, expected in self.expected_rows.items():
                        table = name.split(".", 1)[1]
                        rows = con.sql(f"select count(*) from {qualified(serving.SCHEMA, table)}").fetchall()[0][0]
                        if rows != expected:
                            self.problems.append(f"{name}: {rows} rows, a complete release has {expected}")
                self.reads += 1
            except Exception as exc:  # noqa: BLE001 - whatever a reader meets is the finding
                self.problems.append(f"{type(exc).__name__}: {exc}")
            time.sleep(READ_INTERVAL)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The published tables of an unkilled run (built while the killed organisation runs)."""
    org = make_org(tmp_path_factory.mktemp("unkilled"))
    process = org.start_run()
    yield {"process": process, "org": org}
    process.kill()


@pytest.fixture(scope="module")
def killed(tmp_path_factory: pytest.TempPathFactory) -> Org:
    return make_org(tmp_path_factory.mktemp("killed"))


def reference_tables(reference: dict) -> dict:
    """The unkilled run's published tables, once it has finished."""
    if "tables" not in reference:
        output, _ = reference["process"].communicate(timeout=RUN_TIMEOUT)
        assert reference["process"].returncode == 0, output[-4000:]
        reference["tables"] = fingerprints(reference["org"].release_file)
    return reference["tables"]


def test_a_run_killed_during_dbt_is_followed_by_a_run_that_completes(killed: Org, reference: dict) -> None:
    process = killed.start_run()
    kill_when(process, lambda: dbt_running_in(process.pid), "the dbt step")
    output = killed.run()  # no manual step in between
    assert "is gone" in output, "the recovering run should say it released the dead run"
    assert fingerprints(killed.release_file) == reference_tables(reference)
    with killed.instance() as instance:
        failed = [r.dagster_run for r in instance.get_run_records()
                  if r.dagster_run.status == dg.DagsterRunStatus.FAILURE]
        assert len(failed) == 1
        messages = [e.message for e in instance.all_logs(failed[0].run_id) if e.dagster_event and e.dagster_event.is_run_failure]
        assert any("is gone" in m for m in messages)


def test_a_run_killed_while_publishing_leaves_readers_whole_and_the_next_run_completes(
    killed: Org, reference: dict
) -> None:
    expected = reference_tables(reference)
    reader = ReaderLoop(killed.release_file, {name: t["rows"] for name, t in expected.items()})
    reader.start()
    try:
        process = killed.start_run()
        kill_when(process, lambda: publishing_under_way(killed), "the publishing step")
        killed.run()
    finally:
        reader.stop.set()
        reader.join(timeout=30)
    assert fingerprints(killed.release_file) == expected
    assert not list((killed.data / "serving" / "releases").glob(".*.building")), "abandoned build folder left"
    assert reader.reads > 10 and reader.problems == []


def test_a_batch_named_with_sql_lands_and_runs_none_of_it(killed: Org, reference: dict) -> None:
    reference_tables(reference)  # both organisations have run by now
    for org in (killed, reference["org"]):
        assert not list(org.root.rglob("pwned.csv")), "SQL from a file name was executed"
        # landed, or refused into the quarantine: either way landing handled it by name
        assert any("pwned" in p.name for p in (org.data / "landed").rglob("*"))
