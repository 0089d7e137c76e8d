{#- Fails for every row where one of `columns` (each column with its [min, max]) is outside its
    range (nulls pass): a model's bounded columns in one pass instead of a between test per column
    (see not_null_columns). -#}
{% test between_columns(model, columns) %}

select {{ columns.keys() | join(', ') }}
from {{ model }}
where {% for column, bounds in columns.items() -%}
    ({{ column }} < {{ numeric_value(bounds[0], column ~ ' minimum') }} or {{ column }} > {{ numeric_value(bounds[1], column ~ ' maximum') }}){{ " or " if not loop.last }}
{%- endfor %}

{% endtest %}
