-- Every known e-mail address and who it belongs to: users and contacts, primary and alias
-- addresses. One row per address and owner; an address with several owners keeps a row for
-- each and is flagged, never assigned to one of them by guesswork.

with

user_aliases as (

    select
        user_id,
        {{ unnest_list('email_aliases') }} as raw_alias

    from {{ ref('stg_landed__users') }} as users

),

contact_aliases as (

    select
        contact_id,
        account_id,
        {{ unnest_list('email_aliases') }} as raw_alias

    from {{ ref('stg_landed__contacts') }} as contacts

),

owned_addresses as (

    select
        email as email_address,
        'user' as owner_type,
        user_id,
        cast(null as {{ dbt.type_string() }}) as contact_id,
        cast(null as {{ dbt.type_string() }}) as account_id,
        true as is_primary_address

    from {{ ref('stg_landed__users') }} as users
    where email is not null

    union all

    select
        {{ normalize_email('raw_alias') }} as email_address,
        'user' as owner_type,
        user_id,
        cast(null as {{ dbt.type_string() }}) as contact_id,
        cast(null as {{ dbt.type_string() }}) as account_id,
        false as is_primary_address

    from user_aliases

    union all

    select
        email as email_address,
        'contact' as owner_type,
        cast(null as {{ dbt.type_string() }}) as user_id,
        contact_id,
        account_id,
        true as is_primary_address

    from {{ ref('stg_landed__contacts') }} as contacts
    where email is not null

    union all

    select
        {{ normalize_email('raw_alias') }} as email_address,
        'contact' as owner_type,
        cast(null as {{ dbt.type_string() }}) as user_id,
        contact_id,
        account_id,
        false as is_primary_address

    from contact_aliases

),

per_owner as (

    -- an alias that repeats the primary address (or another alias) is one address
    select
        email_address,
        owner_type,
        coalesce(user_id, contact_id) as owner_id,
        user_id,
        contact_id,
        account_id,
        {{ dbt.bool_or('is_primary_address') }} as is_primary_address

    from owned_addresses
    where email_address is not null
    group by 1, 2, 3, 4, 5, 6

),

owner_counts as (

    select
        email_address,
        count(distinct user_id) as users_with_address,
        count(distinct contact_id) as contacts_with_address

    from per_owner
    group by 1

),

final as (

    select
        per_owner.email_address,
        per_owner.owner_type,
        per_owner.owner_id,
        per_owner.user_id,
        per_owner.contact_id,
        per_owner.account_id,
        per_owner.is_primary_address,
        {{ email_domain('per_owner.email_address') }} as email_domain,
        owner_counts.users_with_address,
        owner_counts.contacts_with_address,
        owner_counts.contacts_with_address > 1 as is_shared_between_contacts,
        owner_counts.users_with_address > 1 as is_shared_between_users,
        owner_counts.users_with_address > 0
            and owner_counts.contacts_with_address > 0 as is_shared_user_and_contact

    from per_owner
    inner join owner_counts
        on per_owner.email_address = owner_counts.email_address

)

select * from final
