-- Days whose org-wide synced volume collapsed: below a fifth of the same weekday's median over the
-- surrounding eight weeks (and that median at least 20, or there is nothing to collapse) while
-- hand-logged and dialled activity carried on. A normal quiet day rarely falls below a third. Comparing with the same
-- weekday keeps quiet weekends from looking like collapses; requiring the manual activity to
-- carry on keeps public holidays (when everybody is quiet) from looking like one.

with

daily as (

    select
        capture_date,
        {{ iso_weekday('capture_date') }} as iso_weekday,
        sum(synced_emails + synced_meetings) as synced_count,
        sum(manual_activities + dialer_activities) as logged_count,
        count(*) as captured_users
    from {{ ref('hygiene_rep_daily_capture') }} as capture
    group by 1, 2

),

numbered as (

    select *, row_number() over (partition by iso_weekday order by capture_date) as weekday_number
    from daily

),

baseline as (

    -- the medians of the same weekday's four days before and after (fewer at the ends)
    select
        days.capture_date,
        days.synced_count,
        days.logged_count,
        days.captured_users,
        {{ median('around.synced_count') }} as usual_synced,
        {{ median('around.logged_count') }} as usual_logged
    from numbered as days
    inner join numbered as around
        on around.iso_weekday = days.iso_weekday
        and around.weekday_number between days.weekday_number - 4 and days.weekday_number + 4
    group by days.capture_date, days.synced_count, days.logged_count, days.captured_users

)

select
    cast(capture_date as date) as collapse_date,
    cast(synced_count as bigint) as synced_count,
    cast(usual_synced as {{ type_double() }}) as usual_synced_count,
    cast(logged_count as bigint) as logged_count,
    cast(usual_logged as {{ type_double() }}) as usual_logged_count,
    cast(captured_users as bigint) as captured_users,
    cast(synced_count / nullif(usual_synced, 0) as {{ type_double() }}) as synced_ratio
from baseline
where usual_synced >= {{ numeric_var('hygiene_collapse_min_usual', 20) }}
    and synced_count < {{ numeric_var('hygiene_collapse_ratio', 0.2) }} * usual_synced
    and logged_count >= 0.5 * usual_logged
