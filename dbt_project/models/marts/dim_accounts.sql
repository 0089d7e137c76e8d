with

account_aliases as (

    select
        account_id,
        trim(listed_alias) as alias

    from (
        select account_id, {{ unnest_list('account_aliases') }} as listed_alias
        from {{ ref('stg_landed__accounts') }}
    ) as accounts

),

domain_lists as (

    select
        account_id,
        {{ dbt.listagg('domain', "';'", 'order by domain') }} as domains

    from {{ ref('int_account_domains__unnested') }} as account_domains
    group by 1

),

alias_lists as (

    select
        account_id,
        {{ dbt.listagg('alias', "';'", 'order by alias') }} as aliases

    from (select distinct account_id, alias from account_aliases where alias <> '') as distinct_aliases
    group by 1

),

contact_counts as (

    select
        account_id,
        count(*) as contact_count

    from {{ ref('stg_landed__contacts') }} as contacts
    where account_id is not null
    group by 1

),

opportunity_counts as (

    select
        account_id,
        count(*) as opportunity_count,
        sum(case when opportunity_status = 'open' then 1 else 0 end) as open_opportunity_count

    from {{ ref('stg_landed__opportunities') }} as opportunities
    group by 1

),

final as (

    select
        {{ contract_columns('accounts', except=['aliases', 'domains', 'contact_count', 'opportunity_count', 'open_opportunity_count']) }}
        cast(alias_lists.aliases as {{ type_text() }}) as aliases,
        cast(domain_lists.domains as {{ type_text() }}) as domains,
        cast(coalesce(contact_counts.contact_count, 0) as bigint) as contact_count,
        cast(coalesce(opportunity_counts.opportunity_count, 0) as bigint) as opportunity_count,
        cast(coalesce(opportunity_counts.open_opportunity_count, 0) as bigint) as open_opportunity_count
    from {{ ref('stg_landed__accounts') }} as accounts
    left join domain_lists
        on accounts.account_id = domain_lists.account_id
    left join alias_lists
        on accounts.account_id = alias_lists.account_id
    left join contact_counts
        on accounts.account_id = contact_counts.account_id
    left join opportunity_counts
        on accounts.account_id = opportunity_counts.account_id

)

select * from final
