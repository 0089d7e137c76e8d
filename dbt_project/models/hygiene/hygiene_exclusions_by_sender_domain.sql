-- What the noise filter kept out, per rule and sender domain: the hygiene report's audit of the
-- connectors' exclusions (one row per rule and domain; a null domain is an item without a sender).

{{ config(tags=['published']) }}

with

per_rule_and_domain as (

    select
        excluded.exclusion_rule,
        excluded.sender_domain,
        count(*) as activity_count,
        count(distinct excluded.sender_address) as sender_count,
        min(excluded.activity_date) as first_activity_date,
        max(excluded.activity_date) as last_activity_date

    from {{ ref('excluded_activities') }} as excluded
    group by excluded.exclusion_rule, excluded.sender_domain

),

final as (

    select
        {{ contract_columns('per_rule_and_domain') }}

    from per_rule_and_domain

)

select * from final
