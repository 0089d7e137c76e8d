"""The runs of a daily condition (macro condition_runs, read by alerts and recommendations) are the
ones the rule names: checked against a plain walk over the rows, on random conditions."""

from __future__ import annotations

import datetime as dt
import random
from itertools import groupby

import duckdb

from tests.dbt_macros import render_macros

Run = tuple[str, str, dt.date, dt.date, dt.date | None]  # entity, rule, opened, last seen, cleared


def conditions(seed: int) -> list[tuple[str, str, dt.date, bool | None]]:
    """Rows of entities and rules on days with gaps, entities that stop early, and holds that is
    sometimes null (not known)."""
    rng = random.Random(seed)
    rows = []
    for entity in range(12):
        for rule in ("quiet", "slow"):
            day, last = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(20)), dt.date(2025, 6, 30) - dt.timedelta(days=rng.choice((0, 0, 40)))
            share = rng.choice((0.0, 0.2, 0.7, 1.0))
            while day <= last:
                holds = None if rng.random() < 0.02 else rng.random() < share
                rows.append((f"e-{entity}", rule, day, holds))
                day += dt.timedelta(days=rng.choice((1, 1, 1, 3)))
    return rows


def walked_runs(rows: list[tuple[str, str, dt.date, bool | None]]) -> list[Run]:
    """The rule, one row after another: consecutive holding rows make a run; it counts when a row
    came before it; it clears on the next row's day, or the day after its last when the entity has
    no later row and the relation does."""
    latest = max(day for *_, day, _ in rows)
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
                runs.append((entity, rule, keyed[i][2], last_seen, cleared))
            i = j + 1
    return sorted(runs)


def test_the_runs_are_those_a_walk_over_the_rows_finds() -> None:
    runs_sql = render_macros("actions.sql").condition_runs("conditions", ["entity_id", "rule"])
    for seed in range(4):
        rows = conditions(seed)
        con = duckdb.connect()
        con.execute("create table conditions (entity_id varchar, rule varchar, day date, holds boolean)")
        con.executemany("insert into conditions values (?, ?, ?, ?)", rows)
        found = con.execute(f"select entity_id, rule, opened_date, last_seen_date, cleared_date from ({runs_sql}) "
                            "order by all").fetchall()
        expected = walked_runs(rows)
        assert len(expected) > 20 and any(run[4] is None for run in expected)
        assert found == expected
