"""The landed suites as DuckDB aggregates over the landed Parquet: the answers Great Expectations
gives on the same rows, planted problems flagged, and only the batches asked for checked."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from data_quality.frames import register_landed_views
from data_quality.gx_runner import SuiteResult, validate
from data_quality.aggregate_suites import SUPPORTED, batch_ids, run_frame_suite, run_landed_suite
from data_quality.suites import ALL_SUITES, LANDED_SUITES, PUBLISHED_SUITES, Suite
from ingest.extract_writer import write_batch
from ingest.landing import land_all
from tests.tiny_org import write_tiny_org

STARTED = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


def _activity(activity_id: str, owner: str | None, minutes: int = 30) -> dict[str, object]:
    return {"activity_id": activity_id, "activity_type": "meeting", "status": "completed", "source": "synced",
            "started_at": STARTED, "ended_at": STARTED + dt.timedelta(minutes=minutes), "owner_user_id": owner}


@pytest.fixture(scope="module")
def landed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny organisation, and later batches with problems planted in them."""
    root = tmp_path_factory.mktemp("landed_suites")
    extracts = root / "extracts"
    write_tiny_org(extracts)
    # a second user with the first one's address (critical), and an address that is no address
    write_batch(extracts, "users", "2025-04-01", [
        {"user_id": "u-copy", "full_name": "Copy", "email": "AVERY.QUINN@harborline.io"},
        {"user_id": "u-odd", "full_name": "Odd", "email": "odd at example"},
    ])
    # activities nobody owns, or owned by someone who is no user
    write_batch(extracts, "activities", "2025-04", [_activity(f"x{i}", None) for i in range(3)]
                + [_activity(f"y{i}", "u-nobody") for i in range(4)] + [_activity("z0", "u-avery", 0)])
    # parties of activities no extract holds (critical), one with an address that is no address
    write_batch(extracts, "activity_parties", "2025-04-orphans", [
        {"activity_id": f"missing-{i}", "party_role": "to", "email_address": f"p{i}@example.com"} for i in range(6)
    ] + [{"activity_id": "x0", "party_role": "to", "email_address": "not an address"}])
    land_all(extracts, root / "landed")
    return root / "landed"


def read_landed_frame(landed_dir: Path, suite: Suite) -> pd.DataFrame:
    """The suite's frame over the landed Parquet, in pandas: what GX validates."""
    with duckdb.connect() as con:
        views = register_landed_views(con, landed_dir)
        return con.sql(suite.query.format(**views)).to_arrow_table().to_pandas()


def _same(aggregate: object, gx: object) -> bool:
    if isinstance(gx, float) and isinstance(aggregate, float):
        return aggregate == pytest.approx(gx)
    return aggregate == gx


@pytest.fixture(scope="module")
def nearly_empty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Users only: every other frame is empty, every column of the activities all null."""
    root = tmp_path_factory.mktemp("nearly_empty")
    write_batch(root / "extracts", "users", "b", [{"user_id": "u1", "full_name": "A", "email": "a@x.io"}])
    write_batch(root / "extracts", "activities", "b", [{**_activity("a1", None), "ended_at": None}])
    land_all(root / "extracts", root / "landed")
    return root / "landed"


@pytest.mark.parametrize("folder", ["landed", "nearly_empty"])
@pytest.mark.parametrize("suite", LANDED_SUITES, ids=lambda s: s.name)
def test_aggregates_answer_as_great_expectations_does(folder: str, suite: Suite, request: pytest.FixtureRequest) -> None:
    landed = request.getfixturevalue(folder)
    gx = validate(suite, read_landed_frame(landed, suite))
    ours = run_landed_suite(landed, suite)
    _assert_same_answers(ours, gx)


def _published_frames() -> dict[str, pa.Table]:
    """The published tables the published suites read, small, with problems planted: orphans,
    activities dated 1970, directions undetermined or unknown."""
    con = duckdb.connect()
    con.execute("create table dim_users as select 'u-' || i as user_id from range(3) t(i)")
    con.execute("create table dim_accounts as select 'a-' || i as account_id from range(4) t(i)")
    con.execute("create table dim_contacts as select 'c-' || i as contact_id, i % 5 = 0 as is_orphan from range(12) t(i)")
    con.execute("create table fct_activities as select 'x-' || i as activity_id, "
                "case when i % 7 = 0 then 'undetermined' when i % 11 = 0 then null else 'outbound' end as direction, "
                "case when i < 3 then date '1970-01-01' else date '2025-03-01' end as activity_date from range(40) t(i)")
    return {suite.name: con.sql(suite.query.format(**{n: n for n in suite.relations_read})).to_arrow_table()
            for suite in PUBLISHED_SUITES}


@pytest.mark.parametrize("suite", PUBLISHED_SUITES, ids=lambda s: s.name)
def test_published_aggregates_answer_as_great_expectations_does(suite: Suite) -> None:
    frame = _published_frames()[suite.name]
    _assert_same_answers(run_frame_suite(suite, frame), validate(suite, frame.to_pandas()))


def test_the_planted_published_problems_are_flagged() -> None:
    frames = _published_frames()
    contacts = run_frame_suite(ALL_SUITES["published.dim_contacts"], frames["published.dim_contacts"])
    assert [(r.check, r.unexpected_count) for r in contacts.warning_failures] == [("few_orphans", 3)]
    activities = run_frame_suite(ALL_SUITES["published.fct_activities"], frames["published.fct_activities"])
    assert activities.row_count == 40
    assert {r.check: r.unexpected_count for r in activities.critical_failures + activities.warning_failures} == {
        "activity_date_plausible": 3, "direction_mostly_determined": 6}


def _assert_same_answers(ours: SuiteResult, gx: SuiteResult) -> None:
    assert ours.row_count == gx.row_count
    assert [r.check for r in ours.results] == [r.check for r in gx.results]
    for mine, theirs in zip(ours.results, gx.results):
        assert (mine.success, mine.expectation_type, mine.element_count, mine.unexpected_count, mine.error) == (
            theirs.success, theirs.expectation_type, theirs.element_count, theirs.unexpected_count, theirs.error), mine.check
        assert _same(mine.unexpected_percent, theirs.unexpected_percent), mine.check
        observed_mine, observed_theirs = (json.loads(r.observed_value or "null") for r in (mine, theirs))
        if isinstance(observed_theirs, dict):
            assert observed_mine.keys() == observed_theirs.keys()
            assert all(_same(observed_mine[k], v) for k, v in observed_theirs.items()), mine.check
        else:
            assert observed_mine == observed_theirs, mine.check
        # GX keeps the first unexpected values it meets, these are sorted: the same values here (fewer than 10)
        samples = [sorted(json.loads(r.failure_sample), key=repr) if r.failure_sample else None for r in (mine, theirs)]
        assert samples[0] == samples[1], mine.check


def test_every_expectation_has_an_aggregate_form() -> None:
    assert {c.expectation for s in LANDED_SUITES + PUBLISHED_SUITES for c in s.checks} <= SUPPORTED


def test_planted_problems_are_flagged(landed: Path) -> None:
    parties = run_landed_suite(landed, ALL_SUITES["landed.activity_parties"])
    [orphans] = parties.critical_failures
    assert orphans.check == "parties_reference_landed_activities" and orphans.unexpected_count == 6
    assert json.loads(orphans.failure_sample) == [False] * 6
    assert [r.check for r in parties.warning_failures] == ["email_well_formed"]
    users = run_landed_suite(landed, ALL_SUITES["landed.users"])
    [duplicate] = users.critical_failures
    assert duplicate.check == "email_unique" and duplicate.unexpected_count == 2
    activities = run_landed_suite(landed, ALL_SUITES["landed.activities"])
    assert not activities.critical_failures
    assert {r.check: r.unexpected_count for r in activities.warning_failures} == {
        "owner_user_id_mostly_present": 3, "owner_is_a_known_user": 4}


def test_only_the_batches_landed_in_the_run_are_checked(landed: Path) -> None:
    suite = ALL_SUITES["landed.activity_parties"]
    assert batch_ids(landed, "activity_parties", ["activity_parties/2025-04-orphans.csv"]) == ["2025-04-orphans"]
    earlier = run_landed_suite(landed, suite, ["2025-03"])
    assert not earlier.critical_failures and earlier.row_count == run_landed_suite(landed, suite).row_count - 7
    latest = run_landed_suite(landed, suite, ["2025-04-orphans"])
    assert latest.row_count == 7 and [r.unexpected_count for r in latest.critical_failures] == [6]
    nothing = run_landed_suite(landed, suite, [])
    assert nothing.row_count == 0 and all(r.success for r in nothing.results)  # has_rows counts the entity
    # a new batch's values are compared with every batch's: the copied address is flagged in it alone
    users = run_landed_suite(landed, ALL_SUITES["landed.users"], ["2025-04-01"])
    assert [(r.check, r.unexpected_count) for r in users.critical_failures] == [("email_unique", 1)]


def test_a_key_delivered_again_is_checked_in_its_latest_batch_only(tmp_path: Path) -> None:
    """A batch's rows that a later batch delivered again are not its to answer for: the latest row
    of a key is decided over every batch holding that key, whichever batches are checked."""
    extracts = tmp_path / "extracts"
    write_batch(extracts, "users", "a", [{"user_id": "u1", "full_name": "A", "email": "a@x.io"},
                                         {"user_id": "u2", "full_name": "B", "email": "b at x"}])
    write_batch(extracts, "users", "b", [{"user_id": "u2", "full_name": "B", "email": "b@x.io"},
                                         {"user_id": "u3", "full_name": "C", "email": "c@x.io"}])
    land_all(extracts, tmp_path / "landed")
    suite = ALL_SUITES["landed.users"]
    first = run_landed_suite(tmp_path / "landed", suite, ["a"])
    assert first.row_count == 1 and all(r.success for r in first.results)  # u2's bad address was corrected
    second = run_landed_suite(tmp_path / "landed", suite, ["b"])
    assert second.row_count == 2 and all(r.success for r in second.results)
    assert run_landed_suite(tmp_path / "landed", suite).row_count == 3
    # two batches checked together, a key in both: its row in the later one is the one checked
    write_batch(extracts, "users", "c", [{"user_id": "u3", "full_name": "C", "email": "c at x"}])
    land_all(extracts, tmp_path / "landed")
    both = run_landed_suite(tmp_path / "landed", suite, ["b", "c"])
    assert both.row_count == 2 and [r.failure_sample for r in both.results if not r.success] == ['["c at x"]']
    assert run_landed_suite(tmp_path / "landed", suite, ["b"]).row_count == 1


def _counted_keys(result: SuiteResult) -> int:
    [has_rows] = [r for r in result.results if r.check == "has_rows"]
    return json.loads(has_rows.observed_value)


def test_the_keys_counted_are_kept_and_grown_by_the_new_files_alone(tmp_path: Path) -> None:
    """A nightly suite counts the entity's keys from the count it kept: the new files' keys that no
    earlier file holds are added (a key delivered again is not counted twice); a covered file
    changed, and the keys are counted whole again."""
    import os

    extracts, landed, kept = tmp_path / "extracts", tmp_path / "landed", tmp_path / "key_counts"
    suite = ALL_SUITES["landed.users"]
    user = lambda i: {"user_id": f"u{i}", "full_name": f"U {i}", "email": f"u{i}@x.io"}  # noqa: E731
    write_batch(extracts, "users", "a", [user(i) for i in range(5)])
    land_all(extracts, landed)
    assert _counted_keys(run_landed_suite(landed, suite, ["a"], kept)) == 5
    # u3 and u4 again, u5 and u6 new
    write_batch(extracts, "users", "b", [user(i) for i in range(3, 7)])
    land_all(extracts, landed)
    assert _counted_keys(run_landed_suite(landed, suite, ["b"], kept)) == 7 == run_landed_suite(landed, suite).row_count
    # the kept count is what a night starts from: altered, it shows
    record = kept / "users.json"
    altered = json.loads(record.read_text())
    record.write_text(json.dumps({**altered, "keys": altered["keys"] + 100}))
    write_batch(extracts, "users", "c", [user(7)])
    land_all(extracts, landed)
    assert _counted_keys(run_landed_suite(landed, suite, ["c"], kept)) == 108
    # a covered file changed: every key counted again
    first = landed / "users" / "a.parquet"
    os.utime(first, ns=(first.stat().st_atime_ns, first.stat().st_mtime_ns + 1))
    assert _counted_keys(run_landed_suite(landed, suite, ["c"], kept)) == 8
