with

user_addresses as (

    select
        user_id,
        count(*) as address_count,
        {{ dbt.listagg('email_address', "';'", 'order by email_address') }} as email_addresses

    from {{ ref('int_addresses__unioned') }} as addresses
    where owner_type = 'user'
    group by 1

),

final as (

    select
        {{ contract_columns('users', except=['email_addresses', 'address_count', 'manager_full_name']) }}
        cast(user_addresses.email_addresses as {{ type_text() }}) as email_addresses,
        cast(coalesce(user_addresses.address_count, 0) as bigint) as address_count,
        cast(managers.full_name as {{ type_text() }}) as manager_full_name
    from {{ ref('stg_landed__users') }} as users
    left join user_addresses
        on users.user_id = user_addresses.user_id
    left join {{ ref('stg_landed__users') }} as managers
        on users.manager_user_id = managers.user_id

)

select * from final
