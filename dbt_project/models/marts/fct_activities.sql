-- Kept per activity (macros/activity_rebuild.sql).
{{ kept_per_activity() }}
{%- set to_rebuild = activities_to_rebuild() %}

with

final as (

    select
        {{ contract_columns(except=['started_at_local', 'duration_minutes', 'body_sentiment', 'dbt_invocation_id']) }}
        cast(
            {{ dbt.dateadd('minute', 'coalesce(started_at_offset_minutes, 0)', utc_timestamp('started_at')) }}
            as timestamp
        ) as started_at_local,
        cast(
            case
                when ended_at >= started_at
                    then {{ dbt.datediff('started_at', 'ended_at', 'second') }} / 60.0
            end
            as {{ type_double() }}
        ) as duration_minutes,
        -- sentiment is a customer signal only when the customer wrote the text
        cast(
            case
                when activity_type = 'email' and initiated_by = 'customer' then body_sentiment
            end
            as {{ type_double() }}
        ) as body_sentiment,
        {{ written_by_this_build() }}
    from {{ ref('int_activities__directed') }} as activities
    where {{ is_rebuilt('activities.activity_id', to_rebuild, ref('int_activities__directed')) }}

)

select * from final
-- the readers of a window of days read their row groups only
{{ clustered_by('activity_date') }}
