{#- The activity-grain models (the canonical activities, their resolved parties, reply pairs, e-mail
    engagement and the facts built on them) are kept per activity: a night rebuilds the activities
    that changed, not every activity of the history.

    int_activities__to_rebuild decides, once per run, which activities those are (its own SQL says
    how the set is found), or that every activity is rebuilt. Each model of the chain calls
    kept_per_activity(): before the build it deletes the rows of those activities, then appends
    their rows again (it filters its inputs with activities_to_rebuild / is_rebuilt).
    int_activity_chain_inputs lists what the chain is built from in this run (activity_chain_inputs);
    int_activity_inputs__built, built after the last of them, copies it as the record of what the
    chain now holds; a run that stops before it leaves the record of the run before, and the next
    run rebuilds every activity.

    Every activity is rebuilt on a full build or `--full-refresh`, on Spark (whose tables are
    rebuilt whole, macros/spark.sql), when there is no record of a completed chain, when a batch the
    chain holds was replaced or went away, and when the settings input changed (internal domains,
    users' time zones, the chain's SQL and settings). A macro the chain calls is not part of it:
    after changing one, rebuild with `--full-refresh`. -#}

{% macro kept_per_activity() -%}
    {#- The configuration of a model of the chain, called at its top: incremental, the rows of the
        activities this run rebuilds deleted first and appended again, and built after
        int_activities__to_rebuild (the ref, taken when the project is parsed, makes it a parent). -#}
    {%- do ref('int_activities__to_rebuild') -%}
    {{- config(materialized='incremental', incremental_strategy='append', on_schema_change='append_new_columns',
               pre_hook="{{ delete_activities_to_rebuild() }}") -}}
{%- endmacro %}

{% macro activity_chain_models() -%}
    {#- The names of the models rebuilt per activity: those that depend on int_activities__to_rebuild
        (none while the project is parsed: the graph is not there yet). -#}
    {%- set names = [] -%}
    {%- for node in graph.get('nodes', {}).values() if node.resource_type == 'model' -%}
        {%- if 'model.relintel.int_activities__to_rebuild' in node.depends_on.nodes -%}
            {%- do names.append(node.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names | sort) }}
{%- endmacro %}

{% macro relation_of_model(name) -%}
    {#- The existing relation of a model of this project, or none; for reading a model's previous
        state where a ref() would make a cycle. -#}
    {%- set node = graph.nodes['model.relintel.' ~ name] -%}
    {{ return(adapter.get_relation(node.database, node.schema, node.alias)) }}
{%- endmacro %}

{% macro activity_grain_staging() -%}
    {#- (entity, staging model) of the activity-grain staging tables kept by batch (macros/batches.sql) -#}
    {{ return([('activities', 'stg_landed__activities'),
               ('activity_parties', 'stg_landed__activity_parties'),
               ('email_events', 'stg_landed__email_events')]) }}
{%- endmacro %}

{% macro activity_chain_inputs() -%}
    {#- What the chain is built from, as rows (input_kind, input_key, input_version):
          activities, activity_parties, email_events   each staged batch and its version;
          address       each known address and one of its owners (user|contact|account);
          account       each account_id (an activity's regarding account counts when it exists);
          opportunity   each deal and its account;
          settings      one row: a hash of the internal domains, our users' time zones (reply
                        times are counted on their calendars), the settings the chain reads and
                        the chain models' own SQL; when it changes every activity is rebuilt.
        Compared by content with what the chain was last built from, so a CRM export landed
        again unchanged changes nothing. -#}
    {%- set code = [] -%}
    {%- for name in activity_chain_models() -%}
        {%- do code.append(name ~ ':' ~ graph.nodes['model.relintel.' ~ name].checksum.checksum) -%}
    {%- endfor -%}
    {%- do code.append('plus_addressing:' ~ var('plus_addressing') | tojson) -%}
    {%- do code.append('business_hours:' ~ numeric_var('business_day_start_hour', 9) ~ '-' ~ numeric_var('business_day_end_hour', 17)) -%}
    {%- for entity, model in activity_grain_staging() %}
    select distinct {{ sql_string(entity) }} as input_kind, batch_id as input_key, batch_version as input_version
    from {{ ref(model) }} as staged
    union all
    {%- endfor %}
    select distinct
        'address',
        email_address,
        {{ dbt.concat(["coalesce(user_id, '')", "'|'", "coalesce(contact_id, '')", "'|'", "coalesce(account_id, '')"]) }}
    from {{ ref('int_addresses__unioned') }} as addresses
    union all
    select 'account', account_id, '' from {{ ref('stg_landed__accounts') }} as accounts
    union all
    select 'opportunity', opportunity_id, coalesce(account_id, '') from {{ ref('stg_landed__opportunities') }} as opportunities
    union all
    select 'settings', 'settings', {{ dbt.hash(dbt.listagg('entry', "','", 'order by entry')) }}
    from (
        select {{ dbt.concat(["'internal_domain|'", "internal_domain"]) }} as entry
        from {{ ref('int_internal_domains__unioned') }} as domains
        union all
        select {{ dbt.concat(["'user|'", "user_id", "'|'", "coalesce(timezone, '')"]) }} from {{ ref('stg_landed__users') }} as users
        union all
        select {{ dbt.concat(["'code|'", sql_string(code | join(';'))]) }}
    ) as settings
{%- endmacro %}

{% macro current_chain_inputs() -%}
    {#- SQL: the rows (input_kind, input_key, input_version) of activity_chain_inputs for this run:
        those int_activity_chain_inputs listed when this run built it, else (a run that selected a
        model of the chain without it) the inputs as they are now. -#}
    {%- set listed = ref('int_activity_chain_inputs') -%}
    {%- set listed_now = execute and load_relation(listed) is not none and written_in_this_run(listed) -%}
    {%- if listed_now -%}
    select input_kind, input_key, input_version from {{ listed }} as listed
    {%- else -%}
    {{ activity_chain_inputs() }}
    {%- endif -%}
{%- endmacro %}

{% macro batches_not_built(built) -%}
    {#- entity -> the batch ids of that activity-grain staging entity staged now that the chain's last
        complete build (`built`, int_activity_inputs__built) did not take in: one query per build,
        so that a read of a staging table names them as constants (in_batches) and skips the other
        batches' row groups by their statistics instead of reading every row's batch. Empty lists
        at parse time. -#}
    {%- set entities = activity_grain_staging() | map(attribute=0) | list -%}
    {%- set batches = {} -%}
    {%- for entity in entities -%}
        {%- do batches.update({entity: []}) -%}
    {%- endfor -%}
    {%- if not execute -%}
        {{ return(batches) }}
    {%- endif -%}
    {%- set query -%}
        select input_kind, input_key from ({{ current_chain_inputs() }}) as current_inputs
        where input_kind in ({{ sql_string_list(entities) }})
        except
        select input_kind, input_key from {{ built }} as built
        where input_kind in ({{ sql_string_list(entities) }})
        order by 1, 2
    {%- endset -%}
    {%- for row in run_query(query).rows -%}
        {%- do batches[row[0]].append(row[1]) -%}
    {%- endfor -%}
    {{ return(batches) }}
{%- endmacro %}

{% macro activity_rebuild_scope() -%}
    {#- 'changed' when this run can rebuild only the activities that changed, else 'all'. Called by
        int_activities__to_rebuild while it is built (its previous table still there). The query
        is written before anything is decided, so the models it reads are known when the project
        is parsed. -#}
    {%- set built = relation_of_model('int_activity_inputs__built') if execute else none -%}
    {%- set previous = adapter.get_relation(this.database, this.schema, this.identifier) if execute else none -%}
    {%- set query -%}
        with
        built as (select * from {{ built }}),
        current_inputs as ({{ current_chain_inputs() }})
        select
            -- a run that decided what to rebuild and did not record finishing (it stopped half-way)
            (select count(*) from {{ previous }} as decided
             where decided.dbt_invocation_id not in (select dbt_invocation_id from built)) as unfinished,
            -- a batch the chain holds that staging no longer holds as it was (replaced or gone),
            -- or other settings
            (select count(*) from built
             where built.input_kind in ('activities', 'activity_parties', 'email_events', 'settings')
                and not exists (select 1 from current_inputs
                                where current_inputs.input_kind = built.input_kind
                                    and current_inputs.input_key = built.input_key
                                    and current_inputs.input_version is not distinct from built.input_version)) as gone
    {%- endset -%}
    {%- if not execute or target.type == 'spark' or should_full_refresh() or previous is none -%}
        {{ return('all') }}
    {%- endif -%}
    {%- for name in activity_chain_models() + ['int_activity_inputs__built'] -%}
        {%- if relation_of_model(name) is none -%}
            {{ return('all') }}
        {%- endif -%}
    {%- endfor -%}
    {%- set row = run_query(query).rows[0] -%}
    {{ return('all' if row['unfinished'] > 0 or row['gone'] > 0 else 'changed') }}
{%- endmacro %}

{% macro activities_to_rebuild() -%}
    {#- In a model of the chain: none when the model builds every activity (not incremental, or this
        run rebuilds them all), else a subquery of the activity_ids it rebuilds. -#}
    {%- if not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set to_rebuild = ref('int_activities__to_rebuild') -%}
    {%- set everything = run_query('select count(*) from ' ~ to_rebuild ~ ' where rebuild_all').columns[0].values()[0] -%}
    {%- if everything > 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return('(select activity_id from ' ~ to_rebuild ~ ' as to_rebuild where activity_id is not null)') }}
{%- endmacro %}

{% macro is_rebuilt(column, to_rebuild, chain_model=none) -%}
    {#- SQL: whether the row of `column` (an activity_id) is rebuilt, for `to_rebuild` from
        activities_to_rebuild(). `chain_model`: the relation (a ref) the column is read from when it
        is a model of the chain; if this run built it already, its rows of the rebuilt activities
        are the rows this run wrote, and the condition says so too: the read then skips the row
        groups earlier runs wrote by their statistics instead of reading every activity_id. -#}
    {%- if to_rebuild is none -%}
        true
    {%- else -%}
        {{ column }} in {{ to_rebuild }}
        {%- if chain_model is not none and written_in_this_run(chain_model) %}
        and {{ is_written_by_this_build(column.rpartition('.')[0]) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{% macro written_in_this_run(relation) -%}
    {#- Whether this dbt invocation wrote rows of `relation` (a model marked by written_by_this_build). -#}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set query -%}
        select count(*) from (select 1 from {{ relation }} where {{ is_written_by_this_build() }} limit 1) as written
    {%- endset -%}
    {{ return(run_query(query).columns[0].values()[0] > 0) }}
{%- endmacro %}

{% macro delete_activities_to_rebuild(column='activity_id') -%}
    {#- Pre-hook of a chain model: remove the rows this run rebuilds (every row when it rebuilds
        every activity). Nothing on a full build. -#}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ is_rebuilt(column, activities_to_rebuild()) }}
    {%- endif -%}
{%- endmacro %}
