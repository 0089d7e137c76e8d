-- A reply from the contact is an inbound e-mail from the contact on the same UTC day, so
-- customer_touch_count (macros/engagement_rules.sql) needs no replies_received term. Returns every
-- contact-day with a received reply that the customer-touch rule does not count (a warning: it
-- would mean a customer reply reached none of our people, and the rule would need replies again).
-- Of the contact-days this build wrote (macro rows_this_build_wrote), every one on a full build.

{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'fct_contact_daily_engagement'}}}) }}

select
    contact_id,
    engagement_date,
    replies_received,
    emails_inbound
from {{ rows_this_build_wrote(ref('fct_contact_daily_engagement')) }} as engagement
where replies_received > 0
    and {{ customer_touch_count('engagement') }} = 0
