with

known_time_zones as (

    {{ known_time_zones() }}

),

renamed as (

    select
        trim(user_id) as user_id,
        trim(full_name) as full_name,
        {{ normalize_email('email') }} as email,
        email_aliases,
        nullif(trim(manager_user_id), '') as manager_user_id,
        nullif(trim(team), '') as team,
        nullif(trim(title), '') as title,
        nullif(lower(trim(job_role)), '') as job_role,
        -- a time zone the database cannot convert to is as good as none (business hours need it)
        (
            select known_time_zones.name from known_time_zones
            where known_time_zones.name = trim(source.timezone)
        ) as timezone,
        coalesce(is_active, true) as is_active,
        {{ batch_columns() }}

    from {{ source('landed', 'users') }} as source

)

{{ latest_batch_rows('renamed', 'user_id') }}
