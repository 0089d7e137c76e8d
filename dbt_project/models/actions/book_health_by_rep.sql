-- A manager's book: per rep (account owner) on the run's date, how many of their scored accounts
-- sit in each band and the share, the healthy share (Excellent or Good) now and 30 days before,
-- and the mean health of their `top_accounts` largest accounts (by open pipeline, then score)
-- against the rest of the book (the tail); with the rep's manager, and the open alerts.
{%- set p = var('book_health') %}

with

as_of as (
    {{ as_of_date_select(ref('fct_activities')) }}
),

pipeline as (
    select account_id, sum(amount) as open_pipeline_amount
    from {{ ref('dim_opportunities') }}
    where is_open
    group by 1
),

today as (
    select
        health.owner_user_id,
        health.account_id,
        health.score,
        health.rating,
        row_number() over (
            partition by health.owner_user_id
            order by coalesce(pipeline.open_pipeline_amount, 0) desc, health.score desc, health.account_id
        ) as size_rank
    from {{ ref('account_health') }} as health
    left join pipeline on health.account_id = pipeline.account_id
    where health.snapshot_date = (select as_of_date from as_of) and health.score is not null
),

month_ago as (
    select owner_user_id, count(*) as scored, sum(case when rating in ('Excellent', 'Good') then 1 else 0 end) as healthy
    from {{ ref('account_health') }}
    where snapshot_date = (select as_of_date from as_of) - 30 and score is not null
    group by 1
),

open_alerts as (
    select owner_user_id, count(distinct alert_id) as open_alerts
    from {{ ref('alerts') }}
    where status = 'open'
    group by 1
),

book as (
    select
        owner_user_id,
        count(*) as accounts_scored,
        sum(case when rating = 'Excellent' then 1 else 0 end) as excellent_count,
        sum(case when rating = 'Good' then 1 else 0 end) as good_count,
        sum(case when rating = 'Fair' then 1 else 0 end) as fair_count,
        sum(case when rating = 'Poor' then 1 else 0 end) as poor_count,
        avg(score) as mean_score,
        avg(case when size_rank <= {{ numeric_value(p.top_accounts, 'book_health.top_accounts') }} then score end) as top_accounts_mean_score,
        avg(case when size_rank > {{ numeric_value(p.top_accounts, 'book_health.top_accounts') }} then score end) as tail_mean_score
    from today
    group by 1
)

select
    cast((select as_of_date from as_of) as date) as snapshot_date,
    cast(book.owner_user_id as {{ type_text() }}) as owner_user_id,
    cast(owners.full_name as {{ type_text() }}) as owner_name,
    cast(owners.manager_user_id as {{ type_text() }}) as manager_user_id,
    cast(owners.manager_full_name as {{ type_text() }}) as manager_name,
    cast(book.accounts_scored as integer) as accounts_scored,
    cast(book.excellent_count as integer) as excellent_count,
    cast(book.good_count as integer) as good_count,
    cast(book.fair_count as integer) as fair_count,
    cast(book.poor_count as integer) as poor_count,
    cast({{ round_to("book.excellent_count * 1.0 / book.accounts_scored", 4) }} as {{ type_double() }}) as excellent_share,
    cast({{ round_to("book.good_count * 1.0 / book.accounts_scored", 4) }} as {{ type_double() }}) as good_share,
    cast({{ round_to("book.fair_count * 1.0 / book.accounts_scored", 4) }} as {{ type_double() }}) as fair_share,
    cast({{ round_to("book.poor_count * 1.0 / book.accounts_scored", 4) }} as {{ type_double() }}) as poor_share,
    cast({{ round_to("(book.excellent_count + book.good_count) * 1.0 / book.accounts_scored", 4) }} as {{ type_double() }}) as healthy_share,
    cast({{ round_to("month_ago.healthy * 1.0 / nullif(month_ago.scored, 0)", 4) }} as {{ type_double() }}) as healthy_share_30d_ago,
    cast({{ round_to("(book.excellent_count + book.good_count) * 1.0 / book.accounts_scored - month_ago.healthy * 1.0 / nullif(month_ago.scored, 0)", 4) }} as {{ type_double() }}) as healthy_share_change_30d,
    cast({{ round_to("book.mean_score", 1) }} as {{ type_double() }}) as mean_score,
    cast({{ round_to("book.top_accounts_mean_score", 1) }} as {{ type_double() }}) as top_accounts_mean_score,
    cast({{ round_to("book.tail_mean_score", 1) }} as {{ type_double() }}) as tail_mean_score,
    cast(coalesce(open_alerts.open_alerts, 0) as integer) as open_alerts
from book
left join month_ago on book.owner_user_id = month_ago.owner_user_id
left join open_alerts on book.owner_user_id = open_alerts.owner_user_id
left join {{ ref('dim_users') }} as owners on book.owner_user_id = owners.user_id
