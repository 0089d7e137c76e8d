{% macro account_news_rows(confident) -%}
    {#- The published columns of the account news matches (models/news/int_news__account_matches),
        those at or above news.min_confidence (`confident`) or those below it. -#}
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
    cast(confidence as double precision) as confidence,
    cast(is_whats_new as boolean) as is_whats_new,
    cast(as_of_date as date) as as_of_date
from {{ ref('int_news__account_matches') }}
where {{ 'is_confident' if confident else 'not is_confident' }}
{%- endmacro %}
