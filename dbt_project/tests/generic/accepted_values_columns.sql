{#- Fails for every row where one of `columns` (each column with its accepted values) holds a value
    outside its list; nulls pass, as in dbt's accepted_values. A model's enumerated columns are
    checked by one of these in one pass instead of an accepted_values test per column (see
    not_null_columns). A failure's rows show which column holds what. -#}
{% test accepted_values_columns(model, columns) %}

select {{ columns.keys() | join(', ') }}
from {{ model }}
where {% for column, values in columns.items() %}{{ column }} not in ({{ sql_string_list(values) }}){{ " or " if not loop.last }}{% endfor %}

{% endtest %}
