-- Contact outcome per as-of date: 1 when the contact reaches out or replies (a customer touch) in
-- the `contact_label_horizon_days` days after it (macro customer_touch_within). Only as-of dates
-- whose whole horizon is known by the last engagement date get a label; `label_known_date` is the
-- day it could be observed.
--
-- Kept incrementally: a build rebuilds the as-of dates whose horizon reaches the engagement days it
-- wrote (macro label_window_start); the tests then check those rows (written_by_this_build).
{%- set horizon = var('contact_label_horizon_days') %}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='append_new_columns',
          pre_hook="{{ delete_label_window(ref('fct_contact_daily_engagement'), 'engagement_date', var('contact_label_horizon_days')) }}") }}
{%- set window_start = label_window_start(ref('fct_contact_daily_engagement'), 'engagement_date', horizon) %}

with

last_day as (
    select max(engagement_date) as last_date
    from {{ ref('fct_contact_daily_engagement') }}
),

labelled as (
    {{ customer_touch_within(ref('fct_contact_daily_engagement'), horizon, window_start) }}
)

select contact_id, as_of_date, label, label_known_date, {{ written_by_this_build() }}
from labelled
where label_known_date <= (select last_date from last_day)
    {{- and_on_or_after('as_of_date', window_start) }}
