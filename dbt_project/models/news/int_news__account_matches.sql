{{ config(materialized='ephemeral', contract={'enforced': false}) }}
-- Every match of a news item to an account (any confidence), with the item, its event type and the
-- account, for items whose event time is on or before the as-of date (nothing from the future).
{%- set p = var('news') %}

with

as_of as (
    {{ as_of_date_select(ref('fct_activities')) }}
)

select
    matches.account_id,
    accounts.account_name,
    items.item_id,
    items.title,
    items.summary,
    items.link,
    items.feed_name as source_feed,
    items.published_at,
    items.published_time_known,
    items.event_at,
    cast(items.event_at as date) as event_date,
    coalesce(events.event_type, 'other') as event_type,
    events.event_evidence,
    matches.evidence as matched_on,
    matches.confidence,
    matches.confidence >= {{ numeric_value(p.min_confidence, 'news.min_confidence') }} as is_confident,
    cast(items.event_at as date) > {{ dbt.dateadd('day', -(numeric_value(p.whats_new_days, 'news.whats_new_days') | int), 'as_of.as_of_date') }}
        as is_whats_new,
    as_of.as_of_date
from {{ source('news', 'item_matches') }} as matches
inner join {{ ref('stg_news__items') }} as items on matches.item_id = items.item_id
inner join {{ ref('dim_accounts') }} as accounts on matches.account_id = accounts.account_id
left join {{ source('news', 'item_events') }} as events on matches.item_id = events.item_id
cross join as_of
where cast(items.event_at as date) <= as_of.as_of_date
