-- What the opportunity scorer reads: each open deal's point-in-time signals with its name, its
-- account's segment and its primary contact.

with

signals as (select * from {{ ref('feat_opportunity_daily_signals') }}),
opportunities as (select * from {{ ref('dim_opportunities') }}),
accounts as (select * from {{ ref('dim_accounts') }}),
contacts as (select * from {{ ref('dim_contacts') }})

select
    signals.*,
    coalesce(accounts.segment, 'unknown') as segment,
    opportunities.opportunity_name as entity_name,
    opportunities.primary_contact_id,
    primary_contacts.full_name as primary_contact_name
from signals
left join opportunities on signals.opportunity_id = opportunities.opportunity_id
left join accounts on signals.account_id = accounts.account_id
left join contacts as primary_contacts on opportunities.primary_contact_id = primary_contacts.contact_id
