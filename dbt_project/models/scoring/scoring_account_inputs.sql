-- What the account scorer reads: each account's point-in-time signals with its name and segment.

with

signals as (select * from {{ ref('feat_account_daily_signals') }}),
accounts as (select * from {{ ref('dim_accounts') }})

select
    signals.*,
    coalesce(accounts.segment, 'unknown') as segment,
    accounts.account_name as entity_name
from signals
left join accounts on signals.account_id = accounts.account_id
