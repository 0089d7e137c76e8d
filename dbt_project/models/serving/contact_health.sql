-- Daily relationship health per contact: one row per contact and snapshot_date, with score, rating, sub-scores, reasons and trend.
-- The scores come from the Python scorer (source `ml.contact_scores`, written by the scoring asset);
-- this model adds the capture-gap flag and publishes them under an enforced contract
-- (the columns all three health tables share come from macros/health_snapshots.sql).

with

{{ health_snapshot_ctes('contact_scores', 'contact_id') }},

final as (

    select
        {{ health_identity_columns('contact_id', 'contact_name') }}
        {{ health_score_columns() }}
        {{ health_factor_columns(['recency', 'frequency', 'reciprocity', 'response_time', 'activity_mix', 'sentiment']) }}
        {{ health_trend_columns() }}
        cast(scores.contact_role as {{ type_text() }}) as contact_role,
        cast(scores.last_meaningful_date as date) as last_meaningful_date,
        cast(scores.days_since_meaningful as integer) as days_since_meaningful,
        cast(scores.days_since_customer_touch as integer) as days_since_customer_touch,
        cast(scores.unanswered_streak as integer) as unanswered_streak,
        cast(scores.reply_rate_90d as {{ type_double() }}) as reply_rate_90d,
        {{ health_response_time_columns() }}
        cast(scores.emails_human_opened_90d as integer) as emails_human_opened_90d,
        cast(scores.emails_machine_opened_only_90d as integer) as emails_machine_opened_only_90d,
        cast(scores.interactions_90d as integer) as interactions_90d,
        cast(scores.is_going_quiet as boolean) as is_going_quiet,
        {{ written_by_this_build() }}
    {{ health_snapshot_from('contact_id') }}

)

select * from final
