-- One row per user and day inside a capture gap: the days a rep's mailbox (gap_kind 'mailbox') or
-- calendar ('calendar') synced nothing for longer than the rep's own normal volume makes
-- plausible, and the days the whole org's extract collapsed ('org_extract': one row for every
-- user captured around that day). A user-day in several kinds keeps the most specific one
-- (mailbox, then calendar, then org_extract), so (user_id, gap_date) is unique.
-- The scoring marks snapshots whose inputs fall on these days as low-confidence.

{{ config(tags=['published']) }}

with

rep_gap_days as (

    select
        runs.user_id,
        capture.capture_date as gap_date,
        runs.gap_kind,
        case runs.gap_kind when 'mailbox' then 1 else 2 end as precedence
    from {{ ref('hygiene_capture_gap_runs') }} as runs
    inner join {{ ref('hygiene_rep_daily_capture') }} as capture
        on capture.user_id = runs.user_id
        and capture.capture_date between runs.gap_start_date and runs.gap_end_date

),

org_gap_days as (

    select
        capture.user_id,
        capture.capture_date as gap_date,
        'org_extract' as gap_kind,
        3 as precedence
    from {{ ref('hygiene_extract_collapse_days') }} as collapse_days
    inner join {{ ref('hygiene_rep_daily_capture') }} as capture
        on capture.capture_date = collapse_days.collapse_date

),

unioned as (

    select * from rep_gap_days
    union all
    select * from org_gap_days

),

ranked as (

    select
        *,
        row_number() over (partition by user_id, gap_date order by precedence) as kind_rank
    from unioned

)

select
    cast(user_id as {{ type_text() }}) as user_id,
    cast(gap_date as date) as gap_date,
    cast(gap_kind as {{ type_text() }}) as gap_kind
from ranked
where kind_rank = 1
