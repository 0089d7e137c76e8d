"""Time and memory of the static pages and of news matching on a published release.

    .venv/bin/python benchmarks/pages_and_news.py [--release data/serving/current] [--repeat 3]

Writes the release's pages into a temporary folder `--repeat` times, and matches the landed news
items of the same data folder to its accounts once per repeat; prints wall time, CPU seconds and the
peak RSS of this process for each (the machines are shared: CPU seconds are the steadier figure).
Run `make demo` first for the default sample.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

import duckdb  # noqa: E402

from news.analysis import analyse, landed_items, read_matcher  # noqa: E402
from news.matching import load_rules  # noqa: E402
from pages.build import build_release_site  # noqa: E402
from runtime import settings  # noqa: E402


def measure(label: str, repeat: int, work: Callable[[], str]) -> None:
    walls, cpus, said = [], [], ""
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        said = work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
    print(f"{label:<14} median wall {statistics.median(walls):6.2f} s   median CPU {statistics.median(cpus):6.2f} s   "
          f"peak RSS so far {peak_gb:.2f} GB   ({said})", flush=True)


def main() -> int:
    cfg = settings.load()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", type=Path, default=cfg.serving_dir / "current")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    release = args.release.resolve()
    if not (release / "relintel.duckdb").exists():
        print(f"no release at {release}: run `make demo` first")
        return 1

    def pages() -> str:
        with tempfile.TemporaryDirectory(prefix="pages-") as out:
            result = build_release_site(release, Path(out), log=lambda _: None)
        return f"{sum(result.pages.values()):,} pages"

    def news() -> str:
        items = landed_items(cfg.landed_dir)
        with duckdb.connect(str(cfg.warehouse_path), read_only=True) as con:
            analysis = analyse(items, read_matcher(con, load_rules()), log=lambda _: None)
        return f"{analysis.items:,} items, {analysis.matches.num_rows:,} matches"

    measure("pages", args.repeat, pages)
    measure("news matching", args.repeat, news)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
