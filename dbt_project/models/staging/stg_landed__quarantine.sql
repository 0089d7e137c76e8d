with

renamed as (

    select distinct
        trim(entity) as entity,
        batch_id,
        source_file,
        cast("row_number" as bigint) as source_row_number,
        nullif(trim(field), '') as field_name,
        reason,
        raw_record

    from {{ source('landed', 'quarantine') }} as source

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            "coalesce(entity, '')", "'|'",
            "coalesce(batch_id, '')", "'|'",
            "coalesce(source_file, '')", "'|'",
            "coalesce(cast(source_row_number as " ~ dbt.type_string() ~ "), '')", "'|'",
            "coalesce(field_name, '')", "'|'",
            "coalesce(reason, '')", "'|'",
            "coalesce(raw_record, '')",
        ])) }} as quarantine_id,
        entity,
        batch_id,
        source_file,
        source_row_number,
        field_name,
        reason,
        raw_record

    from renamed

)

select * from final
