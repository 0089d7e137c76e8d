-- Alerts: a published health score that falls below its segment's Good cut-off, drops by
-- `drop_points` or more within 7 days, or falls into a lower rating (Good → Fair). A rating drop is
-- kept per band it fell into: a deal sliding Excellent → Good → Fair is told both drops.
-- One alert per entity and rule for each run of days the condition holds (macro condition_runs):
-- it stays open while the condition persists, is recovered the first day it no longer holds, and a
-- new alert opens if it returns. Each alert goes to the owner and to the owner's manager: one row per
-- recipient. Built from the whole published history, which is never rewritten: re-running a day
-- gives the same rows. The var `alerts` (dbt_project.yml) sets the entity types, the rules and the drop.
{%- set p = var('alerts') %}

with

snapshots as (
    {%- for entity in health_entity_types(p.entity_types, 'alerts.entity_types') %}
    select
        '{{ entity }}' as entity_type,
        {{ entity }}_id as entity_id,
        {{ entity }}_name as entity_name,
        owner_user_id,
        snapshot_date,
        score,
        rating,
        threshold_good,
        score_delta_7d,
        reasons_down
    from {{ ref(entity ~ '_health') }}
    where score is not null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

ranked as (
    select *, {{ rating_rank('rating') }} as rating_rank
    from snapshots
),

conditions as (
    -- a column per rule and band: rated in this band or lower (Good 3, Fair 2, Poor 1) holds from
    -- the day it fell into it
    select
        entity_type,
        entity_id,
        snapshot_date as day,
        score < threshold_good as below_threshold,
        score_delta_7d <= -{{ numeric_value(p.drop_points, 'alerts.drop_points') }} as sharp_drop,
        rating_rank <= 3 as rating_drop_3,
        rating_rank <= 2 as rating_drop_2,
        rating_rank <= 1 as rating_drop_1
    from ranked
),

runs as (
    {%- set chosen = [] %}
    {%- for rule, band_rank, column in [('below_threshold', 0, 'below_threshold'), ('sharp_drop', 0, 'sharp_drop'),
                                        ('rating_drop', 3, 'rating_drop_3'), ('rating_drop', 2, 'rating_drop_2'),
                                        ('rating_drop', 1, 'rating_drop_1')] if rule in p.rules %}
    {%- do chosen.append(([sql_string(rule), band_rank], column)) %}
    {%- endfor %}
    {{ condition_runs('conditions', ['entity_type', 'entity_id'], ['rule', 'band_rank'], chosen) }}
),

opened as (
    -- each alert with the facts of the day it opened
    select
        {{ dbt.hash(dbt.concat(["runs.entity_type", "'|'", "runs.entity_id", "'|'", "runs.rule", "'|'", "cast(runs.band_rank as " ~ type_text() ~ ")", "'|'", "cast(runs.opened_date as " ~ type_text() ~ ")"])) }} as alert_id,
        runs.entity_type,
        runs.entity_id,
        runs.rule,
        runs.opened_date,
        runs.last_seen_date,
        runs.cleared_date,
        ranked.entity_name,
        ranked.owner_user_id,
        ranked.score,
        ranked.rating,
        ranked.threshold_good,
        day_before.score as previous_score,
        ranked.score_delta_7d,
        day_before.rating as previous_rating,
        nullif(split_part(coalesce(ranked.reasons_down, ''), '; ', 1), '') as top_reason
    from runs
    inner join ranked
        on runs.entity_type = ranked.entity_type
        and runs.entity_id = ranked.entity_id
        and runs.opened_date = ranked.snapshot_date
    inner join snapshots as day_before
        on runs.entity_type = day_before.entity_type
        and runs.entity_id = day_before.entity_id
        and runs.day_before_run = day_before.snapshot_date
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
    select worded.alert_id, owners.user_id as recipient_user_id, owners.full_name as recipient_name, 'owner' as recipient_role
    from worded
    inner join {{ ref('dim_users') }} as owners on worded.owner_user_id = owners.user_id
    union all
    select worded.alert_id, managers.user_id as recipient_user_id, managers.full_name as recipient_name, 'manager' as recipient_role
    from worded
    inner join {{ ref('dim_users') }} as owners on worded.owner_user_id = owners.user_id
    inner join {{ ref('dim_users') }} as managers on owners.manager_user_id = managers.user_id
    where managers.user_id <> owners.user_id
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
    cast(worded.message as {{ type_text() }}) as message
from worded
inner join recipients on worded.alert_id = recipients.alert_id
