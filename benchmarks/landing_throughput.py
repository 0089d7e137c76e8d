"""Landing throughput: land every extract batch into a fresh folder, several times.

    .venv/bin/python benchmarks/landing_throughput.py [--extracts DIR] [--repeat 3]

Each repetition lands the whole extract folder (default: the settings' extract dir) into a new
temporary landed folder, so nothing is skipped as unchanged. Prints rows read, wall seconds and
CPU seconds of this process (`time.process_time`) per repetition, then the medians and rows/s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from ingest.landing import land_all  # noqa: E402
from runtime import settings  # noqa: E402


def run_once(extracts: Path) -> tuple[int, float, float]:
    with tempfile.TemporaryDirectory(prefix="landing-bench-") as tmp:
        wall0, cpu0 = time.perf_counter(), time.process_time()
        summary = land_all(extracts, Path(tmp) / "landed")
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    rows = sum(t["rows_read"] for t in summary.totals().values())
    return rows, wall, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extracts", type=Path, default=None, help="extract folder (default: settings extract_dir)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (default 3)")
    args = parser.parse_args(argv)
    extracts = args.extracts or settings.load().extract_dir
    if not extracts.is_dir():
        parser.error(f"no extract folder at {extracts}")
    walls, cpus, rows = [], [], 0
    for i in range(max(1, args.repeat)):
        rows, wall, cpu = run_once(extracts)
        walls.append(wall)
        cpus.append(cpu)
        print(f"run {i + 1}: rows={rows} wall={wall:.2f}s cpu={cpu:.2f}s rows/s(wall)={rows / wall:,.0f}", flush=True)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    print(
        f"median: rows={rows} wall={wall:.2f}s cpu={cpu:.2f}s "
        f"rows/s(wall)={rows / wall:,.0f} rows/s(cpu)={rows / cpu:,.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
