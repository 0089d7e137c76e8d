-- Account outcome per as-of date: 1 when the engagement continues — the customer side (any of the
-- account's contacts) reaches out or replies both in the first and the second half of the next
-- `account_label_horizon_days` days — or a deal with the account is won within them.
{%- set horizon = var('account_label_horizon_days') %}
{%- set half = horizon // 2 %}

with

touch as (
    select
        contacts.account_id,
        engagement.engagement_date,
        max(case when {{ customer_touch_count('engagement') }} > 0 then 1 else 0 end) as touch_day
    from {{ ref('fct_contact_daily_engagement') }} as engagement
    inner join {{ ref('dim_contacts') }} as contacts on engagement.contact_id = contacts.contact_id
    where contacts.account_id is not null
    group by 1, 2
),

won as (
    select account_id, closed_date, count(*) as won
    from {{ ref('dim_opportunities') }} as opportunities
    where is_won
    group by 1, 2
),

days as (
    select
        touch.account_id,
        touch.engagement_date,
        touch.touch_day,
        coalesce(won.won, 0) as won,
        max(touch.engagement_date) over () as last_date
    from touch
    left join won on touch.account_id = won.account_id and touch.engagement_date = won.closed_date
)

select
    account_id,
    engagement_date as as_of_date,
    cast(
        (sum(touch_day) over first_half > 0 and sum(touch_day) over second_half > 0)
        or sum(won) over whole_horizon > 0 as integer
    ) as label,
    engagement_date + {{ horizon }} as label_known_date
from days
window
    whole_horizon as (partition by account_id order by engagement_date
                      rows between 1 following and {{ horizon }} following),
    first_half as (partition by account_id order by engagement_date
                   rows between 1 following and {{ half }} following),
    second_half as (partition by account_id order by engagement_date
                    rows between {{ half + 1 }} following and {{ horizon }} following)
qualify engagement_date + {{ horizon }} <= last_date
