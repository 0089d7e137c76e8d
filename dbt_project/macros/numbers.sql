{#- Sums of doubles over many rows can differ in their last bits from run to run: a parallel
    aggregate adds in whatever order its threads finish. Summing fixed-point decimals is exact, so
    the same inputs give the same bytes and re-running a partition leaves identical tables (and
    identical training data for the models). Each value is rounded to `scale` decimals first, far
    below any meaningful precision. -#}

{% macro exact_sum(expression, scale=6) -%}
    sum(cast({{ expression }} as decimal(18, {{ scale }})))
{%- endmacro %}

{% macro exact_avg(expression, scale=6) -%}
    cast(sum(cast({{ expression }} as decimal(18, {{ scale }}))) as {{ type_double() }})
        / nullif(count({{ expression }}), 0)
{%- endmacro %}

{% macro median(expression) -%}
    {#- The median of a group (an aggregate, not a window function: Postgres has no median window) -#}
    {{- return(adapter.dispatch('median')(expression)) -}}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__median(expression) -%}
    median({{ expression }})
{%- endmacro %}

{% macro round_to(expression, digits) -%}
    {#- `expression` rounded to `digits` decimals, half away from zero. Postgres rounds to decimals
        only a numeric (not a double), so the value goes through one there. -#}
    {{- return(adapter.dispatch('round_to')(expression, digits)) -}}
{%- endmacro %}

{% macro default__round_to(expression, digits) -%}
    round(cast({{ expression }} as numeric), {{ digits }})
{%- endmacro %}

{% macro duckdb__round_to(expression, digits) -%}
    round({{ expression }}, {{ digits }})
{%- endmacro %}

{% macro spark__round_to(expression, digits) -%}
    {#- Spark rounds a double half up on its decimal digits; its bare `numeric` has no decimals -#}
    round({{ expression }}, {{ digits }})
{%- endmacro %}
