"""The scale benchmark's own parts, without running the pipeline: the sample windows, withholding
the last day of a small simulated sample, reading the progress lines, and the README section."""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import duckdb
import pyarrow.parquet as pq
import pytest

from ingest.landing import QUARANTINE_DIR, land_all
from runtime import settings
from simulator import SimulationConfig, simulate
from simulator.config import org_size

ROOT = Path(__file__).resolve().parents[2]
LAST_DAY = dt.date(2026, 3, 31)


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", ROOT / "benchmarks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


scale = _load("scale")


def test_every_size_gets_the_same_organisation() -> None:
    def org(size: int) -> object:
        start, end = scale.sample_window(size, LAST_DAY)
        return org_size(SimulationConfig(out_dir=Path("x"), truth_dir=Path("t"), activities=size, start=start, end=end))

    assert scale.sample_window(1_000_000, LAST_DAY) == (dt.date(2025, 1, 1), LAST_DAY)
    assert (LAST_DAY - scale.sample_window(10_000_000, LAST_DAY)[0]).days + 1 == 4_550
    assert org(200_000) == org(1_000_000) == org(10_000_000)
    assert scale.sample_window(50_000, LAST_DAY)[0] == LAST_DAY - dt.timedelta(days=59)  # the shortest window


@pytest.fixture(scope="module")
def split_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2,000-activity sample kept as simulated (original/) and with its last day withheld (split/)."""
    root = tmp_path_factory.mktemp("scale")
    simulate(SimulationConfig(out_dir=root / "original" / "extracts", truth_dir=root / "truth", activities=2_000,
                              fmt="parquet", start=dt.date(2026, 1, 1), end=LAST_DAY))
    shutil.copytree(root / "original", root / "split")
    moved = scale.withhold_day(root / "split" / "extracts", LAST_DAY, root / "split" / "withheld")
    assert moved["activities"] > 0 and moved["activity_parties"] > 0
    return root


def _rows(sql: str, path: Path) -> list[tuple]:
    return duckdb.sql(sql, params={"path": str(path)}).fetchall()


DAY_ACTIVITIES = ("select activity_id from read_parquet($path) "
                  "where cast(cast(started_at as timestamptz) at time zone 'UTC' as date) = date '2026-03-31'")


def test_the_day_batch_holds_the_last_days_activities_with_their_parties(split_sample: Path) -> None:
    month = split_sample / "original" / "extracts"
    withheld = split_sample / "split" / "withheld"
    expected = sorted(_rows(DAY_ACTIVITIES, month / "activities" / "2026-03.parquet"))
    assert expected and sorted(_rows("select activity_id from read_parquet($path)",
                                     withheld / "activities" / "2026-03-31.parquet")) == expected
    ids = {i for (i,) in expected}
    parties = _rows("select * from read_parquet($path) order by all", month / "activity_parties" / "2026-03.parquet")
    assert _rows("select * from read_parquet($path) order by all",
                 withheld / "activity_parties" / "2026-03-31.parquet") == [p for p in parties if p[0] in ids]


def test_the_monthly_batch_no_longer_holds_them(split_sample: Path) -> None:
    split = split_sample / "split" / "extracts"
    assert _rows(DAY_ACTIVITIES, split / "activities" / "2026-03.parquet") == []
    kept = {i for (i,) in _rows("select activity_id from read_parquet($path)", split / "activity_parties" / "2026-03.parquet")}
    day = {i for (i,) in _rows("select activity_id from read_parquet($path)",
                              split_sample / "split" / "withheld" / "activities" / "2026-03-31.parquet")}
    assert not kept & day
    assert sorted(p.name for p in (split / "activities").iterdir()) == sorted(
        p.name for p in (split_sample / "original" / "extracts" / "activities").iterdir())


def _quarantined(landed: Path) -> int:
    return sum(pq.read_metadata(path).num_rows for path in (landed / QUARANTINE_DIR).rglob("*.parquet"))


def test_landing_the_split_gives_the_rows_of_the_original(split_sample: Path) -> None:
    split = split_sample / "split"
    scale.place_withheld(split / "extracts", split / "withheld", present=True)
    assert (split / "extracts" / "activities" / "2026-03-31.parquet").exists()
    for name in ("original", "split"):
        land_all(split_sample / name / "extracts", split_sample / name / "landed")
    for entity in ("activities", "activity_parties", "email_events", "opportunity_stage_history"):
        original, split_rows = (f"select * exclude (_batch_id, _source_row) from "
                                f"read_parquet('{split_sample / name / 'landed' / entity}/*.parquet', union_by_name = true)"
                                for name in ("original", "split"))
        counts = [duckdb.sql(f"select count(*) from ({rows})").fetchall()[0][0] for rows in (original, split_rows)]
        assert counts[0] > 0 and counts[0] == counts[1], entity
        difference = f"({original} except all {split_rows}) union all ({split_rows} except all {original})"
        assert duckdb.sql(f"select count(*) from ({difference})").fetchall() == [(0,)], entity
    assert _quarantined(split_sample / "original" / "landed") == _quarantined(split_sample / "split" / "landed")
    scale.place_withheld(split / "extracts", split / "withheld", present=False)
    assert not (split / "extracts" / "activities" / "2026-03-31.parquet").exists()


SAMPLE_OUTPUT = """\
Running daily_pipeline as of 2026-03-30 ...
[22:30:01] landed__activities ...
[22:30:01]   landed__activities: 12 batches, 1,000,000 rows
[22:30:41] landed__activities done in 40.0 s (CPU 35.5 s, peak RSS 0.80 GB): 1 materialisations; 1 checks
[22:30:51] landed__users done in 1.5 s (CPU 1.0 s, peak RSS 0.81 GB): 1 materialisations; 1 checks
[22:30:58] landed__activities_gx_landed_suite done in 7.0 s (CPU 6.0 s, peak RSS 0.90 GB): 0 materialisations; 1 checks
[22:39:41] dbt_models done in 73.4 s (CPU 60.1 s, peak RSS 1.20 GB): 51 materialisations; 325 checks
[22:40:00] news_feeds done in 2.0 s (CPU 1.0 s, peak RSS 1.20 GB): 2 materialisations; 0 checks
[22:40:02] news_matches FAILED in 1.0 s (CPU 0.5 s, peak RSS 1.20 GB): 0 materialisations; 0 checks; boom
[22:40:03] serving__release skipped (an upstream step failed or wrote nothing)
[22:40:04] something_new done in 0.5 s (CPU 0.25 s, peak RSS 1.30 GB): 1 materialisations; 0 checks
Run 1234 failed at news_matches; open the Dagster UI (make ui) for why.
"""


def test_progress_lines_are_summed_into_stages() -> None:
    stages = scale.parse_stages(SAMPLE_OUTPUT.splitlines())
    assert list(stages) == ["landing", "quality checks", "dbt_models", "news", "other"]
    assert (stages["landing"].wall, stages["landing"].cpu, stages["landing"].peak_gb, stages["landing"].steps) == \
        pytest.approx((41.5, 36.5, 0.81, 2))
    assert stages["dbt_models"].cpu == pytest.approx(60.1)
    assert (stages["news"].steps, stages["news"].failed) == (2, 1)
    assert stages["other"].peak_gb == pytest.approx(1.30)


def test_the_parser_reads_what_the_progress_logger_writes() -> None:
    from tests.orchestration.test_progress import _job_output

    stages = scale.parse_stages(_job_output(fail=True).splitlines())
    assert (stages["other"].steps, stages["other"].failed) == (2, 1)


def test_the_readme_section_is_replaced_and_the_rest_kept() -> None:
    text = f"# Benchmarks\n\nIntro.\n\n{scale.SECTION_BEGIN}\nold table\n{scale.SECTION_END}\n\n## Other\n\nkept\n"
    replaced = scale.replace_section(text, "## Scale\n\nnew table\n")
    assert replaced == f"# Benchmarks\n\nIntro.\n\n{scale.SECTION_BEGIN}\n## Scale\n\nnew table\n{scale.SECTION_END}\n\n## Other\n\nkept\n"
    assert scale.replace_section(replaced, "## Scale\n\nnew table\n") == replaced
    appended = scale.replace_section("# Benchmarks\n\nIntro.\n", "table")
    assert appended == f"# Benchmarks\n\nIntro.\n\n{scale.SECTION_BEGIN}\ntable\n{scale.SECTION_END}\n"


def test_the_runs_read_only_the_benchmarks_settings(tmp_path: Path) -> None:
    env = settings.child_environment({"PATH": "/bin", "RI_LANDED_DIR": "/elsewhere", "RI_DATA_DIR": "/stray"},
                                     data_dir=tmp_path / "data", extract_dir=tmp_path / "extracts",
                                     ground_truth_dir=tmp_path / "truth", partition_start="2025-01-01")
    cfg = settings.load(env)
    assert env["PATH"] == "/bin" and "RI_LANDED_DIR" not in env
    assert (cfg.data_dir, cfg.landed_dir, cfg.extract_dir) == (tmp_path / "data", tmp_path / "data" / "landed", tmp_path / "extracts")
    assert cfg.partition_start == "2025-01-01"
