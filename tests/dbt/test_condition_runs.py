"""The runs of a daily condition (macro condition_runs, read by alerts and recommendations) are the
ones the rule names: checked against a plain walk over the rows, on random conditions."""

from __future__ import annotations

import datetime as dt
import random
from itertools import groupby

import duckdb

from tests.dbt_macros import render_macros

# entity, rule, opened, the day before it opened, last seen, cleared
Run = tuple[str, str, dt.date, dt.date, dt.date, dt.date | None]
RULES = ("quiet", "slow", "late")


def conditions(seed: int) -> list[tuple[str, dt.date, bool | None, bool | None, bool | None]]:
    """Rows of entities on days with gaps, entities that stop early, and for each rule whether it
    holds, sometimes null (not known)."""
    rng = random.Random(seed)
    rows = []
    for entity in range(12):
        day, last = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(20)), dt.date(2025, 6, 30) - dt.timedelta(days=rng.choice((0, 0, 40)))
        shares = [rng.choice((0.0, 0.2, 0.7, 1.0)) for _ in RULES]
        while day <= last:
            rows.append((f"e-{entity}", day, *(None if rng.random() < 0.02 else rng.random() < share for share in shares)))
            day += dt.timedelta(days=rng.choice((1, 1, 1, 3)))
    return rows


def walked_runs(wide: list[tuple[str, dt.date, bool | None, bool | None, bool | None]], rules: tuple[str, ...]) -> list[Run]:
    """The rule, one row after another: consecutive holding rows make a run; it counts when a row
    came before it; it clears on the next row's day, or the day after its last when the entity has
    no later row and the relation does."""
    latest = max(day for _, day, *_ in wide)
    rows = [(entity, rule, day, holds[RULES.index(rule)]) for entity, day, *holds in wide for rule in rules]
    runs = []
    for (entity, rule), keyed in groupby(sorted(rows, key=lambda r: r[:3]), key=lambda r: r[:2]):
        keyed = list(keyed)
        i = 0
        while i < len(keyed):
            if keyed[i][3] is not True:
                i += 1
                continue
            j = i
            while j + 1 < len(keyed) and keyed[j + 1][3] is True:
                j += 1
            if i > 0:
                last_seen = keyed[j][2]
                if j + 1 < len(keyed):
                    cleared = keyed[j + 1][2]
                else:
                    cleared = last_seen + dt.timedelta(days=1) if last_seen < latest else None
                runs.append((entity, rule, keyed[i][2], keyed[i - 1][2], last_seen, cleared))
            i = j + 1
    return sorted(runs)


def connected_to(rows: list[tuple[str, dt.date, bool | None, bool | None, bool | None]], table: str) -> duckdb.DuckDBPyConnection:
    """A new in-memory database holding the rows in `table` (a name written here, not a value)."""
    con = duckdb.connect()
    con.execute(f"create table {table} (entity_id varchar, day date, " + ", ".join(f"holds_{rule} boolean" for rule in RULES) + ")")
    con.executemany(f"insert into {table} values (?, ?, ?, ?, ?)", rows)
    return con


def test_the_runs_are_those_a_walk_over_the_rows_finds() -> None:
    """Each rule's runs, whichever of the relation's conditions are asked for."""
    for rules in (RULES, ("slow",), ("late", "quiet")):
        chosen = [([f"'{rule}'"], f"holds_{rule}") for rule in rules]
        runs_sql = render_macros("actions.sql").condition_runs("conditions", ["entity_id"], ["rule"], chosen)
        for seed in range(4):
            rows = conditions(seed)
            con = connected_to(rows, "conditions")
            found = con.execute(f"select entity_id, rule, opened_date, day_before_run, last_seen_date, cleared_date "
                                f"from ({runs_sql}) order by all").fetchall()
            expected = walked_runs(rows, rules)
            assert len(expected) > 8 * len(rules) and any(run[5] is None for run in expected)
            assert found == expected


def test_the_runs_found_since_earlier_runs_are_those_of_the_whole_relation() -> None:
    """A night's runs from where the earlier ones left off (macro condition_runs_since), merged into
    them, are the runs of the whole relation: the rows up to any day, then every row; and again
    from the merged runs, as a night that runs twice."""
    macros = render_macros("actions.sql")
    chosen = [([f"'{rule}'"], f"holds_{rule}") for rule in RULES]
    runs_sql = macros.condition_runs("conditions", ["entity_id"], ["rule"], chosen)
    since_sql = macros.condition_runs_since("conditions", ["entity_id"], ["rule"], chosen, "earlier")
    columns = "entity_id, rule, opened_date, day_before_run, last_seen_date, cleared_date"
    went_on = 0
    for seed in range(4):
        rows = conditions(seed)
        con = connected_to(rows, "all_rows")
        expected = con.execute(f"with conditions as (select * from all_rows) select {columns} from ({runs_sql}) order by all").fetchall()
        for split in (dt.date(2025, 1, 10), dt.date(2025, 3, 1), dt.date(2025, 5, 21), dt.date(2025, 6, 29), dt.date(2025, 6, 30)):
            con.execute(f"create or replace table earlier as with conditions as (select * from all_rows where day <= ?) "
                        f"select {columns} from ({runs_sql})", [split])
            for night in range(2):
                found = con.execute(f"with conditions as (select * from all_rows) select {columns}, goes_on from ({since_sql})").fetchall()
                went_on += sum(1 for *_, goes_on in found if goes_on)
                con.execute("create temporary table found (entity_id varchar, rule varchar, opened_date date, day_before_run date, "
                            "last_seen_date date, cleared_date date, goes_on boolean)")
                con.executemany("insert into found values (?, ?, ?, ?, ?, ?, ?)", found)
                con.execute("delete from earlier where (entity_id, rule, opened_date) in (select entity_id, rule, opened_date from found)")
                con.execute(f"insert into earlier select {columns} from found")
                con.execute("drop table found")
                merged = con.execute(f"select {columns} from earlier order by all").fetchall()
                assert merged == expected, (seed, split, night)
    assert went_on > 50
