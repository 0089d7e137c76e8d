with

source as (

    select * from {{ source('landed', 'activities') }}

),

renamed as (

    select
        trim(activity_id) as activity_id,
        lower(trim(activity_type)) as activity_type,
        started_at,
        cast(started_at_offset_minutes as integer) as started_at_offset_minutes,
        ended_at,
        lower(trim(status)) as activity_status,
        lower(trim(source.source)) as activity_source,
        nullif(trim(subject), '') as subject,
        nullif(trim(thread_id), '') as thread_id,
        nullif(trim(parent_activity_id), '') as parent_activity_id,
        nullif(trim(internet_message_id), '') as internet_message_id,
        nullif(trim(regarding_opportunity_id), '') as regarding_opportunity_id,
        nullif(trim(regarding_account_id), '') as regarding_account_id,
        nullif(trim(owner_user_id), '') as owner_user_id,
        body_sentiment,
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
        activity_type,
        started_at,
        started_at_offset_minutes,
        ended_at,
        activity_status,
        activity_source,
        subject,
        thread_id,
        parent_activity_id,
        internet_message_id,
        regarding_opportunity_id,
        regarding_account_id,
        owner_user_id,
        body_sentiment,
        batch_id,
        source_row

    from ranked
    where batch_rank = 1

)

select * from final
