{#- Fails for every row where any of `columns` is null. A model's not-null columns are checked by one
    of these instead of a not_null test per column: one query and one node per model rather than per
    column (184 fewer test nodes in the project, each a round trip on a server warehouse), and for
    the scorer's label views, which compute their windows over the whole history each time they are
    read, one pass instead of one per column. A failure's rows show which column is null. -#}
{% test not_null_columns(model, columns) %}

select {{ columns | join(', ') }}
from {{ model }}
where {% for column in columns %}{{ column }} is null{% if not loop.last %} or {% endif %}{% endfor %}

{% endtest %}
