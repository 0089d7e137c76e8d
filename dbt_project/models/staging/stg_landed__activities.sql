{%- set key_columns = ['activity_id'] %}
{{ config(materialized='incremental', incremental_strategy='delete+insert',
          pre_hook="{{ forget_replaced_batches('activities') }}", unique_key=key_columns) }}

{%- set new_batches = new_batch_ids('activities') %}
with

renamed as (

    select
        trim(activity_id) as activity_id,
        lower(trim(activity_type)) as activity_type,
        started_at,
        cast(started_at_offset_minutes as integer) as started_at_offset_minutes,
        ended_at,
        lower(trim(status)) as activity_status,
        lower(trim(source.source)) as activity_source,
        nullif(trim(subject), '') as subject,
        nullif(trim(thread_id), '') as thread_id,
        nullif(trim(parent_activity_id), '') as parent_activity_id,
        nullif(trim(internet_message_id), '') as internet_message_id,
        nullif(trim(regarding_opportunity_id), '') as regarding_opportunity_id,
        nullif(trim(regarding_account_id), '') as regarding_account_id,
        nullif(trim(owner_user_id), '') as owner_user_id,
        body_sentiment,
        {{ batch_columns() }}

    from {{ source('landed', 'activities') }} as source
    {{ only_new_batches(new_batches) }}

),

{{ latest_rows_of_new_batches('renamed', 'activities', key_columns, new_batches) }}
