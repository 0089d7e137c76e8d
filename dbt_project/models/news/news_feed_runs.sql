{{ config(tags=['run_log']) }}
-- Every news run's record of every feed: fetched, not modified (the feed said nothing changed since
-- the last run) or failed with the reason; malformed feeds read anyway; items new and seen before.
select * from {{ ref('stg_news__feed_runs') }}
