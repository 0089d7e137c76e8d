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
