with

source as (

    select * from {{ source('landed', 'opportunity_stage_history') }}

),

renamed as (

    select
        trim(opportunity_id) as opportunity_id,
        changed_at,
        trim(stage) as stage,
        cast(stage_rank as integer) as stage_rank,
        amount,
        expected_close_date,
        nullif(lower(trim(status)), '') as opportunity_status,
        _batch_id as batch_id,
        _source_row as source_row

    from source

),

ranked as (

    {{ rank_by_latest_batch('renamed', 'opportunity_id, changed_at') }}

),

final as (

    select
        opportunity_id,
        changed_at,
        stage,
        stage_rank,
        amount,
        expected_close_date,
        opportunity_status,
        batch_id,
        source_row

    from ranked
    where batch_rank = 1

)

select * from final
