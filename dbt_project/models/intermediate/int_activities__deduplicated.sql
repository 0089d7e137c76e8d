-- One row per canonical activity (copies of the same e-mail removed); reply links point at
-- canonical activities too. Kept per activity (macros/activity_rebuild.sql).
{{ kept_per_activity() }}
{%- set to_rebuild = activities_to_rebuild() %}

with

copy_counts as (

    select
        canonical_activity_id,
        count(*) as copy_count

    from {{ ref('int_activity_ids__mapped') }} as id_map
    where {{ is_rebuilt('id_map.canonical_activity_id', to_rebuild, ref('int_activity_ids__mapped')) }}
    group by 1

),

final as (

    select
        activities.activity_id,
        activities.activity_type,
        activities.started_at,
        activities.started_at_offset_minutes,
        activities.ended_at,
        activities.activity_status,
        activities.activity_source,
        activities.thread_id,
        coalesce(parent_map.canonical_activity_id, activities.parent_activity_id) as parent_activity_id,
        activities.internet_message_id,
        activities.regarding_opportunity_id,
        activities.regarding_account_id,
        activities.owner_user_id,
        activities.body_sentiment,
        copy_counts.copy_count,
        {{ written_by_this_build() }}

    from {{ ref('stg_landed__activities') }} as activities
    inner join {{ ref('int_activity_ids__mapped') }} as id_map
        on activities.activity_id = id_map.activity_id
        and id_map.is_canonical
    inner join copy_counts
        on activities.activity_id = copy_counts.canonical_activity_id
    left join {{ ref('int_activity_ids__mapped') }} as parent_map
        on activities.parent_activity_id = parent_map.activity_id
    where {{ is_rebuilt('activities.activity_id', to_rebuild) }}
        and {{ is_rebuilt('id_map.activity_id', to_rebuild, ref('int_activity_ids__mapped')) }}

)

select * from final
