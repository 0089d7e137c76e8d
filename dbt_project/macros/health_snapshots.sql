{#- Shared pieces of the three published health tables (models/serving). Each table differs only in
    its identity columns, its factor sub-scores and its entity-specific signals; a model reads

        with
        {{ health_snapshot_ctes('<entity>_scores', '<entity>_id') }},
        ...
        final as (
            select
                {{ health_identity_columns('<entity>_id', '<entity>_name') }}
                {{ health_score_columns() }}
                {{ health_factor_columns([...]) }}
                {{ health_trend_columns() }}
                ... its own columns, {{ health_response_time_columns() }} where it lists them ...
            {{ health_snapshot_from('<entity>_id') }}
        )
-#}

{% macro health_snapshot_ctes(scores_table, key_column) -%}
    {#- The CTEs `scores` (the scorer's snapshots not published yet, source ml.<scores_table>; on an
        incremental run after `unpublished_dates`, their dates), `capture_gaps` and
        `gap_counts` (capture-gap days of the owner in the 14 days up to each snapshot) -#}
{%- if is_incremental() %}
unpublished_dates as (

    -- Published snapshots are immutable: only dates not published yet are added.
    select distinct written.snapshot_date
    from {{ source('ml', scores_table) }} as written
    where written.snapshot_date not in (select distinct published.snapshot_date from {{ this }} as published)

),
{%- endif %}
scores as (

    select * from {{ source('ml', scores_table) }} as written
    {%- if is_incremental() %}
    -- a semi-join on the few new dates rather than a filter on every row: the engine then reads
    -- only the blocks of the scorer's table that hold them, not every column of every snapshot
    -- (0.05 against 0.56 CPU-s on the 1M warehouse)
    where written.snapshot_date in (select snapshot_date from unpublished_dates)
    {%- endif %}

),
capture_gaps as (select * from {{ ref('hygiene_capture_gap_days') }}),

gap_counts as (

    {{ health_capture_gap_counts(key_column) }}

)
{%- endmacro %}

{% macro health_snapshot_from(key_column) -%}
    {#- FROM clause of the final select: each snapshot with its capture-gap count -#}
    from scores
    left join gap_counts
        on scores.{{ key_column }} = gap_counts.{{ key_column }}
        and scores.snapshot_date = gap_counts.snapshot_date
{%- endmacro %}

{% macro health_capture_gap_counts(key_column) -%}
    {#- Capture-gap days of the entity's owner in the 14 days up to each snapshot: such a gap makes
        the most recent (and most weighted) inputs incomplete; older gaps fade out of recency and
        the 30-day counts. Reads the CTEs `scores` and `capture_gaps`. -#}
    select
        scores.{{ key_column }},
        scores.snapshot_date,
        count(*) as gap_days
    from scores
    inner join capture_gaps
        on scores.owner_user_id = capture_gaps.user_id
        and capture_gaps.gap_date <= scores.snapshot_date
        and capture_gaps.gap_date > {{ dbt.dateadd('day', -14, 'scores.snapshot_date') }}
    group by 1, 2
{%- endmacro %}

{% macro health_score_casts(columns) -%}
    {#- `cast(scores.<name> as <type>) as <name>,` for each (name, type) pair -#}
    {%- for name, data_type in columns %}
        cast(scores.{{ name }} as {{ warehouse_type(data_type) }}) as {{ name }},
    {%- endfor %}
{%- endmacro %}

{% macro health_identity_columns(key_column, name_column, with_account=true) -%}
    {#- snapshot date, the entity's key and name, its account (unless it is the account) and owner -#}
        cast(scores.snapshot_date as date) as snapshot_date,
        cast(scores.{{ key_column }} as {{ type_text() }}) as {{ key_column }},
        cast(scores.entity_name as {{ type_text() }}) as {{ name_column }},
    {%- if with_account %}
        cast(scores.account_id as {{ type_text() }}) as account_id,
    {%- endif %}
        cast(scores.owner_user_id as {{ type_text() }}) as owner_user_id,
{%- endmacro %}

{% macro health_score_columns() -%}
    {{- health_score_casts([
        ('segment', 'varchar'),
        ('score', 'double precision'),
        ('rating', 'varchar'),
        ('rating_three_band', 'varchar'),
        ('segment_percentile', 'double precision'),
        ('threshold_excellent', 'double precision'),
        ('threshold_good', 'double precision'),
        ('threshold_fair', 'double precision'),
        ('unscored_reason', 'varchar'),
    ]) }}
        cast(coalesce(gap_counts.gap_days, 0) > 0 as boolean) as is_low_confidence,
        cast(coalesce(gap_counts.gap_days, 0) as integer) as capture_gap_days_14d,
    {{- health_score_casts([
        ('scoring_method', 'varchar'),
        ('scoring_method_reason', 'varchar'),
        ('model_version', 'varchar'),
        ('training_cutoff', 'date'),
        ('rule_score', 'double precision'),
    ]) }}
{%- endmacro %}

{% macro health_factor_columns(factors) -%}
    {#- the factor sub-scores, `<factor>_score` for each factor the entity is scored on -#}
    {%- for factor in factors %}
        cast(scores.{{ factor }}_score as {{ type_double() }}) as {{ factor }}_score,
    {%- endfor %}
{%- endmacro %}

{% macro health_trend_columns() -%}
    {{- health_score_casts([
        ('reasons_up', 'varchar'),
        ('reasons_down', 'varchar'),
        ('score_7d_ago', 'double precision'),
        ('score_30d_ago', 'double precision'),
        ('score_delta_7d', 'double precision'),
        ('score_delta_30d', 'double precision'),
        ('trend', 'varchar'),
        ('rating_30d_ago', 'varchar'),
        ('rating_transition', 'varchar'),
        ('is_sustained_decline', 'boolean'),
    ]) }}
{%- endmacro %}

{% macro health_response_time_columns() -%}
    {#- F10: reply times, wall-clock and in working hours on our user's calendar -#}
    {{- health_score_casts([
        ('their_response_hours_90d', 'double precision'),
        ('our_response_hours_90d', 'double precision'),
        ('their_response_business_hours_90d', 'double precision'),
        ('our_response_business_hours_90d', 'double precision'),
    ]) }}
{%- endmacro %}

{% macro customer_silence_columns() -%}
    {#- How long the customer side has been silent, and since when (F7, with is_going_quiet) -#}
        cast(scores.days_since_customer_touch as integer) as days_since_customer_touch,
        cast({{ dbt.dateadd('day', '-1 * cast(scores.days_since_customer_touch as integer)', 'scores.snapshot_date') }} as date)
            as last_customer_touch_date
{%- endmacro %}
