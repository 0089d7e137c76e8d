-- What the opportunity scorer reads: each open deal's point-in-time signals with its name, its
-- account's segment and its primary contact.

select
    {{ contract_columns('signals', except=['segment', 'entity_name', 'primary_contact_id', 'primary_contact_name']) }}
    coalesce(accounts.segment, 'unknown') as segment,
    opportunities.opportunity_name as entity_name,
    opportunities.primary_contact_id,
    primary_contacts.full_name as primary_contact_name
from {{ ref('feat_opportunity_daily_signals') }} as signals
left join {{ ref('dim_opportunities') }} as opportunities on signals.opportunity_id = opportunities.opportunity_id
left join {{ ref('dim_accounts') }} as accounts on signals.account_id = accounts.account_id
left join {{ ref('dim_contacts') }} as primary_contacts on opportunities.primary_contact_id = primary_contacts.contact_id
