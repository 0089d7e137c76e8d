-- What's New per account: news items matched to the account with a confidence at or above the var
-- news.min_confidence, up to the as-of date, each with the evidence of the match, its event type and
-- whether it falls in the last `whats_new_days` days. Lower-confidence matches are in account_news_held.
select
    cast(account_id as varchar) as account_id,
    cast(account_name as varchar) as account_name,
    cast(item_id as varchar) as item_id,
    cast(title as varchar) as title,
    cast(summary as varchar) as summary,
    cast(link as varchar) as link,
    cast(source_feed as varchar) as source_feed,
    cast(published_at as timestamp) as published_at,
    cast(published_time_known as boolean) as published_time_known,
    cast(event_date as date) as event_date,
    cast(event_type as varchar) as event_type,
    cast(event_evidence as varchar) as event_evidence,
    cast(matched_on as varchar) as matched_on,
    cast(confidence as double) as confidence,
    cast(is_whats_new as boolean) as is_whats_new,
    cast(as_of_date as date) as as_of_date
from {{ ref('int_news__account_matches') }}
where is_confident
