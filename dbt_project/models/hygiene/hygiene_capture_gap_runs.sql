-- Runs of consecutive days in which a rep's mailbox synced no e-mail (gap_kind 'mailbox') or the
-- rep's calendar synced no meeting ('calendar'), kept when the rep's own normal makes so long a
-- silence implausible:
--   - the run covers at least three working days;
--   - the rep's normal volume (mean per weekday and per weekend day, summed over the run) would
--     have synced at least 25 items;
--   - the rep's mailbox is rarely empty on a working day (at most one in four), and that many
--     empty working days in a row would happen by chance less than once in 10,000 at that rate.
-- Daily counts are far from Poisson (quiet days, sick days, days on the road), so a single empty
-- day, or a week of silence from someone who barely e-mails, is not a gap. On the default sample
-- natural silences stay below 20 expected items while injected gaps of five days start above 40.
-- Days of an org-wide extract collapse neither start nor break a run: they say nothing about the
-- rep's own mailbox.

with

collapse_days as (select collapse_date from {{ ref('hygiene_extract_collapse_days') }}),

kinds as (

    select
        capture.user_id,
        capture.capture_date,
        capture.is_weekend,
        kind.gap_kind,
        case kind.gap_kind when 'mailbox' then capture.synced_emails else capture.synced_meetings end as synced_count,
        capture.manual_activities + capture.dialer_activities as logged_count,
        collapse_days.collapse_date is not null as is_collapse_day
    from {{ ref('hygiene_rep_daily_capture') }} as capture
    cross join (select 'mailbox' as gap_kind union all select 'calendar' as gap_kind) as kind
    left join collapse_days
        on collapse_days.collapse_date = capture.capture_date

),

normal as (

    -- the rep's own normal, per kind and weekday/weekend, outside collapsed days
    select
        user_id,
        gap_kind,
        avg(case when not is_weekend then synced_count end) as weekday_mean,
        avg(case when not is_weekend then case when synced_count = 0 then 1.0 else 0.0 end end) as weekday_empty_share,
        coalesce(avg(case when is_weekend then synced_count end), 0) as weekend_mean
    from kinds
    where not is_collapse_day
    group by 1, 2

),

empty_days as (

    select
        kinds.*,
        case when kinds.is_weekend then normal.weekend_mean else normal.weekday_mean end as expected_count,
        normal.weekday_empty_share,
        -- consecutive empty days share one island number
        kinds.capture_date
            - cast(row_number() over (partition by kinds.user_id, kinds.gap_kind order by kinds.capture_date) as integer)
            as island
    from kinds
    inner join normal
        on normal.user_id = kinds.user_id
        and normal.gap_kind = kinds.gap_kind
    where kinds.synced_count = 0 or kinds.is_collapse_day

),

islands as (

    select
        user_id,
        gap_kind,
        min(capture_date) as gap_start_date,
        max(capture_date) as gap_end_date,
        count(*) as gap_days,
        sum(case when not is_weekend then 1 else 0 end) as gap_weekdays,
        sum(case when is_collapse_day then 0 else expected_count end) as expected_count,
        sum(logged_count) as logged_count,
        max(case when is_collapse_day then 0 else 1 end) as has_own_empty_day,
        max(weekday_empty_share) as weekday_empty_share
    from empty_days
    group by user_id, gap_kind, island

)

select
    {{ contract_columns() }}
from islands
where has_own_empty_day = 1
    and gap_weekdays >= {{ numeric_var('hygiene_gap_min_weekdays', 3) }}
    and expected_count >= {{ numeric_var('hygiene_gap_min_expected', 25) }}
    -- a mailbox that is often empty on a working day has no normal to fall short of
    and weekday_empty_share <= {{ numeric_var('hygiene_gap_max_empty_share', 0.25) }}
    -- so many empty working days in a row would happen by chance less than once in 10,000
    and power(greatest(weekday_empty_share, 0.01), gap_weekdays) <= 0.0001
