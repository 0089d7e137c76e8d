{% macro contract_columns(relation_alias=none, except=[]) -%}
    {#- `cast(<relation_alias>.<column> as <data_type>) as <column>` for every column of the calling
        model's contract (its _<folder>__models.yml), in the contract's order, leaving out the
        columns in `except` (the model computes those itself). A column's type is then written once,
        in the contract, instead of again in a cast. Ends with a comma when something follows. -#}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
    {%- set names = model.columns.keys() | reject('in', except) | list -%}
    {%- if execute and not names -%}
        {{ exceptions.raise_compiler_error(model.name ~ ': contract_columns() found no contract columns') }}
    {%- endif -%}
    {%- for name in names %}
        cast({{ prefix }}{{ name }} as {{ warehouse_type(model.columns[name].data_type) }}) as {{ name }}{{ ',' if not loop.last or except }}
    {%- endfor %}
{%- endmacro %}
