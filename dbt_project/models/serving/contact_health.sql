-- Daily relationship health per contact: one row per contact and snapshot_date, with score, rating, sub-scores, reasons and trend.
-- The scores come from the Python scorer (source `ml.contact_scores`, written by the scoring asset);
-- this model adds the capture-gap flag and publishes them under an enforced contract.

{{ config(materialized='table', schema='serving', tags=['published']) }}

with

scores as (

    select * from {{ source('ml', 'contact_scores') }}

),

capture_gaps as (

    select * from {{ ref('hygiene_capture_gap_days') }}

),

gap_counts as (

    -- a capture gap of the owner in the 14 days up to the snapshot makes its most recent (and most
    -- weighted) inputs incomplete; older gaps fade out of recency and the 30-day counts
    select
        scores.contact_id,
        scores.snapshot_date,
        count(*) as gap_days
    from scores
    inner join capture_gaps
        on scores.owner_user_id = capture_gaps.user_id
        and capture_gaps.gap_date <= scores.snapshot_date
        and capture_gaps.gap_date > {{ dbt.dateadd('day', -14, 'scores.snapshot_date') }}
    group by 1, 2

),

final as (

    select
        cast(scores.snapshot_date as date) as snapshot_date,
        cast(scores.contact_id as varchar) as contact_id,
        cast(scores.entity_name as varchar) as contact_name,
        cast(scores.account_id as varchar) as account_id,
        cast(scores.owner_user_id as varchar) as owner_user_id,
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
        cast(scores.recency_score as double precision) as recency_score,
        cast(scores.frequency_score as double precision) as frequency_score,
        cast(scores.reciprocity_score as double precision) as reciprocity_score,
        cast(scores.response_time_score as double precision) as response_time_score,
        cast(scores.activity_mix_score as double precision) as activity_mix_score,
        cast(scores.sentiment_score as double precision) as sentiment_score,
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
        cast(scores.contact_role as varchar) as contact_role,
        cast(scores.last_meaningful_date as date) as last_meaningful_date,
        cast(scores.days_since_meaningful as integer) as days_since_meaningful,
        cast(scores.days_since_customer_touch as integer) as days_since_customer_touch,
        cast(scores.unanswered_streak as integer) as unanswered_streak,
        cast(scores.reply_rate_90d as double precision) as reply_rate_90d,
        cast(scores.their_response_hours_90d as double precision) as their_response_hours_90d,
        cast(scores.our_response_hours_90d as double precision) as our_response_hours_90d,
        cast(scores.emails_human_opened_90d as integer) as emails_human_opened_90d,
        cast(scores.emails_machine_opened_only_90d as integer) as emails_machine_opened_only_90d,
        cast(scores.interactions_90d as integer) as interactions_90d,
        cast(scores.is_going_quiet as boolean) as is_going_quiet
    from scores
    left join gap_counts
        on scores.contact_id = gap_counts.contact_id
        and scores.snapshot_date = gap_counts.snapshot_date

)

select * from final
