{#- What the action models (models/actions) share: runs of a daily condition, ratings in order,
    numbers in words. -#}

{% macro condition_runs(relation, keys, label_columns, conditions, with_unknown_starts=false) -%}
    {#- Runs of consecutive rows where a condition holds, per `keys` and condition, from `relation`:
        one row per key and `day`, with a boolean column per condition. `conditions`: a list of
        (the values of `label_columns` that name the condition, its column in `relation`; a null is
        false). Rows are consecutive in `day` order whatever the calendar gap between them (an
        entity unscored for a while keeps its run). A run only counts when its first row follows a
        row where the condition did not hold: a condition already true on the first day known is not
        news, and its start is unknown. Returns the keys, the label columns, `opened_date` (first
        day), `last_seen_date` (last day it held) and `cleared_date` (the first day after the run,
        null while it still holds on the latest day of the relation), and `day_before_run` (the day
        of the row before its first, where it did not hold). Alerts and recommendations
        share this rule: one open item per run, closed when it clears, a new one when it returns.
        One ordering of the rows per key finds, for every condition at once, each run's first and
        last rows (its edges); only the edges are told apart by condition, and the runs are read
        from them, a few rows per key and condition rather than one per day and condition.
        `with_unknown_starts`: also the runs that hold on a key's first row, with a null
        `day_before_run` (condition_runs_since reads them to find the runs that go on). -#}
    {%- set key_list = keys | join(', ') %}
    {%- set by_condition = (keys + label_columns) | join(', ') %}
    with condition_neighbours as (
        select
            {{ key_list }},
            day,
            {%- for labels, column in conditions %}
            condition_{{ loop.index }},
            lag(condition_{{ loop.index }}) over by_key as previous_condition_{{ loop.index }},
            lead(condition_{{ loop.index }}) over by_key as next_condition_{{ loop.index }},
            {%- endfor %}
            lag(day) over by_key as previous_day,
            lead(day) over by_key as next_day,
            max(day) over () as latest_day
        from (
            select
                {{ key_list }},
                {%- for labels, column in conditions %}
                coalesce({{ column }}, false) as condition_{{ loop.index }},
                {%- endfor %}
                day
            from {{ relation }}
        ) as conditions
        window by_key as (partition by {{ key_list }} order by day)
    )

    select
        {{ by_condition }},
        opened_date,
        previous_day as day_before_run,
        last_seen_date,
        case
            when day_after_run is not null then day_after_run
            -- the entity has no later row (a deal closed, an account left): the condition ended with it
            when last_seen_date < latest_day then cast({{ dbt.dateadd('day', 1, 'last_seen_date') }} as date)
        end as cleared_date
    from (
        -- each run's first row, with its last row: the same row, or the next edge
        select
            {{ by_condition }},
            day as opened_date,
            previous_day,
            previous_holds,
            latest_day,
            case when next_holds is distinct from true then day else lead(day) over by_key end as last_seen_date,
            case when next_holds is distinct from true then next_day else lead(next_day) over by_key end as day_after_run
        from (
            -- the neighbours read once, paired with each condition (an engine that inlines a CTE,
            -- such as Spark, would compute it again for every read)
            select
                {{ key_list }},
                {%- for label in label_columns %}
                chosen.{{ label }},
                {%- endfor %}
                day,
                previous_day,
                case chosen.condition_number
                    {%- for _ in conditions %}
                    when {{ loop.index }} then previous_condition_{{ loop.index }}
                    {%- endfor %}
                end as previous_holds,
                next_day,
                case chosen.condition_number
                    {%- for _ in conditions %}
                    when {{ loop.index }} then next_condition_{{ loop.index }}
                    {%- endfor %}
                end as next_holds,
                latest_day
            from condition_neighbours
            cross join (
                {%- for labels, column in conditions %}
                {%- set number = loop.index %}
                select {{ number }} as condition_number
                    {%- for label in labels %}, {{ label }} as {{ label_columns[loop.index0] }}{% endfor %}
                union all
                {%- endfor %}
                -- keeps the union well formed however many conditions there are
                select 0 as condition_number
                    {%- for label in label_columns %}, null as {{ label }}{% endfor %}
                where false
            ) as chosen
            where case chosen.condition_number
                {%- for _ in conditions %}
                when {{ loop.index }} then condition_{{ loop.index }}
                    and (previous_condition_{{ loop.index }} is distinct from true or next_condition_{{ loop.index }} is distinct from true)
                {%- endfor %}
                else false
            end
        ) as edges
        window by_key as (partition by {{ by_condition }} order by day)
    ) as runs
    where previous_holds is distinct from true
    {%- if not with_unknown_starts %} and previous_day is not null{% endif %}
{%- endmacro %}


{% macro condition_runs_since(relation, keys, label_columns, conditions, earlier_runs) -%}
    {#- The runs condition_runs finds in `relation`, found from where `earlier_runs` (the runs it
        found before, in a relation that has only grown by later days since; the same columns)
        left off: the runs that are new or may have changed, each to replace the earlier row with
        the same keys, labels and `opened_date`. Reads the rows after the last day an earlier run
        was seen, and each key's last row up to that day: a run holding on that row goes on from
        the earlier run last seen that day (its `opened_date` and `day_before_run` are kept) and may have
        ended since, or ended because its key has no later row. Returns condition_runs' columns and
        `goes_on` (true for those). Found again from the merged runs, they are the same rows (a
        night run twice), and however few days the earlier runs cover, the merged runs are those of
        the whole relation (a night that failed is made up by the next). Where a
        relation's rows are the history of many days, a night reads its new days and a row per key
        instead of ordering the whole history. -#}
    {%- set key_list = keys | join(', ') %}
    {%- set by_condition = (keys + label_columns) | join(', ') %}
    with runs_seen_through as (
        select max(last_seen_date) as day from {{ earlier_runs }}
    ),

    rows_to_read as (
        select later_rows.*
        from {{ relation }} as later_rows
        where later_rows.day > (select day from runs_seen_through) or (select day from runs_seen_through) is null
        union all
        -- each key's last row up to then (found by an aggregate, not an ordering of every row)
        select last_rows.*
        from {{ relation }} as last_rows
        inner join (
            select {{ key_list }}, max(day) as day
            from {{ relation }}
            where day <= (select day from runs_seen_through)
            group by {{ key_list }}
        ) as last_days
            on {% for key in keys %}last_rows.{{ key }} = last_days.{{ key }} and {% endfor %}last_rows.day = last_days.day
    ),

    runs_read as (
        {{ condition_runs('rows_to_read', keys, label_columns, conditions, with_unknown_starts=true) }}
    )

    select {{ by_condition }}, opened_date, day_before_run, last_seen_date, cleared_date, false as goes_on
    from runs_read
    where day_before_run is not null
    union all
    -- a run holding on a key's first row read goes on from the earlier run last seen that day (no
    -- earlier run was seen later: the rows read start at the last day any was seen); a key whose
    -- first row ever holds has none (a condition true from the start is not news)
    select
        {%- for column in keys + label_columns %}
        runs_read.{{ column }},
        {%- endfor %}
        earlier.opened_date,
        earlier.day_before_run,
        runs_read.last_seen_date,
        runs_read.cleared_date,
        true as goes_on
    from runs_read
    inner join {{ earlier_runs }} as earlier
        on {% for column in keys + label_columns %}runs_read.{{ column }} = earlier.{{ column }} and {% endfor %}runs_read.opened_date = earlier.last_seen_date
    where runs_read.day_before_run is null
{%- endmacro %}


{% macro rating_rank(column) -%}
    {#- Excellent 4, Good 3, Fair 2, Poor 1 (null when unrated): "dropped a rating" compares these -#}
    case {{ column }} when 'Excellent' then 4 when 'Good' then 3 when 'Fair' then 2 when 'Poor' then 1 end
{%- endmacro %}

{% macro one_decimal(expression) -%}
    {#- a number as text with one decimal (57.0), for messages -#}
    cast(cast({{ expression }} as decimal(10, 1)) as {{ type_text() }})
{%- endmacro %}

{% macro health_entity_types(values, name) -%}
    {#- a var's list of entity types, each one of the health tables' -#}
    {%- for value in values if value not in ['contact', 'account', 'opportunity'] -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ ": '" ~ value ~ "' is not contact, account or opportunity") }}
    {%- endfor -%}
    {{ return(values) }}
{%- endmacro %}

{% macro json_object(pairs) -%}
    {#- a JSON object as text from (key expression, value expression) pairs: the evidence columns -#}
    {{ return(adapter.dispatch('json_object')(pairs)) }}
{%- endmacro %}

{% macro default__json_object(pairs) -%}
    cast(json_object({% for key, value in pairs %}{{ key }}, {{ value }}{{ ", " if not loop.last }}{% endfor %}) as {{ type_text() }})
{%- endmacro %}

{% macro spark__json_object(pairs) -%}
    {#- keys and values in the same order; null values kept, as the other engines keep them -#}
    to_json(named_struct({% for key, value in pairs %}{{ key }}, {{ value }}{{ ", " if not loop.last }}{% endfor %}), map('ignoreNullFields', 'false'))
{%- endmacro %}

{% macro postgres__json_object(pairs) -%}
    cast(json_build_object({% for key, value in pairs %}{{ key }}, {{ value }}{{ ", " if not loop.last }}{% endfor %}) as {{ type_text() }})
{%- endmacro %}

{% macro counted(expression, singular, plural) -%}
    {#- "1 meeting", "2 meetings": a count and its noun, for messages -#}
    cast({{ expression }} as {{ type_text() }}) || case when {{ expression }} = 1 then ' {{ singular }}' else ' {{ plural }}' end
{%- endmacro %}

{% macro alert_recipients() -%}
    {#- SQL: who receives the alerts on what each user owns, as the users are now: (owner_user_id,
        recipient_user_id, recipient_name, recipient_role), the owner and the owner's manager when
        that is another user. -#}
    select owners.user_id as owner_user_id, owners.user_id as recipient_user_id, owners.full_name as recipient_name,
        'owner' as recipient_role
    from {{ ref('dim_users') }} as owners
    union all
    select owners.user_id, managers.user_id, managers.full_name, 'manager'
    from {{ ref('dim_users') }} as owners
    inner join {{ ref('dim_users') }} as managers on owners.manager_user_id = managers.user_id
    where managers.user_id <> owners.user_id
{%- endmacro %}

{% macro forget_changed_alerts() -%}
    {#- Pre-hook of alerts kept night by night: remove the alerts a night words again, which the
        model then builds with the runs the table does not hold (the new ones). Nothing on a full
        build. A run's opening facts never change once opened (int_alert_runs keeps them), so what
        changes is when it was last seen and whether it recovered, or the run itself (a refresh
        of the runs found other ones), or who receives what its owner owns. A table from before the
        alerts marked the rows a build wrote (no dbt_invocation_id) is worded again whole. -#}
    {%- if is_incremental() -%}
    {%- set recipient_columns = 'owner_user_id, recipient_user_id, recipient_name, recipient_role' -%}
    {%- set marked = 'dbt_invocation_id' in adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    delete from {{ this }}
    where {{ 'dbt_invocation_id is null' if marked else 'true' }}
        or alert_id in (
            select runs.alert_id
            from {{ ref('int_alert_runs') }} as runs
            inner join {{ this }} as kept on kept.alert_id = runs.alert_id
            where runs.last_seen_date is distinct from kept.last_seen_date
                or runs.cleared_date is distinct from kept.recovered_date
        )
        or alert_id not in (select runs.alert_id from {{ ref('int_alert_runs') }} as runs)
        or owner_user_id in (
            select changed.owner_user_id
            from (
                (
                    select {{ recipient_columns }} from {{ this }} as kept
                    except
                    select {{ recipient_columns }} from ({{ alert_recipients() }}) as recipients
                )
                union all
                (
                    select {{ recipient_columns }} from ({{ alert_recipients() }}) as recipients
                    where recipients.owner_user_id in (select kept.owner_user_id from {{ this }} as kept)
                    except
                    select {{ recipient_columns }} from {{ this }} as kept
                )
            ) as changed
        )
    {%- endif -%}
{%- endmacro %}
