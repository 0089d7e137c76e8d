-- For every customer-facing e-mail (outbound or inbound), the first reply from the other side:
-- the customer's first reply to our e-mail, or our first reply to theirs.
--   by parent: a later e-mail whose parent_activity_id is this e-mail (the explicit link wins);
--   by thread: for a reply whose parent is unknown, the first later e-mail in the same thread
--              sent by someone on the other side who was a recipient (to / cc / bcc) of this one.
-- People are compared by resolved identity, so a reply from a contact's second address counts.
-- Timestamps are UTC, so replies across time zones are ordered and timed correctly.
-- reply_business_minutes counts only working time on the calendar of our user in the pair (the
-- one who answered, or the one who was answered): the only calendar the extracts tell us.
-- Kept per activity (macros/activity_rebuild.sql): a run pairs the e-mails it rebuilds, with the
-- replies of their threads and the replies that name them as parent.
{{ kept_per_activity() }}
{%- set to_rebuild = activities_to_rebuild() %}

{#- what a reply candidate carries, whichever way it was linked -#}
{%- set candidate_columns -%}
        original.activity_id,
        reply.activity_id as reply_activity_id,
        reply.started_at as replied_at,
        reply.sender_person_key as reply_sender_person_key,
        reply.sender_user_id as reply_sender_user_id,
        reply.sender_contact_id as reply_sender_contact_id,
{%- endset %}

with

emails as {{ cte_not_materialized() }}(

    select
        activity_id,
        thread_id,
        parent_activity_id,
        started_at,
        direction,
        initiator_side as sender_side,
        initiator_person_key as sender_person_key,
        initiator_user_id as sender_user_id,
        initiator_contact_id as sender_contact_id,
        owner_user_id,
        account_id,
        opportunity_id,
        dbt_invocation_id

    from {{ ref('int_activities__directed') }} as activities
    where activity_type = 'email'
        and activity_status = 'completed'
        and initiator_side is not null

),

customer_facing_emails as (

    select * from emails
    where direction in ('outbound', 'inbound')
        and {{ is_rebuilt('emails.activity_id', to_rebuild, ref('int_activities__directed')) }}

),

recipients as (

    select distinct
        activity_id,
        person_key

    from {{ ref('int_activity_parties__resolved') }} as parties
    where party_role in ('to', 'cc', 'bcc')
        and {{ is_rebuilt('parties.activity_id', to_rebuild, ref('int_activity_parties__resolved')) }}

),

reply_links as (

    -- the e-mails that may answer one being paired: by parent, or in its thread
    select * from emails
    {%- if to_rebuild is not none %}
    where parent_activity_id in (select activity_id from customer_facing_emails)
        or thread_id in (select thread_id from customer_facing_emails)
    {%- endif %}

),

replies as (

    -- with whether its parent is an e-mail we know: looked up for these e-mails only, and with
    -- `emails` inlined in each reader rather than copied whole (a night at ten million activities:
    -- 11.1 CPU-s for the pairs, 2.5 since)
    select
        reply_links.*,
        parents.activity_id is not null as has_known_parent

    from reply_links
    left join emails as parents
        on reply_links.parent_activity_id = parents.activity_id

),

parent_candidates as (

    select
        {{ candidate_columns | trim }}
        'parent' as reply_link

    from customer_facing_emails as original
    inner join replies as reply
        on reply.parent_activity_id = original.activity_id
        and reply.sender_side <> original.sender_side

),

thread_candidates as (

    select
        {{ candidate_columns | trim }}
        'thread' as reply_link

    from customer_facing_emails as original
    inner join replies as reply
        on reply.thread_id = original.thread_id
        and reply.started_at > original.started_at
        and reply.sender_side <> original.sender_side
        and not reply.has_known_parent
    inner join recipients
        on recipients.activity_id = original.activity_id
        and recipients.person_key = reply.sender_person_key

),

ranked_candidates as (

    select
        *,
        row_number() over (
            partition by activity_id
            order by replied_at, reply_activity_id, reply_link
        ) as reply_rank

    from (
        select * from parent_candidates
        union all
        select * from thread_candidates
    ) as candidates

),

first_replies as (

    select * from ranked_candidates where reply_rank = 1

),

paired as (

    select
        customer_facing_emails.activity_id,
        customer_facing_emails.thread_id,
        customer_facing_emails.started_at as sent_at,
        customer_facing_emails.direction,
        customer_facing_emails.sender_side,
        customer_facing_emails.sender_user_id,
        customer_facing_emails.sender_contact_id,
        customer_facing_emails.owner_user_id,
        customer_facing_emails.account_id,
        customer_facing_emails.opportunity_id,
        case customer_facing_emails.sender_side
            when 'internal' then 'customer'
            else 'us'
        end as reply_from,
        first_replies.reply_activity_id,
        first_replies.replied_at,
        first_replies.reply_sender_user_id,
        first_replies.reply_sender_contact_id,
        first_replies.reply_link,
        first_replies.reply_activity_id is not null as is_replied,
        case customer_facing_emails.sender_side
            when 'internal' then customer_facing_emails.sender_user_id
            else first_replies.reply_sender_user_id
        end as calendar_user_id

    from customer_facing_emails
    left join first_replies
        on customer_facing_emails.activity_id = first_replies.activity_id

),

final as (

    select
        paired.*,
        users.timezone as calendar_time_zone,
        -- an explicit parent link can meet a skewed clock; a reply never takes negative time
        case
            when paired.is_replied
                then greatest({{ dbt.datediff('paired.sent_at', 'paired.replied_at', 'second') }}, 0) / 60.0
        end as reply_minutes,
        case
            when paired.is_replied and users.timezone is not null
                then {{ business_minutes(local_time('paired.sent_at', 'users.timezone'),
                                         local_time('paired.replied_at', 'users.timezone')) }}
        end as reply_business_minutes,
        {{ written_by_this_build() }}

    from paired
    left join {{ ref('stg_landed__users') }} as users
        on paired.calendar_user_id = users.user_id

)

select * from final
