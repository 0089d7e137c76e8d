-- A reply always comes from the other side: the customer answers our e-mails, we answer theirs.
-- Returns every pair whose reply was sent by the same side as the original.

-- attached to int_emails__reply_pairs so the orchestrator reports it as that table's check
{{ config(meta={'dagster': {'ref': {'name': 'int_emails__reply_pairs'}}}) }}

with

pairs as (select * from {{ ref('int_emails__reply_pairs') }}),
activities as (select * from {{ ref('int_activities__directed') }})

select
    pairs.activity_id,
    pairs.reply_activity_id,
    pairs.sender_side,
    replies.initiator_side as reply_sender_side

from pairs
inner join activities as replies
    on pairs.reply_activity_id = replies.activity_id
where replies.initiator_side = pairs.sender_side
