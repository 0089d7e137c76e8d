-- Every news run's record of every feed.
select
    cast(run_id as {{ type_text() }}) as run_id,
    cast(feed_name as {{ type_text() }}) as feed_name,
    cast(location as {{ type_text() }}) as location,
    cast(status as {{ type_text() }}) as status,
    cast(reason as {{ type_text() }}) as reason,
    cast(http_status as integer) as http_status,
    cast(attempts as integer) as attempts,
    cast(elapsed_seconds as {{ type_double() }}) as elapsed_seconds,
    cast(bozo as boolean) as is_malformed,
    cast(bozo_reason as {{ type_text() }}) as malformed_reason,
    cast(entries_read as integer) as entries_read,
    cast(entries_skipped as integer) as entries_skipped,
    cast(items_new as integer) as items_new,
    cast(items_duplicate as integer) as items_duplicate,
    cast(fetched_at as timestamp) as fetched_at
from {{ source('news_landed', 'feed_runs') }}
