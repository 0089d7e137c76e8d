{#- Date helpers that stay portable: AT TIME ZONE works the same on DuckDB and Postgres, and
    does not depend on the session's time zone. -#}

{% macro utc_date(column) -%}
    {{- return(adapter.dispatch('utc_date')(column)) -}}
{%- endmacro %}

{% macro default__utc_date(column) -%}
    cast(({{ column }} at time zone 'UTC') as date)
{%- endmacro %}

{% macro spark__utc_date(column) -%}
    {#- Spark's timestamps are instants read in the session's zone, which the spark profile sets to UTC -#}
    cast({{ column }} as date)
{%- endmacro %}

{% macro utc_timestamp(column) -%}
    {#- timestamp with time zone -> naive timestamp in UTC -#}
    {{- return(adapter.dispatch('utc_timestamp')(column)) -}}
{%- endmacro %}

{% macro default__utc_timestamp(column) -%}
    ({{ column }} at time zone 'UTC')
{%- endmacro %}

{% macro spark__utc_timestamp(column) -%}
    {#- Spark keeps instants (read in the session's zone, UTC); a timestamp without zone
        (timestamp_ntz) has no Hive type, and the catalog could not keep the table's comments -#}
    {{ column }}
{%- endmacro %}

{% macro iso_weekday(column) -%}
    {#- 1 (Monday) to 7 (Sunday) -#}
    {{- return(adapter.dispatch('iso_weekday')(column)) -}}
{%- endmacro %}

{% macro default__iso_weekday(column) -%}
    extract(isodow from {{ column }})
{%- endmacro %}

{% macro spark__iso_weekday(column) -%}
    extract(dow_iso from {{ column }})
{%- endmacro %}

{% macro unnest_list(column) -%}
    {#- One row per element of a list column, as a select-list item of its own -#}
    {{- return(adapter.dispatch('unnest_list')(column)) -}}
{%- endmacro %}

{% macro default__unnest_list(column) -%}
    unnest({{ column }})
{%- endmacro %}

{% macro spark__unnest_list(column) -%}
    explode({{ column }})
{%- endmacro %}

{% macro date_spine_days(bounds_relation, start_column, end_column) -%}
    {#- One row per day (column date_day) from start to end inclusive, for the single row of
        bounds_relation. Written here instead of taking a package: the project installs no
        packages, so it builds without network access. -#}
    {{ return(adapter.dispatch('date_spine_days')(bounds_relation, start_column, end_column)) }}
{%- endmacro %}

{% macro default__date_spine_days(bounds_relation, start_column, end_column) -%}
    select cast(spine.day_at as date) as date_day
    from {{ bounds_relation }} as bounds
    cross join generate_series(
        cast(bounds.{{ start_column }} as timestamp),
        cast(bounds.{{ end_column }} as timestamp),
        interval '1 day'
    ) as spine (day_at)
{%- endmacro %}

{% macro spark__date_spine_days(bounds_relation, start_column, end_column) -%}
    select explode(
        sequence(cast(bounds.{{ start_column }} as date), cast(bounds.{{ end_column }} as date), interval 1 day)
    ) as date_day
    from {{ bounds_relation }} as bounds
{%- endmacro %}

{% macro as_of_date_literal() -%}
    {#- The `as_of_date` var (YYYY-MM-DD; the run's as-of date, RI_AS_OF_DATE in the pipeline) as a SQL date literal, or none when unset. -#}
    {%- set raw = var('as_of_date', '') | trim -%}
    {%- if raw == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', raw) -%}
        {{ exceptions.raise_compiler_error("var as_of_date must be YYYY-MM-DD, got '" ~ raw ~ "'") }}
    {%- endif -%}
    {{ return("cast('" ~ raw ~ "' as date)") }}
{%- endmacro %}

{% macro as_of_date_value(activities_relation) -%}
    {#- The as-of date as a SQL value for a filter: the `as_of_date` var as a literal when set, else
        the scalar subquery of as_of_date_select. A window on a date column against a constant is a
        filter the scan checks against each row group's min/max date, skipping the row groups of
        other days (the facts are written in day order, clustered_by); against a subquery or a
        joined `as_of` row the scan reads every row of the history and the join filters them. -#}
    {%- set literal = as_of_date_literal() -%}
    {{- return(literal if literal else '(' ~ as_of_date_select(activities_relation) ~ ')') -}}
{%- endmacro %}

{% macro within_days_to_as_of(date_column, days) -%}
    {#- True for a day among the `days` days up to and including the as-of date (as_of_date_value). -#}
    {{ date_column }} <= {{ as_of_date_value(ref('fct_activities')) }} and {{ after_days_before_as_of(date_column, days) }}
{%- endmacro %}

{% macro after_days_before_as_of(date_column, days) -%}
    {#- True for a day after the one `days` days before the as-of date (as_of_date_value): the start of
        a window of `days` days up to the as-of date. -#}
    {{ date_column }} > {{ dbt.dateadd('day', -(days | int), as_of_date_value(ref('fct_activities'))) }}
{%- endmacro %}

{% macro as_of_date_select(activities_relation) -%}
    {#- The body of an `as_of` CTE: the `as_of_date` var when set, else the date of the last activity that
        happened (scheduled meetings lie in the future; the data ends with the last thing that happened). -#}
    {%- set literal = as_of_date_literal() -%}
    {%- if literal %}
    select {{ literal }} as as_of_date
    {%- else %}
    select max(activity_date) as as_of_date
    from {{ activities_relation }}
    where activity_status <> 'scheduled'
    {%- endif %}
{%- endmacro %}
