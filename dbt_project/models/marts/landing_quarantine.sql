-- Rows landing refused, one row per broken field, so RevOps can see what was kept out and why.

with

final as (

    select
        cast(quarantine_id as varchar) as quarantine_id,
        cast(entity as varchar) as entity,
        cast(batch_id as varchar) as batch_id,
        cast(source_file as varchar) as source_file,
        cast(source_row_number as bigint) as source_row_number,
        cast(field_name as varchar) as field_name,
        cast(reason as varchar) as reason,
        cast(raw_record as varchar) as raw_record

    from {{ ref('stg_landed__quarantine') }} as quarantine

)

select * from final
