{#- Fails for every row where one of `columns` is below zero (nulls pass): a model's non-negative
    columns in one pass instead of a non_negative test per column (see not_null_columns). -#}
{% test non_negative_columns(model, columns) %}

select {{ columns | join(', ') }}
from {{ model }}
where {% for column in columns %}{{ column }} < 0{{ " or " if not loop.last }}{% endfor %}

{% endtest %}
