{%- set key_columns = ['activity_id', 'party_role', 'email_address'] %}
{{ config(materialized='incremental', incremental_strategy='delete+insert',
          pre_hook="{{ forget_replaced_batches('activity_parties') }}", unique_key=key_columns) }}

{%- set new_batches = new_batch_ids('activity_parties') %}
with

renamed as (

    select
        trim(activity_id) as activity_id,
        lower(trim(party_role)) as party_role,
        -- an address that does not survive clean-up is kept as written, so no party is lost
        coalesce({{ normalize_email('email_address') }}, lower(trim(email_address))) as email_address,
        nullif(trim(display_name), '') as display_name,
        nullif(lower(trim(participation_status)), '') as participation_status,
        {{ batch_columns() }}

    from {{ source('landed', 'activity_parties') }} as source
    {{ only_new_batches(new_batches) }}

),

-- the key is compared after clean-up: "J@X.com" and "j@x.com" in one role are one party
{{ latest_rows_of_new_batches('renamed', 'activity_parties', key_columns, new_batches) }}
