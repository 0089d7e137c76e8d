-- The interaction history behind a health score: completed e-mails, meetings and calls per day over
-- the last `interaction_timeline.days` days up to the as-of date (var), by channel and side (ours:
-- started by us; theirs: by the customer), for every account, opportunity and contact taking part.
-- What a page or a BI tool draws as "the last 90 days"; days without interactions have no row.
{%- set days = numeric_value(var('interaction_timeline').days, 'interaction_timeline.days') | int %}

with

as_of as (
    {{ as_of_date_select(ref('fct_activities')) }}
),

recent as (
    select
        activities.activity_id,
        activities.activity_type as channel,
        case when activities.initiated_by = 'customer' then 'theirs' else 'ours' end as side,
        activities.activity_date,
        activities.account_id,
        activities.opportunity_id
    from {{ ref('fct_activities') }} as activities
    where activities.activity_status = 'completed'
      and {{ within_days_to_as_of('activities.activity_date', days) }}
),

contacts_taking_part as (
    select distinct participants.contact_id, recent.*
    from recent
    inner join {{ ref('fct_activity_participants') }} as participants on recent.activity_id = participants.activity_id
    where participants.contact_id is not null
      -- the same days on the parties' side: the join then takes in their rows of those days only
      and {{ within_days_to_as_of('participants.activity_date', days) }}
),

per_entity as (
    select 'account' as entity_type, account_id as entity_id, activity_id, channel, side, activity_date
    from recent where account_id is not null
    union all
    select 'opportunity', opportunity_id, activity_id, channel, side, activity_date
    from recent where opportunity_id is not null
    union all
    select 'contact', contact_id, activity_id, channel, side, activity_date
    from contacts_taking_part
)

select
    cast(per_entity.entity_type as {{ type_text() }}) as entity_type,
    cast(per_entity.entity_id as {{ type_text() }}) as entity_id,
    cast(per_entity.activity_date as date) as activity_date,
    cast(per_entity.channel as {{ type_text() }}) as channel,
    cast(per_entity.side as {{ type_text() }}) as side,
    cast(count(distinct per_entity.activity_id) as integer) as interactions,
    cast(as_of.as_of_date as date) as as_of_date
from per_entity
cross join as_of
group by per_entity.entity_type, per_entity.entity_id, per_entity.activity_date, per_entity.channel, per_entity.side,
    as_of.as_of_date
