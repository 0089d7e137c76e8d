-- Kept per activity (macros/activity_rebuild.sql).
{{ kept_per_activity() }}
{%- set to_rebuild = activities_to_rebuild() %}

with

final as (

    select
        {{ contract_columns('parties', except=['activity_type', 'started_at', 'activity_date', 'activity_status', 'direction', 'is_initiator', 'dbt_invocation_id']) }}
        cast(activities.activity_type as {{ type_text() }}) as activity_type,
        cast(activities.started_at as {{ type_timestamptz() }}) as started_at,
        cast(activities.activity_date as date) as activity_date,
        cast(activities.activity_status as {{ type_text() }}) as activity_status,
        cast(activities.direction as {{ type_text() }}) as direction,
        cast(coalesce(parties.person_key = activities.initiator_person_key, false) as boolean) as is_initiator,
        {{ written_by_this_build() }}
    from {{ ref('int_activity_parties__resolved') }} as parties
    inner join {{ ref('int_activities__directed') }} as activities
        on parties.activity_id = activities.activity_id
    where {{ is_rebuilt('parties.activity_id', to_rebuild, ref('int_activity_parties__resolved')) }}
        and {{ is_rebuilt('activities.activity_id', to_rebuild, ref('int_activities__directed')) }}

)

select * from final
-- the readers of a window of days read their row groups only
{{ clustered_by('activity_date') }}
