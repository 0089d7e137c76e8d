-- Contact outcome per as-of date: 1 when the contact reaches out or replies (a customer touch) in
-- the `contact_label_horizon_days` days after it (macro customer_touch_within). Only as-of dates
-- whose whole horizon is known by the last engagement date get a label; `label_known_date` is the
-- day it could be observed.

with

last_day as (
    select max(engagement_date) as last_date
    from {{ ref('fct_contact_daily_engagement') }}
),

labelled as (
    {{ customer_touch_within(ref('fct_contact_daily_engagement'), var('contact_label_horizon_days')) }}
)

select contact_id, as_of_date, label, label_known_date
from labelled
where label_known_date <= (select last_date from last_day)
