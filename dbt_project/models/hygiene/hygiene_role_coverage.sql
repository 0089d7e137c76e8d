-- Contact-role coverage per account: how many of the account's contacts have a known buying role,
-- and whether a decision-maker is known. Rolled up per rep (the account owner) in the report.

{{ config(tags=['published']) }}

with

per_account as (

    select
        accounts.account_id,
        accounts.account_name,
        accounts.owner_user_id,
        accounts.open_opportunity_count,
        count(contacts.contact_id) as contact_count,
        count(case when contacts.contact_role <> 'unknown' then contacts.contact_id end) as contacts_with_role,
        count(case when contacts.is_decision_maker then contacts.contact_id end) as decision_maker_count,
        count(case when contacts.contact_role = 'champion' then contacts.contact_id end) as champion_count
    from {{ ref('dim_accounts') }} as accounts
    left join {{ ref('dim_contacts') }} as contacts
        on contacts.account_id = accounts.account_id
    group by 1, 2, 3, 4

)

select
    {{ contract_columns(except=['role_coverage', 'has_decision_maker']) }}
    cast(case when contact_count > 0 then cast(contacts_with_role as {{ type_double() }}) / contact_count end as {{ type_double() }})
        as role_coverage,
    cast(decision_maker_count > 0 as boolean) as has_decision_maker
from per_account
