-- What the contact scorer reads: each contact's point-in-time signals with its name, account,
-- role, the account's segment and owner.

select
    {{ contract_columns('signals', except=['segment', 'account_id', 'entity_name', 'contact_role', 'owner_user_id']) }}
    coalesce(accounts.segment, 'unknown') as segment,
    contacts.account_id,
    contacts.full_name as entity_name,
    contacts.contact_role,
    accounts.owner_user_id
from {{ ref('feat_contact_daily_signals') }} as signals
left join {{ ref('dim_contacts') }} as contacts on signals.contact_id = contacts.contact_id
left join {{ ref('dim_accounts') }} as accounts on contacts.account_id = accounts.account_id
