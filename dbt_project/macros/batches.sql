{% macro latest_batch_rows(relation, key_columns) -%}
    {#- The rows of `relation` that are the latest delivery of their key, with the same columns:
        a key delivered again in a later batch supersedes the earlier row, and within one batch the
        later row wins (landing writes one file per entity and batch, so batch_id and source_row
        never tie). `relation` needs the columns batch_id and source_row. -#}
    {{- adapter.dispatch('latest_batch_rows')(relation, key_columns) -}}
{%- endmacro %}

{% macro spark__latest_batch_rows(relation, key_columns) -%}
    {#- Spark has no DISTINCT ON: each key's row with the greatest (batch_id, source_row), whole. -#}
    select inline(array(max_by(struct(delivered.*), struct(delivered.batch_id, delivered.source_row))))
    from {{ relation }} as delivered
    group by {{ key_columns }}
{%- endmacro %}

{% macro duckdb__latest_batch_rows(relation, key_columns) -%}
    {#- A row_number() filter in QUALIFY, which adds no helper column: DuckDB numbers the rows within
        each key's partition, where DISTINCT ON sorts every row with all its columns by key (at ten
        million landed activities 3.5 CPU-s instead of 12.7). -#}
    select *
    from {{ relation }}
    qualify row_number() over (partition by {{ key_columns }} order by batch_id desc, source_row desc) = 1
{%- endmacro %}

{% macro default__latest_batch_rows(relation, key_columns) -%}
    {#- DISTINCT ON (Postgres): unlike a row_number() filter it adds no helper column. -#}
    select distinct on ({{ key_columns }}) *
    from {{ relation }}
    order by {{ key_columns }}, batch_id desc, source_row desc
{%- endmacro %}

{% macro batch_columns() -%}
    {#- The landing bookkeeping every landed row carries: its batch and its row in that batch's file -#}
    {{ landed_batch_id() }} as batch_id,
        _source_row as source_row
{%- endmacro %}

{% macro landed_batch_id() -%}
    {#- The landed column holding a row's batch (ingest/contract.py: BATCH_COLUMN) -#}
    _batch_id
{%- endmacro %}

{% macro landed_batch_versions(entity) -%}
    {#- batch_id -> batch_version: what landing landed each batch of `entity` from (its manifest,
        ingest/landing.py: the file's sha256 and the contract). A batch landing replaced (a changed
        file under the same name) has a new version; a batch whose file went away has none. -#}
    {{- return(adapter.dispatch('landed_batch_versions')(entity)) -}}
{%- endmacro %}

{% macro default__landed_batch_versions(entity) -%}
    {#- A server warehouse: the batches loaded into the landed schema, with their versions
        (targets/postgres.py keeps the source table landed_batches in line with the manifests).
        Not named through source(): the bookkeeping of loading is not an input a unit test of a
        staging model should have to give. -#}
    select batch_id, batch_version
    from {{ api.Relation.create(schema=var('landed_schema'), identifier=var('landed_batches_table')) }}
    where entity = {{ sql_string(entity) }}
{%- endmacro %}

{% macro duckdb__landed_batch_versions(entity) -%}
    {#- DuckDB reads the landed folder in place: the manifests themselves. -#}
    {%- set manifests = var('landed_dir') ~ '/' ~ var('landed_manifest_dir') ~ '/' ~ entity ~ '/*.json' -%}
    {%- set found = execute and run_query('select count(*) from glob(' ~ sql_string(manifests) ~ ')').columns[0].values()[0] > 0 -%}
    {%- if found %}
    select batch_id, sha256 || ':' || contract as batch_version
    from read_json({{ sql_string(manifests) }}, columns = {batch_id: 'VARCHAR', sha256: 'VARCHAR', contract: 'VARCHAR'})
    {%- else %}
    select cast(null as {{ dbt.type_string() }}) as batch_id, cast(null as {{ dbt.type_string() }}) as batch_version
    where 1 = 0
    {%- endif -%}
{%- endmacro %}

{% macro with_batch_versions(relation, entity) -%}
    {#- The rows of `relation` (a landed entity's, with batch_id) with their batch's batch_version. -#}
    select delivered.*, versions.batch_version
    from {{ relation }} as delivered
    left join ({{ landed_batch_versions(entity) }}) as versions
        on delivered.batch_id = versions.batch_id
{%- endmacro %}

{% macro forget_replaced_batches(entity) -%}
    {#- Pre-hook of a staging table kept incrementally: when a batch it holds rows of was replaced
        or went away (its batch_version is no longer landed), empty the table, so the build takes
        in every batch again, as a full build would. -#}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where {{ a_kept_batch_was_replaced(entity) }}
    {%- endif -%}
{%- endmacro %}

{% macro a_kept_batch_was_replaced(entity) -%}
    {#- True when a batch the table holds rows of was replaced or went away (its batch_version is no
        longer landed): the rule of forget_replaced_batches, which new_batch_ids applies too. -#}
    exists (
        select 1
        from {{ this }} as kept
        where not exists (
            select 1
            from ({{ landed_batch_versions(entity) }}) as landed
            where landed.batch_id = kept.batch_id
                and landed.batch_version is not distinct from kept.batch_version
        )
    )
{%- endmacro %}

{% macro new_batch_ids(entity) -%}
    {#- The landed batches of `entity` that a staging table kept incrementally has not taken in yet (a
        list of batch ids, read when the model runs; none on a full build and at parse time). -#}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        -- when a_kept_batch_was_replaced, the pre-hook (run after this query, when the model is
        -- built) empties the table: then every batch is new
        select landed.batch_id
        from ({{ landed_batch_versions(entity) }}) as landed
        where {{ a_kept_batch_was_replaced(entity) }}
            or landed.batch_id not in (select distinct batch_id from {{ this }})
        order by landed.batch_id
    {%- endset -%}
    {{ return(run_query(query).columns[0].values() | list) }}
{%- endmacro %}

{% macro only_new_batches(batches) -%}
    {#- The `where` clause of a staging table's read of its landed entity when kept incrementally:
        only the rows of `batches`, the batches the table has not taken in yet (new_batch_ids, which
        the model asks once), named as constants, so the read skips every other batch's file by its
        statistics. The cleaning then runs over those rows only; rows_of_keys_in_new_batches adds
        the table's own row of each of their keys. Nothing on a full build (`batches` none). -#}
    {%- if batches is not none %}
    where {{ in_batches(landed_batch_id(), batches) }}
    {%- endif -%}
{%- endmacro %}

{% macro in_batches(column, batches) -%}
    {#- SQL: `column` is one of `batches` (a list of batch ids), named as constants so that a read
        skips the other batches' files or row groups by their statistics; false for none. -#}
    {{ column }} in ({{ sql_string_list(batches) if batches else 'null' }})
{%- endmacro %}

{% macro rows_of_keys_in_new_batches(relation, keys, batches) -%}
    {#- For a staging table kept incrementally (unique_key: `keys`, its key columns; pre-hook
        forget_replaced_batches): on a full build every row of `relation`; on an incremental build
        `relation` holds the rows of the new batches (only_new_batches), and with them comes the
        table's own row of each of their keys: the latest of every earlier batch, so
        latest_batch_rows picks each key's latest row of all batches, as a full build would, and
        delete+insert replaces the key's row. A batch that sorts before every new batch holds no
        such row (it would lose to the new one): the table's rows are read from the first new
        batch on, a constant the table's statistics answer (a night's batches sort after every
        other, as a rule, and the table's earlier row groups are skipped). -#}
    {%- if not is_incremental() -%}
        select * from {{ relation }}
    {%- else -%}
        {#- the table's columns but the mark of the build that wrote a row (no `do`: this file is
            also rendered with plain Jinja, data_quality/latest_batch.py) -#}
        {%- set names = adapter.get_columns_in_relation(this) | map(attribute='name')
                        | reject('in', ['dbt_invocation_id', 'DBT_INVOCATION_ID']) | list -%}
        {%- set columns_sql -%}
            {%- for name in names %}{{ adapter.quote(name) }}{{ ', ' if not loop.last }}{% endfor -%}
        {%- endset -%}
        {#- batches[0]: the first as the warehouse orders batch_id (new_batch_ids lists them so) -#}
        select {{ columns_sql }} from {{ relation }}
        union all
        select {{ columns_sql }}
        from {{ this }} as kept
        where ({{ keys | join(', ') }}) in (select {{ keys | join(', ') }} from {{ relation }})
        {%- if batches %}
            and kept.batch_id >= {{ sql_string(batches[0]) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{% macro latest_rows_of_new_batches(relation, entity, keys, batches) -%}
    {#- The end of a staging table kept incrementally (materialized incremental, delete+insert on its
        unique_key `keys`, pre-hook forget_replaced_batches): after the CTE `relation` of the landed
        entity's renamed rows of `batches` (only_new_batches), the CTEs that keep each new key's
        latest row, and the final select, which marks the rows this build wrote. -#}
versioned as (

    {{ with_batch_versions(relation, entity) }}

),

delivered as (

    {{ rows_of_keys_in_new_batches('versioned', keys, batches) }}

),

final as (

    {{ latest_batch_rows('delivered', keys | join(', ')) }}

)

select *, {{ written_by_this_build() }} from final
{%- endmacro %}
