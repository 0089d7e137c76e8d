-- What the activity-grain models were last built from, completely (macros/activity_rebuild.sql,
-- activity_chain_inputs): the batches of activities, parties and e-mail events, the addresses,
-- accounts and deals activities are resolved against, and a hash of the settings. Built after the
-- last models of the chain, so a run that stops before the chain is complete leaves the previous
-- record; dbt_invocation_id is also the run whose int_activities__to_rebuild it completes.
{{ config(tags=['run_log']) }}
-- depends_on: {{ ref('fct_activities') }}
-- depends_on: {{ ref('fct_activity_participants') }}
-- depends_on: {{ ref('fct_email_engagement') }}

with

inputs as (

    {{ activity_chain_inputs() }}

)

select
    input_kind,
    input_key,
    input_version,
    {{ written_by_this_build() }}
from inputs
