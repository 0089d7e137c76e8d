with

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
        {{ batch_columns() }}

    from {{ source('landed', 'opportunities') }} as source

)

{{ latest_batch_rows('renamed', 'opportunity_id') }}
