-- One row per outbound e-mail: tracking (opens split into human and machine, clicks, bounces)
-- and the customer's first reply. Kept per activity (macros/activity_rebuild.sql).
{{ kept_per_activity() }}
{%- set to_rebuild = activities_to_rebuild() %}

with

outbound_emails as (

    select * from {{ ref('int_emails__reply_pairs') }} as emails
    where direction = 'outbound'
        and {{ is_rebuilt('emails.activity_id', to_rebuild, ref('int_emails__reply_pairs')) }}

),

mapped_events as (

    -- events of every copy of a message count for the one canonical e-mail
    select
        id_map.canonical_activity_id as activity_id,
        events.event_id,
        events.event_type,
        events.occurred_at,
        events.recipient_email,
        coalesce(events.is_machine_open, false) as is_machine_open

    from {{ ref('stg_landed__email_events') }} as events
    inner join {{ ref('int_activity_ids__mapped') }} as id_map
        on events.activity_id = id_map.activity_id
    where {{ is_rebuilt('id_map.canonical_activity_id', to_rebuild, ref('int_activity_ids__mapped')) }}

),

event_summary as (

    select
        activity_id,
        sum(case when event_type = 'delivered' then 1 else 0 end) as delivered_count,
        sum(case when event_type = 'open' and not is_machine_open then 1 else 0 end) as human_open_count,
        sum(case when event_type = 'open' and is_machine_open then 1 else 0 end) as machine_open_count,
        count(distinct case when event_type = 'open' and not is_machine_open then recipient_email end)
            as human_opener_count,
        sum(case when event_type = 'click' then 1 else 0 end) as click_count,
        sum(case when event_type = 'bounce' then 1 else 0 end) as bounce_count,
        sum(case when event_type = 'reply' then 1 else 0 end) as reply_event_count,
        min(case when event_type = 'open' and not is_machine_open then occurred_at end) as first_opened_at,
        max(case when event_type = 'open' and not is_machine_open then occurred_at end) as last_opened_at,
        min(case when event_type = 'click' then occurred_at end) as first_clicked_at,
        min(case when event_type = 'bounce' then occurred_at end) as bounced_at,
        min(case when event_type = 'reply' then occurred_at end) as first_reply_event_at

    from mapped_events
    group by 1

),

joined as (

    select
        outbound_emails.*,
        activities.external_participant_count,
        activities.contact_participant_count,
        coalesce(event_summary.delivered_count, 0) as delivered_count,
        coalesce(event_summary.human_open_count, 0) as human_open_count,
        coalesce(event_summary.machine_open_count, 0) as machine_open_count,
        coalesce(event_summary.human_opener_count, 0) as human_opener_count,
        coalesce(event_summary.click_count, 0) as click_count,
        coalesce(event_summary.bounce_count, 0) as bounce_count,
        coalesce(event_summary.reply_event_count, 0) as reply_event_count,
        event_summary.first_opened_at,
        event_summary.last_opened_at,
        event_summary.first_clicked_at,
        event_summary.bounced_at,
        event_summary.first_reply_event_at,
        -- the earlier of the reply e-mail and a tracked reply event
        case
            when outbound_emails.replied_at is null then event_summary.first_reply_event_at
            when event_summary.first_reply_event_at is null then outbound_emails.replied_at
            when event_summary.first_reply_event_at < outbound_emails.replied_at
                then event_summary.first_reply_event_at
            else outbound_emails.replied_at
        end as first_replied_at

    from outbound_emails
    inner join {{ ref('int_activities__directed') }} as activities
        on outbound_emails.activity_id = activities.activity_id
        and {{ is_rebuilt('activities.activity_id', to_rebuild, ref('int_activities__directed')) }}
    left join event_summary
        on outbound_emails.activity_id = event_summary.activity_id

),

final as (

    select
        {{ contract_columns(except=['sent_date', 'external_recipient_count', 'contact_recipient_count', 'is_delivered', 'is_opened', 'is_clicked', 'is_bounced', 'is_replied', 'first_reply_activity_id', 'first_reply_contact_id', 'reply_minutes', 'dbt_invocation_id']) }}
        cast({{ utc_date('sent_at') }} as date) as sent_date,
        cast(external_participant_count as bigint) as external_recipient_count,
        cast(contact_participant_count as bigint) as contact_recipient_count,
        cast(delivered_count > 0 as boolean) as is_delivered,
        cast(human_open_count > 0 as boolean) as is_opened,
        cast(click_count > 0 as boolean) as is_clicked,
        cast(bounce_count > 0 as boolean) as is_bounced,
        cast(is_replied or reply_event_count > 0 as boolean) as is_replied,
        cast(reply_activity_id as {{ type_text() }}) as first_reply_activity_id,
        cast(reply_sender_contact_id as {{ type_text() }}) as first_reply_contact_id,
        cast(
            case
                when first_replied_at is not null
                    then greatest({{ dbt.datediff('sent_at', 'first_replied_at', 'second') }}, 0) / 60.0
            end
            as {{ type_double() }}
        ) as reply_minutes,
        {{ written_by_this_build() }}
    from joined

)

select * from final
