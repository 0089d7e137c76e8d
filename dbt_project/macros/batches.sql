{% macro rank_by_latest_batch(relation, key_columns) -%}
    {#- Every row of `relation` with batch_rank 1 for the latest delivery of its key: a key
        delivered again in a later batch supersedes the earlier row, and within one batch the
        later row wins. Staging models keep `where batch_rank = 1`. -#}
    select
        *,
        row_number() over (
            partition by {{ key_columns }}
            order by batch_id desc, source_row desc
        ) as batch_rank

    from {{ relation }}
{%- endmacro %}
