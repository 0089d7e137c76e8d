{#- Recommendations (models/actions/recommendations.sql) are kept night by night: the runs of their
    conditions are found again only from the first day whose point-in-time signals a night can have
    rewritten, read from the day before, where a run the table holds as the last build left it goes
    on (with its opened date). The words are written again for every recommendation listed, from
    today's people and names. -#}

{% macro recommendation_window() -%}
    {#- On an incremental build, {'conditions_from': the first day whose conditions are found again,
        'listed_from': the first last-seen day still listed, `recommendations.history_days` days up
        to the run's as-of date} (Python dates); none on a full build, at parse time, with
        nothing kept, or when the kept recommendations may not hold every run that goes on.
        The features rebuild the last `incremental.lookback_days` days up to their run's as-of
        date (macros/incremental.sql), so the days that can have changed since the last build
        start `lookback_days` - 1 days before the earlier of today's as-of date and the last day a
        kept recommendation was seen (no later than the last build's as-of date: a night that
        built the features but not these is covered). A run going on was last seen on the day
        before or later, so it is still listed if `recommendations.history_days` reaches back that
        far; else everything is found again. -#}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        select
            (select max(last_seen_date) from {{ this }}) as last_seen,
            (select max(as_of_date) from ({{ as_of_date_select(ref('fct_activities')) }}) as run_as_of) as as_of_date
    {%- endset -%}
    {%- set row = run_query(query).rows[0] -%}
    {%- if row['last_seen'] is none or row['as_of_date'] is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set day = modules.datetime.timedelta(days=1) -%}
    {%- set lookback = var('incremental')['lookback_days'] | int -%}
    {%- set history_days = numeric_value(var('recommendations').history_days, 'recommendations.history_days') | int -%}
    {%- set conditions_from = [row['as_of_date'], row['last_seen']] | min - day * (lookback - 1) -%}
    {%- set listed_from = row['as_of_date'] - day * (history_days - 1) -%}
    {%- if conditions_from - day < listed_from -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return({'conditions_from': conditions_from, 'listed_from': listed_from}) }}
{%- endmacro %}

{% macro forget_recommendations() -%}
    {#- Pre-hook of recommendations on an incremental build: remove what the build finds again (the
        runs opened from the window's first day on) and what it no longer lists (last seen
        `history_days` days or more ago); everything when it finds every run again. -#}
    {%- if execute and is_incremental() -%}
        {%- set window = recommendation_window() -%}
        {%- if window is none -%}
            delete from {{ this }}
        {%- else -%}
            delete from {{ this }}
            where opened_date >= {{ days_before(window.conditions_from, 0) }}
                or last_seen_date < {{ days_before(window.listed_from, 0) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
