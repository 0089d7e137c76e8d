{#- Sums of doubles over many rows can differ in their last bits from run to run: a parallel
    aggregate adds in whatever order its threads finish. Summing fixed-point decimals is exact, so
    the same inputs give the same bytes and re-running a partition leaves identical tables (and
    identical training data for the models). Each value is rounded to `scale` decimals first, far
    below any meaningful precision. -#}

{% macro exact_sum(expression, scale=6) -%}
    sum(cast({{ expression }} as decimal(18, {{ scale }})))
{%- endmacro %}

{% macro exact_avg(expression, scale=6) -%}
    cast(sum(cast({{ expression }} as decimal(18, {{ scale }}))) as double precision)
        / nullif(count({{ expression }}), 0)
{%- endmacro %}
