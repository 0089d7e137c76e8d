-- The landed activity_ids whose rows the activity-grain models rebuild in this run
-- (macros/activity_rebuild.sql), or one row with rebuild_all when they rebuild every activity.
-- The set starts from what changed since the chain was last built: the activities, parties and
-- e-mail events of batches it has not built yet; the activities that mention an account or a deal
-- that is new, gone or moved to another account; the activities with a party whose address (or
-- its base, before a +tag) changed owner. It grows by what those can change, reading each activity
-- as staged now and as the chain last built it (a later batch can move an activity to another
-- message or thread):
--   every copy of the same message (its canonical activity can change: the smallest id wins),
--   the e-mails whose parent is one of them and the parents they point to (reply links),
--   every e-mail of their threads (a new e-mail can be the first reply to any earlier one),
--   and at last every copy of each message found, so each message is rebuilt whole.
{{ config(tags=['run_log']) }}
{%- set scope = activity_rebuild_scope() %}

{%- if scope == 'all' %}

select
    cast(null as {{ type_text() }}) as activity_id,
    true as rebuild_all,
    {{ written_by_this_build() }}

{%- else %}
{%- set built = relation_of_model('int_activity_inputs__built') %}
{%- set built_ids = relation_of_model('int_activity_ids__mapped') %}
{%- set built_parties = relation_of_model('int_activity_parties__resolved') %}
{#- per staging entity, the batches the chain has not built, named in the reads below so that they
    skip the other batches' row groups by their statistics -#}
{%- set new_batches = batches_not_built(built) %}

with

current_inputs as (

    {{ current_chain_inputs() }}

),

changed_inputs as (

    -- addresses, accounts and deals added, removed or changed, either way
    (
        select input_kind, input_key, input_version from current_inputs
        except
        select input_kind, input_key, input_version from {{ built }} as built
    )
    union
    (
        select input_kind, input_key, input_version from {{ built }} as built
        except
        select input_kind, input_key, input_version from current_inputs
    )

),

changed_addresses as (

    select distinct input_key as email_address, {{ email_domain('input_key') }} as email_domain
    from changed_inputs
    where input_kind = 'address'

),

changed_accounts as (

    select input_key as account_id from changed_inputs where input_kind = 'account'

),

changed_opportunities as (

    select input_key as opportunity_id from changed_inputs where input_kind = 'opportunity'
    union
    -- a deal whose account appeared or went away
    select input_key from current_inputs
    where input_kind = 'opportunity' and input_version in (select account_id from changed_accounts)

),

new_batch_activities as (

    {%- for entity, model in activity_grain_staging() %}
    select activity_id
    from {{ ref(model) }} as staged
    where {{ in_batches('batch_id', new_batches[entity]) }}
    {{- '\n    union' if not loop.last }}
    {%- endfor %}

),

seeds as (

    select activity_id from new_batch_activities
    union
    select activity_id
    from {{ ref('stg_landed__activities') }} as staged
    where regarding_opportunity_id in (select opportunity_id from changed_opportunities)
        or regarding_account_id in (select account_id from changed_accounts)
    union
    -- the parties on a changed address's domain first: the base address is a regular expression
    select built_parties.activity_id
    from {{ built_parties }} as built_parties
    inner join changed_addresses
        on built_parties.email_domain = changed_addresses.email_domain
    where built_parties.email_address = changed_addresses.email_address
        or built_parties.matched_email_address = changed_addresses.email_address
        or {{ email_base_address('built_parties.email_address') }} = changed_addresses.email_address
    union
    select activity_id
    from {{ built_parties }} as built_parties
    where account_id in (select account_id from changed_accounts)

),

known as (

    -- every landed activity as the chain last built it, and as staged now: staging changes an
    -- activity only through a batch the chain has not built (a batch replaced or gone rebuilds
    -- every activity), so the staged rows of the other activities are those built, not read again;
    -- and a staged row from a batch of activities the chain has built is one of those
    select activity_id, activity_type, internet_message_id, thread_id, parent_activity_id
    from {{ built_ids }} as built_ids
    union all
    select activity_id, activity_type, internet_message_id, thread_id, parent_activity_id
    from {{ ref('stg_landed__activities') }} as staged
    where activity_id in (select activity_id from new_batch_activities)
        and {{ in_batches('batch_id', new_batches['activities']) }}

),

copies as (

    select distinct known.activity_id
    from known
    inner join (
        select distinct activity_type, internet_message_id
        from known
        where internet_message_id is not null
            and activity_id in (select activity_id from seeds)
    ) as messages
        on known.activity_type = messages.activity_type
        and known.internet_message_id = messages.internet_message_id

),

changed as (

    select activity_id from seeds
    union
    select activity_id from copies

),

linked as (

    select activity_id from changed
    union
    select activity_id from known where parent_activity_id in (select activity_id from changed)
    union
    select parent_activity_id from known
    where activity_id in (select activity_id from changed) and parent_activity_id is not null

),

threaded as (

    select activity_id from linked
    union
    select known.activity_id
    from known
    inner join (
        select distinct thread_id
        from known
        where thread_id is not null and activity_id in (select activity_id from linked)
    ) as threads
        on known.thread_id = threads.thread_id

),

whole_messages as (

    select activity_id from threaded
    union
    select known.activity_id
    from known
    inner join (
        select distinct activity_type, internet_message_id
        from known
        where internet_message_id is not null and activity_id in (select activity_id from threaded)
    ) as messages
        on known.activity_type = messages.activity_type
        and known.internet_message_id = messages.internet_message_id

)

select
    activity_id,
    false as rebuild_all,
    {{ written_by_this_build() }}
from whole_messages

{%- endif %}
