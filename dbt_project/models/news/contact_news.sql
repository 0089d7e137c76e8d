-- What's New per contact: the latest `items_per_contact` published news items (var news) about the
-- contact's account, and any item naming the contact (`relation` = named; such items come first).
{%- set p = var('news') %}

with

published as (
    select * from {{ ref('int_news__account_matches') }} where is_confident
),

named as (
    select named.contact_id, published.*, 'named' as relation
    from {{ source('news', 'item_contacts') }} as named
    inner join published on named.item_id = published.item_id and named.account_id = published.account_id
),

through_account as (
    select contacts.contact_id, published.*, 'account' as relation
    from {{ ref('dim_contacts') }} as contacts
    inner join published on contacts.account_id = published.account_id
),

both_ways as (
    select * from named
    union all
    select * from through_account
    where not exists (
        select 1 from named
        where named.contact_id = through_account.contact_id and named.item_id = through_account.item_id
    )
),

ranked as (
    select
        both_ways.*,
        row_number() over (
            partition by contact_id
            order by case relation when 'named' then 1 else 2 end, event_at desc, item_id, account_id
        ) as item_rank
    from both_ways
)

select
    cast(ranked.contact_id as {{ type_text() }}) as contact_id,
    cast(contacts.full_name as {{ type_text() }}) as contact_name,
    cast(ranked.account_id as {{ type_text() }}) as account_id,
    cast(ranked.item_id as {{ type_text() }}) as item_id,
    cast(ranked.title as {{ type_text() }}) as title,
    cast(ranked.link as {{ type_text() }}) as link,
    cast(ranked.source_feed as {{ type_text() }}) as source_feed,
    cast(ranked.event_date as date) as event_date,
    cast(ranked.published_time_known as boolean) as published_time_known,
    cast(ranked.event_type as {{ type_text() }}) as event_type,
    cast(ranked.relation as {{ type_text() }}) as relation,
    cast(ranked.item_rank as integer) as item_rank,
    cast(ranked.is_whats_new as boolean) as is_whats_new,
    cast(ranked.as_of_date as date) as as_of_date
from ranked
inner join {{ ref('dim_contacts') }} as contacts on ranked.contact_id = contacts.contact_id
where ranked.item_rank <= {{ numeric_value(p.items_per_contact, 'news.items_per_contact') }}
