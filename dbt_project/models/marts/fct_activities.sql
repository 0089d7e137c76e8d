with

final as (

    select
        cast(activity_id as varchar) as activity_id,
        cast(activity_type as varchar) as activity_type,
        cast(started_at as timestamp with time zone) as started_at,
        cast(ended_at as timestamp with time zone) as ended_at,
        cast(started_at_offset_minutes as integer) as started_at_offset_minutes,
        cast(
            {{ dbt.dateadd('minute', 'coalesce(started_at_offset_minutes, 0)', utc_timestamp('started_at')) }}
            as timestamp
        ) as started_at_local,
        cast(activity_date as date) as activity_date,
        cast(
            case
                when ended_at >= started_at
                    then {{ dbt.datediff('started_at', 'ended_at', 'second') }} / 60.0
            end
            as double precision
        ) as duration_minutes,
        cast(activity_status as varchar) as activity_status,
        cast(activity_source as varchar) as activity_source,
        cast(direction as varchar) as direction,
        cast(initiated_by as varchar) as initiated_by,
        cast(initiator_user_id as varchar) as initiator_user_id,
        cast(initiator_contact_id as varchar) as initiator_contact_id,
        cast(owner_user_id as varchar) as owner_user_id,
        cast(account_id as varchar) as account_id,
        cast(account_source as varchar) as account_source,
        cast(opportunity_id as varchar) as opportunity_id,
        cast(thread_id as varchar) as thread_id,
        cast(parent_activity_id as varchar) as parent_activity_id,
        cast(internal_participant_count as bigint) as internal_participant_count,
        cast(external_participant_count as bigint) as external_participant_count,
        cast(contact_participant_count as bigint) as contact_participant_count,
        cast(unknown_external_participant_count as bigint) as unknown_external_participant_count,
        -- sentiment is a customer signal only when the customer wrote the text
        cast(
            case
                when activity_type = 'email' and initiated_by = 'customer' then body_sentiment
            end
            as double precision
        ) as body_sentiment,
        cast(copy_count as bigint) as copy_count

    from {{ ref('int_activities__directed') }} as activities

)

select * from final
