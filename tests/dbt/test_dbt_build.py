"""`dbt build` on a tiny landed organisation: every model, contract, data test and unit test
passes; resolved values are right; and building again with the same inputs gives identical tables."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from ingest.extract_writer import write_batch
from ingest.landing import land_all
from orchestration.defs.dbt_models import SERVING_SELECTION
from runtime import relations, settings
from runtime.settings import Settings
from tests.dbt import fixture_org

PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
DBT = str(Path(sys.executable).parent / "dbt")
# A later build in a test whose first build ran the unit tests: they check the SQL, not the data.
WITHOUT_UNIT_TESTS = ["--exclude-resource-type", "unit_test"]


@dataclass
class Build:
    root: Path
    settings: Settings
    warehouse: Path
    result: subprocess.CompletedProcess
    seconds: float


def dbt(args: list[str], vars_args: list[str], root: Path) -> subprocess.CompletedProcess:
    """Run dbt against the project with the given --vars, target and logs kept in the test's own folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RI_", "DBT_"))}
    return subprocess.run(
        [DBT, *args, *vars_args, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
         "--target-path", str(root / "target"), "--log-path", str(root / "logs")],
        env=env | {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}, capture_output=True, text=True, timeout=600,
    )


def table_digests(warehouse: Path) -> dict[str, str]:
    """A content hash per table, independent of physical row order."""
    out = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.sql(
            "select table_schema, table_name from information_schema.tables"
            " where table_type = 'BASE TABLE' order by 1, 2"
        ).fetchall()
        for schema, name in tables:
            if name in relations.load().run_logs():
                continue  # what a run decided to rebuild differs between a night and a full build, by design
            # every column but the mark of the dbt invocation that wrote a row (written_by_this_build)
            rows = con.sql(f"select columns(lambda c: c <> 'dbt_invocation_id') from \"{schema}\".\"{name}\"").fetchall()
            out[f"{schema}.{name}"] = hashlib.sha256("\n".join(sorted(map(repr, rows))).encode()).hexdigest()
    return out


def query(build: Build, sql: str) -> list[tuple]:
    with duckdb.connect(str(build.warehouse), read_only=True) as con:
        return con.sql(sql).fetchall()


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Build]:
    root = tmp_path_factory.mktemp("dbt_build")
    fixture_org.write_extracts(root / "extracts")
    land_all(root / "extracts", root / "landed")
    cfg = settings.load({"RI_DATA_DIR": str(root), "RI_INTERNAL_DOMAINS": fixture_org.INTERNAL_DOMAINS})
    as_of = dt.date.fromisoformat(fixture_org.AS_OF_DATE)
    started = time.perf_counter()
    # The serving models read the Python scorer's tables; the scoring tests build those.
    result = dbt(["build", "--exclude", SERVING_SELECTION], cfg.dbt_arguments(as_of), root)
    yield Build(root, cfg, root / "warehouse.duckdb", result, time.perf_counter() - started)


def test_build_passes_every_model_contract_and_test(build: Build) -> None:
    assert build.result.returncode == 0, build.result.stdout[-5000:]
    results = json.loads((build.root / "target" / "run_results.json").read_text())["results"]
    failed = [r["unique_id"] for r in results if r["status"] not in ("success", "pass")]
    assert failed == []
    kinds = {r["unique_id"].split(".")[0] for r in results}
    assert {"model", "test", "unit_test"} <= kinds
    print(f"dbt build on the fixture: {build.seconds:.1f} s, {len(results)} nodes")


def test_parties_resolve_by_alias_case_and_plus_address(build: Build) -> None:
    rows = {
        (a, e): (t, u, c, acc, m)
        for a, e, t, u, c, acc, m in query(build, """
            select activity_id, email_address, party_type, user_id, contact_id, account_id, match_method
            from main.fct_activity_participants
        """)
    }
    # mixed case on the wire, lower-case in the table
    assert rows[("e-001", "jordan.ellis@blueridgehotels.com")] == ("contact", None, "c-001", "a-0001", "exact")
    # a contact's second address
    assert rows[("e-002", "j.ellis@blueridgehotels.com")] == ("contact", None, "c-001", "a-0001", "exact")
    # a user's alias in odd case
    assert rows[("e-003", "aquinn@harborline.io")][:2] == ("internal_user", "u-avery")
    # plus-addressing falls back to the base address
    assert rows[("e-003", "priya.shah+deals@blueridgehotels.com")] == ("contact", None, "c-002", "a-0001", "plus_address")
    assert rows[("e-009", "stranger@unknownco.com")][0] == "unknown_external"
    assert rows[("e-020", "newhire@harborline.io")][0] == "unknown_internal"
    # RI_INTERNAL_DOMAINS adds a domain no user has
    assert rows[("e-021", "ops@harborline.co.uk")][0] == "unknown_internal"
    # two contacts share the address: not guessed, but the shared account is known
    assert rows[("e-010", "info@coastalinns.com")] == ("ambiguous_contact", None, None, "a-0002", "exact")
    # a display name and a personal address
    assert rows[("e-022", "pat.doe@gmail.com")][:3] == ("contact", None, "c-006")
    # an address that became a contact's after the e-mail was sent
    assert rows[("e-017", fixture_org.MORGAN)] == ("contact", None, "c-007", "a-0002", "exact")


def test_activities_have_direction_account_and_one_row_per_message(build: Build) -> None:
    rows = {
        r[0]: r[1:]
        for r in query(build, """
            select activity_id, direction, initiated_by, account_id, opportunity_id, activity_status,
                   copy_count, body_sentiment is not null
            from main.fct_activities
        """)
    }
    assert rows["e-001"][:4] == ("outbound", "us", "a-0001", "o-001")
    assert rows["e-002"][:3] == ("inbound", "customer", "a-0001")
    assert rows["e-005"][0] == rows["e-006"][0] == "internal_only"
    assert rows["e-010"][:3] == ("inbound", "customer", "a-0002")
    assert rows["e-022"][2] is None  # a contact without an account
    # the later batch wins: the meeting took place
    assert rows["m-001"][4] == "completed"
    # the same message from three mailboxes is one activity, the copy with the smallest id
    assert not {"e-011", "e-011-copy"} & rows.keys() and rows["e-0109"][5] == 3
    # sentiment only where the customer wrote the words
    assert rows["e-002"][6] is True and rows["e-001"][6] is False
    # the refused row never reaches the facts
    assert "e-999" not in rows


def test_reply_linkage_and_email_engagement(build: Build) -> None:
    rows = {
        r[0]: r[1:]
        for r in query(build, """
            select activity_id, human_open_count, machine_open_count, click_count, is_bounced,
                   is_replied, first_reply_activity_id, reply_link, reply_minutes
            from main.fct_email_engagement
        """)
    }
    # New York -> London: 150 minutes, by thread, from the contact's second address
    assert rows["e-001"] == (2, 1, 1, False, True, "e-002", "thread", 150.0)
    # New York -> India: 750 minutes, by parent
    assert rows["e-003"][4:] == (True, "e-004", "parent", 750.0)
    # the CC'd contact answers
    assert rows["e-012"][4:] == (True, "e-013", "thread", 120.0)
    assert rows["e-009"][3:5] == (True, False)
    # an open tracked on a copy counts for the one message; a reply naming another copy as its parent too
    assert rows["e-0109"][0] == 1
    assert rows["e-0109"][4:] == (True, "e-016", "parent", 420.0)
    # a reply in the thread to a colleague no user has yet; an open of an e-mail sent the day before
    assert rows["e-020"][4:6] == (True, "e-030")
    assert rows["e-012"][0] == 1
    # inbound e-mails and internal threads are not outbound e-mails
    assert not {"e-002", "e-005", "e-006", "e-007"} & rows.keys()
    ours = query(build, """
        select reply_activity_id, reply_minutes from main_intermediate.int_emails__reply_pairs
        where activity_id = 'e-007'
    """)
    assert ours == [("e-008", 30.0)]
    # our answer was filed under another thread later: the customer's e-mail is unanswered
    assert query(build, "select is_replied from main_intermediate.int_emails__reply_pairs where activity_id = 'e-014'") == [(False,)]


def test_contact_days_run_from_first_activity_to_as_of_date(build: Build) -> None:
    spans = {
        r[0]: r[1:]
        for r in query(build, """
            select contact_id, min(engagement_date)::varchar, max(engagement_date)::varchar, count(*)
            from main.fct_contact_daily_engagement group by 1
        """)
    }
    assert spans["c-001"] == ("2025-10-01", fixture_org.AS_OF_DATE, 5)
    assert spans["c-002"] == ("2025-10-02", fixture_org.AS_OF_DATE, 4)
    # no rows for contacts reached only through a shared address
    assert "c-004" not in spans and "c-005" not in spans
    day = query(build, """
        select emails_outbound, emails_inbound, replies_received, meetings_completed, meetings_missed,
               calls_outbound, is_active_day
        from main.fct_contact_daily_engagement
        where contact_id = 'c-001' and engagement_date = date '2025-10-01'
    """)
    assert day == [(1, 1, 1, 0, 0, 0, True)]
    missed = query(build, """
        select meetings_missed, emails_outbound from main.fct_contact_daily_engagement
        where contact_id = 'c-002' and engagement_date = date '2025-10-02'
    """)
    assert missed == [(1, 1)]


def test_the_activity_facts_are_written_in_day_order(build: Build) -> None:
    # so a read of a window of days skips the other days' row groups (macro clustered_by)
    for table in ("main.fct_activities", "main.fct_activity_participants"):
        days = query(build, f"select activity_date from {table} order by rowid")
        assert len(days) > 20 and days == sorted(days)


def test_the_readers_of_a_window_of_days_skip_the_facts_other_days(build: Build) -> None:
    """Their scans of the facts carry the window as constant dates, which DuckDB checks against each
    row group's min/max (the facts are in day order): a bound against a joined as-of row or a
    subquery is applied after the scan has read the whole history. Statistics propagation is off so
    that a bound the tiny history always meets stays in the plan."""
    compiled = {path.stem: path for path in (build.root / "target" / "compiled").rglob("*.sql")}
    readers = ["interaction_timeline", "relationship_strength", "hygiene_rep_capture_discipline",
               "hygiene_findings__capture_discipline", "hygiene_findings__contact_links"]
    with duckdb.connect(str(build.warehouse), read_only=True) as con:
        con.execute("set disabled_optimizers = 'statistics_propagation'")
        for model in readers:
            plan = json.loads(con.execute("explain (format json) " + compiled[model].read_text()).fetchall()[0][1])
            scans, stack = [], list(plan)
            while stack:
                node = stack.pop()
                stack.extend(node.get("children", []))
                info = node.get("extra_info", {})
                if str(info.get("Table", "")).endswith((".fct_activities", ".fct_activity_participants")):
                    scans.append(json.dumps(info.get("Filters")))
            assert scans and all(re.search(r"activity_date > '\d{4}-\d{2}-\d{2}'::DATE", filters) for filters in scans), (model, scans)


def test_quarantine_is_published(build: Build) -> None:
    rows = query(build, "select entity, field_name, source_row_number from main.landing_quarantine")
    assert rows == [("activities", "started_at", 1)]


def test_second_build_with_the_same_inputs_gives_identical_tables(build: Build) -> None:
    before = table_digests(build.warehouse)
    assert "main.fct_activities" in before and "main_intermediate.int_emails__reply_pairs" in before
    as_of = dt.date.fromisoformat(fixture_org.AS_OF_DATE)
    # the unit tests (the models' SQL on fixed inputs) ran in the first build
    again = dbt(["build", "--exclude", SERVING_SELECTION, *WITHOUT_UNIT_TESTS], build.settings.dbt_arguments(as_of), build.root)
    assert again.returncode == 0, again.stdout[-5000:]
    assert table_digests(build.warehouse) == before


def test_a_build_after_new_batches_gives_the_tables_of_a_build_of_everything(build: Build, tmp_path: Path) -> None:
    """The activity-grain staging tables take in only the batches landed since their last build; a
    key a later batch delivers again (the meeting scheduled, then completed) takes its latest row.
    The activity-grain models rebuild only the activities the new batches and the new contact
    change, with the old e-mails those touch (another copy of a message, replies, opens, a moved
    e-mail, an address that is a contact's now), and every table equals the build that landed
    everything at once. The tests of the tables kept by batch or by activity check the rows the
    build wrote; the other models' tests check everything."""
    extracts, held = tmp_path / "extracts", tmp_path / "held"
    fixture_org.write_extracts(extracts)
    later = [path for batch in (fixture_org.BATCH_2, fixture_org.BATCH_3) for path in sorted(extracts.rglob(f"{batch}*"))]
    for path in later + [extracts / "activities" / "2025-10-03.csv"]:
        (held / path.parent.name).mkdir(parents=True, exist_ok=True)
        path.rename(held / path.parent.name / path.name)
    cfg = settings.load({"RI_DATA_DIR": str(tmp_path), "RI_INTERNAL_DOMAINS": fixture_org.INTERNAL_DOMAINS})
    as_of = dt.date.fromisoformat(fixture_org.AS_OF_DATE)
    land_all(extracts, tmp_path / "landed")
    first = dbt(["run", "--exclude", SERVING_SELECTION], cfg.dbt_arguments(as_of), tmp_path)
    assert first.returncode == 0, first.stdout[-5000:]
    assert query_at(tmp_path, "select activity_status from main_staging.stg_landed__activities where activity_id = 'm-001'") == [("scheduled",)]
    answered = "select is_replied from main_intermediate.int_emails__reply_pairs where activity_id = 'e-014'"
    assert query_at(tmp_path, answered) == [(True,)]
    for path in sorted(held.rglob("*.csv")):
        path.rename(extracts / path.parent.name / path.name)
    land_all(extracts, tmp_path / "landed")
    second = dbt(["build", "--exclude", SERVING_SELECTION, *WITHOUT_UNIT_TESTS], cfg.dbt_arguments(as_of), tmp_path)
    assert second.returncode == 0, second.stdout[-5000:]
    assert table_digests(tmp_path / "warehouse.duckdb") == table_digests(build.warehouse)
    assert query_at(tmp_path, answered) == [(False,)]
    # what the night rebuilt: its own activities, every copy of e-011's message, the threads they
    # are in (t-12 as it was before e-015 moved), the opened e-012 and Morgan's e-017
    rebuilt = query_at(tmp_path, "select activity_id, rebuild_all, dbt_invocation_id from main_intermediate.int_activities__to_rebuild order by 1")
    assert [(a, r) for a, r, _ in rebuilt] == [(a, False) for a in sorted(
        ["m-001", "e-0109", "e-011", "e-011-copy", "e-016", "e-020", "e-030", "e-014", "e-015", "e-012", "e-013", "e-017"])]
    night = rebuilt[0][2]
    writers = dict(query_at(tmp_path, "select activity_id, dbt_invocation_id from main.fct_activities"))
    assert {a for a, writer in writers.items() if writer == night} == {a for a, _, _ in rebuilt} - {"e-011", "e-011-copy"}
    # e-001 (first batch only) is the first build's row; m-001, delivered again, the second build's
    writers = query_at(tmp_path, "select activity_id, dbt_invocation_id from main_staging.stg_landed__activities "
                                 "where activity_id in ('e-001', 'm-001') order by 1")
    assert len(writers) == 2 and writers[0][1] != writers[1][1]
    compiled = {path.stem: path.read_text() for path in (tmp_path / "target" / "compiled").rglob("*.sql")}
    # a model of the chain reads, of the models of the chain built before it, the rows this run
    # wrote (their row groups only)
    assert f"parties.dbt_invocation_id = '{night}'" in compiled["fct_activity_participants"]
    assert f"activities.dbt_invocation_id = '{night}'" in compiled["fct_activity_participants"]
    # the not-null tests (long names get a hashed file name): which read only this build's rows
    not_null = [sql for name, sql in compiled.items() if name.startswith(("not_null_columns_stg_landed__", "not_null_columns_int_", "not_null_columns_fct_"))]
    scoped = {model for sql in not_null if "dbt_invocation_id = '" in sql for model in re.findall(r"(?:stg_landed|int|fct)_\w+", sql)}
    assert len(not_null) >= 15
    assert sorted(scoped) == ["fct_activities", "fct_activity_participants", "fct_contact_daily_engagement", "fct_email_engagement",
                              "int_activities__deduplicated", "int_activities__directed", "int_activities__to_rebuild",
                              "int_activity_chain_inputs", "int_activity_ids__mapped", "int_activity_inputs__built", "int_activity_parties__resolved",
                              "int_emails__reply_pairs", "stg_landed__activities", "stg_landed__activity_parties",
                              "stg_landed__email_events"]
    # the rebuild set reads, of each staging table kept by batch (and of the activities again for its
    # look-ups), the batches the chain had not built, named (its row groups of other batches are
    # skipped), not every row's batch
    named = re.findall(r"batch_id in \(([^)]*)\)", compiled["int_activities__to_rebuild"])
    assert len(named) == 4 and all(fixture_org.BATCH_3 in n and fixture_org.BATCH_1 not in n for n in named), named
    # the singular tests of such tables too (they ran in this build: its return code says they passed)
    for singular in ("assert_reply_pairs_cross_sides", "assert_received_replies_are_customer_touches"):
        assert f"dbt_invocation_id = '{night}'" in compiled[singular], singular

    # A batch landing replaces (its file changed) and one whose landed files went away: the table
    # takes in every batch again, as a full build would, and the activity-grain models rebuild
    # every activity.
    status = "select activity_status from main_staging.stg_landed__activities where activity_id = 'm-001'"
    rebuild_all = "select bool_or(rebuild_all) from main_intermediate.int_activities__to_rebuild"
    write_batch(extracts, "activities", fixture_org.BATCH_2, [{**a, "status": "cancelled"} for a, _ in fixture_org.ACTIVITY_BATCH_2])
    assert [b.status for b in land_all(extracts, tmp_path / "landed").batches if b.status != "unchanged"] == ["replaced"]
    assert dbt(["run", "--select", "stg_landed__activities", "int_activities__to_rebuild"], cfg.dbt_arguments(as_of), tmp_path).returncode == 0
    assert query_at(tmp_path, status) == [("cancelled",)]
    assert query_at(tmp_path, rebuild_all) == [(True,)]
    # The batch delivered as it was again: nothing differs from what the activity-grain models were
    # built from, but the run before decided to rebuild them and stopped before recording that it
    # had (as a killed run does), so this run rebuilds every activity too.
    write_batch(extracts, "activities", fixture_org.BATCH_2, [a for a, _ in fixture_org.ACTIVITY_BATCH_2])
    assert [b.status for b in land_all(extracts, tmp_path / "landed").batches if b.status != "unchanged"] == ["replaced"]
    assert dbt(["run", "--select", "stg_landed__activities", "int_activities__to_rebuild"], cfg.dbt_arguments(as_of), tmp_path).returncode == 0
    assert query_at(tmp_path, status) == [("completed",)]
    assert query_at(tmp_path, rebuild_all) == [(True,)]
    for path in (tmp_path / "landed").rglob(f"activities/{fixture_org.BATCH_2}.*"):
        path.unlink()
    assert dbt(["run", "--select", "stg_landed__activities"], cfg.dbt_arguments(as_of), tmp_path).returncode == 0
    assert query_at(tmp_path, status) == [("scheduled",)]
    # A batch landed late under a name that sorts before the batches staging holds: the row it
    # delivers of a key staging holds from a later batch loses to it, as in a build of everything.
    for path in extracts.rglob(f"activities/{fixture_org.BATCH_2}.*"):
        path.unlink()
    write_batch(extracts, "activities", "2025-09-30", [{**a, "status": "cancelled"} for a, _ in fixture_org.ACTIVITY_BATCH_2])
    assert [b.status for b in land_all(extracts, tmp_path / "landed").batches if b.status != "unchanged"] == ["landed"]
    assert dbt(["run", "--select", "stg_landed__activities"], cfg.dbt_arguments(as_of), tmp_path).returncode == 0
    assert query_at(tmp_path, status) == [("scheduled",)]
    assert query_at(tmp_path, "select count(*) from main_staging.stg_landed__activities where batch_id = '2025-09-30'") == [(0,)]


def query_at(root: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        return con.sql(sql).fetchall()


def test_as_of_date_defaults_to_latest_activity_day(build: Build) -> None:
    warehouse = build.root / "default_as_of.duckdb"
    shutil.copy(build.warehouse, warehouse)
    # no as-of date given
    cfg = dataclasses.replace(build.settings, warehouse_path=warehouse)
    result = dbt(["run", "--select", "fct_contact_daily_engagement"], cfg.dbt_arguments(), build.root)
    assert result.returncode == 0, result.stdout[-5000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        last = con.sql("select max(engagement_date)::varchar from main.fct_contact_daily_engagement").fetchall()
    # the meeting scheduled for 2025-10-20 does not stretch the spine into the future
    assert last == [("2025-10-04",)]


def test_text_starting_like_a_formula_lands_as_written_and_is_flagged(build: Build) -> None:
    title = query(build, "select title from main.dim_contacts where contact_id = 'c-006'")
    assert title == [('=HYPERLINK("http://x.example")',)]
    flagged = query(build, """
        select entity_type, entity_id, evidence from main_hygiene.hygiene_findings
        where rule = 'formula_prefixed_text' order by entity_id
    """)
    assert [(t, i) for t, i, _ in flagged] == [("contact", "c-006")]
    assert "title" in flagged[0][2]



def test_the_memory_limit_setting_bounds_duckdb_in_dbt(build: Build) -> None:
    """RI_DUCKDB_MEMORY_LIMIT reaches DuckDB's session in every dbt command (profiles.yml); a value
    that is not a size is refused naming the setting. The same command shows the file log: the
    pipeline's dbt commands write no dbt.log (its debug events cost an eighth of a build);
    DBT_LOG_LEVEL_FILE=debug brings it back, with the SQL run."""
    assert not (build.root / "logs" / "dbt.log").exists()
    cfg = settings.load({"RI_DATA_DIR": str(build.root), "RI_DUCKDB_MEMORY_LIMIT": "700MB", "DBT_LOG_LEVEL_FILE": "debug"})
    shown = dbt(["show", "--inline", "select current_setting('memory_limit') as memory_limit", "--output", "json"],
                cfg.dbt_arguments(), build.root)
    assert shown.returncode == 0, shown.stdout[-3000:]
    assert re.search(r'"memory_limit": "(667\.5 MiB|700\.0 MB|700MB)"', shown.stdout), shown.stdout[-2000:]
    assert "select current_setting('memory_limit')" in (build.root / "logs" / "dbt.log").read_text()
    with pytest.raises(ValueError, match="RI_DUCKDB_MEMORY_LIMIT"):
        settings.load({"RI_DUCKDB_MEMORY_LIMIT": "lots"})
