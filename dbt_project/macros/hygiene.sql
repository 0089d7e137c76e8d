{% macro within_hygiene_lookback(date_column) -%}
    {#- True for a day within the last `hygiene_lookback_days` days up to the as-of date: the hygiene
        rules about conduct and links read only the activities of those days (dbt_project.yml). -#}
    {{ date_column }} > {{ dbt.dateadd('day', -(numeric_value(var('hygiene_lookback_days'), 'hygiene_lookback_days') | int),
                                       '(select as_of_date from (' ~ as_of_date_select(ref('fct_activities')) ~ ') as hygiene_as_of)') }}
{%- endmacro %}
