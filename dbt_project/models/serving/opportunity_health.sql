-- Daily relationship health per open opportunity: one row per deal and snapshot_date, with each deal contact's engagement
-- and the deal's calibrated win probability.
-- The scores come from the Python scorer (source `ml.opportunity_scores`, written by the scoring asset);
-- this model adds the capture-gap flag and publishes them under an enforced contract
-- (the columns all three health tables share come from macros/health_snapshots.sql).

with

{{ health_snapshot_ctes('opportunity_scores', 'opportunity_id') }},

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
    inner join {{ ref('dim_opportunity_contacts') }} as deal_contacts
        on scores.opportunity_id = deal_contacts.opportunity_id
    inner join {{ source('ml', 'contact_scores') }} as contact_scores
        on deal_contacts.contact_id = contact_scores.contact_id
        and scores.snapshot_date = contact_scores.snapshot_date
    group by 1, 2

),

final as (

    select
        {{ health_identity_columns('opportunity_id', 'opportunity_name') }}
        {{ health_score_columns() }}
        {{ health_factor_columns(['recency', 'frequency', 'reciprocity', 'sentiment', 'breadth', 'pipeline']) }}
        {{ health_trend_columns() }}
        cast(scores.primary_contact_id as {{ type_text() }}) as primary_contact_id,
        cast(scores.stage_rank as integer) as stage_rank,
        cast(scores.days_in_stage as integer) as days_in_stage,
        cast(scores.days_to_expected_close as integer) as days_to_expected_close,
        cast(scores.close_date_slips as integer) as close_date_slips,
        cast(scores.contacts_engaged_90d as integer) as contacts_engaged_90d,
        cast(scores.decision_makers_engaged_90d as integer) as decision_makers_engaged_90d,
        cast(scores.primary_days_since_meaningful as integer) as primary_days_since_meaningful,
        cast(scores.primary_unanswered_streak as integer) as primary_unanswered_streak,
        {{ health_response_time_columns() }}
        cast(scores.interactions_90d as integer) as interactions_90d,
        cast(scores.is_going_quiet as boolean) as is_going_quiet,
        {{ customer_silence_columns() }},
        cast(scores.scored_contacts as integer) as scored_contacts,
        cast(scores.contact_rollup_score as {{ type_double() }}) as contact_rollup_score,
        cast(scores.own_score as {{ type_double() }}) as own_score,
        cast(scores.win_probability as {{ type_double() }}) as win_probability,
        cast(engagement.contact_engagement as {{ type_text() }}) as contact_engagement,
        {{ written_by_this_build() }}
    {{ health_snapshot_from('opportunity_id') }}
    left join engagement
        on scores.opportunity_id = engagement.opportunity_id
        and scores.snapshot_date = engagement.snapshot_date

)

select * from final
