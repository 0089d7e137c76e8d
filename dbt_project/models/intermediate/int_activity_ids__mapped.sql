-- The same e-mail captured in several mailboxes arrives as several activities sharing one
-- Message-ID. Each activity maps to one canonical activity (the smallest activity_id of the
-- copies), so nothing downstream counts a message twice. Kept per activity
-- (macros/activity_rebuild.sql): a run rebuilds whole messages, every copy at once.
{{ kept_per_activity() }}
{%- set to_rebuild = activities_to_rebuild() %}

with

mapped as (

    select
        activity_id,
        activity_type,
        internet_message_id,
        thread_id,
        parent_activity_id,
        case
            when internet_message_id is null then activity_id
            else min(activity_id) over (partition by activity_type, internet_message_id)
        end as canonical_activity_id

    from {{ ref('stg_landed__activities') }} as activities
    where {{ is_rebuilt('activity_id', to_rebuild) }}

),

final as (

    select
        activity_id,
        canonical_activity_id,
        activity_id = canonical_activity_id as is_canonical,
        activity_type,
        internet_message_id,
        thread_id,
        parent_activity_id,
        {{ written_by_this_build() }}

    from mapped

)

select * from final
