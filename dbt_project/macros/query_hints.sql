{% macro cte_not_materialized() -%}
    {#- `not materialized ` after a CTE's name where the engine takes the hint (DuckDB, PostgreSQL):
        a CTE read by several parts is then inlined in each, so each part's filter reaches the
        tables it reads instead of a copy of the whole CTE; Spark has no such hint. -#}
    {{- return(adapter.dispatch('cte_not_materialized')()) -}}
{%- endmacro %}

{% macro default__cte_not_materialized() -%}{{ return('not materialized ') }}{%- endmacro %}
{% macro spark__cte_not_materialized() -%}{{ return('') }}{%- endmacro %}

{% macro clustered_by(columns) -%}
    {#- The end of a model's select on DuckDB: `order by <columns>`, so its rows are written in that
        order and a read of a window of days skips the other row groups by their statistics (at ten
        million activities, three models reading the last quarter's or year's activities and
        parties: 7.2 -> 5.1 CPU-s). Nothing elsewhere: PostgreSQL and Spark are not read that way
        here. -#}
    {{- return(adapter.dispatch('clustered_by')(columns)) -}}
{%- endmacro %}

{% macro duckdb__clustered_by(columns) -%}{{ return('order by ' ~ columns) }}{%- endmacro %}
{% macro default__clustered_by(columns) -%}{{ return('') }}{%- endmacro %}
