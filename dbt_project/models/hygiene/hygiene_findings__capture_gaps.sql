-- Capture-gap findings: a rep's mailbox or calendar that stopped syncing (one finding per gap), a
-- day the org-wide extract collapsed, and accounts with open opportunities and no activity in 30
-- days. A calendar gap inside a mailbox gap of the same rep is the same outage: reported once.

-- a part of hygiene_findings, inlined there: no table of its own
{{ config(materialized='ephemeral', contract={'enforced': false}) }}

with

as_of as (

    {{ as_of_date_select(ref('fct_activities')) }}

),

rep_gaps as (

    select runs.*
    from {{ ref('hygiene_capture_gap_runs') }} as runs
    where runs.gap_kind = 'mailbox'
        or not exists (
            select 1
            from {{ ref('hygiene_capture_gap_runs') }} as mailbox
            where mailbox.user_id = runs.user_id
                and mailbox.gap_kind = 'mailbox'
                and mailbox.gap_start_date <= runs.gap_end_date
                and mailbox.gap_end_date >= runs.gap_start_date
        )

),

rep_gap_findings as (

    select
        'capture_gap_rep' as rule,
        'user' as entity_type,
        rep_gaps.user_id as entity_id,
        users.full_name as entity_name,
        cast(null as {{ type_text() }}) as account_id,
        rep_gaps.user_id,
        rep_gaps.gap_start_date as start_date,
        rep_gaps.gap_end_date as end_date,
        'no ' || case rep_gaps.gap_kind when 'mailbox' then 'e-mail synced from the mailbox' else 'meeting synced from the calendar' end
            || ' for ' || cast(rep_gaps.gap_days as {{ type_text() }}) || ' days ('
            || cast(rep_gaps.gap_weekdays as {{ type_text() }}) || ' working days); the rep''s normal volume would have synced about '
            || cast(cast(round(rep_gaps.expected_count) as bigint) as {{ type_text() }}) || '; '
            || cast(rep_gaps.logged_count as {{ type_text() }}) || ' activities were logged by hand or dialled meanwhile' as evidence,
        'Check the ' || case rep_gaps.gap_kind when 'mailbox' then 'mailbox' else 'calendar' end
            || ' sync connection of this rep (expired token, changed password, licence), then re-sync the period.' as suggested_fix,
        rep_gaps.expected_count as metric_value
    from rep_gaps
    left join {{ ref('dim_users') }} as users
        on users.user_id = rep_gaps.user_id

),

collapse_findings as (

    select
        'extract_volume_collapse' as rule,
        'day' as entity_type,
        cast(collapse_date as {{ type_text() }}) as entity_id,
        cast(collapse_date as {{ type_text() }}) as entity_name,
        cast(null as {{ type_text() }}) as account_id,
        cast(null as {{ type_text() }}) as user_id,
        collapse_date as start_date,
        collapse_date as end_date,
        cast(synced_count as {{ type_text() }}) || ' synced e-mails and meetings against a usual '
            || cast(cast(usual_synced_count as bigint) as {{ type_text() }}) || ' for this weekday ('
            || cast(cast(round(100 * synced_ratio) as bigint) as {{ type_text() }}) || '%), while '
            || cast(logged_count as {{ type_text() }}) || ' activities were logged by hand or dialled (usual '
            || cast(cast(usual_logged_count as bigint) as {{ type_text() }}) || ')' as evidence,
        'Re-run the extract for this day and check the sync service''s logs; scores using this day are low-confidence until then.' as suggested_fix,
        1 - synced_ratio as metric_value
    from {{ ref('hygiene_extract_collapse_days') }} as collapse_days

),

last_activity as (

    select
        account_id,
        max(activity_date) as last_activity_date
    from {{ ref('fct_activities') }} as activities
    cross join as_of
    where account_id is not null
        and activity_status <> 'scheduled'
        and activity_date <= as_of.as_of_date
    group by account_id

),

open_deals as (

    select
        account_id,
        count(*) as open_opportunity_count,
        sum(coalesce(amount, 0)) as open_amount,
        min(created_date) as first_created_date,
        {{ dbt.listagg('opportunity_id', "';'", 'order by opportunity_id') }} as opportunity_ids
    from {{ ref('dim_opportunities') }} as opportunities
    where is_open
    group by account_id

),

silent_accounts as (

    select
        open_deals.*,
        accounts.account_name,
        accounts.owner_user_id,
        last_activity.last_activity_date,
        as_of.as_of_date,
        {{ dbt.datediff('coalesce(last_activity.last_activity_date, open_deals.first_created_date)', 'as_of.as_of_date', 'day') }}
            as silent_days
    from open_deals
    cross join as_of
    inner join {{ ref('dim_accounts') }} as accounts
        on accounts.account_id = open_deals.account_id
    left join last_activity
        on last_activity.account_id = open_deals.account_id

),

silent_findings as (

    select
        'open_opportunity_no_activity' as rule,
        'account' as entity_type,
        account_id as entity_id,
        account_name as entity_name,
        account_id,
        owner_user_id as user_id,
        {{ dbt.dateadd('day', 1, 'coalesce(last_activity_date, first_created_date)') }} as start_date,
        as_of_date as end_date,
        cast(open_opportunity_count as {{ type_text() }}) || ' open opportunities (' || opportunity_ids || ', '
            || cast(cast(open_amount as bigint) as {{ type_text() }}) || ' in total) and no activity for '
            || cast(silent_days as {{ type_text() }}) || ' days'
            || coalesce(' (last on ' || cast(last_activity_date as {{ type_text() }}) || ')', ' (none ever captured)') as evidence,
        'Confirm with the owner whether the deals are still alive: re-engage the account or close the opportunities as lost.' as suggested_fix,
        cast(silent_days as {{ type_double() }}) as metric_value
    from silent_accounts
    -- a deal opened recently at an account silent for longer counts too: nobody is talking to them
    where silent_days > {{ numeric_var('hygiene_silent_account_days', 30) }}

),

unioned as (

    select * from rep_gap_findings
    union all
    select * from collapse_findings
    union all
    select * from silent_findings

)

select * from unioned
