"""The contact outcome label (macro customer_touch_within) means the same on every warehouse: DuckDB's
ASOF join gives, row for row, what the window of the other engines gives."""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from tests.dbt_macros import render_macros

HORIZON = 30


def engagement_days(seed: int) -> duckdb.DuckDBPyConnection:
    """A fct_contact_daily_engagement-shaped table: contacts with consecutive days from their first
    activity to one last date, customer touches on random days (rare, common, none at all)."""
    rng = random.Random(seed)
    last = dt.date(2025, 12, 31)
    rows = []
    for number, touch_share in enumerate((0.0, 0.01, 0.05, 0.3, 1.0)):
        first = last - dt.timedelta(days=rng.randint(5, 400))
        day = first
        while day <= last:
            touched = rng.random() < touch_share
            kind = rng.randrange(3)
            rows.append((f"c-{number}", day, int(touched and kind == 0), int(touched and kind == 1), int(touched and kind == 2)))
            day += dt.timedelta(days=1)
    con = duckdb.connect()
    con.execute("create table engagement (contact_id varchar, engagement_date date, emails_inbound integer, "
                "calls_inbound integer, customer_initiated_count integer)")
    con.executemany("insert into engagement values (?, ?, ?, ?, ?)", rows)
    return con


def labels(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(f"select * from ({sql}) order by contact_id, as_of_date").fetchall()


def test_the_asof_join_and_the_window_give_the_same_labels() -> None:
    macros = render_macros("incremental.sql", "engagement_rules.sql")
    for seed in range(3):
        con = engagement_days(seed)
        asof = labels(con, macros.duckdb__customer_touch_within("engagement", HORIZON))
        window = labels(con, macros.default__customer_touch_within("engagement", HORIZON))
        assert len(asof) == con.execute("select count(*) from engagement").fetchone()[0]
        assert {label for *_, label, _ in asof} == {0, 1}
        assert asof == window
        # an incremental build's labels from a day on: the same labels, reading only the days after it
        from_day = dt.date(2025, 12, 31) - dt.timedelta(days=60)
        later = [row for row in asof if row[1] >= from_day]
        assert later and len(later) < len(asof)
        assert labels(con, macros.duckdb__customer_touch_within("engagement", HORIZON, from_day)) == later
        assert labels(con, macros.default__customer_touch_within("engagement", HORIZON, from_day)) == later


def test_a_day_is_labelled_by_a_touch_in_the_following_horizon_only() -> None:
    con = duckdb.connect()
    con.execute("create table engagement as select 'c' as contact_id, d::date as engagement_date, "
                "case when d = date '2025-01-31' then 1 else 0 end as emails_inbound, 0 as calls_inbound, "
                "0 as customer_initiated_count from range(date '2025-01-01', date '2025-03-01', interval 1 day) t(d)")
    rows = labels(con, render_macros("incremental.sql", "engagement_rules.sql").customer_touch_within("engagement", HORIZON))
    label = {as_of: value for _, as_of, value, _ in rows}
    assert label[dt.date(2025, 1, 1)] == 1  # the touch is 30 days later: within the horizon
    assert all(value == 1 for as_of, value in label.items() if as_of < dt.date(2025, 1, 31))
    assert label[dt.date(2025, 1, 31)] == 0  # the touch day itself does not count
    assert all(value == 0 for as_of, value in label.items() if as_of > dt.date(2025, 1, 31))
    assert rows[0][3] == dt.date(2025, 1, 31)  # label_known_date: as-of date + horizon
