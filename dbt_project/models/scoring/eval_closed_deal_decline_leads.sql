-- For the model evaluation: every closed deal scored up to the day before it closed, with the
-- first day in the `evaluation_decline_window_days` before closing on which its health showed a
-- sustained decline, and how many days ahead of the close that was (null: never flagged). Lost
-- deals measure how early a decline warns; won deals how often the same flag cries wolf.
{%- set window_days = var('evaluation_decline_window_days') %}

with

closed as (
    select opportunity_id, opportunity_status, closed_date
    from {{ ref('dim_opportunities') }} as opportunities
    where opportunity_status in ('won', 'lost')
),

first_decline as (
    select
        scores.opportunity_id,
        min(scores.snapshot_date) as first_decline_date
    from {{ source('ml', 'opportunity_scores') }} as scores
    inner join closed on scores.opportunity_id = closed.opportunity_id
    where scores.is_sustained_decline and scores.snapshot_date >= closed.closed_date - {{ window_days }}
    group by 1
)

select
    closed.opportunity_id,
    closed.opportunity_status,
    closed.closed_date,
    first_decline.first_decline_date,
    cast({{ dbt.datediff('first_decline.first_decline_date', 'closed.closed_date', 'day') }} as bigint) as lead_days
from closed
left join first_decline on closed.opportunity_id = first_decline.opportunity_id
where closed.closed_date in (select snapshot_date + 1 from {{ source('ml', 'opportunity_scores') }} as scores)
