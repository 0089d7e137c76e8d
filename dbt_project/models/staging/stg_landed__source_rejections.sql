with

source as (

    select * from {{ source('landed', 'source_rejections') }}

),

renamed as (

    select
        trim(connector) as connector,
        trim(source_ref) as source_ref,
        trim(reason) as rejection_reason,
        nullif(trim(detail), '') as rejection_detail,
        _batch_id as batch_id,
        _source_row as source_row

    from source

),

ranked as (

    {{ rank_by_latest_batch('renamed', 'connector, source_ref') }}

),

final as (

    select
        connector,
        source_ref,
        rejection_reason,
        rejection_detail,
        batch_id,
        source_row

    from ranked
    where batch_rank = 1

)

select * from final
