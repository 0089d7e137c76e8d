with

renamed as (

    select
        trim(opportunity_id) as opportunity_id,
        trim(contact_id) as contact_id,
        coalesce(nullif(lower(trim(role)), ''), 'unknown') as deal_role,
        coalesce(is_primary, false) as is_primary,
        {{ batch_columns() }}

    from {{ source('landed', 'opportunity_contacts') }} as source

)

{{ latest_batch_rows('renamed', 'opportunity_id, contact_id') }}
