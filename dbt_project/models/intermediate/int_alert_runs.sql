-- The alerts' runs (models/actions/alerts.sql adds their words and recipients): one row per entity,
-- rule and band for each run of days its condition holds on the published health (macro
-- condition_runs), with the facts of the day it opened and of the day before. Kept incrementally:
-- a night reads the health tables' new days and each entity's last day before them (macro
-- condition_runs_since) instead of ordering the whole published history, which is never rewritten;
-- the runs that go on keep the facts they opened with. A full refresh finds every run again, the
-- same rows. The var `alerts` (dbt_project.yml) sets the entity types, the rules and the drop.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='alert_id',
          on_schema_change='append_new_columns') }}
{%- set p = var('alerts') %}

with

-- a night reads a few rows of it (its new days, each entity's last row before them): not
-- materialized, so each reader's filter reaches the health tables rather than a copy of every
-- snapshot (at 10M activities the night's query took 14 CPU-s with the copy, 2 without; Spark, which
-- has no such hint, builds the whole table each run anyway)
snapshots as {% if is_incremental() %}{{ cte_not_materialized() }}{% endif %}(
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

conditions as (
    -- a column per rule and band: rated in this band or lower (Good 3, Fair 2, Poor 1) holds from
    -- the day it fell into it
    select
        entity_type,
        entity_id,
        snapshot_date as day,
        score < threshold_good as below_threshold,
        score_delta_7d <= -{{ numeric_value(p.drop_points, 'alerts.drop_points') }} as sharp_drop,
        {{ rating_rank('rating') }} <= 3 as rating_drop_3,
        {{ rating_rank('rating') }} <= 2 as rating_drop_2,
        {{ rating_rank('rating') }} <= 1 as rating_drop_1
    from snapshots
),

runs as (
    {%- set chosen = [] %}
    {%- for rule, band_rank, column in [('below_threshold', 0, 'below_threshold'), ('sharp_drop', 0, 'sharp_drop'),
                                        ('rating_drop', 3, 'rating_drop_3'), ('rating_drop', 2, 'rating_drop_2'),
                                        ('rating_drop', 1, 'rating_drop_1')] if rule in p.rules %}
    {%- do chosen.append(([sql_string(rule), band_rank], column)) %}
    {%- endfor %}
    {%- if is_incremental() %}
    {{ condition_runs_since('conditions', ['entity_type', 'entity_id'], ['rule', 'band_rank'], chosen, this) }}
    {%- else %}
    {{ condition_runs('conditions', ['entity_type', 'entity_id'], ['rule', 'band_rank'], chosen) }}
    {%- endif %}
),

opened as (
    -- each new run with the facts of the day it opened and of the day before
    select
        {{ dbt.hash(dbt.concat(["runs.entity_type", "'|'", "runs.entity_id", "'|'", "runs.rule", "'|'", "cast(runs.band_rank as " ~ type_text() ~ ")", "'|'", "cast(runs.opened_date as " ~ type_text() ~ ")"])) }} as alert_id,
        runs.entity_type,
        runs.entity_id,
        runs.rule,
        runs.band_rank,
        runs.opened_date,
        runs.day_before_run,
        runs.last_seen_date,
        runs.cleared_date,
        opened_day.entity_name,
        opened_day.owner_user_id,
        opened_day.score,
        opened_day.rating,
        opened_day.threshold_good,
        day_before.score as previous_score,
        opened_day.score_delta_7d,
        day_before.rating as previous_rating,
        nullif(split_part(coalesce(opened_day.reasons_down, ''), '; ', 1), '') as top_reason
    from runs
    inner join snapshots as opened_day
        on runs.entity_type = opened_day.entity_type
        and runs.entity_id = opened_day.entity_id
        and runs.opened_date = opened_day.snapshot_date
    inner join snapshots as day_before
        on runs.entity_type = day_before.entity_type
        and runs.entity_id = day_before.entity_id
        and runs.day_before_run = day_before.snapshot_date
    {%- if is_incremental() %}
    where not runs.goes_on

    union all

    -- each run going on, with the facts it opened with and where it is now
    select
        earlier.alert_id,
        earlier.entity_type,
        earlier.entity_id,
        earlier.rule,
        earlier.band_rank,
        earlier.opened_date,
        earlier.day_before_run,
        runs.last_seen_date,
        runs.cleared_date,
        earlier.entity_name,
        earlier.owner_user_id,
        earlier.score,
        earlier.rating,
        earlier.threshold_good,
        earlier.previous_score,
        earlier.score_delta_7d,
        earlier.previous_rating,
        earlier.top_reason
    from runs
    inner join {{ this }} as earlier
        on runs.entity_type = earlier.entity_type
        and runs.entity_id = earlier.entity_id
        and runs.rule = earlier.rule
        and runs.band_rank = earlier.band_rank
        and runs.opened_date = earlier.opened_date
    where runs.goes_on
    {%- endif %}
)

select
    cast(alert_id as {{ type_text() }}) as alert_id,
    cast(entity_type as {{ type_text() }}) as entity_type,
    cast(entity_id as {{ type_text() }}) as entity_id,
    cast(rule as {{ type_text() }}) as rule,
    cast(band_rank as integer) as band_rank,
    cast(opened_date as date) as opened_date,
    cast(day_before_run as date) as day_before_run,
    cast(last_seen_date as date) as last_seen_date,
    cast(cleared_date as date) as cleared_date,
    cast(entity_name as {{ type_text() }}) as entity_name,
    cast(owner_user_id as {{ type_text() }}) as owner_user_id,
    cast(score as {{ type_double() }}) as score,
    cast(rating as {{ type_text() }}) as rating,
    cast(threshold_good as {{ type_double() }}) as threshold_good,
    cast(previous_score as {{ type_double() }}) as previous_score,
    cast(score_delta_7d as {{ type_double() }}) as score_delta_7d,
    cast(previous_rating as {{ type_text() }}) as previous_rating,
    cast(top_reason as {{ type_text() }}) as top_reason
from opened
