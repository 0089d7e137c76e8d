with

source as (

    select * from {{ source('landed', 'contacts') }}

),

renamed as (

    select
        trim(contact_id) as contact_id,
        nullif(trim(account_id), '') as account_id,
        trim(full_name) as full_name,
        {{ normalize_email('email') }} as email,
        email_aliases,
        nullif(trim(title), '') as title,
        coalesce(nullif(lower(trim(role)), ''), 'unknown') as contact_role,
        created_date,
        _batch_id as batch_id,
        _source_row as source_row

    from source

),

ranked as (

    {{ rank_by_latest_batch('renamed', 'contact_id') }}

),

final as (

    select
        contact_id,
        account_id,
        full_name,
        email,
        email_aliases,
        title,
        contact_role,
        created_date,
        batch_id,
        source_row

    from ranked
    where batch_rank = 1

)

select * from final
