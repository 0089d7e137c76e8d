"""Great Expectations suites on hand-made frames, the quality history's keys, and the evaluation's
matching rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from data_quality import history
from data_quality.evaluate_findings import score
from data_quality.gx_runner import validate
from data_quality.suites import ALL_SUITES, LANDED_SUITES, PUBLISHED_SUITES, Check, Suite
from tests.quality.hand_made import findings


def activities(years: list[int]) -> pd.DataFrame:
    n = len(years)
    return pd.DataFrame({"activity_id": [f"a{i}" for i in range(n)], "owner_user_id": ["u1"] * n,
                         "started_year": years, "duration_seconds": [60.0] * n, "has_known_owner": [True] * n})


def test_suite_names_and_checks_are_unique() -> None:
    assert len(ALL_SUITES) == len(LANDED_SUITES) + len(PUBLISHED_SUITES)
    for suite in ALL_SUITES.values():
        names = [c.name for c in suite.checks]
        assert len(names) == len(set(names)), suite.name
        assert suite.critical_checks, f"{suite.name} has nothing that blocks"


def test_good_frame_passes() -> None:
    result = validate(ALL_SUITES["landed.activities"], activities([2025] * 50))
    assert not result.critical_failures and not result.warning_failures
    assert result.row_count == 50 and all(r.success for r in result.results)


def test_epoch_timestamps_fail_critically_with_a_sample() -> None:
    result = validate(ALL_SUITES["landed.activities"], activities([1970] * 5 + [2025] * 5))
    [failure] = result.critical_failures
    assert failure.check == "started_at_plausible" and failure.unexpected_count == 5
    assert "1970" in (failure.failure_sample or "")


def test_warning_failures_do_not_count_as_critical() -> None:
    frame = activities([2025] * 10).assign(owner_user_id=[None] * 10)
    result = validate(ALL_SUITES["landed.activities"], frame)
    assert not result.critical_failures
    assert [r.check for r in result.warning_failures] == ["owner_user_id_mostly_present"]


def test_an_expectation_that_errors_counts_as_failed() -> None:
    suite = Suite("test.missing_column", "landed", "activities", "select 1",
                  (Check("needs_column", "critical", "ExpectColumnValuesToNotBeNull", {"column": "nope"}),))
    [failure] = validate(suite, pd.DataFrame({"x": [1]})).critical_failures
    assert not failure.success and failure.error


def test_history_is_keyed_by_run_suite_and_check(tmp_path: Path) -> None:
    path = tmp_path / "h.duckdb"
    result = validate(ALL_SUITES["landed.activities"], activities([1970, 2025]))
    for _ in range(2):  # a retried step records the same run again
        history.record_suite(result, "run-1", "landed/activities", "landed", path=path)
    history.record_suite(result, "run-2", "landed/activities", "landed", path=path)
    table = history.read_table("check_results", path=path)
    assert len(table) == 2 * len(result.results)
    assert not table.duplicated(["run_id", "suite", "check_name"]).any()
    failed = table[~table["success"]]
    assert set(failed["check_name"]) == {"started_at_plausible"} and set(failed["run_id"]) == {"run-1", "run-2"}


def test_the_last_run_of_a_suite_says_whether_it_passed(tmp_path: Path) -> None:
    """A check scoped to the new batches widens to every batch while its suite's last run failed."""
    path = tmp_path / "h.duckdb"
    suite = ALL_SUITES["landed.activities"]
    bad, good = validate(suite, activities([1970, 2025])), validate(suite, activities([2025, 2025]))
    assert history.last_run_passed(suite.name, path) is None
    at = dt.datetime(2025, 4, 1, tzinfo=dt.UTC)
    history.record_suite(bad, "run-1", "landed/activities", "landed", path=path, checked_at=at)
    assert history.last_run_passed(suite.name, path) is False
    history.record_suite(good, "run-2", "landed/activities", "landed", path=path, checked_at=at + dt.timedelta(days=1))
    assert history.last_run_passed(suite.name, path) is True
    assert history.last_run_passed("landed.users", path) is None


def test_findings_history_replaces_a_night(tmp_path: Path) -> None:
    path = tmp_path / "h.duckdb"
    night = dt.date(2025, 3, 31)
    history.record_findings(findings(), night, "run-1", path=path)
    history.record_findings(findings().iloc[:1], night, "run-2", path=path)  # two were fixed, then re-run
    history.record_findings(findings(), night - dt.timedelta(days=1), "run-0", path=path)
    table = history.read_table("findings_history", path=path)
    assert (pd.to_datetime(table["as_of_date"]).dt.date == night).sum() == 1
    assert len(table) == 1 + len(findings())


@pytest.mark.parametrize(
    ("found_start", "found_end", "matched"),
    [("2025-03-03", "2025-03-09", True), ("2025-03-08", "2025-03-20", True), ("2025-03-10", "2025-03-20", False)],
)
def test_periods_must_overlap(found_start: str, found_end: str, matched: bool) -> None:
    truth = pd.DataFrame([{"defect_type": "capture_gap_rep", "entity_type": "user", "entity_id": "u-avery",
                           "detail": "", "start_date": pd.Timestamp("2025-03-04"), "end_date": pd.Timestamp("2025-03-08")}])
    found = findings().iloc[:1].assign(start_date=pd.Timestamp(found_start), end_date=pd.Timestamp(found_end))
    [gap] = [s for s in score(found, truth) if s.defect_type == "capture_gap_rep"]
    assert (gap.recall, gap.precision) == ((1.0, 1.0) if matched else (0.0, 0.0))


@pytest.mark.parametrize(("burst_day", "expected"), [("2025-02-01", False), ("2025-03-05", True)])
def test_a_rule_reading_the_last_days_is_not_asked_for_older_defects(burst_day: str, expected: bool) -> None:
    """gaming_burst reads the last 30 days here (hygiene_rules.lookback_days): a burst injected
    before them is not counted against its recall, one within them is."""
    truth = pd.DataFrame([{"defect_type": "gaming_burst", "entity_type": "user", "entity_id": "u-nobody", "detail": "",
                           "start_date": pd.Timestamp(burst_day), "end_date": pd.Timestamp(burst_day)}])
    found = findings().iloc[:1].assign(rule="capture_gap_rep", as_of_date=pd.Timestamp("2025-03-31"))
    rules = pd.DataFrame({"rule": ["gaming_burst", "capture_gap_rep"], "lookback_days": [30, None]})
    [burst] = [s for s in score(found, truth, rules) if s.defect_type == "gaming_burst"]
    assert burst.injected == (1 if expected else 0)
    # without the catalogue every injected defect is asked for
    [burst] = [s for s in score(found, truth) if s.defect_type == "gaming_burst"]
    assert burst.injected == 1


def test_types_without_injections_pass_only_when_nothing_is_found() -> None:
    truth = pd.DataFrame(columns=["defect_type", "entity_type", "entity_id", "detail", "start_date", "end_date"])
    scores = {s.defect_type: s for s in score(findings(), truth)}
    assert not scores["capture_gap_rep"].passed  # a finding where nothing was injected
    assert scores["gaming_burst"].passed


def test_check_result_blocks_only_on_critical_failures(tmp_path: Path) -> None:
    import logging
    from types import SimpleNamespace

    import dagster as dg

    from orchestration.quality_checks import check_result

    history_file = history.history_path(tmp_path)
    suite = ALL_SUITES["landed.activities"]
    key = dg.AssetKey(["landed", "activities"])
    context = SimpleNamespace(run=SimpleNamespace(run_id="run-x"), log=logging.getLogger("test"))
    cases = {
        "critical": (activities([1970] * 10), False, dg.AssetCheckSeverity.ERROR),
        "warning": (activities([2025] * 10).assign(owner_user_id=[None] * 10), False, dg.AssetCheckSeverity.WARN),
        "clean": (activities([2025] * 10), True, dg.AssetCheckSeverity.ERROR),
    }
    for frame, passed, severity in cases.values():
        result = check_result(context, suite, validate(suite, frame), key, history_file)  # type: ignore[arg-type]
        assert (result.passed, result.severity) == (passed, severity)
    assert len(history.read_table("check_results", history_file)) == len(suite.checks)  # one run: replaced, not appended
