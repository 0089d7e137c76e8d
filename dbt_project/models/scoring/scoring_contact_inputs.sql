-- What the contact scorer reads: each contact's point-in-time signals with its name, account,
-- role, the account's segment and owner.

with

signals as (select * from {{ ref('feat_contact_daily_signals') }}),
contacts as (select * from {{ ref('dim_contacts') }}),
accounts as (select * from {{ ref('dim_accounts') }})

select
    signals.*,
    coalesce(accounts.segment, 'unknown') as segment,
    contacts.account_id,
    contacts.full_name as entity_name,
    contacts.contact_role,
    accounts.owner_user_id
from signals
left join contacts on signals.contact_id = contacts.contact_id
left join accounts on contacts.account_id = accounts.account_id
