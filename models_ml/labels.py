"""Outcomes the seller cannot fake, per entity and as-of date, and when each became known.

contact      1 when the contact reaches out or replies (an e-mail from them, a reply, a call
             they placed, a meeting they organised) within the 30 days after the as-of date.
account      1 when the engagement continues: the customer side (any of the account's contacts)
             reaches out or replies both in days 1-30 and in days 31-60 after the as-of date, or a
             deal with the account is won within those 60 days.
opportunity  1 when the deal was won, 0 when lost; open deals have no label.

Every label carries `label_known_date`: the day it could first be observed. Training and
validation split on that date, so no model ever learns from an outcome that was not yet known.
"""

from __future__ import annotations

import duckdb
import pandas as pd

CONTACT_HORIZON_DAYS = 30
ACCOUNT_HORIZON_DAYS = 60

_CUSTOMER_TOUCH = "(emails_inbound + calls_inbound + customer_initiated_count + replies_received)"


def contact_labels(con: duckdb.DuckDBPyConnection, marts: str = "main") -> pd.DataFrame:
    h = CONTACT_HORIZON_DAYS
    return con.sql(f"""
        with days as (
            select contact_id, engagement_date, {_CUSTOMER_TOUCH} as touch,
                   max(engagement_date) over () as last_date
            from {marts}.fct_contact_daily_engagement
        )
        select contact_id, engagement_date as as_of_date,
               cast(sum(touch) over (partition by contact_id order by engagement_date
                                     rows between 1 following and {h} following) > 0 as integer) as label,
               engagement_date + {h} as label_known_date
        from days
        qualify engagement_date + {h} <= last_date
    """).df()


def account_labels(con: duckdb.DuckDBPyConnection, marts: str = "main") -> pd.DataFrame:
    h = ACCOUNT_HORIZON_DAYS
    return con.sql(f"""
        with touch as (
            select c.account_id, e.engagement_date,
                   max(case when e.emails_inbound + e.calls_inbound + e.customer_initiated_count
                                 + e.replies_received > 0 then 1 else 0 end) as touch_day
            from {marts}.fct_contact_daily_engagement as e
            inner join {marts}.dim_contacts as c on e.contact_id = c.contact_id
            where c.account_id is not null
            group by 1, 2
        ),
        won as (
            select account_id, closed_date, count(*) as won
            from {marts}.dim_opportunities where is_won group by 1, 2
        ),
        days as (
            select t.account_id, t.engagement_date, t.touch_day, coalesce(w.won, 0) as won,
                   max(t.engagement_date) over () as last_date
            from touch as t
            left join won as w on t.account_id = w.account_id and t.engagement_date = w.closed_date
        )
        select account_id, engagement_date as as_of_date,
               cast((sum(touch_day) over first_half > 0 and sum(touch_day) over second_half > 0)
                    or sum(won) over f > 0 as integer) as label,
               engagement_date + {h} as label_known_date
        from days
        window
            f as (partition by account_id order by engagement_date rows between 1 following and {h} following),
            first_half as (partition by account_id order by engagement_date rows between 1 following and {h // 2} following),
            second_half as (partition by account_id order by engagement_date
                            rows between {h // 2 + 1} following and {h} following)
        qualify engagement_date + {h} <= last_date
    """).df()


def opportunity_labels(con: duckdb.DuckDBPyConnection, marts: str = "main") -> pd.DataFrame:
    """One row per closed deal; joined to every day the deal was open."""
    return con.sql(f"""
        select opportunity_id, cast(is_won as integer) as label, closed_date as label_known_date
        from {marts}.dim_opportunities
        where opportunity_status in ('won', 'lost') and closed_date is not null
    """).df()


def labels_for(entity: str, con: duckdb.DuckDBPyConnection, marts: str = "main") -> pd.DataFrame:
    return {"contact": contact_labels, "account": account_labels, "opportunity": opportunity_labels}[entity](con, marts)
