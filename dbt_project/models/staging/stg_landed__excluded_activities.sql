with

source as (

    select * from {{ source('landed', 'excluded_activities') }}

),

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
        _batch_id as batch_id,
        _source_row as source_row

    from source

),

ranked as (

    {{ rank_by_latest_batch('renamed', 'activity_id') }}

),

final as (

    select
        activity_id,
        exclusion_rule,
        exclusion_detail,
        activity_type,
        started_at,
        sender_address,
        subject,
        source_ref,
        batch_id,
        source_row

    from ranked
    where batch_rank = 1

)

select * from final
