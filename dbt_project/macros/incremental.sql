{#- Day-grained models (the contact x day engagement and the point-in-time features) are
    incremental on their date: a run rebuilds a window of days, not the whole history. The window
    starts `incremental.lookback_days` days before the run's as-of date, so activity that landed
    late within those days is counted, or on the day after the last day built when that is earlier
    (nights were skipped). Rows from the window's first day on are deleted before the window is
    appended (the pre-hook delete_incremental_window), so a re-run, or a run for an earlier date,
    leaves exactly the rows a full build as of that date would have. A full build (the first one,
    or `--full-refresh`) builds every day; tests/scoring/test_default_sample.py holds that both give
    the same tables. The as-of date is the one every day-grained model ends on (macro
    as_of_date_select), so a model using these macros declares
    `-- depends_on: {{ ref('int_activities__directed') }}`. -#}

{% macro incremental_window_start(date_column='as_of_date') -%}
    {#- The first day an incremental run rebuilds (a Python date), or none on a full build and at
        parse time. -#}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        select
            (select max({{ date_column }}) from {{ this }}) as last_built,
            (select max(as_of_date) from ({{ as_of_date_select(ref('int_activities__directed')) }}) as run_as_of) as as_of_date
    {%- endset -%}
    {%- set row = run_query(query).rows[0] -%}
    {%- if row['last_built'] is none or row['as_of_date'] is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set day = modules.datetime.timedelta(days=1) -%}
    {%- set lookback = var('incremental')['lookback_days'] | int -%}
    {%- set from_lookback = row['as_of_date'] - day * (lookback - 1) -%}
    {%- set after_last = row['last_built'] + day -%}
    {{ return([from_lookback, after_last] | min) }}
{%- endmacro %}

{% macro days_before(day, days) -%}
    {#- A Python date `days` days before `day`, as a SQL date literal. -#}
    {{ return("cast('" ~ (day - modules.datetime.timedelta(days=days)).isoformat() ~ "' as date)") }}
{%- endmacro %}

{% macro and_on_or_after(column, day) -%}
    {#- ` and <column> >= <day>` for a Python date, nothing for none (a full build reads everything). -#}
    {%- if day is not none %} and {{ column }} >= {{ days_before(day, 0) }}{% endif -%}
{%- endmacro %}

{% macro delete_incremental_window(date_column='as_of_date') -%}
    {#- Pre-hook of a day-grained incremental model: remove the rows the run rebuilds. Nothing on a
        full build. -#}
    {%- set start = incremental_window_start(date_column) -%}
    {%- if start is not none -%}
        delete from {{ this }} where {{ date_column }} >= {{ days_before(start, 0) }}
    {%- endif -%}
{%- endmacro %}

{% macro label_window_start(engagement, date_column, horizon) -%}
    {#- The first as-of date an incremental build of a label table rebuilds (a Python date), or none
        on a full build and at parse time. A label looks `horizon` days ahead into `engagement` (a
        day-grained model marked by written_by_this_build, built before it in the same invocation),
        so the labels that can change are those up to `horizon` days before the first day this
        invocation wrote there; or from the day after the last one built when that is earlier (a
        build that wrote the engagement but not the labels). -#}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        select
            (select min({{ date_column }}) from {{ engagement }} where {{ is_written_by_this_build() }}) as first_written,
            (select max(as_of_date) from {{ this }}) as last_built
    {%- endset -%}
    {%- set row = run_query(query).rows[0] -%}
    {%- set day = modules.datetime.timedelta(days=1) -%}
    {%- set starts = [] -%}
    {%- if row['first_written'] is not none -%}
        {%- do starts.append(row['first_written'] - day * (horizon | int)) -%}
    {%- endif -%}
    {%- if row['last_built'] is not none -%}
        {%- do starts.append(row['last_built'] + day) -%}
    {%- endif -%}
    {{ return(starts | min if starts else none) }}
{%- endmacro %}

{% macro delete_label_window(engagement, date_column, horizon) -%}
    {#- Pre-hook of a label table kept incrementally: remove the as-of dates the build rebuilds.
        Nothing on a full build. -#}
    {%- set start = label_window_start(engagement, date_column, horizon) -%}
    {%- if start is not none -%}
        delete from {{ this }} where as_of_date >= {{ days_before(start, 0) }}
    {%- endif -%}
{%- endmacro %}

{% macro written_by_this_build() -%}
    {#- The column marking which dbt invocation wrote a row of an incrementally kept table: the
        tests of such a table check the rows their build wrote (rows_this_build_wrote). -#}
    {{ sql_string(invocation_id) }} as dbt_invocation_id
{%- endmacro %}

{% macro is_written_by_this_build(table_alias=none) -%}
    {#- SQL: whether a row of a table marked by written_by_this_build was written by this invocation;
        `table_alias` qualifies the column when the query reads several tables. -#}
    {{ table_alias ~ '.' if table_alias }}dbt_invocation_id = {{ sql_string(invocation_id) }}
{%- endmacro %}

{% macro rows_this_build_wrote(relation) -%}
    {#- `relation` as a test reads it: a table marked by written_by_this_build (it carries
        dbt_invocation_id, a column its yml documents) gives the rows this invocation wrote, as a
        subquery to alias; any other relation, itself. A full build or refresh writes every row, so
        it tests everything; a nightly build tests its new rows, not the whole history. Generic
        tests get it by their `where` (get_where_subquery); a singular test calls it on the table
        it checks. -#}
    {#- the tested model's documented columns, looked up among the test's own dependencies -#}
    {%- set marked = [] -%}
    {%- for unique_id in model.depends_on.nodes if unique_id in graph.nodes -%}
        {%- set node = graph.nodes[unique_id] -%}
        {%- if node.alias == relation.identifier and 'dbt_invocation_id' in node.columns -%}
            {%- do marked.append(unique_id) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if marked -%}
        {{ return('(select * from ' ~ relation ~ ' where ' ~ is_written_by_this_build() ~ ')') }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}

{% macro get_where_subquery(relation) -%}
    {#- dbt's own, plus one `where` value: `rows_this_build_wrote` (the default of every test,
        dbt_project.yml), macro rows_this_build_wrote. -#}
    {%- set where = config.get('where') -%}
    {%- if where == 'rows_this_build_wrote' -%}
        {%- set tested = rows_this_build_wrote(relation) -%}
        {{ return(tested if tested is not string else tested ~ ' dbt_subquery') }}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- else -%}
        {{ return(relation) }}
    {%- endif -%}
{%- endmacro %}
