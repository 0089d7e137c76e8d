{%- set key_columns = ['event_id'] %}
{{ config(materialized='incremental', incremental_strategy='delete+insert',
          pre_hook="{{ forget_replaced_batches('email_events') }}", unique_key=key_columns) }}

{%- set new_batches = new_batch_ids('email_events') %}
with

renamed as (

    select
        trim(event_id) as event_id,
        trim(activity_id) as activity_id,
        lower(trim(event_type)) as event_type,
        occurred_at,
        {{ normalize_email('recipient_email') }} as recipient_email,
        is_machine_open,
        nullif(trim(user_agent), '') as user_agent,
        nullif(trim(link_url), '') as link_url,
        {{ batch_columns() }}

    from {{ source('landed', 'email_events') }} as source
    {{ only_new_batches(new_batches) }}

),

{{ latest_rows_of_new_batches('renamed', 'email_events', key_columns, new_batches) }}
