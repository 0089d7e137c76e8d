-- "My accounts": every owner's accounts on the run's date, riskiest first. `risk_rank` (1 = look
-- first, per owner): the lowest rating first (unscored accounts last); within a rating the largest
-- open pipeline; then the steepest fall over 7 days; then the lowest score; then the account id.
with

as_of as (
    {{ as_of_date_select(ref('fct_activities')) }}
),

pipeline as (
    select account_id, count(*) as open_opportunities, sum(amount) as open_pipeline_amount
    from {{ ref('dim_opportunities') }}
    where is_open
    group by 1
),

open_recommendations as (
    select account_id, count(*) as open_recommendations, min(priority) as top_priority
    from {{ ref('recommendations') }}
    where status = 'open'
    group by 1
),

accounts as (
    select
        health.snapshot_date,
        health.owner_user_id,
        health.account_id,
        health.account_name,
        health.segment,
        health.score,
        health.rating,
        health.trend,
        health.score_delta_7d,
        health.score_delta_30d,
        health.rating_transition,
        health.days_since_meaningful,
        health.is_going_quiet,
        nullif(split_part(coalesce(health.reasons_down, ''), '; ', 1), '') as top_reason_down,
        coalesce(pipeline.open_opportunities, 0) as open_opportunities,
        coalesce(pipeline.open_pipeline_amount, 0) as open_pipeline_amount,
        coalesce(open_recommendations.open_recommendations, 0) as open_recommendations
    from {{ ref('account_health') }} as health
    left join pipeline on health.account_id = pipeline.account_id
    left join open_recommendations on health.account_id = open_recommendations.account_id
    where health.snapshot_date = (select as_of_date from as_of)
)

select
    cast(accounts.snapshot_date as date) as snapshot_date,
    cast(accounts.owner_user_id as {{ type_text() }}) as owner_user_id,
    cast(owners.full_name as {{ type_text() }}) as owner_name,
    cast(row_number() over (
        partition by accounts.owner_user_id
        order by coalesce({{ rating_rank('accounts.rating') }}, 5), accounts.open_pipeline_amount desc,
            accounts.score_delta_7d, accounts.score, accounts.account_id
    ) as integer) as risk_rank,
    cast(accounts.account_id as {{ type_text() }}) as account_id,
    cast(accounts.account_name as {{ type_text() }}) as account_name,
    cast(accounts.segment as {{ type_text() }}) as segment,
    cast(accounts.score as {{ type_double() }}) as score,
    cast(accounts.rating as {{ type_text() }}) as rating,
    cast(accounts.trend as {{ type_text() }}) as trend,
    cast(accounts.score_delta_7d as {{ type_double() }}) as score_delta_7d,
    cast(accounts.score_delta_30d as {{ type_double() }}) as score_delta_30d,
    cast(accounts.rating_transition as {{ type_text() }}) as rating_transition,
    cast(accounts.open_opportunities as integer) as open_opportunities,
    cast(accounts.open_pipeline_amount as {{ type_double() }}) as open_pipeline_amount,
    cast(accounts.days_since_meaningful as integer) as days_since_meaningful,
    cast(accounts.is_going_quiet as boolean) as is_going_quiet,
    cast(accounts.top_reason_down as {{ type_text() }}) as top_reason_down,
    cast(accounts.open_recommendations as integer) as open_recommendations
from accounts
left join {{ ref('dim_users') }} as owners on accounts.owner_user_id = owners.user_id
