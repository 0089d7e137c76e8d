{% macro within_hygiene_lookback(date_column) -%}
    {#- True for a day within the last `hygiene_lookback_days` days up to the as-of date: the hygiene
        rules about conduct and links read only the activities of those days (dbt_project.yml). -#}
    {{ date_column }} > {{ dbt.dateadd('day', -(numeric_value(var('hygiene_lookback_days'), 'hygiene_lookback_days') | int),
                                       as_of_date_value(ref('fct_activities'))) }}
{%- endmacro %}
