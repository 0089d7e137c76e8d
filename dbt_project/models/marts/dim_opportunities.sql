with

contact_roles as (

    select
        opportunity_id,
        count(*) as contact_count,
        sum(case when deal_role = 'decision_maker' then 1 else 0 end) as decision_maker_count,
        min(case when is_primary then contact_id end) as primary_contact_id

    from {{ ref('stg_landed__opportunity_contacts') }} as opportunity_contacts
    group by 1

),

final as (

    select
        {{ contract_columns('opportunities', except=['is_open', 'is_won', 'contact_count', 'decision_maker_count', 'primary_contact_id']) }}
        cast(opportunities.opportunity_status = 'open' as boolean) as is_open,
        cast(opportunities.opportunity_status = 'won' as boolean) as is_won,
        cast(coalesce(contact_roles.contact_count, 0) as bigint) as contact_count,
        cast(coalesce(contact_roles.decision_maker_count, 0) as bigint) as decision_maker_count,
        cast(contact_roles.primary_contact_id as {{ type_text() }}) as primary_contact_id
    from {{ ref('stg_landed__opportunities') }} as opportunities
    left join contact_roles
        on opportunities.opportunity_id = contact_roles.opportunity_id

)

select * from final
