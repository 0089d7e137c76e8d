"""The physical floor of the contact features: one DuckDB query over the landed Parquet.

    .venv/bin/python benchmarks/floor_query.py LANDED_DIR AS_OF

For every contact, as of the end of AS_OF (UTC days): e-mails, meetings and calls in the last 30
and 90 days, days since the last activity, and how many distinct internal users took part in its
activities. Addresses are matched exactly (lower-cased), without the pipeline's clean-up, duplicate
handling or daily history: the least work any build of these figures has to do, which the scale
benchmark (benchmarks/scale.py) runs in a subprocess and compares the full build with. Prints the
rows and this query's wall and CPU seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import duckdb
import pyarrow as pa

# The simulator never re-sends a key in a later batch, so the landed batches are read as one
# table without the pipeline's latest-batch-wins step (which would raise the floor).
FLOOR_SQL = """
with

contact_addresses as (
    select contact_id, lower(email) as address from read_parquet($contacts) where email is not null
    union
    select contact_id, lower(unnest(email_aliases)) as address from read_parquet($contacts)
),

user_addresses as (
    select user_id, lower(email) as address from read_parquet($users) where email is not null
    union
    select user_id, lower(unnest(email_aliases)) as address from read_parquet($users)
),

activities as (
    select activity_id, activity_type, cast(started_at at time zone 'UTC' as date) as activity_date
    from read_parquet($activities)
    where cast(started_at at time zone 'UTC' as date) <= $as_of
),

parties as (
    select distinct activity_id, lower(email_address) as address from read_parquet($parties)
),

contact_activities as (
    select distinct contact_addresses.contact_id, activities.*
    from parties
    inner join contact_addresses using (address)
    inner join activities using (activity_id)
),

per_contact as (
    select
        contact_id,
        count(*) filter (where activity_type = 'email' and activity_date > $as_of - 30) as emails_30d,
        count(*) filter (where activity_type = 'email' and activity_date > $as_of - 90) as emails_90d,
        count(*) filter (where activity_type = 'meeting' and activity_date > $as_of - 30) as meetings_30d,
        count(*) filter (where activity_type = 'meeting' and activity_date > $as_of - 90) as meetings_90d,
        count(*) filter (where activity_type = 'call' and activity_date > $as_of - 30) as calls_30d,
        count(*) filter (where activity_type = 'call' and activity_date > $as_of - 90) as calls_90d,
        $as_of - max(activity_date) as days_since_last_activity
    from contact_activities
    group by contact_id
),

colleagues as (
    select contact_activities.contact_id, count(distinct user_addresses.user_id) as colleagues
    from contact_activities
    inner join parties using (activity_id)
    inner join user_addresses using (address)
    group by contact_activities.contact_id
)

select
    contacts.contact_id,
    coalesce(emails_30d, 0) as emails_30d,
    coalesce(emails_90d, 0) as emails_90d,
    coalesce(meetings_30d, 0) as meetings_30d,
    coalesce(meetings_90d, 0) as meetings_90d,
    coalesce(calls_30d, 0) as calls_30d,
    coalesce(calls_90d, 0) as calls_90d,
    days_since_last_activity,
    coalesce(colleagues, 0) as colleagues
from (select distinct contact_id from read_parquet($contacts)) as contacts
left join per_contact using (contact_id)
left join colleagues using (contact_id)
"""


def floor_features(landed: Path, as_of: dt.date) -> pa.Table:
    """The query's result, fetched in full (as a build would write it)."""
    globs = {name: str(landed / name / "*.parquet") for name in ("contacts", "users", "activities")}
    globs["parties"] = str(landed / "activity_parties" / "*.parquet")
    with duckdb.connect() as con:
        return con.sql(FLOOR_SQL, params={**globs, "as_of": as_of}).to_arrow_table()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("landed", type=Path, help="the landed folder (<RI_DATA_DIR>/landed)")
    parser.add_argument("as_of", type=dt.date.fromisoformat, help="last day counted, YYYY-MM-DD")
    args = parser.parse_args(argv)
    wall, cpu = time.perf_counter(), time.process_time()
    table = floor_features(args.landed, args.as_of)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    with_activity = table.num_rows - table.column("days_since_last_activity").null_count
    print(f"floor query: {table.num_rows:,} contacts ({with_activity:,} with activity) as of {args.as_of}, "
          f"query wall {wall:.2f} s, CPU {cpu:.2f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
