-- Every news run's record of every feed.
select
    cast(run_id as varchar) as run_id,
    cast(feed_name as varchar) as feed_name,
    cast(location as varchar) as location,
    cast(status as varchar) as status,
    cast(reason as varchar) as reason,
    cast(http_status as integer) as http_status,
    cast(attempts as integer) as attempts,
    cast(elapsed_seconds as double precision) as elapsed_seconds,
    cast(bozo as boolean) as is_malformed,
    cast(bozo_reason as varchar) as malformed_reason,
    cast(entries_read as integer) as entries_read,
    cast(entries_skipped as integer) as entries_skipped,
    cast(items_new as integer) as items_new,
    cast(items_duplicate as integer) as items_duplicate,
    cast(fetched_at as timestamp) as fetched_at
from {{ source('news_landed', 'feed_runs') }}
