-- One row per account and e-mail domain it owns (lower-case, blanks dropped): the one reading of
-- the CRM's domain lists that the account and contact marts and the hygiene checks share.

with

unnested as (

    select
        account_id,
        lower(trim(unnest(account_domains))) as domain

    from {{ ref('stg_landed__accounts') }} as accounts

),

final as (

    select distinct
        account_id,
        domain

    from unnested
    where domain <> ''

)

select * from final
