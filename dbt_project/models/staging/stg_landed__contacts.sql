with

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
        {{ batch_columns() }}

    from {{ source('landed', 'contacts') }} as source

)

{{ latest_batch_rows('renamed', 'contact_id') }}
