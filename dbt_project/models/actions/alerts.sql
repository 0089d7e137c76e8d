-- Alerts: a published health score that falls below its segment's Good cut-off, drops by
-- `drop_points` or more within 7 days, or falls into a lower rating (Good → Fair). A rating drop is
-- kept per band it fell into: a deal sliding Excellent → Good → Fair is told both drops.
-- One alert per entity and rule for each run of days the condition holds (the runs and the facts
-- they opened with: models/intermediate/int_alert_runs.sql): it stays open while the condition
-- persists, is recovered the first day it no longer holds, and a new alert opens if it returns.
-- Each alert goes to the owner and to the owner's manager as they are now: one row per recipient.
-- The var `alerts` (dbt_project.yml, read by int_alert_runs) sets the entity types, the rules and the drop.
-- Kept night by night (macro forget_changed_alerts, the pre-hook): a night words again the alerts
-- whose run is new, went on or recovered, or whose owner's recipients changed; a run's opening facts
-- never change once opened, and `--full-refresh` words every alert again.
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='append_new_columns',
          pre_hook="{{ forget_changed_alerts() }}") }}

with

opened as (
    -- every run on a full build; else those the table does not hold (new, or forgotten by the pre-hook)
    select * from {{ ref('int_alert_runs') }} as runs
    {%- if is_incremental() %}
    where runs.alert_id not in (select kept.alert_id from {{ this }} as kept)
    {%- endif %}
),

worded as (
    select
        opened.*,
        opened.entity_name || ' (' || opened.entity_type || ') '
        || case opened.rule
            when 'rating_drop' then 'dropped from ' || opened.previous_rating || ' to ' || opened.rating
                || ' on ' || cast(opened.opened_date as {{ type_text() }}) || ': score ' || {{ one_decimal('opened.score') }}
                || ', ' || {{ one_decimal('opened.previous_score') }} || ' the day before'
            when 'sharp_drop' then 'lost ' || {{ one_decimal('-opened.score_delta_7d') }} || ' points in 7 days to '
                || {{ one_decimal('opened.score') }} || ' (' || opened.rating || ') on ' || cast(opened.opened_date as {{ type_text() }})
            else 'fell below the Good cut-off of ' || {{ one_decimal('opened.threshold_good') }} || ' on '
                || cast(opened.opened_date as {{ type_text() }}) || ': score ' || {{ one_decimal('opened.score') }}
                || coalesce(', ' || {{ one_decimal('opened.previous_score') }} || ' the day before', '')
        end
        || coalesce('. ' || opened.top_reason, '') || '.' as message
    from opened
),

recipients as (
    {{ alert_recipients() }}
)

select
    cast(worded.alert_id as {{ type_text() }}) as alert_id,
    cast(recipients.recipient_user_id as {{ type_text() }}) as recipient_user_id,
    cast(recipients.recipient_name as {{ type_text() }}) as recipient_name,
    cast(recipients.recipient_role as {{ type_text() }}) as recipient_role,
    cast(worded.entity_type as {{ type_text() }}) as entity_type,
    cast(worded.entity_id as {{ type_text() }}) as entity_id,
    cast(worded.entity_name as {{ type_text() }}) as entity_name,
    cast(worded.owner_user_id as {{ type_text() }}) as owner_user_id,
    cast(worded.rule as {{ type_text() }}) as rule,
    cast(case when worded.cleared_date is null then 'open' else 'recovered' end as {{ type_text() }}) as status,
    cast(worded.opened_date as date) as opened_date,
    cast(worded.last_seen_date as date) as last_seen_date,
    cast(worded.cleared_date as date) as recovered_date,
    cast(worded.score as {{ type_double() }}) as score,
    cast(worded.rating as {{ type_text() }}) as rating,
    cast(worded.previous_rating as {{ type_text() }}) as previous_rating,
    cast(worded.score_delta_7d as {{ type_double() }}) as score_delta_7d,
    cast(worded.message as {{ type_text() }}) as message,
    {{ written_by_this_build() }}
from worded
inner join recipients on worded.owner_user_id = recipients.owner_user_id
