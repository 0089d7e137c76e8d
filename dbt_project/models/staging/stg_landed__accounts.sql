with

source as (

    select * from {{ source('landed', 'accounts') }}

),

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
        _batch_id as batch_id,
        _source_row as source_row

    from source

),

ranked as (

    {{ rank_by_latest_batch('renamed', 'account_id') }}

),

final as (

    select
        account_id,
        account_name,
        account_aliases,
        account_domains,
        segment,
        industry,
        owner_user_id,
        created_date,
        batch_id,
        source_row

    from ranked
    where batch_rank = 1

)

select * from final
