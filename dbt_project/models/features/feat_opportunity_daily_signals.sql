-- One row per opportunity and day while it was open: the deal's point-in-time stage and close date
-- (from the landed stage history, not today's CRM record), and the engagement of its contacts as
-- of that day. Rows stop the day before the deal closed, so an outcome never shows in its features.

--
-- Incremental on the date (macros/incremental.sql): a run rebuilds its window of days, reading the
-- 30 days before it too for the 30-day stage change.
-- depends_on: {{ ref('int_activities__directed') }}
{%- set window_start = incremental_window_start() %}
{%- set read_from = none if window_start is none else window_start - modules.datetime.timedelta(days=30) %}

with

bounds as (

    select
        {%- if read_from is not none %}
        greatest(min(as_of_date), {{ days_before(read_from, 0) }}) as start_date,
        {%- else %}
        min(as_of_date) as start_date,
        {%- endif %}
        max(as_of_date) as end_date
    from {{ ref('feat_contact_daily_signals') }} as contact_signals

),

spine as (

    {{ date_spine_days('bounds', 'start_date', 'end_date') }}

),

opportunity_days as (

    select
        opportunities.opportunity_id,
        opportunities.account_id,
        opportunities.owner_user_id,
        spine.date_day as as_of_date
    from {{ ref('dim_opportunities') }} as opportunities
    inner join spine
        on spine.date_day >= opportunities.created_date
        and (opportunities.closed_date is null or spine.date_day < opportunities.closed_date)

),

changes as (

    -- the last change of each day stands for that day
    select
        opportunity_id,
        {{ utc_date('changed_at') }} as change_date,
        changed_at,
        stage_rank,
        expected_close_date,
        row_number() over (
            partition by opportunity_id, {{ utc_date('changed_at') }} order by changed_at desc
        ) as rank_in_day
    from {{ ref('stg_landed__opportunity_stage_history') }} as stage_history

),

history as (

    select
        opportunity_id,
        change_date,
        stage_rank,
        expected_close_date,
        lag(stage_rank) over (partition by opportunity_id order by change_date) as previous_stage_rank,
        lag(expected_close_date) over (partition by opportunity_id order by change_date) as previous_close_date,
        lead(change_date) over (partition by opportunity_id order by change_date) as next_change_date
    from changes
    where rank_in_day = 1

),

history_marked as (

    select
        *,
        sum(case when expected_close_date > previous_close_date then 1 else 0 end) over (
            partition by opportunity_id order by change_date rows between unbounded preceding and current row
        ) as close_date_slips,
        max(case when previous_stage_rank is null or stage_rank <> previous_stage_rank then change_date end) over (
            partition by opportunity_id order by change_date rows between unbounded preceding and current row
        ) as stage_entered_date
    from history

),

pipeline as (

    select
        opportunity_days.opportunity_id,
        opportunity_days.as_of_date,
        history_marked.stage_rank,
        history_marked.expected_close_date,
        history_marked.close_date_slips,
        history_marked.stage_entered_date
    from opportunity_days
    left join history_marked
        on opportunity_days.opportunity_id = history_marked.opportunity_id
        and opportunity_days.as_of_date >= history_marked.change_date
        and (history_marked.next_change_date is null or opportunity_days.as_of_date < history_marked.next_change_date)

),

contact_engagement as (

    select
        opportunity_days.opportunity_id,
        opportunity_days.as_of_date,
        count(*) as contact_count,
        sum(case when opportunity_contacts.deal_role = 'decision_maker' then 1 else 0 end) as decision_maker_count,
        sum(case when contact_signals.meaningful_days_90d > 0 then 1 else 0 end) as contacts_engaged_90d,
        sum(case
            when opportunity_contacts.deal_role = 'decision_maker' and contact_signals.meaningful_days_90d > 0
                then 1 else 0
        end) as decision_makers_engaged_90d,
        min(contact_signals.days_since_meaningful) as best_days_since_meaningful,
        min(contact_signals.days_since_customer_touch) as days_since_customer_touch,
        max(contact_signals.unanswered_streak) as max_unanswered_streak,
        sum(contact_signals.customer_touch_days_30d) as customer_touch_days_30d,
        sum(contact_signals.customer_touch_days_90d) as customer_touch_days_90d,
        sum(contact_signals.meetings_90d) as meetings_90d,
        sum(contact_signals.interactions_90d) as interactions_90d,
        sum(contact_signals.replies_received_90d) as replies_received_90d,
        sum(contact_signals.emails_outbound_raw_90d) as emails_outbound_raw_90d,
        sum(contact_signals.sentiment_count_90d) as sentiment_count_90d,
        -- F10 response times: the mean over the deal's contacts who have one
        {{ contact_signal_means('contact_signals') }}
        max(case when opportunity_contacts.is_primary then contact_signals.days_since_meaningful end)
            as primary_days_since_meaningful,
        max(case when opportunity_contacts.is_primary then contact_signals.unanswered_streak end)
            as primary_unanswered_streak,
        max(case when opportunity_contacts.is_primary then contact_signals.customer_touch_days_30d end)
            as primary_customer_touch_days_30d,
        max(case when opportunity_contacts.is_primary then contact_signals.reply_rate_90d end)
            as primary_reply_rate_90d,
        max(case when opportunity_contacts.is_primary then contact_signals.meaningful_days_90d end)
            as primary_meaningful_days_90d,
        min(case when opportunity_contacts.deal_role = 'decision_maker' then contact_signals.days_since_meaningful end)
            as decision_maker_days_since_meaningful,
        sum(case when opportunity_contacts.deal_role = 'decision_maker' then contact_signals.customer_touch_days_30d end)
            as decision_maker_touch_days_30d
    from opportunity_days
    inner join {{ ref('dim_opportunity_contacts') }} as opportunity_contacts
        on opportunity_days.opportunity_id = opportunity_contacts.opportunity_id
    left join {{ ref('feat_contact_daily_signals') }} as contact_signals
        on opportunity_contacts.contact_id = contact_signals.contact_id
        and opportunity_days.as_of_date = contact_signals.as_of_date
        {{- and_on_or_after('contact_signals.as_of_date', window_start) }}
    where true {{- and_on_or_after('opportunity_days.as_of_date', window_start) }}
    group by 1, 2

),

joined as (

    select
        opportunity_days.opportunity_id,
        opportunity_days.account_id,
        opportunity_days.owner_user_id,
        opportunity_days.as_of_date,
        coalesce(pipeline.stage_rank, 1) as stage_rank,
        coalesce(pipeline.stage_rank, 1) - coalesce(
            lag(pipeline.stage_rank, 30) over (
                partition by opportunity_days.opportunity_id order by opportunity_days.as_of_date
            ),
            1
        ) as stage_change_30d,
        {{ dbt.datediff('pipeline.stage_entered_date', 'opportunity_days.as_of_date', 'day') }} as days_in_stage,
        {{ dbt.datediff('opportunity_days.as_of_date', 'pipeline.expected_close_date', 'day') }} as days_to_expected_close,
        coalesce(pipeline.close_date_slips, 0) as close_date_slips,
        coalesce(contact_engagement.contact_count, 0) as contact_count,
        coalesce(contact_engagement.decision_maker_count, 0) as decision_maker_count,
        coalesce(contact_engagement.contacts_engaged_90d, 0) as contacts_engaged_90d,
        coalesce(contact_engagement.decision_makers_engaged_90d, 0) as decision_makers_engaged_90d,
        contact_engagement.best_days_since_meaningful,
        contact_engagement.days_since_customer_touch,
        accounts.segment,
        coalesce(contact_engagement.max_unanswered_streak, 0) as max_unanswered_streak,
        coalesce(contact_engagement.customer_touch_days_30d, 0) as customer_touch_days_30d,
        coalesce(contact_engagement.customer_touch_days_90d, 0) as customer_touch_days_90d,
        coalesce(contact_engagement.meetings_90d, 0) as meetings_90d,
        coalesce(contact_engagement.interactions_90d, 0) as interactions_90d,
        {{ reply_rate('contact_engagement.replies_received_90d', 'contact_engagement.emails_outbound_raw_90d') }}
            as reply_rate_90d,
        {{ mean_or_null('contact_engagement.sentiment_sum_90d', 'contact_engagement.sentiment_count_90d') }}
            as sentiment_90d,
        contact_engagement.their_response_hours_90d,
        contact_engagement.our_response_hours_90d,
        contact_engagement.their_response_business_hours_90d,
        contact_engagement.our_response_business_hours_90d,
        contact_engagement.primary_days_since_meaningful,
        contact_engagement.primary_unanswered_streak,
        contact_engagement.primary_customer_touch_days_30d,
        contact_engagement.primary_reply_rate_90d,
        contact_engagement.primary_meaningful_days_90d,
        contact_engagement.decision_maker_days_since_meaningful,
        coalesce(contact_engagement.decision_maker_touch_days_30d, 0) as decision_maker_touch_days_30d,
        {{ dbt.datediff('opportunities.created_date', 'opportunity_days.as_of_date', 'day') }} as age_days
    from opportunity_days
    inner join {{ ref('dim_opportunities') }} as opportunities
        on opportunity_days.opportunity_id = opportunities.opportunity_id
    left join {{ ref('dim_accounts') }} as accounts
        on opportunity_days.account_id = accounts.account_id
    left join pipeline
        on opportunity_days.opportunity_id = pipeline.opportunity_id
        and opportunity_days.as_of_date = pipeline.as_of_date
    left join contact_engagement
        on opportunity_days.opportunity_id = contact_engagement.opportunity_id
        and opportunity_days.as_of_date = contact_engagement.as_of_date

),

final as (

    select
        cast(opportunity_id as {{ type_text() }}) as opportunity_id,
        cast(account_id as {{ type_text() }}) as account_id,
        cast(owner_user_id as {{ type_text() }}) as owner_user_id,
        cast(as_of_date as date) as as_of_date,
        cast(stage_rank as integer) as stage_rank,
        cast(stage_change_30d as integer) as stage_change_30d,
        cast(days_in_stage as integer) as days_in_stage,
        cast(days_to_expected_close as integer) as days_to_expected_close,
        cast(close_date_slips as integer) as close_date_slips,
        cast(contact_count as integer) as contact_count,
        cast(decision_maker_count as integer) as decision_maker_count,
        cast(contacts_engaged_90d as integer) as contacts_engaged_90d,
        cast(decision_makers_engaged_90d as integer) as decision_makers_engaged_90d,
        cast(best_days_since_meaningful as integer) as best_days_since_meaningful,
        cast(days_since_customer_touch as integer) as days_since_customer_touch,
        cast(max_unanswered_streak as integer) as max_unanswered_streak,
        cast(customer_touch_days_30d as integer) as customer_touch_days_30d,
        cast(customer_touch_days_90d as integer) as customer_touch_days_90d,
        cast(meetings_90d as integer) as meetings_90d,
        cast(interactions_90d as integer) as interactions_90d,
        cast(reply_rate_90d as {{ type_double() }}) as reply_rate_90d,
        cast(sentiment_90d as {{ type_double() }}) as sentiment_90d,
        cast(their_response_hours_90d as {{ type_double() }}) as their_response_hours_90d,
        cast(our_response_hours_90d as {{ type_double() }}) as our_response_hours_90d,
        cast(their_response_business_hours_90d as {{ type_double() }}) as their_response_business_hours_90d,
        cast(our_response_business_hours_90d as {{ type_double() }}) as our_response_business_hours_90d,
        cast(primary_days_since_meaningful as integer) as primary_days_since_meaningful,
        cast(primary_unanswered_streak as integer) as primary_unanswered_streak,
        cast(primary_customer_touch_days_30d as integer) as primary_customer_touch_days_30d,
        cast(primary_reply_rate_90d as {{ type_double() }}) as primary_reply_rate_90d,
        cast(primary_meaningful_days_90d as integer) as primary_meaningful_days_90d,
        cast(decision_maker_days_since_meaningful as integer) as decision_maker_days_since_meaningful,
        cast(decision_maker_touch_days_30d as integer) as decision_maker_touch_days_30d,
        cast(age_days as integer) as age_days,
        -- a deal's features exist only while it is open: "ours active" always holds
        cast({{ is_going_quiet('days_since_customer_touch', 'segment', 'true') }} as boolean) as is_going_quiet
    from joined
    where true {{- and_on_or_after('as_of_date', window_start) }}

)

select *, {{ written_by_this_build() }} from final
