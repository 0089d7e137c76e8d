-- Every party of every (canonical) activity, resolved to who it is:
--   internal_user      an address of exactly one user
--   unknown_internal   an internal domain (or an address several users share) but no single user
--   contact            an address of exactly one contact
--   ambiguous_contact  an address several contacts share: reported, not guessed
--   unknown_external   anything else
-- Addresses are compared after clean-up (case, display names); "name+tag@domain" falls back to
-- "name@domain" when the exact address is not known. Kept per activity (macros/activity_rebuild.sql).
{{ kept_per_activity() }}
{%- set to_rebuild = activities_to_rebuild() %}

with

mapped_parties as (

    -- parties of every copy of a message, once per canonical activity
    select
        id_map.canonical_activity_id as activity_id,
        parties.party_role,
        parties.email_address,
        parties.display_name,
        parties.participation_status,
        row_number() over (
            partition by id_map.canonical_activity_id, parties.party_role, parties.email_address
            order by id_map.is_canonical desc, parties.activity_id
        ) as copy_rank

    from {{ ref('stg_landed__activity_parties') }} as parties
    inner join {{ ref('int_activity_ids__mapped') }} as id_map
        on parties.activity_id = id_map.activity_id
    where {{ is_rebuilt('id_map.canonical_activity_id', to_rebuild, ref('int_activity_ids__mapped')) }}

),

distinct_parties as (

    select
        activity_id,
        party_role,
        email_address,
        display_name,
        participation_status

    from mapped_parties
    where copy_rank = 1

),

party_addresses as (

    -- each address once: cleaning and matching it is the same for every party that uses it, and
    -- there are far fewer addresses than parties
    select
        email_address,
        {{ email_base_address('email_address') }} as base_email_address,
        {{ email_domain('email_address') }} as email_domain

    from (select distinct email_address from distinct_parties) as addresses

),

address_lookup as (

    -- one row per known address: its single user / contact, or the number of owners
    select
        email_address,
        count(distinct user_id) as user_count,
        min(user_id) as user_id,
        count(distinct contact_id) as contact_count,
        min(contact_id) as contact_id,
        -- an account is known when every contact holding the address belongs to the same one
        case
            when count(distinct account_id) = 1
                and count(account_id) = count(contact_id)
                then min(account_id)
        end as account_id

    from {{ ref('int_addresses__unioned') }} as addresses
    group by 1

),

party_domains as (

    select distinct email_domain from party_addresses

),

internal_party_domains as (

    -- subdomains of an internal domain are internal too
    select distinct party_domains.email_domain

    from party_domains
    inner join {{ ref('int_internal_domains__unioned') }} as internal_domains
        on {{ is_on_domain('party_domains.email_domain', 'internal_domains.internal_domain') }}

),

resolved_addresses as (

    select
        party_addresses.email_address,
        party_addresses.email_domain,
        case
            when exact_match.email_address is not null then 'exact'
            when base_match.email_address is not null then 'plus_address'
            else 'none'
        end as match_method,
        coalesce(exact_match.email_address, base_match.email_address) as matched_email_address,
        coalesce(exact_match.user_count, base_match.user_count, 0) as user_count,
        coalesce(exact_match.user_id, base_match.user_id) as matched_user_id,
        coalesce(exact_match.contact_count, base_match.contact_count, 0) as contact_count,
        coalesce(exact_match.contact_id, base_match.contact_id) as matched_contact_id,
        coalesce(exact_match.account_id, base_match.account_id) as matched_account_id,
        internal_party_domains.email_domain is not null as is_internal_domain

    from party_addresses
    left join address_lookup as exact_match
        on party_addresses.email_address = exact_match.email_address
    left join address_lookup as base_match
        on party_addresses.base_email_address = base_match.email_address
        and party_addresses.base_email_address <> party_addresses.email_address
        and exact_match.email_address is null
    left join internal_party_domains
        on party_addresses.email_domain = internal_party_domains.email_domain

),

matched as (

    select
        distinct_parties.activity_id,
        distinct_parties.party_role,
        distinct_parties.email_address,
        distinct_parties.display_name,
        distinct_parties.participation_status,
        resolved_addresses.email_domain,
        resolved_addresses.match_method,
        resolved_addresses.matched_email_address,
        resolved_addresses.user_count,
        resolved_addresses.matched_user_id,
        resolved_addresses.contact_count,
        resolved_addresses.matched_contact_id,
        resolved_addresses.matched_account_id,
        resolved_addresses.is_internal_domain

    from distinct_parties
    inner join resolved_addresses
        on distinct_parties.email_address = resolved_addresses.email_address

),

typed as (

    select
        *,
        case
            when user_count = 1 then 'internal_user'
            when user_count > 1 or is_internal_domain then 'unknown_internal'
            when contact_count = 1 then 'contact'
            when contact_count > 1 then 'ambiguous_contact'
            else 'unknown_external'
        end as party_type

    from matched

),

final as (

    select
        {{ dbt.hash(dbt.concat(["activity_id", "'|'", "party_role", "'|'", "email_address"])) }} as activity_party_id,
        activity_id,
        party_role,
        email_address,
        display_name,
        participation_status,
        email_domain,
        match_method,
        matched_email_address,
        party_type,
        case
            when party_type in ('internal_user', 'unknown_internal') then 'internal'
            else 'external'
        end as party_side,
        case when party_type = 'internal_user' then matched_user_id end as user_id,
        case when party_type = 'contact' then matched_contact_id end as contact_id,
        case when party_type in ('contact', 'ambiguous_contact') then matched_account_id end as account_id,
        -- one key per person, so two addresses of one person count once
        case
            when party_type = 'internal_user' then {{ dbt.concat(["'user:'", "matched_user_id"]) }}
            when party_type = 'contact' then {{ dbt.concat(["'contact:'", "matched_contact_id"]) }}
            else {{ dbt.concat(["'address:'", "coalesce(matched_email_address, email_address)"]) }}
        end as person_key,
        party_role in ('sender', 'organizer', 'caller') as is_initiator_role,
        is_internal_domain,
        contact_count > 1 as is_ambiguous_address,
        {{ written_by_this_build() }}

    from typed

)

select * from final
