{#- The engagement rules, one definition each, over a row of fct_contact_daily_engagement (or any
    relation with its daily count columns): the features, the scorer's labels and the docs
    (docs/scoring.md) all mean these. Each macro returns a count expression; a day "is" such a day
    when the count is > 0. `relation_alias` is the alias (or CTE name) the columns are read from. -#}

{% macro customer_touch_count(relation_alias) -%}
    {#- Customer touch: the customer side reached out to us that day: an e-mail from the contact,
        an inbound call, or any completed activity the contact started (a meeting they organised).
        A reply from the contact (replies_received) is an inbound e-mail from the contact on the
        same UTC day, so it is already counted in emails_inbound and is not added again: on the
        2026-03-31 demo warehouse no row has replies_received > 0 with emails_inbound = 0 (0 of
        34,511 days with a received reply). -#}
    ({{ relation_alias }}.emails_inbound + {{ relation_alias }}.calls_inbound + {{ relation_alias }}.customer_initiated_count)
{%- endmacro %}

{% macro meaningful_interaction_count(relation_alias) -%}
    {#- Meaningful interaction: one the customer side took part in: an e-mail from the contact, a
        completed meeting the contact attended, a connected call either way, a reply from the
        contact. Our one-way e-mails, opens, unanswered calls and missed meetings are not. -#}
    ({{ relation_alias }}.emails_inbound + {{ relation_alias }}.meetings_completed + {{ relation_alias }}.calls_outbound
        + {{ relation_alias }}.calls_inbound + {{ relation_alias }}.replies_received)
{%- endmacro %}

{% macro interaction_count(relation_alias) -%}
    {#- Any interaction: e-mails either way, completed meetings, connected calls either way -#}
    ({{ relation_alias }}.emails_outbound + {{ relation_alias }}.emails_inbound + {{ relation_alias }}.meetings_completed
        + {{ relation_alias }}.calls_outbound + {{ relation_alias }}.calls_inbound)
{%- endmacro %}

{% macro is_going_quiet(days_since_customer_touch, segment, ours_active) -%}
    {#- Going quiet (the var `going_quiet`): no customer touch for the segment's number of days, but
        one within `within_days`, while `ours_active` (we keep writing, or a deal is open) -#}
    {%- set p = var('going_quiet') -%}
    coalesce(
        {{ days_since_customer_touch }} >= case {{ segment }}
            {%- for segment_name, days in p.days.items() if segment_name != 'default' %}
            when {{ sql_string(segment_name) }} then {{ numeric_value(days, 'going_quiet.days.' ~ segment_name) }}
            {%- endfor %}
            else {{ numeric_value(p.days.default, 'going_quiet.days.default') }}
        end
        and {{ days_since_customer_touch }} <= {{ numeric_value(p.within_days, 'going_quiet.within_days') }}
        and ({{ ours_active }}),
        false
    )
{%- endmacro %}

{% macro customer_touch_within(engagement, horizon, from_day=none) -%}
    {#- contact_id, as_of_date, label (1 when a customer touch follows within `horizon` days),
        label_known_date (as_of_date + horizon), for every row of `engagement`
        (fct_contact_daily_engagement: one row per contact and day, no day missing), or for its rows
        from `from_day` (a Python date) on: a day's label looks only at the days after it, so then
        only those are read, not the history's. -#}
    {{- adapter.dispatch('customer_touch_within')(engagement, horizon, from_day) -}}
{%- endmacro %}

{% macro default__customer_touch_within(engagement, horizon, from_day=none) -%}
    {#- The days are consecutive rows, so the next `horizon` rows are the next `horizon` days. -#}
    select
        contact_id,
        engagement_date as as_of_date,
        cast(
            coalesce(sum({{ customer_touch_count('engagement') }}) over (
                partition by contact_id order by engagement_date
                rows between 1 following and {{ horizon }} following
            ), 0) > 0 as integer
        ) as label,
        engagement_date + {{ horizon }} as label_known_date
    from {{ engagement }} as engagement
    where true {{- and_on_or_after('engagement_date', from_day) }}
{%- endmacro %}

{% macro duckdb__customer_touch_within(engagement, horizon, from_day=none) -%}
    {#- Each day's next touch, found by an ASOF join rather than a window: a filter on as_of_date
        (the scorer reads a few dozen training dates) reaches the scan of the days, where a window
        would first be computed over every contact-day of the history. -#}
    select
        days.contact_id,
        days.engagement_date as as_of_date,
        cast(coalesce(touches.engagement_date <= days.engagement_date + {{ horizon }}, false) as integer) as label,
        days.engagement_date + {{ horizon }} as label_known_date
    from {{ engagement }} as days
    asof left join (
        select contact_id, engagement_date
        from {{ engagement }} as engagement
        where {{ customer_touch_count('engagement') }} > 0
            {%- if from_day is not none %}
            and engagement_date > {{ days_before(from_day, 0) }}
            {%- endif %}
    ) as touches
        on days.contact_id = touches.contact_id
        and touches.engagement_date > days.engagement_date
    where true {{- and_on_or_after('days.engagement_date', from_day) }}
{%- endmacro %}
