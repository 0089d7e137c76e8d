{% macro within_hygiene_lookback(date_column) -%}
    {#- True for a day within the last `hygiene_lookback_days` days up to the as-of date: the hygiene
        rules about conduct and links read only the activities of those days (dbt_project.yml). -#}
    {{ after_days_before_as_of(date_column, numeric_value(var('hygiene_lookback_days'), 'hygiene_lookback_days')) }}
{%- endmacro %}
