with

final as (

    select
        cast(parties.activity_party_id as varchar) as activity_party_id,
        cast(parties.activity_id as varchar) as activity_id,
        cast(activities.activity_type as varchar) as activity_type,
        cast(activities.started_at as timestamp with time zone) as started_at,
        cast(activities.activity_date as date) as activity_date,
        cast(activities.activity_status as varchar) as activity_status,
        cast(activities.direction as varchar) as direction,
        cast(parties.party_role as varchar) as party_role,
        cast(parties.email_address as varchar) as email_address,
        cast(parties.display_name as varchar) as display_name,
        cast(parties.participation_status as varchar) as participation_status,
        cast(parties.party_type as varchar) as party_type,
        cast(parties.party_side as varchar) as party_side,
        cast(parties.user_id as varchar) as user_id,
        cast(parties.contact_id as varchar) as contact_id,
        cast(parties.account_id as varchar) as account_id,
        cast(parties.match_method as varchar) as match_method,
        cast(parties.matched_email_address as varchar) as matched_email_address,
        cast(coalesce(parties.person_key = activities.initiator_person_key, false) as boolean) as is_initiator,
        cast(parties.is_ambiguous_address as boolean) as is_ambiguous_address

    from {{ ref('int_activity_parties__resolved') }} as parties
    inner join {{ ref('int_activities__directed') }} as activities
        on parties.activity_id = activities.activity_id

)

select * from final
