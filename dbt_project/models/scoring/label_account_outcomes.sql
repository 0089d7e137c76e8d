-- Account outcome per as-of date: 1 when the account's contacts answer at least
-- `account_label_reply_rate` of the e-mails we write to them in the next `account_label_horizon_days`
-- days, or a deal with the account is won in them; 0 when they answer fewer. As-of dates whose
-- horizon holds none of our e-mails and no won deal get no label (nothing was asked).
-- Why replies and not "any touch": an account has many people, and one of them writing now and then
-- labelled 93 % of account-days healthy; the share of our e-mails answered is counted over every
-- conversation we start, so it tells an account that answers from one that lets most of them drop.
--
-- Kept incrementally: a build rebuilds the as-of dates whose horizon reaches the engagement days it
-- wrote (macro label_window_start), reading the engagement from the first of them on (the horizon
-- looks ahead only); the tests then check those rows (written_by_this_build).
{%- set horizon = var('account_label_horizon_days') %}
{%- set reply_rate = var('account_label_reply_rate') %}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='append_new_columns',
          pre_hook="{{ delete_label_window(ref('fct_contact_daily_engagement'), 'engagement_date', var('account_label_horizon_days')) }}") }}
{%- set window_start = label_window_start(ref('fct_contact_daily_engagement'), 'engagement_date', horizon) %}

with

account_days as (
    select
        contacts.account_id,
        engagement.engagement_date,
        sum(engagement.emails_outbound) as emails_outbound,
        -- a reply answers one of our e-mails: never more replies than e-mails that day
        sum(least(engagement.replies_received, engagement.emails_outbound)) as replies_received
    from {{ ref('fct_contact_daily_engagement') }} as engagement
    inner join {{ ref('dim_contacts') }} as contacts on engagement.contact_id = contacts.contact_id
    where contacts.account_id is not null
        {{- and_on_or_after('engagement.engagement_date', window_start) }}
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
        account_days.account_id,
        account_days.engagement_date,
        account_days.emails_outbound,
        account_days.replies_received,
        coalesce(won.won, 0) as won,
        max(account_days.engagement_date) over () as last_date
    from account_days
    left join won on account_days.account_id = won.account_id and account_days.engagement_date = won.closed_date
),

horizon as (
    select
        account_id,
        engagement_date,
        last_date,
        sum(emails_outbound) over next_days as emails_outbound,
        sum(replies_received) over next_days as replies_received,
        sum(won) over next_days as won
    from days
    window next_days as (partition by account_id order by engagement_date
                         rows between 1 following and {{ horizon }} following)
)

select
    account_id,
    engagement_date as as_of_date,
    cast(won > 0 or replies_received >= {{ reply_rate }} * emails_outbound as integer) as label,
    engagement_date + {{ horizon }} as label_known_date,
    {{ written_by_this_build() }}
from horizon
where engagement_date + {{ horizon }} <= last_date
  and (emails_outbound > 0 or won > 0)
