with

source as (

    select * from {{ source('landed', 'opportunity_contacts') }}

),

renamed as (

    select
        trim(opportunity_id) as opportunity_id,
        trim(contact_id) as contact_id,
        coalesce(nullif(lower(trim(role)), ''), 'unknown') as deal_role,
        coalesce(is_primary, false) as is_primary,
        _batch_id as batch_id,
        _source_row as source_row

    from source

),

ranked as (

    {{ rank_by_latest_batch('renamed', 'opportunity_id, contact_id') }}

),

final as (

    select
        opportunity_id,
        contact_id,
        deal_role,
        is_primary,
        batch_id,
        source_row

    from ranked
    where batch_rank = 1

)

select * from final
