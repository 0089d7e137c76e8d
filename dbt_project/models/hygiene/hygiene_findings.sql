-- Every hygiene finding, one row per finding: what (rule, severity), about whom (entity, account,
-- responsible rep), when (start/end dates where the finding has a period), the evidence and a
-- suggested fix. finding_id is a hash of rule, entity and start date, so the same finding keeps
-- its id from run to run and the report can follow it over time.

{{ config(tags=['published']) }}

with

as_of as (

    {{ as_of_date_select(ref('fct_activities')) }}

),

unioned as (

    {%- for part in ['capture_gaps', 'contact_links', 'roles', 'capture_discipline', 'data_entry'] %}
    select rule, entity_type, entity_id, entity_name, account_id, user_id, start_date, end_date, evidence, suggested_fix, metric_value
    from {{ ref('hygiene_findings__' ~ part) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

final as (

    select
        {{ contract_columns('unioned', except=['finding_id', 'rule_group', 'severity', 'user_name', 'as_of_date']) }}
        cast(md5(unioned.rule || '|' || unioned.entity_id || '|' || coalesce(cast(unioned.start_date as {{ type_text() }}), ''))
            as {{ type_text() }}) as finding_id,
        cast(rules.rule_group as {{ type_text() }}) as rule_group,
        cast(rules.severity as {{ type_text() }}) as severity,
        cast(users.full_name as {{ type_text() }}) as user_name,
        cast(as_of.as_of_date as date) as as_of_date
    from unioned
    inner join {{ ref('hygiene_rules') }} as rules
        on rules.rule = unioned.rule
    left join {{ ref('dim_users') }} as users
        on users.user_id = unioned.user_id
    cross join as_of

)

select * from final
