-- Capture discipline per rep: how much of the rep's activity is captured automatically (synced,
-- dialer) versus logged by hand, and how many hand-logged activities with contacts never drew a
-- customer response (no e-mail, call or meeting started by that contact within 14 days), over the
-- activities of the last `hygiene_lookback_days` days (macro within_hygiene_lookback).

{{ config(tags=['published']) }}

with

contact_activities as (

    -- every activity with each contact taking part in it
    select
        activities.activity_id,
        activities.owner_user_id,
        activities.started_at,
        activities.activity_source,
        activities.activity_status,
        activities.direction,
        participants.contact_id,
        participants.is_initiator
    from {{ ref('fct_activities') }} as activities
    inner join {{ ref('fct_activity_participants') }} as participants
        on participants.activity_id = activities.activity_id
    where participants.contact_id is not null
        and {{ within_hygiene_lookback('activities.activity_date') }}
        -- the same days on the parties' side: the join then takes in their rows of those days only
        and {{ within_hygiene_lookback('participants.activity_date') }}

),

manual_with_contacts as (

    select distinct
        activity_id,
        owner_user_id as user_id,
        started_at,
        contact_id
    from contact_activities
    where activity_source = 'manual'

),

customer_started as (

    select distinct
        contact_id,
        started_at
    from contact_activities
    where direction = 'inbound'
        and activity_status = 'completed'
        and is_initiator

),

responses as (

    select
        manual_with_contacts.activity_id,
        manual_with_contacts.user_id,
        max(case when customer_started.contact_id is not null then 1 else 0 end) as has_response
    from manual_with_contacts
    left join customer_started
        on customer_started.contact_id = manual_with_contacts.contact_id
        and customer_started.started_at > manual_with_contacts.started_at
        and customer_started.started_at <= {{ dbt.dateadd('day', 14, 'manual_with_contacts.started_at') }}
    group by 1, 2

),

response_counts as (

    select
        user_id,
        count(*) as manual_with_contact_count,
        sum(1 - has_response) as manual_unanswered_count
    from responses
    group by 1

),

volumes as (

    select
        owner_user_id as user_id,
        count(*) as activity_count,
        sum(case when activity_source = 'manual' then 1 else 0 end) as manual_count,
        sum(case when activity_source = 'synced' then 1 else 0 end) as synced_count,
        sum(case when activity_source = 'dialer' then 1 else 0 end) as dialer_count
    from {{ ref('fct_activities') }} as activities
    where owner_user_id is not null
        and {{ within_hygiene_lookback('activities.activity_date') }}
    group by 1

),

final as (

    select
        volumes.user_id,
        users.full_name,
        users.job_role,
        volumes.activity_count,
        volumes.manual_count,
        volumes.synced_count,
        volumes.dialer_count,
        cast(volumes.manual_count as {{ type_double() }}) / nullif(volumes.activity_count, 0) as manual_share,
        coalesce(response_counts.manual_with_contact_count, 0) as manual_with_contact_count,
        coalesce(response_counts.manual_unanswered_count, 0) as manual_unanswered_count,
        cast(response_counts.manual_unanswered_count as {{ type_double() }})
            / nullif(response_counts.manual_with_contact_count, 0) as manual_unanswered_share
    from volumes
    left join {{ ref('dim_users') }} as users
        on users.user_id = volumes.user_id
    left join response_counts
        on response_counts.user_id = volumes.user_id

)

select
    {{ contract_columns() }}
from final
