with

source as (

    select * from {{ source('landed', 'opportunities') }}

),

renamed as (

    select
        trim(opportunity_id) as opportunity_id,
        trim(account_id) as account_id,
        trim(owner_user_id) as owner_user_id,
        trim(name) as opportunity_name,
        trim(stage) as stage,
        cast(stage_rank as integer) as stage_rank,
        amount,
        nullif(upper(trim(currency)), '') as currency,
        lower(trim(status)) as opportunity_status,
        created_date,
        expected_close_date,
        closed_date,
        external_score,
        _batch_id as batch_id,
        _source_row as source_row

    from source

),

ranked as (

    {{ rank_by_latest_batch('renamed', 'opportunity_id') }}

),

final as (

    select
        opportunity_id,
        account_id,
        owner_user_id,
        opportunity_name,
        stage,
        stage_rank,
        amount,
        currency,
        opportunity_status,
        created_date,
        expected_close_date,
        closed_date,
        external_score,
        batch_id,
        source_row

    from ranked
    where batch_rank = 1

)

select * from final
