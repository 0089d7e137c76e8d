{#- Fails for every row where any of `columns` is null: the not_null tests of several columns in one
    pass over the model. For the scorer's label views, which compute their windows over the whole
    history each time they are read, one pass instead of one per column. -#}
{% test not_null_columns(model, columns) %}

select {{ columns | join(', ') }}
from {{ model }}
where {% for column in columns %}{{ column }} is null{% if not loop.last %} or {% endif %}{% endfor %}

{% endtest %}
