{#- Values from outside the SQL (environment variables, --vars) go into a model only through these,
    so a value can never change the statement around it. -#}

{% macro sql_string(value) -%}
    {#- `value` as a SQL string literal -#}
    {{- adapter.dispatch('sql_string')(value) -}}
{%- endmacro %}

{% macro default__sql_string(value) -%}
    {#- single quotes doubled -#}
    '{{ (value | string) | replace("'", "''") }}'
{%- endmacro %}

{% macro spark__sql_string(value) -%}
    {#- Spark reads backslash escapes inside a literal: backslashes doubled, single quotes escaped -#}
    '{{ (value | string) | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}

{% macro sql_string_list(values) -%}
    {#- 'a', 'b', 'c': the body of an IN list -#}
    {%- for value in values %}{{ sql_string(value) }}{{ ", " if not loop.last }}{% endfor -%}
{%- endmacro %}

{% macro numeric_var(name, default) -%}
    {#- var(name, default), which must be a number (or a string that spells one), rendered as given -#}
    {{- numeric_value(var(name, default), name) -}}
{%- endmacro %}

{% macro numeric_value(value, name) -%}
    {#- `value` (a var, or an entry of a var's mapping, called `name` in the error), which must be a
        number (or a string that spells one), rendered as given -#}
    {%- if value is boolean or not (value is number or modules.re.fullmatch('-?[0-9]+([.][0-9]+)?', value | string | trim)) -%}
        {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a number, got '" ~ value ~ "'") }}
    {%- endif -%}
    {{- value -}}
{%- endmacro %}

{% macro is_public_email_domain(column) -%}
    {#- the domain is one of the free-mail providers of var('public_email_domains') -#}
    {%- set domains = var('public_email_domains', []) -%}
    {%- if domains -%}
        {{ column }} in ({{ sql_string_list(domains) }})
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}

{% macro starts_like_a_formula(column) -%}
    {#- The text starts with a spreadsheet formula prefix: the var `formula_prefixes`, which the
        extract contract (ingest/contract.py) reads too. -#}
    (
    {%- for prefix in var('formula_prefixes') %}
        {{ column }} like {{ dbt.string_literal(prefix ~ '%') }}{{ ' or' if not loop.last }}
    {%- endfor %}
    )
{%- endmacro %}
