"""`dagster dev -w workspace.yaml` serves the code location and lists its assets."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QUERY = '{"query": "{ assetNodes { assetKey { path } } }"}'


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _asset_paths(port: int) -> list[list[str]] | None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql", data=QUERY.encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            nodes = json.load(response)["data"]["assetNodes"]
    except (OSError, KeyError, TypeError, ValueError):
        return None
    return [n["assetKey"]["path"] for n in nodes] or None


def test_dagster_dev_lists_the_assets(tmp_path: Path) -> None:
    port = _free_port()
    env = os.environ | {"DAGSTER_HOME": str(tmp_path), "RI_DATA_DIR": str(tmp_path / "data")}
    (tmp_path / "dagster.yaml").write_text((ROOT / "orchestration" / "dagster.yaml").read_text())
    dagster = Path(sys.executable).parent / "dagster"
    # Its own session, so the whole process tree (webserver, daemon, code server) can be stopped at once:
    # `dagster dev` started from a script ignores SIGINT/SIGTERM.
    proc = subprocess.Popen(
        [str(dagster), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        paths = None
        while paths is None and time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"dagster dev exited with {proc.returncode}")
            time.sleep(2)
            paths = _asset_paths(port)
        assert paths, "dagster dev did not serve the asset graph within 120 s"
        flat = {"/".join(p) for p in paths}
        assert {"landed/activities", "serving/release"} <= flat
        assert any(p.endswith("dim_contacts") for p in flat)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
