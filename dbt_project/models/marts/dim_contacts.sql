with

contact_addresses as (

    select
        contact_id,
        count(*) as address_count,
        {{ dbt.listagg('email_address', "';'", 'order by email_address') }} as email_addresses,
        {{ dbt.bool_or('is_shared_between_contacts') }} as has_shared_address,
        {{ dbt.bool_or('is_shared_user_and_contact') }} as has_user_address

    from {{ ref('int_addresses__unioned') }} as addresses
    where owner_type = 'contact'
    group by 1

),

domain_matches as (

    -- does any of the contact's addresses sit on (a subdomain of) one of its account's domains?
    select
        addresses.contact_id,
        {{ dbt.bool_or(is_on_domain('addresses.email_domain', 'account_domains.domain')) }} as is_on_account_domain

    from {{ ref('int_addresses__unioned') }} as addresses
    inner join {{ ref('int_account_domains__unnested') }} as account_domains
        on addresses.account_id = account_domains.account_id
    where addresses.owner_type = 'contact'
    group by 1

),

final as (

    select
        {{ contract_columns('contacts', except=['account_id', 'crm_account_id', 'email_addresses', 'address_count', 'is_decision_maker', 'is_orphan', 'has_unknown_account', 'has_shared_address', 'has_user_address', 'is_on_account_domain']) }}
        cast(accounts.account_id as {{ type_text() }}) as account_id,
        cast(contacts.account_id as {{ type_text() }}) as crm_account_id,
        cast(contact_addresses.email_addresses as {{ type_text() }}) as email_addresses,
        cast(coalesce(contact_addresses.address_count, 0) as bigint) as address_count,
        cast(contacts.contact_role = 'decision_maker' as boolean) as is_decision_maker,
        cast(contacts.account_id is null as boolean) as is_orphan,
        cast(contacts.account_id is not null and accounts.account_id is null as boolean) as has_unknown_account,
        cast(coalesce(contact_addresses.has_shared_address, false) as boolean) as has_shared_address,
        cast(coalesce(contact_addresses.has_user_address, false) as boolean) as has_user_address,
        cast(domain_matches.is_on_account_domain as boolean) as is_on_account_domain
    from {{ ref('stg_landed__contacts') }} as contacts
    left join {{ ref('stg_landed__accounts') }} as accounts
        on contacts.account_id = accounts.account_id
    left join contact_addresses
        on contacts.contact_id = contact_addresses.contact_id
    left join domain_matches
        on contacts.contact_id = domain_matches.contact_id

)

select * from final
