-- A reply always comes from the other side: the customer answers our e-mails, we answer theirs.
-- Returns every pair whose reply was sent by the same side as the original: of the pairs this build
-- wrote (macro rows_this_build_wrote), every pair on a full build.

-- attached to int_emails__reply_pairs so the orchestrator reports it as that table's check
{{ config(meta={'dagster': {'ref': {'name': 'int_emails__reply_pairs'}}}) }}

select
    pairs.activity_id,
    pairs.reply_activity_id,
    pairs.sender_side,
    replies.initiator_side as reply_sender_side

from {{ rows_this_build_wrote(ref('int_emails__reply_pairs')) }} as pairs
inner join {{ ref('int_activities__directed') }} as replies
    on pairs.reply_activity_id = replies.activity_id
where replies.initiator_side = pairs.sender_side
