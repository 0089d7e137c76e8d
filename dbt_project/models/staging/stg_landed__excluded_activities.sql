with

renamed as (

    select
        trim(activity_id) as activity_id,
        trim(rule) as exclusion_rule,
        nullif(trim(detail), '') as exclusion_detail,
        nullif(lower(trim(activity_type)), '') as activity_type,
        started_at,
        {{ normalize_email('sender_address') }} as sender_address,
        nullif(trim(subject), '') as subject,
        nullif(trim(source_ref), '') as source_ref,
        {{ batch_columns() }}

    from {{ source('landed', 'excluded_activities') }} as source

)

{{ latest_batch_rows('renamed', 'activity_id') }}
