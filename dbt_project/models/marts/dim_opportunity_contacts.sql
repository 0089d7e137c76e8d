-- The contacts of each deal with their role in it: what opportunity health rolls up (the Python
-- scorer weighs each contact's health by this role, the primary contact more) and what the
-- published opportunity_health lists per contact.

with

final as (

    select
        cast(opportunity_contacts.opportunity_id as varchar) as opportunity_id,
        cast(opportunity_contacts.contact_id as varchar) as contact_id,
        cast(opportunities.account_id as varchar) as account_id,
        cast(opportunity_contacts.deal_role as varchar) as deal_role,
        cast(opportunity_contacts.is_primary as boolean) as is_primary

    from {{ ref('stg_landed__opportunity_contacts') }} as opportunity_contacts
    inner join {{ ref('stg_landed__opportunities') }} as opportunities
        on opportunity_contacts.opportunity_id = opportunities.opportunity_id

)

select * from final
