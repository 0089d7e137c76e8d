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
        cast(users.user_id as varchar) as user_id,
        cast(users.full_name as varchar) as full_name,
        cast(users.email as varchar) as email,
        cast(user_addresses.email_addresses as varchar) as email_addresses,
        cast(coalesce(user_addresses.address_count, 0) as bigint) as address_count,
        cast(users.manager_user_id as varchar) as manager_user_id,
        cast(managers.full_name as varchar) as manager_full_name,
        cast(users.team as varchar) as team,
        cast(users.title as varchar) as title,
        cast(users.job_role as varchar) as job_role,
        cast(users.timezone as varchar) as timezone,
        cast(users.is_active as boolean) as is_active

    from {{ ref('stg_landed__users') }} as users
    left join user_addresses
        on users.user_id = user_addresses.user_id
    left join {{ ref('stg_landed__users') }} as managers
        on users.manager_user_id = managers.user_id

)

select * from final
