-- Daily relationship health per open opportunity: one row per deal and snapshot_date, with each deal contact's engagement.
-- The scores come from the Python scorer (source `ml.opportunity_scores`, written by the scoring asset);
-- this model adds the capture-gap flag and publishes them under an enforced contract.

{{ config(materialized='table', schema='serving', tags=['published']) }}

with

scores as (

    select * from {{ source('ml', 'opportunity_scores') }}

),

capture_gaps as (

    select * from {{ ref('hygiene_capture_gap_days') }}

),

gap_counts as (

    -- a capture gap of the owner in the 14 days up to the snapshot makes its most recent (and most
    -- weighted) inputs incomplete; older gaps fade out of recency and the 30-day counts
    select
        scores.opportunity_id,
        scores.snapshot_date,
        count(*) as gap_days
    from scores
    inner join capture_gaps
        on scores.owner_user_id = capture_gaps.user_id
        and capture_gaps.gap_date <= scores.snapshot_date
        and capture_gaps.gap_date > {{ dbt.dateadd('day', -14, 'scores.snapshot_date') }}
    group by 1, 2

),

deal_contacts as (

    select * from {{ ref('stg_landed__opportunity_contacts') }}

),

contact_scores as (

    select * from {{ source('ml', 'contact_scores') }}

),

engagement as (

    -- each deal contact's health on the same day, primary first
    select
        scores.opportunity_id,
        scores.snapshot_date,
        {{ dbt.listagg(
            "contact_scores.entity_name || ' (' || deal_contacts.deal_role
                || case when deal_contacts.is_primary then ', primary' else '' end || '): '
                || coalesce(contact_scores.rating || ' ' || cast(round(contact_scores.score) as integer), 'unscored')",
            "'; '",
            "order by deal_contacts.is_primary desc, contact_scores.entity_name"
        ) }} as contact_engagement
    from scores
    inner join deal_contacts
        on scores.opportunity_id = deal_contacts.opportunity_id
    inner join contact_scores
        on deal_contacts.contact_id = contact_scores.contact_id
        and scores.snapshot_date = contact_scores.snapshot_date
    group by 1, 2

),

final as (

    select
        cast(scores.snapshot_date as date) as snapshot_date,
        cast(scores.opportunity_id as varchar) as opportunity_id,
        cast(scores.entity_name as varchar) as opportunity_name,
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
        cast(scores.sentiment_score as double precision) as sentiment_score,
        cast(scores.breadth_score as double precision) as breadth_score,
        cast(scores.pipeline_score as double precision) as pipeline_score,
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
        cast(scores.primary_contact_id as varchar) as primary_contact_id,
        cast(scores.stage_rank as integer) as stage_rank,
        cast(scores.days_in_stage as integer) as days_in_stage,
        cast(scores.days_to_expected_close as integer) as days_to_expected_close,
        cast(scores.close_date_slips as integer) as close_date_slips,
        cast(scores.contacts_engaged_90d as integer) as contacts_engaged_90d,
        cast(scores.decision_makers_engaged_90d as integer) as decision_makers_engaged_90d,
        cast(scores.primary_days_since_meaningful as integer) as primary_days_since_meaningful,
        cast(scores.primary_unanswered_streak as integer) as primary_unanswered_streak,
        cast(scores.interactions_90d as integer) as interactions_90d,
        cast(scores.is_going_quiet as boolean) as is_going_quiet,
        cast(engagement.contact_engagement as varchar) as contact_engagement
    from scores
    left join gap_counts
        on scores.opportunity_id = gap_counts.opportunity_id
        and scores.snapshot_date = gap_counts.snapshot_date
    left join engagement
        on scores.opportunity_id = engagement.opportunity_id
        and scores.snapshot_date = engagement.snapshot_date

)

select * from final
