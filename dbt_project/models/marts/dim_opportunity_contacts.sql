-- The contacts of each deal with their role in it: what opportunity health rolls up (the Python
-- scorer weighs each contact's health by this role, the primary contact more) and what the
-- published opportunity_health lists per contact.

with

final as (

    select
        {{ contract_columns('opportunity_contacts', except=['account_id']) }}
        cast(opportunities.account_id as {{ type_text() }}) as account_id
    from {{ ref('stg_landed__opportunity_contacts') }} as opportunity_contacts
    inner join {{ ref('stg_landed__opportunities') }} as opportunities
        on opportunity_contacts.opportunity_id = opportunities.opportunity_id

)

select * from final
