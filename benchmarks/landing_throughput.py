"""Landing throughput: land every extract batch into a fresh folder, several times.

    .venv/bin/python benchmarks/landing_throughput.py [--extracts DIR] [--repeat 3] [--checks]

Each repetition lands the whole extract folder (default: the settings' extract dir) into a new
temporary landed folder, so nothing is skipped as unchanged. Prints rows read, wall seconds and
CPU seconds of this process (`time.process_time`) per repetition, then the medians and rows/s.
With --checks, each repetition then runs every landed suite over what it landed (DuckDB
aggregates, data_quality.aggregate_suites) and prints their wall and CPU seconds too.

Bodies: landing reads `body_text` only when the extract has it (the simulator's `--keep-bodies`),
and then only the customer's e-mails; without it there is no sentiment to derive at landing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from data_quality.aggregate_suites import run_landed_suite  # noqa: E402
from data_quality.suites import LANDED_SUITES  # noqa: E402
from ingest.landing import land_all  # noqa: E402
from runtime import settings  # noqa: E402


def run_once(extracts: Path, checks: bool = False) -> tuple[int, float, float, tuple[float, float] | None]:
    """Rows read, wall and CPU seconds of landing, and of the landed suites when asked."""
    with tempfile.TemporaryDirectory(prefix="landing-bench-") as tmp:
        wall0, cpu0 = time.perf_counter(), time.process_time()
        summary = land_all(extracts, Path(tmp) / "landed")
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        checked = None
        if checks:
            wall0, cpu0 = time.perf_counter(), time.process_time()
            for suite in LANDED_SUITES:
                run_landed_suite(Path(tmp) / "landed", suite)
            checked = (time.perf_counter() - wall0, time.process_time() - cpu0)
    rows = sum(t["rows_read"] for t in summary.totals().values())
    return rows, wall, cpu, checked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extracts", type=Path, default=None, help="extract folder (default: settings extract_dir)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument("--checks", action="store_true", help="also time the landed suites over what was landed")
    args = parser.parse_args(argv)
    extracts = args.extracts or settings.load().extract_dir
    if not extracts.is_dir():
        parser.error(f"no extract folder at {extracts}")
    walls, cpus, rows = [], [], 0
    for i in range(max(1, args.repeat)):
        rows, wall, cpu, checked = run_once(extracts, args.checks)
        walls.append(wall)
        cpus.append(cpu)
        checks = f" checks: wall={checked[0]:.2f}s cpu={checked[1]:.2f}s" if checked else ""
        print(f"run {i + 1}: rows={rows} wall={wall:.2f}s cpu={cpu:.2f}s rows/s(wall)={rows / wall:,.0f}{checks}", flush=True)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    print(
        f"median: rows={rows} wall={wall:.2f}s cpu={cpu:.2f}s "
        f"rows/s(wall)={rows / wall:,.0f} rows/s(cpu)={rows / cpu:,.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
