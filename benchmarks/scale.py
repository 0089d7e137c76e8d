"""Scale benchmark: full build and nightly run of the daily pipeline at several sample sizes.

    .venv/bin/python benchmarks/scale.py [--sizes 1000000 10000000] [--root build/scale] [--end 2026-03-31]
    .venv/bin/python benchmarks/scale.py --sizes 50000 200000        # a quick run, a few minutes
    .venv/bin/python benchmarks/scale.py --discard-data              # 10M: its data folder needs tens of GB

For every size N (activities), under `<root>/<N>`:
1. the simulator writes a Parquet sample once (kept for later runs): the window is 455 days per
   million activities ending on `--end`, so every size has the same organisation and the same
   activity per day and only the history is longer (the simulator needs at least 60 days: smaller
   sizes get 60 days and a smaller organisation, and say so);
2. the rows of the last day (UTC) are moved out of the monthly batches into `withheld/`;
3. a full build into a fresh data folder: `python -m orchestration.run <last day - 1>` (it trains
   the models, being a first run);
4. the floor query (benchmarks/floor_query.py) over the landed Parquet that build wrote;
5. the nightly run: the withheld day arrives as new batch files, `python -m orchestration.run <last day>`.

Every step runs as a subprocess; `os.wait4` gives its CPU seconds (its own and its children's,
e.g. dbt) and its peak RSS (the largest single process of the tree). The pipeline's progress lines
give each step's figures, summed here into stages. Prints a table per size and the acceptance
ratios, and writes them into benchmarks/README.md between the `scale` markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from stat import S_ISREG

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

import pyarrow as pa  # noqa: E402
import pyarrow.compute as pc  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from runtime import settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "benchmarks" / "README.md"
SECTION_BEGIN, SECTION_END = "<!-- scale:begin -->", "<!-- scale:end -->"

# simulator/config.py sizes the organisation by activities per window day (455 days per 1M is its
# default density); it refuses windows shorter than MIN_WINDOW_DAYS.
DAYS_PER_MILLION = 455
MIN_WINDOW_DAYS = 60
SMALLER_ORG = (f"the simulator's shortest window is {MIN_WINDOW_DAYS} days: a smaller organisation and fewer "
               "activities a day than at the other sizes")
MONTHLY_ENTITIES = ("activities", "activity_parties", "email_events", "opportunity_stage_history")

# Step keys of the daily job -> the stage they are reported under (landed__* and *_gx_* by pattern).
STAGE_OF_STEP = {
    "dbt_models": "dbt_models",
    "ml_scores": "ml_scores",
    "news_feeds": "news",
    "news_matches": "news",
    "dbt_serving_models": "dbt_serving_models",
    "reports__model_evaluation": "reports",
    "quality__hygiene_report": "reports",
    "serving__release": "serving__release",
}
STAGES = ("landing", "quality checks", "dbt_models", "ml_scores", "news", "dbt_serving_models", "reports",
          "serving__release", "other")
# `[22:39:41] dbt_models done in 73.4 s (CPU 60.1 s, peak RSS 1.20 GB): ...` (orchestration/progress.py)
STEP_END = re.compile(r"^\[[\d:]+\] (?P<step>\S+) (?P<outcome>done|FAILED) in (?P<wall>[\d.]+) s "
                      r"\(CPU (?P<cpu>[\d.]+) s, peak RSS (?P<peak>[\d.]+) GB\)")
# dbt's line per model and test (`12 of 382 PASS ...`): kept in the log, not echoed, or the
# thousand of them a run prints would bury the progress lines.
DBT_NODE_LINE = re.compile(r"^\s*\d+ of \d+ ")


@dataclass
class Measured:
    """One subprocess: wall and CPU seconds, peak RSS of its largest process, exit code, output."""

    wall: float
    cpu: float
    peak_gb: float
    exit_code: int
    output: list[str]

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


@dataclass
class Stage:
    wall: float = 0.0
    cpu: float = 0.0
    peak_gb: float = 0.0  # the run's peak so far at the end of the stage's last step (progress lines)
    steps: int = 0
    failed: int = 0


@dataclass
class SizeResult:
    size: int
    start: dt.date
    end: dt.date
    generation: Measured | None  # None: the sample was there, its figures unknown
    withheld: dict[str, int]
    full: Measured
    floor: Measured | None = None
    nightly: Measured | None = None
    minutes: float = 0.0  # everything for this size, wall
    data_gb: float | None = None  # the data folder on disk after the nightly run (warehouse, releases, landed)


# --- the sample --------------------------------------------------------------------------------


def density_days(size: int) -> int:
    """Window days that give `size` activities the default density (the same org at every size)."""
    return round(DAYS_PER_MILLION * size / 1_000_000)


def sample_window(size: int, end: dt.date) -> tuple[dt.date, dt.date]:
    days = max(MIN_WINDOW_DAYS, density_days(size))
    return end - dt.timedelta(days=days - 1), end


def run_measured(cmd: list[str], env: dict[str, str], log: Path) -> Measured:
    """Run `cmd`, echoing its output as it comes (but dbt's node lines) and keeping it in `log`.
    os.wait4 reports the child's CPU including its waited-for children (dbt) and the largest RSS
    among them."""
    log.parent.mkdir(parents=True, exist_ok=True)
    print(f"  $ {' '.join(cmd)}", flush=True)
    lines: list[str] = []
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    with proc.stdout, log.open("w") as kept:
        for line in proc.stdout:
            if not DBT_NODE_LINE.match(line):
                sys.stdout.write(f"    {line}")
                sys.stdout.flush()
            kept.write(line)
            lines.append(line.rstrip("\n"))
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return Measured(wall=wall, cpu=usage.ru_utime + usage.ru_stime, peak_gb=usage.ru_maxrss / 1024**2,
                    exit_code=proc.returncode, output=lines)


def generate(size: int, start: dt.date, end: dt.date, folder: Path, env: dict[str, str]) -> Measured | None:
    """Simulate the sample into `folder` unless its ground truth says it is there. The figures are
    kept in generation.json, so a later run that reuses the sample still reports them."""
    figures = folder / "generation.json"
    if (folder / "truth" / "manifest.json").exists():
        return Measured(**json.loads(figures.read_text())) if figures.exists() else None
    cmd = [sys.executable, "-m", "simulator", "--activities", str(size), "--format", "parquet",
           "--start", start.isoformat(), "--end", end.isoformat(), "--out", str(folder / "extracts"),
           "--truth", str(folder / "truth"), "--feeds", str(folder / "feeds")]
    measured = run_measured(cmd, env, folder / "logs" / "generation.log")
    if not measured.ok:
        raise SystemExit(f"the simulator failed for {size:,} activities (exit {measured.exit_code})")
    figures.write_text(json.dumps({**asdict(measured), "output": []}))
    return measured


# --- withholding the last day ------------------------------------------------------------------


def utc_dates(values: pa.ChunkedArray) -> list[dt.date | None]:
    """The UTC day of each timestamp: ISO 8601 text with an offset, as the simulator writes it, or an
    already typed value. None for a null or a value landing would quarantine anyway."""
    days: list[dt.date | None] = []
    for value in values.to_pylist():
        try:
            when = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
        except (TypeError, ValueError):
            when = None
        days.append(when.astimezone(dt.timezone.utc).date() if when and when.tzinfo else None)
    return days


def on_day(table: pa.Table, column: str, day: dt.date) -> pa.Array:
    return pa.array([d == day for d in utc_dates(table.column(column))], pa.bool_())


def of_activities(table: pa.Table, activity_ids: pa.Array) -> pa.Array:
    return pc.fill_null(pc.is_in(table.column("activity_id"), value_set=activity_ids), False)


def write_parquet(table: pa.Table, path: Path) -> None:
    """Written under a hidden name and renamed: landing never takes a half-written file for a batch."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp)
    tmp.replace(path)


def withhold_day(extracts: Path, day: dt.date, withheld: Path) -> dict[str, int]:
    """Move the rows of `day` out of that month's batches into `withheld/<entity>/<day>.parquet`:
    the activities that started on it with their parties, the e-mail events of those activities or
    that happened on it, the deal changes made on it. Returns the rows moved per entity."""
    month = extracts / "activities" / f"{day:%Y-%m}.parquet"
    activities = pq.read_table(month)
    day_ids = activities.filter(on_day(activities, "started_at", day)).column("activity_id").combine_chunks()

    def rows_of_day(entity: str, table: pa.Table) -> pa.Array:
        if entity == "activities":
            return on_day(table, "started_at", day)
        if entity == "activity_parties":
            return of_activities(table, day_ids)
        if entity == "email_events":
            return pc.or_(of_activities(table, day_ids), on_day(table, "occurred_at", day))
        return on_day(table, "changed_at", day)  # opportunity_stage_history

    moved: dict[str, int] = {}
    for entity in MONTHLY_ENTITIES:
        batch = extracts / entity / f"{day:%Y-%m}.parquet"
        if not batch.exists():
            continue  # no deal changed stage that month
        table = pq.read_table(batch)
        mask = rows_of_day(entity, table)
        # The day's file first: if this stops half-way the rows are in both places, never in none.
        write_parquet(table.filter(mask), withheld / entity / f"{day.isoformat()}.parquet")
        write_parquet(table.filter(pc.invert(mask)), batch)
        moved[entity] = pc.sum(mask).as_py() or 0
    return moved


def prepare_withheld(folder: Path, day: dt.date) -> dict[str, int]:
    """Withhold the last day once per sample; withheld.json, written last, says it is done."""
    done = folder / "withheld.json"
    if done.exists():
        return json.loads(done.read_text())
    if (folder / "withheld").exists():
        raise SystemExit(f"{folder}: withholding the last day was interrupted; delete the folder to simulate it again")
    moved = withhold_day(folder / "extracts", day, folder / "withheld")
    done.write_text(json.dumps(moved))
    return moved


def place_withheld(extracts: Path, withheld: Path, present: bool) -> None:
    """Put the withheld day's batch files into the extract folder (present) or take them out."""
    for source in sorted(withheld.glob("*/*.parquet")):
        target = extracts / source.parent.name / source.name
        if present:
            tmp = target.with_name(f".{target.name}.tmp")
            shutil.copyfile(source, tmp)
            tmp.replace(target)
        else:
            target.unlink(missing_ok=True)


# --- the pipeline runs -------------------------------------------------------------------------


def fresh_data_dir(data: Path, feeds: Path) -> None:
    """An empty data folder with the news feeds where config/feeds.yml expects them ({data_dir}/feeds)
    and a Dagster instance of its own."""
    if data.exists():
        shutil.rmtree(data)
    shutil.copytree(feeds, data / "feeds")
    (data / "dagster_home").mkdir()
    shutil.copyfile(ROOT / "orchestration" / "dagster.yaml", data / "dagster_home" / "dagster.yaml")


def pipeline_env(folder: Path, data: Path, start: dt.date) -> dict[str, str]:
    env = settings.child_environment(os.environ, data_dir=data, extract_dir=folder / "extracts",
                                     ground_truth_dir=folder / "truth", partition_start=start.isoformat())
    env.update({"DAGSTER_HOME": str(data / "dagster_home"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                "PYTHONUNBUFFERED": "1"})
    return env


def run_pipeline(as_of: dt.date, env: dict[str, str], log: Path) -> Measured:
    return run_measured([sys.executable, "-m", "orchestration.run", as_of.isoformat()], env, log)


def run_floor(landed: Path, as_of: dt.date, env: dict[str, str], log: Path) -> Measured:
    script = ROOT / "benchmarks" / "floor_query.py"
    return run_measured([sys.executable, str(script), str(landed), as_of.isoformat()], env, log)


def folder_gb(folder: Path) -> float:
    """Bytes on disk under `folder`, each hard-linked file counted once (releases share unchanged months)."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for path in folder.rglob("*"):
        stat = path.lstat()
        if S_ISREG(stat.st_mode) and (stat.st_dev, stat.st_ino) not in seen:
            seen.add((stat.st_dev, stat.st_ino))
            total += stat.st_blocks * 512
    return total / 2**30


def benchmark_size(size: int, root: Path, end: dt.date, discard_data: bool = False) -> SizeResult:
    folder = (root / str(size)).resolve()
    start, end = sample_window(size, end)
    print(f"\n== {size:,} activities, {start} .. {end} ==", flush=True)
    if density_days(size) < MIN_WINDOW_DAYS:
        print(f"  note: {SMALLER_ORG}", flush=True)
    data = folder / "data"
    env = pipeline_env(folder, data, start)
    generation = generate(size, start, end, folder, env)
    withheld = prepare_withheld(folder, end)
    place_withheld(folder / "extracts", folder / "withheld", present=False)
    fresh_data_dir(data, folder / "feeds")
    day_before = end - dt.timedelta(days=1)
    print(f"  full build as of {day_before}", flush=True)
    result = SizeResult(size, start, end, generation, withheld, run_pipeline(day_before, env, folder / "logs" / "full.log"))
    if not result.full.ok:
        return result
    result.floor = run_floor(data / "landed", day_before, env, folder / "logs" / "floor.log")
    place_withheld(folder / "extracts", folder / "withheld", present=True)
    print(f"  nightly run as of {end}", flush=True)
    result.nightly = run_pipeline(end, env, folder / "logs" / "nightly.log")
    result.data_gb = folder_gb(data)
    if discard_data:
        # the next size needs the disk; the sample itself is kept for later runs
        shutil.rmtree(data)
    return result


# --- figures -----------------------------------------------------------------------------------


def stage_of(step: str) -> str:
    if "_gx_" in step:
        return "quality checks"
    if step.startswith("landed__"):
        return "landing"
    return STAGE_OF_STEP.get(step, "other")


def parse_stages(lines: list[str]) -> dict[str, Stage]:
    """Per stage, the summed wall and CPU seconds of its steps' progress lines and the largest peak."""
    stages: dict[str, Stage] = {}
    for line in lines:
        match = STEP_END.match(line)
        if not match:
            continue
        stage = stages.setdefault(stage_of(match["step"]), Stage())
        stage.wall += float(match["wall"])
        stage.cpu += float(match["cpu"])
        stage.peak_gb = max(stage.peak_gb, float(match["peak"]))
        stage.steps += 1
        stage.failed += match["outcome"] == "FAILED"
    return {name: stages[name] for name in STAGES if name in stages}


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    return numerator / denominator if numerator is not None and denominator else None


def cpu_of(run: Measured | None) -> float | None:
    return run.cpu if run is not None and run.ok else None


@dataclass
class Check:
    """One acceptance figure: passes at or below its limit."""

    what: str
    value: float | None  # None: a run it needs failed or was not made
    limit: float
    percent: bool = False

    @property
    def target(self) -> str:
        return f"≤ {self.limit:.0%}" if self.percent else f"≤ {self.limit:g}"

    @property
    def shown(self) -> str:
        return "n/a" if self.value is None else f"{self.value:.1%}" if self.percent else f"{self.value:,.2f}"

    @property
    def result(self) -> str:
        return "n/a" if self.value is None else "PASS" if self.value <= self.limit else "FAIL"


def acceptance(results: list[SizeResult]) -> list[Check]:
    """The acceptance figures at the largest size; growth compares it with the smallest (the targets
    were set for 10M over 1M)."""
    small, large = results[0], results[-1]
    sizes = f"{large.size:,} ÷ {small.size:,}"
    checks = [
        Check(f"full build CPU ÷ floor query CPU at {large.size:,}", ratio(cpu_of(large.full), cpu_of(large.floor)), 25),
        Check(f"full build peak RSS at {large.size:,}, GB", large.full.peak_gb if large.full.ok else None, 4),
    ]
    if len(results) > 1:
        checks += [
            Check(f"full build CPU, {sizes}", ratio(cpu_of(large.full), cpu_of(small.full)), 12),
            Check(f"nightly run CPU, {sizes}", ratio(cpu_of(large.nightly), cpu_of(small.nightly)), 1.5),
        ]
    checks.append(Check(f"nightly run CPU ÷ full build CPU at {large.size:,}",
                        ratio(cpu_of(large.nightly), cpu_of(large.full)), 0.10, percent=True))
    return checks


# --- the report --------------------------------------------------------------------------------


def seconds(value: float) -> str:
    return f"{value:,.1f}"


def run_cells(run: Measured | None) -> list[str]:
    if run is None:
        return ["not run"] * 3
    if not run.ok:
        return [f"FAILED (exit {run.exit_code})", seconds(run.cpu), f"{run.peak_gb:.2f}"]
    return [seconds(run.wall), seconds(run.cpu), f"{run.peak_gb:.2f}"]


def stage_table(full: Measured, nightly: Measured | None) -> list[str]:
    """Stages of both runs side by side; the time outside the steps (start-up, loading the code
    location) is the process total less the steps."""
    runs = [full] + ([nightly] if nightly is not None else [])
    stages = [parse_stages(run.output) for run in runs]
    header = "| stage | full wall s | full CPU s | full peak GB |" + (
        " nightly wall s | nightly CPU s | nightly peak GB |" if nightly is not None else "")
    lines = [header, "|---" * (1 + 3 * len(runs)) + "|"]
    for name in STAGES:
        if not any(name in s for s in stages):
            continue
        cells = []
        for found in stages:
            stage = found.get(name)
            cells += ([seconds(stage.wall), seconds(stage.cpu), f"{stage.peak_gb:.2f}"] if stage else ["", "", ""])
        failed = sum(s[name].failed for s in stages if name in s)
        lines.append(f"| {name}{f' ({failed} FAILED)' if failed else ''} | " + " | ".join(cells) + " |")
    cells = []
    for run, found in zip(runs, stages):
        cells += [seconds(run.wall - sum(s.wall for s in found.values())),
                  seconds(run.cpu - sum(s.cpu for s in found.values())), ""]
    lines.append("| outside the steps | " + " | ".join(cells) + " |")
    lines.append("| **whole process** | " + " | ".join(c for run in runs for c in run_cells(run)) + " |")
    return lines


def size_section(result: SizeResult) -> list[str]:
    days = (result.end - result.start).days + 1
    moved = ", ".join(f"{n:,} {entity}" for entity, n in result.withheld.items())
    lines = [f"### {result.size:,} activities: {days:,} days, {result.start} .. {result.end}", "",
             f"- {result.minutes:.1f} min in all"]
    if density_days(result.size) < MIN_WINDOW_DAYS:
        lines.append(f"- {SMALLER_ORG}")
    gen = result.generation
    lines.append("- sample: " + (f"generated in {seconds(gen.wall)} s wall, {seconds(gen.cpu)} s CPU, "
                                 f"peak {gen.peak_gb:.2f} GB" if gen else "generated earlier (no figures kept)"))
    lines.append(f"- withheld last day ({result.end}): {moved}")
    if result.data_gb is not None:
        lines.append(f"- data folder after the nightly run: {result.data_gb:.1f} GB on disk")
    if result.floor is not None:
        said = result.floor.output[-1] if result.floor.output else ""
        lines.append(f"- floor query: {seconds(result.floor.wall)} s wall, {seconds(result.floor.cpu)} s CPU, "
                     f"peak {result.floor.peak_gb:.2f} GB ({said})")
    if result.floor is not None and result.floor.ok and result.full.ok:
        lines.append(f"- full build CPU ÷ floor CPU: {result.full.cpu / result.floor.cpu:,.1f}")
    lines += ["", *stage_table(result.full, result.nightly), ""]
    return lines


def machine_line(started: dt.datetime, load: tuple[float, float, float]) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    # Changes to tracked files but this README, which the run itself writes.
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".",
                            ":(exclude)benchmarks/README.md"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return (f"Run {started:%Y-%m-%d %H:%M} on {os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} "
            f"{load[2]:.2f} at start; commit {commit or 'unknown'}{' with uncommitted changes' if dirty else ''}.")


def report(results: list[SizeResult], started: dt.datetime, load: tuple[float, float, float]) -> str:
    sizes = ", ".join(f"{r.size:,}" for r in results)
    lines = [f"## Scale: {sizes} activities", "",
             machine_line(started, load) + " Regenerate with `.venv/bin/python benchmarks/scale.py --sizes ...`.",
             "Wall and CPU in seconds; CPU includes dbt's subprocess; peak RSS is the largest single process "
             "(per stage: the run's peak so far at the end of the stage).", "",
             "| acceptance | value | target | result |", "|---|---|---|---|"]
    for check in acceptance(results):
        lines.append(f"| {check.what} | {check.shown} | {check.target} | {check.result} |")
    lines.append("")
    for result in results:
        lines += size_section(result)
    return "\n".join(lines).rstrip() + "\n"


def replace_section(text: str, section: str) -> str:
    """`text` with the part between the scale markers replaced by `section` (appended when absent)."""
    block = f"{SECTION_BEGIN}\n{section.rstrip()}\n{SECTION_END}"
    if SECTION_BEGIN in text and SECTION_END in text:
        before, rest = text.split(SECTION_BEGIN, 1)
        return before + block + rest.split(SECTION_END, 1)[1]
    return (text.rstrip() + "\n\n" if text.strip() else "") + block + "\n"


def write_readme(path: Path, section: str) -> None:
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    path.write_text(replace_section(text, section))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000], help="activities per sample")
    parser.add_argument("--root", type=Path, default=ROOT / "build" / "scale", help="samples and data folders")
    parser.add_argument("--end", type=dt.date.fromisoformat, default=dt.date(2026, 3, 31), help="last day of every sample")
    parser.add_argument("--readme", type=Path, default=README, help="where the results section is written")
    parser.add_argument("--discard-data", action="store_true",
                        help="remove each size's data folder once measured (10M needs tens of GB of disk)")
    args = parser.parse_args(argv)
    started, load = dt.datetime.now(), os.getloadavg()
    results = []
    for size in sorted(args.sizes):
        began = time.perf_counter()
        result = benchmark_size(size, args.root, args.end, args.discard_data)
        result.minutes = (time.perf_counter() - began) / 60
        print(f"  {size:,} activities took {result.minutes:.1f} min in all", flush=True)
        results.append(result)
    section = report(results, started, load)
    print("\n" + section)
    write_readme(args.readme, section)
    print(f"written to {args.readme}")
    return 0 if all(r.full.ok and r.nightly is not None and r.nightly.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
