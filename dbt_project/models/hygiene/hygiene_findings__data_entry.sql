-- Data-entry findings: names and titles that start like a spreadsheet formula (=, +, -, @). They
-- land as written (landing counts them per batch, ingest/contract.py FORMULA_PREFIXES), the report's
-- CSV files neutralise them, and this finding asks for the record to be fixed at its source.

-- a part of hygiene_findings, inlined there: no table of its own
{{ config(materialized='ephemeral', contract={'enforced': false}) }}

with

texts as (

    select 'account' as entity_type, account_id as entity_id, account_name as entity_name, account_id,
           owner_user_id as user_id, 'name' as field_name, account_name as value
    from {{ ref('dim_accounts') }}
    union all
    select 'contact', contacts.contact_id, contacts.full_name, contacts.account_id, accounts.owner_user_id,
           'name', contacts.full_name
    from {{ ref('dim_contacts') }} as contacts
    left join {{ ref('dim_accounts') }} as accounts on contacts.account_id = accounts.account_id
    union all
    select 'contact', contacts.contact_id, contacts.full_name, contacts.account_id, accounts.owner_user_id,
           'title', contacts.title
    from {{ ref('dim_contacts') }} as contacts
    left join {{ ref('dim_accounts') }} as accounts on contacts.account_id = accounts.account_id
    union all
    select 'opportunity', opportunity_id, opportunity_name, account_id, owner_user_id, 'name', opportunity_name
    from {{ ref('dim_opportunities') }}

),

flagged as (

    select
        entity_type, entity_id, entity_name, account_id, user_id,
        {{ dbt.listagg("field_name || ' \"' || left(value, 60) || '\"'", "'; '", 'order by field_name') }} as fields,
        count(*) as field_count
    from texts
    where {{ starts_like_a_formula('value') }}
    group by 1, 2, 3, 4, 5

)

select
    'formula_prefixed_text' as rule,
    entity_type,
    entity_id,
    entity_name,
    account_id,
    user_id,
    cast(null as date) as start_date,
    cast(null as date) as end_date,
    'starts like a spreadsheet formula: ' || fields as evidence,
    'Correct the text in the CRM; a spreadsheet opening an export would run it as a formula.' as suggested_fix,
    cast(field_count as {{ type_double() }}) as metric_value
from flagged
