with

renamed as (

    select
        trim(account_id) as account_id,
        trim(name) as account_name,
        aliases as account_aliases,
        domains as account_domains,
        nullif(lower(trim(segment)), '') as segment,
        nullif(trim(industry), '') as industry,
        nullif(trim(owner_user_id), '') as owner_user_id,
        created_date,
        {{ batch_columns() }}

    from {{ source('landed', 'accounts') }} as source

)

{{ latest_batch_rows('renamed', 'account_id') }}
