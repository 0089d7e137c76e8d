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
        cast(opportunities.opportunity_id as varchar) as opportunity_id,
        cast(opportunities.account_id as varchar) as account_id,
        cast(opportunities.owner_user_id as varchar) as owner_user_id,
        cast(opportunities.opportunity_name as varchar) as opportunity_name,
        cast(opportunities.stage as varchar) as stage,
        cast(opportunities.stage_rank as integer) as stage_rank,
        cast(opportunities.amount as double precision) as amount,
        cast(opportunities.currency as varchar) as currency,
        cast(opportunities.opportunity_status as varchar) as opportunity_status,
        cast(opportunities.opportunity_status = 'open' as boolean) as is_open,
        cast(opportunities.opportunity_status = 'won' as boolean) as is_won,
        cast(opportunities.created_date as date) as created_date,
        cast(opportunities.expected_close_date as date) as expected_close_date,
        cast(opportunities.closed_date as date) as closed_date,
        cast(opportunities.external_score as double precision) as external_score,
        cast(coalesce(contact_roles.contact_count, 0) as bigint) as contact_count,
        cast(coalesce(contact_roles.decision_maker_count, 0) as bigint) as decision_maker_count,
        cast(contact_roles.primary_contact_id as varchar) as primary_contact_id

    from {{ ref('stg_landed__opportunities') }} as opportunities
    left join contact_roles
        on opportunities.opportunity_id = contact_roles.opportunity_id

)

select * from final
