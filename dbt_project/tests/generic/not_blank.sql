{#- Fails for every row where the text column is null or only spaces: evidence must say something. -#}
{% test not_blank(model, column_name) %}

select {{ column_name }}
from {{ model }}
where {{ column_name }} is null or trim({{ column_name }}) = ''

{% endtest %}
