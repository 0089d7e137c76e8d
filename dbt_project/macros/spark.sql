{#- The spark target's own materialization rules. Its tables are Parquet files in the catalog,
    which cannot delete rows: the models kept incrementally elsewhere (the activity-grain staging
    tables, the day-grained engagement and features, the published health snapshots) are rebuilt
    whole on each Spark run, which gives the tables an incremental run gives (the nightly-equals-
    rebuild tests hold that on the other targets). -#}

{% materialization incremental, adapter='spark' -%}
    {{ return(materialization_table_spark()) }}
{%- endmaterialization %}

{% macro is_incremental() %}
    {#- dbt's own, and never on Spark (above) nor in a unit test (which has no `this`) -#}
    {% if not execute or target.type == 'spark' or this is none %}
        {{ return(False) }}
    {% else %}
        {% set relation = adapter.get_relation(this.database, this.schema, this.table) %}
        {{ return(relation is not none
                  and relation.type == 'table'
                  and model.config.materialized == 'incremental'
                  and not should_full_refresh()) }}
    {% endif %}
{% endmacro %}

{% macro spark__alter_column_comment(relation, column_dict) %}
    {#- dbt-spark's writes column comments on Delta, Hudi and Iceberg tables only; Spark's catalog
        keeps them on Parquet tables too, where a BI tool reads them (persist_docs). Spark 4.3 takes
        every column's comment in one statement; before it, a statement per column is a round trip
        to the metastore each (a fifth of a second on a local server: a third of a build's queries). -#}
    {% if not column_dict %}
        {{ return(none) }}
    {% endif %}
    {% set comments = [] %}
    {% for column_name in column_dict %}
        {% do comments.append((adapter.quote(column_name) if column_dict[column_name]['quote'] else column_name,
                               sql_string(column_dict[column_name]['description']))) %}
    {% endfor %}
    {% set version = run_query('select version()').columns[0].values()[0].split(' ')[0].split('.') %}
    {% if (version[0] | int, version[1] | int) >= (4, 3) %}
        {% set pairs = [] %}
        {% for column, comment in comments %}
            {% do pairs.append(column ~ ' is ' ~ comment) %}
        {% endfor %}
        {% do run_query('comment on table ' ~ relation ~ ' column (' ~ pairs | join(', ') ~ ')') %}
    {% else %}
        {% for column, comment in comments %}
            {% do run_query('alter table ' ~ relation ~ ' alter column ' ~ column ~ ' comment ' ~ comment) %}
        {% endfor %}
    {% endif %}
{% endmacro %}

{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {#- dbt-spark's drops the order (it warns); Spark 4's listagg takes it as SQL has it -#}
    {%- if limit_num -%}
        {{ exceptions.raise_compiler_error('listagg with a limit is not written for Spark') }}
    {%- endif -%}
    listagg({{ measure }}, {{ delimiter_text }}){% if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
{%- endmacro %}
