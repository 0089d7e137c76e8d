-- What the account scorer reads: each account's point-in-time signals with its name and segment.

select
    {{ contract_columns('signals', except=['segment', 'entity_name']) }}
    coalesce(accounts.segment, 'unknown') as segment,
    accounts.account_name as entity_name
from {{ ref('feat_account_daily_signals') }} as signals
left join {{ ref('dim_accounts') }} as accounts on signals.account_id = accounts.account_id
