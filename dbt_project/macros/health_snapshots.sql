{#- Shared pieces of the three published health tables (models/serving). Each table differs only in
    its identity columns, its factor sub-scores and its entity-specific signals. -#}

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

{% macro health_score_columns() -%}
        cast(scores.segment as varchar) as segment,
        cast(scores.score as double precision) as score,
        cast(scores.rating as varchar) as rating,
        cast(scores.rating_three_band as varchar) as rating_three_band,
        cast(scores.segment_percentile as double precision) as segment_percentile,
        cast(scores.threshold_excellent as double precision) as threshold_excellent,
        cast(scores.threshold_good as double precision) as threshold_good,
        cast(scores.threshold_fair as double precision) as threshold_fair,
        cast(scores.unscored_reason as varchar) as unscored_reason,
        cast(coalesce(gap_counts.gap_days, 0) > 0 as boolean) as is_low_confidence,
        cast(coalesce(gap_counts.gap_days, 0) as integer) as capture_gap_days_14d,
        cast(scores.scoring_method as varchar) as scoring_method,
        cast(scores.model_version as varchar) as model_version,
        cast(scores.rule_score as double precision) as rule_score,
{%- endmacro %}

{% macro health_factor_columns(factors) -%}
    {%- for factor in factors %}
        cast(scores.{{ factor }}_score as double precision) as {{ factor }}_score,
    {%- endfor %}
{%- endmacro %}

{% macro health_trend_columns() -%}
        cast(scores.reasons_up as varchar) as reasons_up,
        cast(scores.reasons_down as varchar) as reasons_down,
        cast(scores.score_7d_ago as double precision) as score_7d_ago,
        cast(scores.score_30d_ago as double precision) as score_30d_ago,
        cast(scores.score_delta_7d as double precision) as score_delta_7d,
        cast(scores.score_delta_30d as double precision) as score_delta_30d,
        cast(scores.trend as varchar) as trend,
        cast(scores.rating_30d_ago as varchar) as rating_30d_ago,
        cast(scores.rating_transition as varchar) as rating_transition,
        cast(scores.is_sustained_decline as boolean) as is_sustained_decline,
{%- endmacro %}

{% macro health_response_time_columns() -%}
        {#- F10: reply times, wall-clock and in working hours on our user's calendar -#}
        cast(scores.their_response_hours_90d as double precision) as their_response_hours_90d,
        cast(scores.our_response_hours_90d as double precision) as our_response_hours_90d,
        cast(scores.their_response_business_hours_90d as double precision) as their_response_business_hours_90d,
        cast(scores.our_response_business_hours_90d as double precision) as our_response_business_hours_90d,
{%- endmacro %}
