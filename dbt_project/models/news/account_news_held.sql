-- News matches kept apart: an item may be about the account, but the evidence is too weak (a common
-- or shared name without corroboration): below the var news.min_confidence, so not shown as news.
-- RevOps can review them, and add an alias or a domain to the account when they are right.
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
where not is_confident
