-- Every landed activity reaches fct_activities exactly once: as itself or as a copy of the
-- canonical e-mail it duplicates. Returns a row when the counts disagree.

-- attached to fct_activities so the orchestrator reports it as that table's check
{{ config(meta={'dagster': {'ref': {'name': 'fct_activities'}}}) }}

with

landed as (select count(*) as activity_count from {{ ref('stg_landed__activities') }}),
published as (select coalesce(sum(copy_count), 0) as activity_count from {{ ref('fct_activities') }})

select
    landed.activity_count as landed_activities,
    published.activity_count as published_activities

from landed
cross join published
where landed.activity_count <> published.activity_count
