-- What the activity-grain models were last built from, completely (int_activity_chain_inputs,
-- macros/activity_rebuild.sql): the batches of activities, parties and e-mail events, the
-- addresses, accounts and deals activities are resolved against, and a hash of the settings. Built
-- after the last models of the chain, so a run that stops before the chain is complete leaves the
-- previous record; dbt_invocation_id is also the run whose int_activities__to_rebuild it completes.
{{ config(tags=['run_log']) }}
-- depends_on: {{ ref('fct_activities') }}
-- depends_on: {{ ref('fct_activity_participants') }}
-- depends_on: {{ ref('fct_email_engagement') }}

-- (input_kind, input_key, input_version) and the invocation that wrote them
select inputs.*, {{ written_by_this_build() }}
from ({{ current_chain_inputs() }}) as inputs
