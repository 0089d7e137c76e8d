-- Bad account-contact links: a contact whose primary address is on none of its account's domains
-- (a personal mail domain is reported apart: often legitimate, but scores cannot tell whom the
-- person works for), a contact whose traffic belongs to another account, duplicate contacts (the
-- same address, or the same normalised name at one account: the later record is the duplicate),
-- orphans, unknown accounts, and opportunity contacts from another account.

-- a part of hygiene_findings, inlined there: no table of its own
{{ config(materialized='ephemeral', contract={'enforced': false}) }}

with

primary_domains as (

    select
        contacts.contact_id,
        contacts.account_id,
        contacts.full_name,
        contacts.email,
        lower({{ dbt.split_part('contacts.email', "'@'", 2) }}) as email_domain
    from {{ ref('dim_contacts') }} as contacts
    where contacts.account_id is not null
        and contacts.email like '%@%'

),

domain_checks as (

    select
        primary_domains.contact_id,
        primary_domains.account_id,
        primary_domains.full_name,
        primary_domains.email,
        primary_domains.email_domain,
        {{ dbt.bool_or("account_domains.domain is not null and " ~ is_on_domain('primary_domains.email_domain', 'account_domains.domain')) }}
            as is_on_account_domain,
        count(account_domains.domain) as account_domain_count,
        {{ dbt.listagg('account_domains.domain', "';'", 'order by account_domains.domain') }} as account_domain_list
    from primary_domains
    left join {{ ref('int_account_domains__unnested') }} as account_domains
        on account_domains.account_id = primary_domains.account_id
    group by
        primary_domains.contact_id, primary_domains.account_id, primary_domains.full_name,
        primary_domains.email, primary_domains.email_domain

),

domain_findings as (

    select
        case
            when {{ is_public_email_domain('email_domain') }} then 'contact_personal_domain'
            else 'contact_domain_mismatch'
        end as rule,
        'contact' as entity_type,
        contact_id as entity_id,
        full_name as entity_name,
        account_id,
        'primary address ' || email || ' is on ' || email_domain || ', none of the account''s domains ('
            || account_domain_list || ')' as evidence,
        cast(null as {{ type_double() }}) as metric_value
    from domain_checks
    where account_domain_count > 0
        and not is_on_account_domain

),

contact_traffic as (

    -- the accounts of the activities each linked contact took part in over the last
    -- `hygiene_lookback_days` days (macro within_hygiene_lookback)
    select
        contacts.contact_id,
        contacts.account_id as linked_account_id,
        activities.account_id as traffic_account_id,
        count(distinct activities.activity_id) as activity_count
    from {{ ref('fct_activity_participants') }} as participants
    inner join {{ ref('dim_contacts') }} as contacts
        on contacts.contact_id = participants.contact_id
    inner join {{ ref('fct_activities') }} as activities
        on activities.activity_id = participants.activity_id
    where participants.contact_id is not null
        and contacts.account_id is not null
        and activities.account_id is not null
        and {{ within_hygiene_lookback('activities.activity_date') }}
        -- the same days on the parties' side: the join then takes in their rows of those days only
        and {{ within_hygiene_lookback('participants.activity_date') }}
    group by 1, 2, 3

),

traffic_shares as (

    select
        contact_id,
        linked_account_id,
        traffic_account_id,
        activity_count,
        sum(activity_count) over (partition by contact_id) as total_count,
        sum(case when traffic_account_id = linked_account_id then activity_count else 0 end)
            over (partition by contact_id) as linked_count,
        row_number() over (
            partition by contact_id
            order by case when traffic_account_id = linked_account_id then 1 else 0 end, activity_count desc, traffic_account_id
        ) as other_rank
    from contact_traffic

),

traffic_findings as (

    select
        'contact_traffic_other_account' as rule,
        'contact' as entity_type,
        traffic_shares.contact_id as entity_id,
        contacts.full_name as entity_name,
        traffic_shares.linked_account_id as account_id,
        cast(traffic_shares.activity_count as {{ type_text() }}) || ' of ' || cast(traffic_shares.total_count as {{ type_text() }})
            || ' activities are with ' || traffic_shares.traffic_account_id || ' (' || other.account_name
            || '), ' || cast(traffic_shares.linked_count as {{ type_text() }}) || ' with the linked account '
            || traffic_shares.linked_account_id || ' (' || linked.account_name || ')' as evidence,
        cast(traffic_shares.activity_count as {{ type_double() }}) / traffic_shares.total_count as metric_value
    from traffic_shares
    inner join {{ ref('dim_contacts') }} as contacts
        on contacts.contact_id = traffic_shares.contact_id
    left join {{ ref('dim_accounts') }} as other
        on other.account_id = traffic_shares.traffic_account_id
    left join {{ ref('dim_accounts') }} as linked
        on linked.account_id = traffic_shares.linked_account_id
    where traffic_shares.other_rank = 1
        and traffic_shares.traffic_account_id <> traffic_shares.linked_account_id
        and traffic_shares.total_count >= {{ numeric_var('hygiene_traffic_min_activities', 5) }}
        and traffic_shares.activity_count >= 0.5 * traffic_shares.total_count
        and traffic_shares.linked_count < 0.5 * traffic_shares.total_count

),

shared_addresses as (

    -- contacts holding the same address, oldest record first
    select
        addresses.email_address,
        addresses.contact_id,
        contacts.full_name,
        contacts.account_id,
        row_number() over (
            partition by addresses.email_address
            order by staged_contacts.created_date nulls last, addresses.contact_id
        ) as record_rank,
        first_value(addresses.contact_id) over (
            partition by addresses.email_address
            order by staged_contacts.created_date nulls last, addresses.contact_id
        ) as original_contact_id
    from {{ ref('int_addresses__unioned') }} as addresses
    inner join {{ ref('dim_contacts') }} as contacts
        on contacts.contact_id = addresses.contact_id
    left join {{ ref('stg_landed__contacts') }} as staged_contacts
        on staged_contacts.contact_id = addresses.contact_id
    where addresses.owner_type = 'contact'
        and addresses.is_shared_between_contacts

),

same_email_findings as (

    select
        'duplicate_contact_same_email' as rule,
        'contact' as entity_type,
        contact_id as entity_id,
        min(full_name) as entity_name,
        min(account_id) as account_id,
        'shares ' || min(email_address) || ' with the older record ' || min(original_contact_id) as evidence,
        cast(null as {{ type_double() }}) as metric_value
    from shared_addresses
    where record_rank > 1
    group by contact_id

),

normalised_names as (

    select
        contacts.contact_id,
        contacts.full_name,
        contacts.account_id,
        trim(regexp_replace(lower(contacts.full_name), '\s+', ' ', 'g')) as name_key,
        staged_contacts.created_date
    from {{ ref('dim_contacts') }} as contacts
    left join {{ ref('stg_landed__contacts') }} as staged_contacts
        on staged_contacts.contact_id = contacts.contact_id
    where contacts.account_id is not null

),

name_groups as (

    select
        *,
        row_number() over (partition by account_id, name_key order by created_date nulls last, contact_id) as record_rank,
        first_value(contact_id) over (partition by account_id, name_key order by created_date nulls last, contact_id)
            as original_contact_id
    from normalised_names

),

same_name_findings as (

    select
        'duplicate_contact_same_name' as rule,
        'contact' as entity_type,
        name_groups.contact_id as entity_id,
        name_groups.full_name as entity_name,
        name_groups.account_id,
        'same name as the older record ' || name_groups.original_contact_id || ' at ' || name_groups.account_id
            || ' ("' || name_groups.full_name || '" vs "' || original.full_name || '")' as evidence,
        cast(null as {{ type_double() }}) as metric_value
    from name_groups
    inner join {{ ref('dim_contacts') }} as original
        on original.contact_id = name_groups.original_contact_id
    where name_groups.record_rank > 1
        -- already reported as a same-address duplicate
        and name_groups.contact_id not in (select entity_id from same_email_findings)

),

orphan_findings as (

    select
        case when is_orphan then 'orphan_contact' else 'contact_unknown_account' end as rule,
        'contact' as entity_type,
        contact_id as entity_id,
        full_name as entity_name,
        cast(null as {{ type_text() }}) as account_id,
        case
            when is_orphan then 'the CRM links the contact to no account'
            else 'the CRM links the contact to account ' || crm_account_id || ', which is not in the accounts extract'
        end as evidence,
        cast(null as {{ type_double() }}) as metric_value
    from {{ ref('dim_contacts') }} as contacts
    where is_orphan or has_unknown_account

),

opportunity_contact_findings as (

    select
        'opportunity_contact_other_account' as rule,
        'opportunity_contact' as entity_type,
        opportunity_contacts.opportunity_id || '|' || opportunity_contacts.contact_id as entity_id,
        opportunities.opportunity_name || ' / ' || contacts.full_name as entity_name,
        opportunities.account_id,
        'contact ' || contacts.contact_id || ' belongs to ' || contacts.account_id || ' (' || contact_account.account_name
            || '), the opportunity ' || opportunities.opportunity_id || ' to ' || opportunities.account_id
            || ' (' || deal_account.account_name || ')' as evidence,
        cast(null as {{ type_double() }}) as metric_value
    from {{ ref('stg_landed__opportunity_contacts') }} as opportunity_contacts
    inner join {{ ref('dim_opportunities') }} as opportunities
        on opportunities.opportunity_id = opportunity_contacts.opportunity_id
    inner join {{ ref('dim_contacts') }} as contacts
        on contacts.contact_id = opportunity_contacts.contact_id
    left join {{ ref('dim_accounts') }} as contact_account
        on contact_account.account_id = contacts.account_id
    left join {{ ref('dim_accounts') }} as deal_account
        on deal_account.account_id = opportunities.account_id
    where contacts.account_id is not null
        and contacts.account_id <> opportunities.account_id

),

unioned as (

    select * from domain_findings
    union all
    select * from traffic_findings
    union all
    select * from same_email_findings
    union all
    select * from same_name_findings
    union all
    select * from orphan_findings
    union all
    select * from opportunity_contact_findings

),

final as (

    select
        unioned.rule,
        unioned.entity_type,
        unioned.entity_id,
        unioned.entity_name,
        unioned.account_id,
        accounts.owner_user_id as user_id,
        -- link findings have no period
        cast(null as date) as start_date,
        cast(null as date) as end_date,
        unioned.evidence,
        case unioned.rule
            when 'contact_personal_domain' then 'Ask the contact for a business address or confirm the account link; keep the personal address as an alias only.'
            when 'contact_domain_mismatch' then 'Check whether the person works for a partner or another company and relink the contact, or add the domain to the account.'
            when 'contact_traffic_other_account' then 'Move the contact to the account its traffic belongs to.'
            when 'duplicate_contact_same_email' then 'Merge this record into the older one.'
            when 'duplicate_contact_same_name' then 'Check both records and merge them (keep both addresses on one contact).'
            when 'orphan_contact' then 'Link the contact to its account (its traffic and domain show which).'
            when 'contact_unknown_account' then 'Add the missing account to the extract or relink the contact.'
            when 'opportunity_contact_other_account' then 'Remove the contact from the opportunity or replace it with the right person at the deal''s account.'
        end as suggested_fix,
        unioned.metric_value
    from unioned
    left join {{ ref('dim_accounts') }} as accounts
        on accounts.account_id = unioned.account_id

)

select * from final
