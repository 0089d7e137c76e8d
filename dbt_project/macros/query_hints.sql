{% macro cte_not_materialized() -%}
    {#- `not materialized ` after a CTE's name where the engine takes the hint (DuckDB, PostgreSQL):
        a CTE read by several parts is then inlined in each, so each part's filter reaches the
        tables it reads instead of a copy of the whole CTE; Spark has no such hint. -#}
    {{- return(adapter.dispatch('cte_not_materialized')()) -}}
{%- endmacro %}

{% macro default__cte_not_materialized() -%}{{ return('not materialized ') }}{%- endmacro %}
{% macro spark__cte_not_materialized() -%}{{ return('') }}{%- endmacro %}
