{% macro account_news_rows(confident) -%}
    {#- The published columns of the account news matches (models/news/int_news__account_matches),
        those at or above news.min_confidence (`confident`) or those below it. -#}
select
    cast(account_id as {{ type_text() }}) as account_id,
    cast(account_name as {{ type_text() }}) as account_name,
    cast(item_id as {{ type_text() }}) as item_id,
    cast(title as {{ type_text() }}) as title,
    cast(summary as {{ type_text() }}) as summary,
    cast(link as {{ type_text() }}) as link,
    cast(source_feed as {{ type_text() }}) as source_feed,
    cast(published_at as timestamp) as published_at,
    cast(published_time_known as boolean) as published_time_known,
    cast(event_date as date) as event_date,
    cast(event_type as {{ type_text() }}) as event_type,
    cast(event_evidence as {{ type_text() }}) as event_evidence,
    cast(matched_on as {{ type_text() }}) as matched_on,
    cast(confidence as {{ type_double() }}) as confidence,
    cast(is_whats_new as boolean) as is_whats_new,
    cast(as_of_date as date) as as_of_date
from {{ ref('int_news__account_matches') }}
where {{ 'is_confident' if confident else 'not is_confident' }}
{%- endmacro %}
