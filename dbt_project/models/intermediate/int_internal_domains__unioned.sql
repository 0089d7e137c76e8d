-- Domains whose addresses are our own people: the domains of every user's addresses (except
-- free-mail providers, where a user's private alias says nothing about the contact next door)
-- plus the domains configured in RI_INTERNAL_DOMAINS.

{%- set configured = configured_internal_domains() %}

with

user_domains as (

    select distinct
        email_domain as internal_domain,
        'user_address' as domain_source

    from {{ ref('int_addresses__unioned') }} as addresses
    where owner_type = 'user'
        and email_domain is not null
        and email_domain <> ''
        and not {{ is_public_email_domain('email_domain') }}

),

configured_domains as (

    {%- if configured %}
    {%- for domain in configured %}
    select
        cast({{ sql_string(domain) }} as {{ dbt.type_string() }}) as internal_domain,
        'configured' as domain_source
    {{ "union all" if not loop.last }}
    {%- endfor %}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as internal_domain,
        'configured' as domain_source
    where 1 = 0
    {%- endif %}

),

unioned as (

    select * from user_domains
    union all
    select * from configured_domains

),

final as (

    select
        internal_domain,
        {{ dbt.bool_or("domain_source = 'configured'") }} as is_configured,
        {{ dbt.bool_or("domain_source = 'user_address'") }} as is_user_domain

    from unioned
    group by 1

)

select * from final
