-- Capture-discipline findings: bursts of near-identical hand-logged activities (five or more with
-- the same subject, digits and punctuation aside, by one rep within two hours: activity padding
-- more than selling), and reps whose hand-logged activities with contacts go unanswered far more
-- often than their peers' (at least 2.5 times the median rep's count and mostly unanswered); both
-- over the last `hygiene_lookback_days` days (macro within_hygiene_lookback).

-- a part of hygiene_findings, inlined there: no table of its own
{{ config(materialized='ephemeral', contract={'enforced': false}) }}

with

-- subjects are not in the marts; the burst rule needs them, of the lookback's activities only: a
-- fact's activity_date is the UTC day of its staged start, so this is `manual`'s window, applied
-- while the staged table is read (joined alone, the window's activities probed every staged
-- activity of the history: at ten million activities 9.2 CPU-s instead of 2.9, the same findings)
staged_activities as (

    select activity_id, subject
    from {{ ref('stg_landed__activities') }}
    where {{ within_hygiene_lookback(utc_date('started_at')) }}

),

manual as (

    select
        activities.activity_id,
        activities.owner_user_id as user_id,
        activities.activity_date,
        activities.started_at,
        activities.activity_type,
        trim(regexp_replace(lower(coalesce(staged_activities.subject, '')), '[^a-z]+', ' ', 'g')) as subject_key
    from {{ ref('fct_activities') }} as activities
    inner join staged_activities
        on staged_activities.activity_id = activities.activity_id
    where activities.activity_source = 'manual'
        and activities.owner_user_id is not null
        and {{ within_hygiene_lookback('activities.activity_date') }}

),

bursts as (

    select
        user_id,
        activity_date,
        subject_key,
        count(*) as activity_count,
        min(started_at) as first_at,
        max(started_at) as last_at,
        {{ dbt.datediff('min(started_at)', 'max(started_at)', 'minute') }} as span_minutes
    from manual
    where subject_key <> ''
    group by 1, 2, 3
    having count(*) >= {{ numeric_var('hygiene_burst_min_activities', 5) }}
        and {{ dbt.datediff('min(started_at)', 'max(started_at)', 'minute') }} <= {{ numeric_var('hygiene_burst_max_minutes', 120) }}

),

burst_findings as (

    select
        'gaming_burst' as rule,
        'user' as entity_type,
        bursts.user_id as entity_id,
        users.full_name as entity_name,
        cast(null as {{ type_text() }}) as account_id,
        bursts.user_id,
        bursts.activity_date as start_date,
        bursts.activity_date as end_date,
        cast(bursts.activity_count as {{ type_text() }}) || ' hand-logged activities titled "' || bursts.subject_key
            || '" within ' || cast(bursts.span_minutes as {{ type_text() }}) || ' minutes on ' || cast(bursts.activity_date as {{ type_text() }}) as evidence,
        'Review these entries with the rep; activity counts should not drive targets or scores without captured evidence.' as suggested_fix,
        cast(bursts.activity_count as {{ type_double() }}) as metric_value
    from bursts
    left join {{ ref('dim_users') }} as users
        on users.user_id = bursts.user_id

),

peer_median as (

    select {{ median("manual_unanswered_count") }} as median_unanswered
    from {{ ref('hygiene_rep_capture_discipline') }} as discipline
    where manual_with_contact_count > 0

),

no_response_findings as (

    select
        'manual_no_response' as rule,
        'user' as entity_type,
        discipline.user_id as entity_id,
        discipline.full_name as entity_name,
        cast(null as {{ type_text() }}) as account_id,
        discipline.user_id,
        cast(null as date) as start_date,
        cast(null as date) as end_date,
        cast(discipline.manual_unanswered_count as {{ type_text() }}) || ' of ' || cast(discipline.manual_with_contact_count as {{ type_text() }})
            || ' hand-logged activities with contacts drew no customer response within 14 days (peer median '
            || cast(cast(peer_median.median_unanswered as bigint) as {{ type_text() }}) || ')' as evidence,
        'Coach the rep on capture: connect the mailbox and dialer so activity is captured, and focus on contacts who engage.' as suggested_fix,
        discipline.manual_unanswered_share as metric_value
    from {{ ref('hygiene_rep_capture_discipline') }} as discipline
    cross join peer_median
    where discipline.manual_unanswered_count >= {{ numeric_var('hygiene_no_response_peer_factor', 2.5) }} * peer_median.median_unanswered
        and discipline.manual_unanswered_share >= 0.5
        and discipline.manual_unanswered_count >= 10

)

select * from burst_findings
union all
select * from no_response_findings
