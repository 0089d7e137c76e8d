-- One row per contact and day, from the contact's first activity to the as-of date
-- (RI_AS_OF_DATE, default: the latest day with a non-scheduled activity), with the day's
-- interactions per channel and direction. Days are UTC dates. Only customer-facing activities
-- (outbound or inbound) count.

-- Incremental on the date (macros/incremental.sql): a run rebuilds its window of days; every
-- contact known before the window carries its first activity date over from the day before it.
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='append_new_columns',
          pre_hook="{{ delete_incremental_window('engagement_date') }}") }}
{%- set window_start = incremental_window_start('engagement_date') %}

with

as_of as (

    {{ as_of_date_select(ref('int_activities__directed')) }}

),

contact_activities as (

    -- one row per contact and activity, with the contact's strongest role in it; read from the
    -- parties with their activity's day (in day order), so a run's window skips the other days
    select
        parties.contact_id,
        parties.activity_id,
        parties.activity_date,
        parties.activity_type,
        parties.activity_status,
        parties.direction,
        {{ dbt.bool_or("parties.party_role in ('sender', 'organizer', 'caller')") }} as is_contact_initiator,
        {{ dbt.bool_or("parties.party_role in ('to', 'cc', 'bcc', 'attendee', 'callee')") }} as is_contact_recipient,
        {{ dbt.bool_or("parties.participation_status = 'no_show'") }} as is_contact_no_show,
        {{ dbt.bool_or("coalesce(parties.participation_status, '') not in ('declined', 'no_show')") }}
            as is_contact_present

    from {{ ref('fct_activity_participants') }} as parties
    where parties.contact_id is not null
        and parties.direction in ('outbound', 'inbound')
        {{- and_on_or_after('parties.activity_date', window_start) }}
    group by 1, 2, 3, 4, 5, 6

),

daily_activity as (

    select
        contact_id,
        activity_date,
        sum(case
            when activity_type = 'email' and activity_status = 'completed'
                and direction = 'outbound' and is_contact_recipient then 1 else 0
        end) as emails_outbound,
        sum(case
            when activity_type = 'email' and activity_status = 'completed'
                and direction = 'inbound' and is_contact_initiator then 1 else 0
        end) as emails_inbound,
        sum(case
            when activity_type = 'meeting' and activity_status = 'completed'
                and is_contact_present then 1 else 0
        end) as meetings_completed,
        sum(case
            when activity_type = 'meeting'
                and (activity_status = 'no_show' or (activity_status = 'completed' and is_contact_no_show))
                then 1 else 0
        end) as meetings_missed,
        sum(case
            when activity_type = 'meeting' and activity_status = 'cancelled' then 1 else 0
        end) as meetings_cancelled,
        sum(case
            when activity_type = 'call' and activity_status = 'completed' and direction = 'outbound' then 1 else 0
        end) as calls_outbound,
        sum(case
            when activity_type = 'call' and activity_status = 'completed' and direction = 'inbound' then 1 else 0
        end) as calls_inbound,
        sum(case
            when activity_type = 'call' and activity_status = 'no_show' and direction = 'outbound' then 1 else 0
        end) as calls_unanswered,
        sum(case
            when activity_status = 'completed' and direction = 'inbound' and is_contact_initiator then 1 else 0
        end) as customer_initiated_count

    from contact_activities
    group by 1, 2

),

daily_replies as (

    select
        contact_id,
        reply_date,
        sum(replies_received) as replies_received,
        sum(replies_sent) as replies_sent

    from (
        -- the contact answered one of our e-mails
        select
            reply_sender_contact_id as contact_id,
            {{ utc_date('replied_at') }} as reply_date,
            1 as replies_received,
            0 as replies_sent
        from {{ ref('int_emails__reply_pairs') }} as reply_pairs
        where reply_from = 'customer' and reply_sender_contact_id is not null
            {{- and_on_or_after(utc_date('replied_at'), window_start) }}

        union all

        -- we answered one of the contact's e-mails
        select
            sender_contact_id as contact_id,
            {{ utc_date('replied_at') }} as reply_date,
            0 as replies_received,
            1 as replies_sent
        from {{ ref('int_emails__reply_pairs') }} as reply_pairs
        where reply_from = 'us' and is_replied and sender_contact_id is not null
            {{- and_on_or_after(utc_date('replied_at'), window_start) }}
    ) as replies
    group by 1, 2

),

contact_bounds as (

    select
        contact_id,
        min(first_activity_date) as first_activity_date

    from (
        select contact_id, min(activity_date) as first_activity_date
        from contact_activities
        group by 1
        {%- if window_start is not none %}

        union all

        -- contacts known before the window
        select contact_id, first_activity_date
        from {{ this }}
        where engagement_date = {{ days_before(window_start, 1) }}
        {%- endif %}
    ) as known
    group by 1

),

spine_bounds as (

    select
        {%- if window_start is not none %}
        {{ days_before(window_start, 0) }} as start_date,
        {%- else %}
        min(contact_bounds.first_activity_date) as start_date,
        {%- endif %}
        max(as_of.as_of_date) as end_date

    from contact_bounds
    cross join as_of

),

spine as (

    {{ date_spine_days('spine_bounds', 'start_date', 'end_date') }}

),

contact_days as (

    select
        contact_bounds.contact_id,
        spine.date_day as engagement_date,
        contact_bounds.first_activity_date

    from contact_bounds
    inner join spine
        on spine.date_day >= contact_bounds.first_activity_date

),

joined as (

    select
        contact_days.contact_id,
        contact_days.engagement_date,
        contact_days.first_activity_date,
        coalesce(daily_activity.emails_outbound, 0) as emails_outbound,
        coalesce(daily_activity.emails_inbound, 0) as emails_inbound,
        coalesce(daily_activity.meetings_completed, 0) as meetings_completed,
        coalesce(daily_activity.meetings_missed, 0) as meetings_missed,
        coalesce(daily_activity.meetings_cancelled, 0) as meetings_cancelled,
        coalesce(daily_activity.calls_outbound, 0) as calls_outbound,
        coalesce(daily_activity.calls_inbound, 0) as calls_inbound,
        coalesce(daily_activity.calls_unanswered, 0) as calls_unanswered,
        coalesce(daily_replies.replies_received, 0) as replies_received,
        coalesce(daily_replies.replies_sent, 0) as replies_sent,
        coalesce(daily_activity.customer_initiated_count, 0) as customer_initiated_count

    from contact_days
    left join daily_activity
        on contact_days.contact_id = daily_activity.contact_id
        and contact_days.engagement_date = daily_activity.activity_date
    left join daily_replies
        on contact_days.contact_id = daily_replies.contact_id
        and contact_days.engagement_date = daily_replies.reply_date

),

final as (

    select
        {{ contract_columns(except=['is_active_day', 'dbt_invocation_id']) }}
        cast(
            emails_outbound + emails_inbound + meetings_completed + calls_outbound + calls_inbound
            + replies_received + replies_sent > 0
            as boolean
        ) as is_active_day,
        {{ written_by_this_build() }}
    from joined

)

select * from final
