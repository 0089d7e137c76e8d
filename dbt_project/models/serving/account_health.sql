-- Daily relationship health per account: one row per account and snapshot_date; rolls up the contacts' health (decision-makers weigh most) with the account's own signals.
-- The scores come from the Python scorer (source `ml.account_scores`, written by the scoring asset);
-- this model adds the capture-gap flag and publishes them under an enforced contract
-- (the columns all three health tables share come from macros/health_snapshots.sql).

with

{{ health_snapshot_ctes('account_scores', 'account_id') }},

final as (

    select
        {{ health_identity_columns('account_id', 'account_name', with_account=false) }}
        {{ health_score_columns() }}
        {{ health_factor_columns(['recency', 'frequency', 'reciprocity', 'response_time', 'activity_mix', 'sentiment', 'breadth', 'pipeline']) }}
        {{ health_trend_columns() }}
        cast(scores.scored_contacts as integer) as scored_contacts,
        cast(scores.contact_rollup_score as {{ type_double() }}) as contact_rollup_score,
        cast(scores.own_score as {{ type_double() }}) as own_score,
        cast(scores.days_since_meaningful as integer) as days_since_meaningful,
        cast(scores.contacts_engaged_90d as integer) as contacts_engaged_90d,
        cast(scores.decision_makers_engaged_90d as integer) as decision_makers_engaged_90d,
        cast(scores.role_coverage_90d as {{ type_double() }}) as role_coverage_90d,
        cast(scores.is_single_threaded as boolean) as is_single_threaded,
        cast(scores.open_opportunity_count as integer) as open_opportunity_count,
        cast(scores.reply_rate_90d as {{ type_double() }}) as reply_rate_90d,
        {{ health_response_time_columns() }}
        cast(scores.interactions_90d as integer) as interactions_90d,
        cast(scores.is_going_quiet as boolean) as is_going_quiet,
        {{ customer_silence_columns() }},
        {{ written_by_this_build() }}
    {{ health_snapshot_from('account_id') }}

)

select * from final
