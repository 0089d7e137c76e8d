-- What the activity-grain models are built from in this run (macros/activity_rebuild.sql,
-- activity_chain_inputs), listed once: int_activities__to_rebuild compares it with the record of
-- the last complete build (int_activity_inputs__built), which copies it when the chain is complete.
{{ config(tags=['run_log']) }}

-- (input_kind, input_key, input_version) and the invocation that wrote them
select inputs.*, {{ written_by_this_build() }}
from ({{ activity_chain_inputs() }}) as inputs
