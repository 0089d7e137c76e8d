{#- Signal arithmetic the contact, account and opportunity features share, so a rate or a mean is
    computed the same way at every level. -#}

{% macro reply_rate(replies, emails_sent) -%}
    {#- replies per e-mail we sent, at most 1; null when we sent none -#}
    case when {{ emails_sent }} > 0
        then least(cast({{ replies }} as {{ type_double() }}) / {{ emails_sent }}, 1.0)
    end
{%- endmacro %}

{% macro mean_or_null(total, count) -%}
    {#- total / count, null when nothing was counted; divided in double precision (Postgres would
        divide an exact sum in numeric and round differently) -#}
    case when {{ count }} > 0 then cast({{ total }} as {{ type_double() }}) / {{ count }} end
{%- endmacro %}

{% macro contact_signal_means(relation_alias) -%}
    {#- Aggregates of a group of contacts' signals (an account's, a deal's): the sentiment sum (the
        mean is sentiment_sum_90d / sentiment_count_90d) and each response time averaged over the
        contacts who have one. Exact sums, so a rebuild gives the same bits. -#}
        {{ exact_sum(relation_alias ~ '.sentiment_90d * ' ~ relation_alias ~ '.sentiment_count_90d') }} as sentiment_sum_90d,
    {%- for column in ['their_response_hours_90d', 'our_response_hours_90d',
                       'their_response_business_hours_90d', 'our_response_business_hours_90d'] %}
        {{ exact_avg(relation_alias ~ '.' ~ column) }} as {{ column }},
    {%- endfor %}
{%- endmacro %}
