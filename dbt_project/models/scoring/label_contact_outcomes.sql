-- Contact outcome per as-of date: 1 when the contact reaches out or replies (a customer touch) in
-- the `contact_label_horizon_days` days after it. Only as-of dates whose whole horizon is known
-- by the last engagement date get a label; `label_known_date` is the day it could be observed.
{%- set horizon = var('contact_label_horizon_days') %}

with

days as (
    select
        contact_id,
        engagement_date,
        {{ customer_touch_count('engagement') }} as touch,
        max(engagement_date) over () as last_date
    from {{ ref('fct_contact_daily_engagement') }} as engagement
),

labelled as (
    select
        contact_id,
        engagement_date as as_of_date,
        cast(
            sum(touch) over (
                partition by contact_id order by engagement_date
                rows between 1 following and {{ horizon }} following
            ) > 0 as integer
        ) as label,
        engagement_date + {{ horizon }} as label_known_date,
        last_date
    from days
)

select contact_id, as_of_date, label, label_known_date
from labelled
where label_known_date <= last_date
