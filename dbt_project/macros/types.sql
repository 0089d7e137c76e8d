{#- The project's column types, written once for every warehouse. Models cast with these macros and
    contracts (the `data_type` of each _<folder>__models.yml) name the portable types `varchar`,
    `double precision` and `timestamp with time zone`, which DuckDB and PostgreSQL take as they are
    and Spark knows as `string`, `double` and `timestamp` (spark__cast translates a contract's).
    dbt's own type_string()/type_float() are not used: on PostgreSQL `text` is not the contracts'
    `character varying`, and DuckDB's `float` has single precision. -#}

{% macro type_text() -%}{{ return(adapter.dispatch('type_text')()) }}{%- endmacro %}
{% macro default__type_text() -%}{{ return('varchar') }}{%- endmacro %}
{% macro spark__type_text() -%}{{ return('string') }}{%- endmacro %}

{% macro type_double() -%}{{ return(adapter.dispatch('type_double')()) }}{%- endmacro %}
{% macro default__type_double() -%}{{ return('double precision') }}{%- endmacro %}
{% macro spark__type_double() -%}{{ return('double') }}{%- endmacro %}

{% macro type_timestamptz() -%}{{ return(adapter.dispatch('type_timestamptz')()) }}{%- endmacro %}
{% macro default__type_timestamptz() -%}{{ return('timestamp with time zone') }}{%- endmacro %}
{% macro spark__type_timestamptz() -%}{{ return('timestamp') }}{%- endmacro %}

{% macro warehouse_type(data_type) -%}
    {#- A contract's portable type name as this warehouse spells it. -#}
    {%- set portable = {
        'varchar': type_text(),
        'text': type_text(),
        'double precision': type_double(),
        'timestamp with time zone': type_timestamptz(),
    } -%}
    {{- return(portable.get(data_type | trim | lower, data_type)) -}}
{%- endmacro %}

{% macro spark__cast(field, type) -%}
    {#- dbt's cast (its contract check casts null to each contract type), with the contract's
        portable type names in Spark's spelling. -#}
    cast({{ field }} as {{ warehouse_type(type) }})
{%- endmacro %}
