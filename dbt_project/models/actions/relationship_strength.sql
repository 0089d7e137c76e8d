-- Who knows whom: the strength (0-100) of the relationship between every internal user and every
-- contact they have interacted with, as of the run's date, with its evidence and each contact's
-- colleagues ranked. The weights are the dbt var `relationship_strength` (dbt_project.yml):
--   * each touch decays with a half-life, so last month counts more than last year;
--   * two-way exchanges (a reply across the sides, either way) count most, then completed meetings,
--     then connected calls, then e-mails the contact wrote to the user;
--   * one-way touches (our unanswered e-mails and calls, anything logged by hand — the seller's own
--     word) saturate at a small cap, the same anti-gaming rule as the health score: logging a
--     contact fifty times never outweighs one real conversation.
-- The same strength 90 days earlier gives the trend.
{%- set p = var('relationship_strength') %}
{%- set saturation = numeric_value(p.saturation, "relationship_strength.saturation") %}
{#- the activities both evaluations read: the lookback up to the as-of date and to 90 days before it -#}
{%- set window_days = numeric_value(p.lookback_days, 'relationship_strength.lookback_days') | int + 90 %}

with

as_of as (
    {{ as_of_date_select(ref('fct_activities')) }}
),

evaluations as (
    select as_of_date as evaluated_on, true as is_current from as_of
    union all
    select as_of_date - 90 as evaluated_on, false as is_current from as_of
),

parties as (
    select
        participants.activity_id,
        participants.activity_type,
        participants.activity_status,
        participants.activity_date,
        participants.user_id,
        participants.contact_id,
        participants.is_initiator,
        participants.participation_status,
        activities.activity_source
    from {{ ref('fct_activity_participants') }} as participants
    inner join {{ ref('fct_activities') }} as activities
        on participants.activity_id = activities.activity_id
    where (participants.user_id is not null or participants.contact_id is not null)
      and {{ within_days_to_as_of('participants.activity_date', window_days) }}
      -- the same days on the activities' side: the join then takes in their rows of those days only
      and {{ within_days_to_as_of('activities.activity_date', window_days) }}
),

shared as (
    -- one row per user, contact and activity the two took part in, and what it was between them
    select distinct
        ours.user_id,
        theirs.contact_id,
        ours.activity_id,
        ours.activity_date,
        case
            when ours.activity_source = 'manual' then 'one_way'
            when ours.activity_type = 'email' and theirs.is_initiator then 'email_received'
            when ours.activity_type = 'email' and ours.is_initiator then 'one_way'
            when ours.activity_type = 'meeting' and ours.activity_status = 'completed'
                and coalesce(theirs.participation_status, 'attended') not in ('declined', 'no_show') then 'meeting'
            when ours.activity_type = 'call' and ours.activity_status = 'completed' then 'call'
            when ours.activity_type = 'call' and ours.is_initiator then 'one_way'
        end as touch
    from parties as ours
    inner join parties as theirs
        on ours.activity_id = theirs.activity_id
        and theirs.contact_id is not null
    where ours.user_id is not null
),

exchanges as (
    -- a reply across the sides: the contact answered the user's e-mail, or the user answered theirs
    select
        sender_user_id as user_id,
        reply_sender_contact_id as contact_id,
        reply_activity_id as activity_id,
        cast(replied_at as date) as activity_date,
        'two_way' as touch
    from {{ ref('int_emails__reply_pairs') }}
    where is_replied and sender_user_id is not null and reply_sender_contact_id is not null
    union all
    select
        reply_sender_user_id as user_id,
        sender_contact_id as contact_id,
        reply_activity_id as activity_id,
        cast(replied_at as date) as activity_date,
        'two_way' as touch
    from {{ ref('int_emails__reply_pairs') }}
    where is_replied and reply_sender_user_id is not null and sender_contact_id is not null
),

touches as (
    select user_id, contact_id, activity_id, activity_date, touch from shared where touch is not null
    union all
    select user_id, contact_id, activity_id, activity_date, touch from exchanges
),

weighted as (
    select
        evaluations.evaluated_on,
        evaluations.is_current,
        touches.user_id,
        touches.contact_id,
        touches.touch,
        touches.activity_date,
        power(0.5, cast({{ dbt.datediff('touches.activity_date', 'evaluations.evaluated_on', 'day') }} as {{ type_double() }}) / {{ numeric_value(p.half_life_days, 'relationship_strength.half_life_days') }}) as decay,
        touches.activity_date > evaluations.evaluated_on - 90 as is_last_90d
    from touches
    inner join evaluations
        on touches.activity_date <= evaluations.evaluated_on
        and touches.activity_date > evaluations.evaluated_on - {{ numeric_value(p.lookback_days, 'relationship_strength.lookback_days') }}
),

pairs as (
    select
        is_current,
        user_id,
        contact_id,
        {{ numeric_value(p.two_way_weight, 'relationship_strength.two_way_weight') }} * sum(case when touch = 'two_way' then decay else 0 end)
            + {{ numeric_value(p.meeting_weight, 'relationship_strength.meeting_weight') }} * sum(case when touch = 'meeting' then decay else 0 end)
            + {{ numeric_value(p.call_weight, 'relationship_strength.call_weight') }} * sum(case when touch = 'call' then decay else 0 end)
            + {{ numeric_value(p.email_received_weight, 'relationship_strength.email_received_weight') }} * sum(case when touch = 'email_received' then decay else 0 end)
            + {{ numeric_value(p.one_way_cap, 'relationship_strength.one_way_cap') }} * (1 - exp(-{{ numeric_value(p.one_way_weight, 'relationship_strength.one_way_weight') }}
                * sum(case when touch = 'one_way' then decay else 0 end) / {{ numeric_value(p.one_way_cap, 'relationship_strength.one_way_cap') }}))
            as strength_points,
        max(case when touch = 'two_way' then activity_date end) as last_two_way_date,
        max(activity_date) as last_interaction_date,
        count(case when touch = 'two_way' and is_last_90d then 1 end) as two_way_exchanges_90d,
        count(case when touch = 'meeting' and is_last_90d then 1 end) as meetings_90d,
        count(case when touch = 'call' and is_last_90d then 1 end) as calls_90d,
        count(case when touch = 'email_received' and is_last_90d then 1 end) as emails_received_90d,
        count(case when touch = 'one_way' and is_last_90d then 1 end) as one_way_touches_90d
    from weighted
    group by is_current, user_id, contact_id
),

strengths as (
    select
        now.user_id,
        now.contact_id,
        now.strength_points,
        {{ round_to('100 * (1 - exp(-now.strength_points / ' ~ saturation ~ '))', 1) }} as strength,
        {{ round_to('100 * (1 - exp(-coalesce(earlier.strength_points, 0) / ' ~ saturation ~ '))', 1) }} as strength_earlier,
        now.last_two_way_date,
        now.last_interaction_date,
        now.two_way_exchanges_90d,
        now.meetings_90d,
        now.calls_90d,
        now.emails_received_90d,
        now.one_way_touches_90d
    from pairs as now
    left join pairs as earlier
        on now.user_id = earlier.user_id
        and now.contact_id = earlier.contact_id
        and not earlier.is_current
    where now.is_current
),

final as (
    select
        cast((select as_of_date from as_of) as date) as as_of_date,
        cast(strengths.user_id as {{ type_text() }}) as user_id,
        cast(users.full_name as {{ type_text() }}) as user_name,
        cast(strengths.contact_id as {{ type_text() }}) as contact_id,
        cast(contacts.full_name as {{ type_text() }}) as contact_name,
        cast(contacts.account_id as {{ type_text() }}) as account_id,
        cast(strengths.strength as {{ type_double() }}) as strength,
        cast(strengths.strength_earlier as {{ type_double() }}) as strength_90d_ago,
        cast({{ round_to('strengths.strength - strengths.strength_earlier', 1) }} as {{ type_double() }}) as strength_change_90d,
        cast(case
            when strengths.strength - strengths.strength_earlier >= {{ numeric_value(p.trend_flat_band, 'relationship_strength.trend_flat_band') }} then 'up'
            when strengths.strength - strengths.strength_earlier <= -{{ numeric_value(p.trend_flat_band, 'relationship_strength.trend_flat_band') }} then 'down'
            else 'flat'
        end as {{ type_text() }}) as trend,
        cast(row_number() over (
            partition by strengths.contact_id
            order by strengths.strength_points desc, strengths.last_two_way_date desc nulls last, strengths.user_id
        ) as integer) as colleague_rank,
        cast(strengths.last_two_way_date as date) as last_two_way_date,
        cast(strengths.last_interaction_date as date) as last_interaction_date,
        cast(strengths.two_way_exchanges_90d as integer) as two_way_exchanges_90d,
        cast(strengths.meetings_90d as integer) as meetings_90d,
        cast(strengths.calls_90d as integer) as calls_90d,
        cast(strengths.emails_received_90d as integer) as emails_received_90d,
        cast(strengths.one_way_touches_90d as integer) as one_way_touches_90d
    from strengths
    inner join {{ ref('dim_users') }} as users on strengths.user_id = users.user_id
    inner join {{ ref('dim_contacts') }} as contacts on strengths.contact_id = contacts.contact_id
)

select
    *,
    cast(colleague_rank <= {{ numeric_value(p.top_colleagues, 'relationship_strength.top_colleagues') }} as boolean) as is_top_colleague
from final
