-- News items as landed (one row per article). The event time is the publication time when the feed
-- gave a usable one, else the time the item was first seen (`published_time_known` says which).
select
    cast(item_id as {{ type_text() }}) as item_id,
    cast(feed_name as {{ type_text() }}) as feed_name,
    cast(title as {{ type_text() }}) as title,
    cast(summary as {{ type_text() }}) as summary,
    cast(coalesce(canonical_link, link) as {{ type_text() }}) as link,
    cast(published_at as timestamp) as published_at,
    cast(published_status as {{ type_text() }}) as published_status,
    cast(first_seen_at as timestamp) as first_seen_at,
    cast(case when published_status = 'ok' then published_at else first_seen_at end as timestamp) as event_at,
    published_status = 'ok' as published_time_known
from {{ source('news_landed', 'items') }}
