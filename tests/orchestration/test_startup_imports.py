"""Loading the code location imports no heavy analysis library: `dagster dev`, `dg check defs` and
every run launch load it, so scikit-learn, pandas, skops and Great Expectations are imported only
inside the steps that use them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# dagster and dagster-dbt import none of these by themselves, so any one of them loaded comes from our code.
FORBIDDEN = ("sklearn", "scipy", "pandas", "skops", "great_expectations", "matplotlib")

# Run in a fresh interpreter (the test process has imported all sorts). A finder asked before the
# others notes, for the first import of each forbidden package, the lines of our code that led to it.
LOAD = """
import json, os, sys, traceback

forbidden, first_import = set(sys.argv[1:]), {}


class FirstImport:
    def find_spec(self, name, path=None, target=None):
        package = name.partition(".")[0]
        if package in forbidden and package not in first_import:
            ours = [f"{os.path.relpath(f.filename)}:{f.lineno}" for f in traceback.extract_stack()
                    if f.filename.startswith(os.getcwd() + os.sep) and "site-packages" not in f.filename]
            first_import[package] = " <- ".join(reversed(ours)) or "not from our code"
        return None


sys.meta_path.insert(0, FirstImport())
import orchestration.definitions

orchestration.definitions.defs()
print(json.dumps({p: first_import.get(p, "?") for p in sorted(forbidden) if p in sys.modules}))
"""


def test_loading_the_code_location_imports_no_heavy_library(tmp_path: Path) -> None:
    env = os.environ | {"RI_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run([sys.executable, "-c", LOAD, *FORBIDDEN], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert not loaded, "the code location imports at load (first import, innermost line first):\n" + "\n".join(
        f"{package}: {chain}" for package, chain in loaded.items())
