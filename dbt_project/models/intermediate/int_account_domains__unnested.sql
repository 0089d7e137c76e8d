-- One row per account and e-mail domain it owns (lower-case, blanks dropped): the one reading of
-- the CRM's domain lists that the account and contact marts and the hygiene checks share.

with

unnested as (

    select
        account_id,
        lower(trim(listed_domain)) as domain

    from (
        select account_id, {{ unnest_list('account_domains') }} as listed_domain
        from {{ ref('stg_landed__accounts') }}
    ) as accounts

),

final as (

    select distinct
        account_id,
        domain

    from unnested
    where domain <> ''

)

select * from final
