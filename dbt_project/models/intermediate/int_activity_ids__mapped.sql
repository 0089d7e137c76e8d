-- The same e-mail captured in several mailboxes arrives as several activities sharing one
-- Message-ID. Each activity maps to one canonical activity (the smallest activity_id of the
-- copies), so nothing downstream counts a message twice.

with

mapped as (

    select
        activity_id,
        internet_message_id,
        case
            when internet_message_id is null then activity_id
            else min(activity_id) over (partition by activity_type, internet_message_id)
        end as canonical_activity_id

    from {{ ref('stg_landed__activities') }} as activities

),

final as (

    select
        activity_id,
        canonical_activity_id,
        activity_id = canonical_activity_id as is_canonical,
        internet_message_id

    from mapped

)

select * from final
