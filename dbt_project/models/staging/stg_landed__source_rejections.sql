with

renamed as (

    select
        trim(connector) as connector,
        trim(source_ref) as source_ref,
        trim(reason) as rejection_reason,
        nullif(trim(detail), '') as rejection_detail,
        {{ batch_columns() }}

    from {{ source('landed', 'source_rejections') }} as source

)

{{ latest_batch_rows('renamed', 'connector, source_ref') }}
