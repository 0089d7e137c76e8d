with

renamed as (

    select
        trim(opportunity_id) as opportunity_id,
        changed_at,
        trim(stage) as stage,
        cast(stage_rank as integer) as stage_rank,
        amount,
        expected_close_date,
        nullif(lower(trim(status)), '') as opportunity_status,
        {{ batch_columns() }}

    from {{ source('landed', 'opportunity_stage_history') }} as source

)

{{ latest_batch_rows('renamed', 'opportunity_id, changed_at') }}
