with

source as (

    select * from {{ source('landed', 'email_events') }}

),

renamed as (

    select
        trim(event_id) as event_id,
        trim(activity_id) as activity_id,
        lower(trim(event_type)) as event_type,
        occurred_at,
        {{ normalize_email('recipient_email') }} as recipient_email,
        is_machine_open,
        nullif(trim(user_agent), '') as user_agent,
        nullif(trim(link_url), '') as link_url,
        _batch_id as batch_id,
        _source_row as source_row

    from source

),

ranked as (

    {{ rank_by_latest_batch('renamed', 'event_id') }}

),

final as (

    select
        event_id,
        activity_id,
        event_type,
        occurred_at,
        recipient_email,
        is_machine_open,
        user_agent,
        link_url,
        batch_id,
        source_row

    from ranked
    where batch_rank = 1

)

select * from final
