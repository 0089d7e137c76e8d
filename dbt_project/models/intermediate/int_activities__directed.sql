-- Each canonical activity with who started it, which way it went and what it is about.
--   direction: outbound       internal initiator, at least one external party
--              inbound        external initiator, at least one internal party
--              internal_only  no external party
--              external_only  external parties only
--              undetermined   no parties at all, or both sides but no initiator
--                             (sender / organizer / caller)
--   account:   the activity's regarding account, else the regarding opportunity's account, else
--              the account most of its contacts belong to (ties: smallest account_id).
-- Kept per activity (macros/activity_rebuild.sql).
{{ kept_per_activity() }}
{%- set to_rebuild = activities_to_rebuild() %}

with

ranked_initiators as (

    select
        parties.activity_id,
        parties.email_address,
        parties.party_side,
        parties.party_type,
        parties.user_id,
        parties.contact_id,
        parties.person_key,
        row_number() over (
            partition by parties.activity_id
            order by
                -- the role that fits the channel first, then any other initiating role
                case
                    when activities.activity_type = 'email' and parties.party_role = 'sender' then 0
                    when activities.activity_type = 'meeting' and parties.party_role = 'organizer' then 0
                    when activities.activity_type = 'call' and parties.party_role = 'caller' then 0
                    else 1
                end,
                parties.party_role,
                parties.email_address
        ) as initiator_rank

    from {{ ref('int_activity_parties__resolved') }} as parties
    inner join {{ ref('int_activities__deduplicated') }} as activities
        on parties.activity_id = activities.activity_id
    where parties.is_initiator_role
        and {{ is_rebuilt('parties.activity_id', to_rebuild, ref('int_activity_parties__resolved')) }}
        and {{ is_rebuilt('activities.activity_id', to_rebuild, ref('int_activities__deduplicated')) }}

),

initiators as (

    select * from ranked_initiators where initiator_rank = 1

),

participants as (

    -- each person of an activity once: a person key is resolved from one address (or one user or
    -- contact), so its side, type and contact are the same on every party row that carries it
    select distinct
        activity_id,
        person_key,
        party_side,
        party_type,
        contact_id

    from {{ ref('int_activity_parties__resolved') }} as parties
    where {{ is_rebuilt('parties.activity_id', to_rebuild, ref('int_activity_parties__resolved')) }}

),

participant_counts as (

    select
        activity_id,
        count(case when party_side = 'internal' then 1 end) as internal_participant_count,
        count(case when party_side = 'external' then 1 end) as external_participant_count,
        count(contact_id) as contact_participant_count,
        count(case when party_type = 'unknown_external' then 1 end) as unknown_external_participant_count

    from participants
    group by 1

),

participant_accounts as (

    select
        parties.activity_id,
        parties.account_id,
        count(distinct parties.person_key) as contacts_at_account

    from {{ ref('int_activity_parties__resolved') }} as parties
    inner join {{ ref('stg_landed__accounts') }} as accounts
        on parties.account_id = accounts.account_id
    where parties.party_side = 'external'
        and {{ is_rebuilt('parties.activity_id', to_rebuild, ref('int_activity_parties__resolved')) }}
    group by 1, 2

),

top_participant_accounts as (

    select
        activity_id,
        account_id,
        row_number() over (
            partition by activity_id
            order by contacts_at_account desc, account_id
        ) as account_rank

    from participant_accounts

),

joined as (

    select
        activities.*,
        {{ utc_date('activities.started_at') }} as activity_date,
        initiators.email_address as initiator_email_address,
        initiators.party_side as initiator_side,
        initiators.party_type as initiator_party_type,
        initiators.user_id as initiator_user_id,
        initiators.contact_id as initiator_contact_id,
        initiators.person_key as initiator_person_key,
        coalesce(participant_counts.internal_participant_count, 0) as internal_participant_count,
        coalesce(participant_counts.external_participant_count, 0) as external_participant_count,
        coalesce(participant_counts.contact_participant_count, 0) as contact_participant_count,
        coalesce(participant_counts.unknown_external_participant_count, 0)
            as unknown_external_participant_count,
        regarding_accounts.account_id as known_regarding_account_id,
        opportunities.opportunity_id as known_opportunity_id,
        opportunity_accounts.account_id as opportunity_account_id,
        top_participant_accounts.account_id as participant_account_id

    from {{ ref('int_activities__deduplicated') }} as activities
    left join initiators
        on activities.activity_id = initiators.activity_id
    left join participant_counts
        on activities.activity_id = participant_counts.activity_id
    left join {{ ref('stg_landed__accounts') }} as regarding_accounts
        on activities.regarding_account_id = regarding_accounts.account_id
    left join {{ ref('stg_landed__opportunities') }} as opportunities
        on activities.regarding_opportunity_id = opportunities.opportunity_id
    left join {{ ref('stg_landed__accounts') }} as opportunity_accounts
        on opportunities.account_id = opportunity_accounts.account_id
    left join top_participant_accounts
        on activities.activity_id = top_participant_accounts.activity_id
        and top_participant_accounts.account_rank = 1
    where {{ is_rebuilt('activities.activity_id', to_rebuild, ref('int_activities__deduplicated')) }}

),

final as (

    select
        activity_id,
        activity_type,
        started_at,
        started_at_offset_minutes,
        ended_at,
        activity_date,
        activity_status,
        activity_source,
        thread_id,
        parent_activity_id,
        internet_message_id,
        regarding_opportunity_id,
        regarding_account_id,
        owner_user_id,
        body_sentiment,
        copy_count,
        initiator_email_address,
        initiator_side,
        initiator_party_type,
        initiator_user_id,
        initiator_contact_id,
        initiator_person_key,
        internal_participant_count,
        external_participant_count,
        contact_participant_count,
        unknown_external_participant_count,
        case
            when external_participant_count = 0 and internal_participant_count = 0 then 'undetermined'
            when external_participant_count = 0 then 'internal_only'
            when internal_participant_count = 0 then 'external_only'
            when initiator_side = 'internal' then 'outbound'
            when initiator_side = 'external' then 'inbound'
            else 'undetermined'
        end as direction,
        case initiator_side
            when 'internal' then 'us'
            when 'external' then 'customer'
        end as initiated_by,
        known_opportunity_id as opportunity_id,
        coalesce(known_regarding_account_id, opportunity_account_id, participant_account_id) as account_id,
        case
            when known_regarding_account_id is not null then 'regarding_account'
            when opportunity_account_id is not null then 'regarding_opportunity'
            when participant_account_id is not null then 'participants'
        end as account_source,
        {{ written_by_this_build() }}

    from joined

)

select * from final
