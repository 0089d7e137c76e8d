-- One row per account and day: the account's breadth (people, decision-makers and buying roles
-- engaged), the summed engagement of its contacts, and its pipeline, each as known on that day.

--
-- Incremental on the date (macros/incremental.sql): a run rebuilds its window of days.
-- depends_on: {{ ref('int_activities__directed') }}
{%- set window_start = incremental_window_start() %}

with

contact_rollup as (

    select
        contacts.account_id,
        contact_signals.as_of_date,
        count(*) as contacts_known,
        sum(case when contact_signals.meaningful_days_90d > 0 then 1 else 0 end) as contacts_engaged_90d,
        sum(case when contacts.is_decision_maker and contact_signals.meaningful_days_90d > 0 then 1 else 0 end)
            as decision_makers_engaged_90d,
        count(distinct case
            when contact_signals.meaningful_days_90d > 0 and contacts.contact_role <> 'unknown'
                then contacts.contact_role
        end) as roles_engaged_90d,
        min(contact_signals.days_since_meaningful) as days_since_meaningful,
        min(contact_signals.days_since_customer_touch) as days_since_customer_touch,
        max(contact_signals.unanswered_streak) as max_unanswered_streak,
        sum(contact_signals.emails_outbound_30d) as emails_outbound_30d,
        sum(contact_signals.emails_inbound_30d) as emails_inbound_30d,
        sum(contact_signals.meetings_30d) as meetings_30d,
        sum(contact_signals.calls_30d) as calls_30d,
        sum(contact_signals.customer_touch_days_30d) as customer_touch_days_30d,
        sum(contact_signals.customer_touch_days_90d) as customer_touch_days_90d,
        sum(contact_signals.meaningful_days_90d) as meaningful_days_90d,
        sum(contact_signals.meetings_90d) as meetings_90d,
        sum(contact_signals.interactions_90d) as interactions_90d,
        sum(contact_signals.replies_received_90d) as replies_received_90d,
        sum(contact_signals.emails_outbound_raw_90d) as emails_outbound_raw_90d,
        sum(contact_signals.two_way_exchanges_90d) as two_way_exchanges_90d,
        max(contact_signals.channel_count_90d) as channel_count_90d,
        sum(contact_signals.sentiment_count_90d) as sentiment_count_90d,
        {{ contact_signal_means('contact_signals') }}
        sum(contact_signals.emails_human_opened_90d) as emails_human_opened_90d,
        sum(contact_signals.emails_machine_opened_only_90d) as emails_machine_opened_only_90d
    from {{ ref('feat_contact_daily_signals') }} as contact_signals
    inner join {{ ref('dim_contacts') }} as contacts
        on contact_signals.contact_id = contacts.contact_id
    where contacts.account_id is not null
        {{- and_on_or_after('contact_signals.as_of_date', window_start) }}
    group by 1, 2

),

pipeline_rollup as (

    select
        account_id,
        as_of_date,
        count(*) as open_opportunity_count,
        sum(close_date_slips) as close_date_slips,
        sum(case when days_to_expected_close < 0 then 1 else 0 end) as overdue_opportunity_count,
        max(stage_change_30d) as best_stage_change_30d
    from {{ ref('feat_opportunity_daily_signals') }} as opportunity_signals
    where true {{- and_on_or_after('opportunity_signals.as_of_date', window_start) }}
    group by 1, 2

),

won_history as (

    select
        contact_rollup.account_id,
        contact_rollup.as_of_date,
        count(opportunities.opportunity_id) as won_last_365d
    from contact_rollup
    left join {{ ref('dim_opportunities') }} as opportunities
        on contact_rollup.account_id = opportunities.account_id
        and opportunities.is_won
        and opportunities.closed_date <= contact_rollup.as_of_date
        and opportunities.closed_date > contact_rollup.as_of_date - 365
    group by 1, 2

),

final as (

    select
        cast(contact_rollup.account_id as {{ type_text() }}) as account_id,
        cast(contact_rollup.as_of_date as date) as as_of_date,
        cast(accounts.owner_user_id as {{ type_text() }}) as owner_user_id,
        cast(contact_rollup.contacts_known as integer) as contacts_known,
        cast(contact_rollup.contacts_engaged_90d as integer) as contacts_engaged_90d,
        cast(contact_rollup.decision_makers_engaged_90d as integer) as decision_makers_engaged_90d,
        cast(contact_rollup.roles_engaged_90d as integer) as roles_engaged_90d,
        cast(contact_rollup.roles_engaged_90d / 4.0 as {{ type_double() }}) as role_coverage_90d,
        cast(contact_rollup.contacts_engaged_90d = 1 as boolean) as is_single_threaded,
        cast(contact_rollup.days_since_meaningful as integer) as days_since_meaningful,
        cast(contact_rollup.days_since_customer_touch as integer) as days_since_customer_touch,
        cast(contact_rollup.max_unanswered_streak as integer) as max_unanswered_streak,
        cast(contact_rollup.emails_outbound_30d as integer) as emails_outbound_30d,
        cast(contact_rollup.emails_inbound_30d as integer) as emails_inbound_30d,
        cast(contact_rollup.meetings_30d as integer) as meetings_30d,
        cast(contact_rollup.calls_30d as integer) as calls_30d,
        cast(contact_rollup.customer_touch_days_30d as integer) as customer_touch_days_30d,
        cast(contact_rollup.customer_touch_days_90d as integer) as customer_touch_days_90d,
        cast(contact_rollup.meaningful_days_90d as integer) as meaningful_days_90d,
        cast(contact_rollup.meetings_90d as integer) as meetings_90d,
        cast(contact_rollup.interactions_90d as integer) as interactions_90d,
        cast(
            {{ reply_rate('contact_rollup.replies_received_90d', 'contact_rollup.emails_outbound_raw_90d') }}
            as {{ type_double() }}
        ) as reply_rate_90d,
        cast(contact_rollup.two_way_exchanges_90d as integer) as two_way_exchanges_90d,
        cast(contact_rollup.channel_count_90d as integer) as channel_count_90d,
        cast(
            {{ mean_or_null('contact_rollup.sentiment_sum_90d', 'contact_rollup.sentiment_count_90d') }}
            as {{ type_double() }}
        ) as sentiment_90d,
        cast(contact_rollup.their_response_hours_90d as {{ type_double() }}) as their_response_hours_90d,
        cast(contact_rollup.our_response_hours_90d as {{ type_double() }}) as our_response_hours_90d,
        cast(contact_rollup.their_response_business_hours_90d as {{ type_double() }}) as their_response_business_hours_90d,
        cast(contact_rollup.our_response_business_hours_90d as {{ type_double() }}) as our_response_business_hours_90d,
        cast(contact_rollup.emails_human_opened_90d as integer) as emails_human_opened_90d,
        cast(contact_rollup.emails_machine_opened_only_90d as integer) as emails_machine_opened_only_90d,
        cast(coalesce(pipeline_rollup.open_opportunity_count, 0) as integer) as open_opportunity_count,
        cast(coalesce(pipeline_rollup.close_date_slips, 0) as integer) as close_date_slips,
        cast(coalesce(pipeline_rollup.overdue_opportunity_count, 0) as integer) as overdue_opportunity_count,
        cast(coalesce(pipeline_rollup.best_stage_change_30d, 0) as integer) as best_stage_change_30d,
        cast(won_history.won_last_365d as integer) as won_last_365d,
        cast({{ is_going_quiet('contact_rollup.days_since_customer_touch', 'accounts.segment',
            'contact_rollup.emails_outbound_30d > 0 or coalesce(pipeline_rollup.open_opportunity_count, 0) > 0') }}
            as boolean) as is_going_quiet
    from contact_rollup
    inner join {{ ref('dim_accounts') }} as accounts
        on contact_rollup.account_id = accounts.account_id
    left join pipeline_rollup
        on contact_rollup.account_id = pipeline_rollup.account_id
        and contact_rollup.as_of_date = pipeline_rollup.as_of_date
    left join won_history
        on contact_rollup.account_id = won_history.account_id
        and contact_rollup.as_of_date = won_history.as_of_date

)

select *, {{ written_by_this_build() }} from final
