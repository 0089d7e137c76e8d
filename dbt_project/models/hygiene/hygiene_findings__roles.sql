-- Role findings: contacts without a buying role, and accounts where no decision-maker is known
-- (high severity while the account has an open deal: nobody knows who signs).

-- a part of hygiene_findings, inlined there: no table of its own
{{ config(materialized='ephemeral', contract={'enforced': false}) }}

with

missing_role as (

    select
        'missing_contact_role' as rule,
        'contact' as entity_type,
        contacts.contact_id as entity_id,
        contacts.full_name as entity_name,
        contacts.account_id,
        accounts.owner_user_id as user_id,
        cast(null as date) as start_date,
        cast(null as date) as end_date,
        'buying role is empty or unknown' || coalesce(' (title: ' || contacts.title || ')', '') as evidence,
        'Set the contact''s buying role (decision_maker, influencer, champion or user).' as suggested_fix,
        cast(null as {{ type_double() }}) as metric_value
    from {{ ref('dim_contacts') }} as contacts
    left join {{ ref('dim_accounts') }} as accounts
        on accounts.account_id = contacts.account_id
    where contacts.contact_role = 'unknown'

),

no_decision_maker as (

    select
        'account_no_decision_maker' as rule,
        'account' as entity_type,
        account_id as entity_id,
        account_name as entity_name,
        account_id,
        owner_user_id as user_id,
        cast(null as date) as start_date,
        cast(null as date) as end_date,
        'no decision-maker among ' || cast(contact_count as {{ type_text() }}) || ' contacts ('
            || cast(contacts_with_role as {{ type_text() }}) || ' with a role); '
            || cast(open_opportunity_count as {{ type_text() }}) || ' open opportunities' as evidence,
        'Identify who signs at this account and record the contact with the role decision_maker.' as suggested_fix,
        cast(open_opportunity_count as {{ type_double() }}) as metric_value
    from {{ ref('hygiene_role_coverage') }} as coverage
    where not has_decision_maker

)

select * from missing_role
union all
select * from no_decision_maker
