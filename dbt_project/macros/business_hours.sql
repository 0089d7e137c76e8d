{#- Working time between two instants on a user's calendar: Monday to Friday, from
    var('business_day_start_hour') (9) to var('business_day_end_hour') (17) local time (whole
    hours, checked to be numbers). The
    calendar is the user's IANA time zone from the users extract; names the database does not know
    are dropped at staging, so a conversion never fails on a typo. -#}

{% macro known_time_zones() -%}
    {#- one column `name`: every IANA zone name the database can convert to -#}
    {{ return(adapter.dispatch('known_time_zones')()) }}
{%- endmacro %}

{% macro default__known_time_zones() -%}
    select name from pg_timezone_names
{%- endmacro %}

{% macro duckdb__known_time_zones() -%}
    select name from pg_timezone_names()
{%- endmacro %}

{% macro spark__known_time_zones() -%}
    {#- Java's zone ids (Spark converts with java.time): ZoneId.getAvailableZoneIds() as a list -#}
    select explode(split(regexp_extract(reflect('java.time.ZoneId', 'getAvailableZoneIds'), '^\\[(.*)\\]$', 1), ', ')) as name
{%- endmacro %}

{% macro local_time(column, time_zone) -%}
    {#- timestamp with time zone -> the wall-clock time in time_zone (naive) -#}
    {{- return(adapter.dispatch('local_time')(column, time_zone)) -}}
{%- endmacro %}

{% macro default__local_time(column, time_zone) -%}
    ({{ column }} at time zone {{ time_zone }})
{%- endmacro %}

{% macro spark__local_time(column, time_zone) -%}
    {#- an instant whose UTC wall-clock is the local one (the session is UTC; see spark__utc_timestamp) -#}
    from_utc_timestamp({{ column }}, {{ time_zone }})
{%- endmacro %}

{% macro business_minutes(start_local, end_local) -%}
    {#- working minutes between two local (naive) timestamps; 0 when end is not after start. Counted
        in whole seconds, exact on every engine, and divided once, in double precision, so DuckDB
        and Postgres give the same bits. -#}
    cast(greatest(
        {{ _business_seconds_since_epoch(end_local) }} - {{ _business_seconds_since_epoch(start_local) }},
        0
    ) as {{ type_double() }}) / 60
{%- endmacro %}

{% macro _business_seconds_since_epoch(ts) -%}
    {#- working seconds from Monday 1970-01-05 00:00 up to ts: whole weeks, whole weekdays of the
        week so far, then the part of ts's own day inside working hours (weekdays only) -#}
    {%- set start_hour = numeric_var('business_day_start_hour', 9) | int -%}
    {%- set end_hour = numeric_var('business_day_end_hour', 17) | int -%}
    {%- set start_second = start_hour * 3600 -%}
    {%- set day_seconds = (end_hour - start_hour) * 3600 -%}
    {%- set days = 'cast(' ~ dbt.datediff("cast('1970-01-05' as date)", 'cast(' ~ ts ~ ' as date)', 'day') ~ ' as bigint)' -%}
    {%- set weekday = '(((' ~ days ~ ') % 7 + 7) % 7)' -%}
    {%- set second_of_day = 'cast(extract(hour from ' ~ ts ~ ') as bigint) * 3600 + cast(extract(minute from ' ~ ts
        ~ ') as bigint) * 60 + cast(floor(extract(second from ' ~ ts ~ ')) as bigint)' -%}
    (
        cast(floor(({{ days }}) / 7.0) as bigint) * {{ 5 * day_seconds }}
        + least({{ weekday }}, 5) * {{ day_seconds }}
        + case when {{ weekday }} < 5 then
            least(greatest({{ second_of_day }} - {{ start_second }}, 0), {{ day_seconds }})
          else 0 end
    )
{%- endmacro %}
