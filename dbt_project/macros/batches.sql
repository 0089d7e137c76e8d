{% macro latest_batch_rows(relation, key_columns) -%}
    {#- The rows of `relation` that are the latest delivery of their key, with the same columns:
        a key delivered again in a later batch supersedes the earlier row, and within one batch the
        later row wins (landing writes one file per entity and batch, so batch_id and source_row
        never tie). `relation` needs the columns batch_id and source_row. DISTINCT ON is shared by
        DuckDB and Postgres, and unlike a row_number() filter it adds no helper column. -#}
    select distinct on ({{ key_columns }}) *
    from {{ relation }}
    order by {{ key_columns }}, batch_id desc, source_row desc
{%- endmacro %}

{% macro batch_columns() -%}
    {#- The landing bookkeeping every landed row carries: its batch and its row in that batch's file -#}
    _batch_id as batch_id,
        _source_row as source_row
{%- endmacro %}
