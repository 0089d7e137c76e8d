-- Guided recommendations: the next action on a deal or an account, in plain words naming people and
-- dates, with the evidence. Each rule is a daily condition over the point-in-time signals
-- (models/features); a recommendation stays open while its condition holds (same id), is closed the
-- first day it no longer does, and a new one opens if it returns (macro condition_runs). Its words
-- and evidence are those of the last day it held. Rules and their numbers: the var
-- `recommendations` (dbt_project.yml); a rule with `enabled: false` is left out.
--   introduction       a deal's primary contact has stopped answering (an unanswered streak) and
--                      missed or declined meetings, while another contact at the account is engaged:
--                      ask the colleague who knows the primary contact best (never the owner; else
--                      the owner's manager's team through someone they know at the account; else say
--                      there is none) for an introduction
--   single_threaded    one engaged contact on a deal or an account: engage another stakeholder,
--                      naming the buying roles nobody covers
--   no_decision_maker  an open deal with no decision-maker engaged in `days` days
--   quiet_account      an account going quiet (models/features: is_going_quiet) with an open deal
--   waiting_on_us      our replies to the account over `window_days` are slower than `slower_than_norm`
--                      times our own 90-day norm with them
--   leadership_news    published news of a leadership change names one of a deal's contacts, within
--                      the last news.whats_new_days days: confirm their role and who decides now
-- Kept night by night (macros/recommendations.sql): a night finds the runs again from the first day
-- whose signals it can have rewritten (the features' look-back), reading from the day before, where
-- a run the table holds goes on (keeping its opened date), and reads the signals of those days and
-- of the listed recommendations alone, where a full build orders every deal's and account's every
-- day. Like the features, what a night does not rewrite keeps the people and accounts of its day; a
-- full refresh finds every run again from today's.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='recommendation_id',
          on_schema_change='append_new_columns', pre_hook="{{ forget_recommendations() }}") }}
{%- set p = var('recommendations') %}
{%- set news_days = numeric_value(var('news').whats_new_days, 'news.whats_new_days') | int %}
{%- set intro = p.introduction %}
{%- set waiting = p.waiting_on_us %}
{%- set window = recommendation_window() %}
{%- set day = modules.datetime.timedelta(days=1) %}
{#- the first day whose signals are read: every day on a full build; else the days whose conditions
    are found again, with the day before, and those of the recommendations listed -#}
{%- set facts_from = none if window is none else [window.conditions_from - day, window.listed_from] | min %}
{%- set pace_days = [waiting.window_days | int, 90] | max %}

with

as_of as (
    {{ as_of_date_select(ref('fct_activities')) }}
),

deal_days as (
    select
        signals.opportunity_id,
        signals.account_id,
        signals.owner_user_id,
        signals.as_of_date as day,
        signals.primary_unanswered_streak,
        signals.contacts_engaged_90d,
        signals.decision_maker_count,
        signals.decision_maker_days_since_meaningful,
        deals.primary_contact_id
    from {{ ref('feat_opportunity_daily_signals') }} as signals
    inner join {{ ref('dim_opportunities') }} as deals on signals.opportunity_id = deals.opportunity_id
    where signals.as_of_date <= (select as_of_date from as_of)
        {{- and_on_or_after('signals.as_of_date', facts_from) }}
),

-- read by two parts for a few of its rows each (the engaged colleagues, the last days of runs): not
-- materialized where the engine takes the hint, so each one's filter reaches the features instead of
-- a copy of every contact's every day (at 10M activities the query took 42.6 CPU-s with both the
-- copy and the skipped meetings of every day, 19.7 without)
contact_days as {{ cte_not_materialized() }}(
    select
        signals.contact_id,
        contacts.account_id,
        signals.as_of_date as day,
        signals.days_since_customer_touch,
        signals.last_customer_touch_date,
        signals.meaningful_days_90d,
        signals.unanswered_streak
    from {{ ref('feat_contact_daily_signals') }} as signals
    inner join {{ ref('dim_contacts') }} as contacts on signals.contact_id = contacts.contact_id
    where signals.as_of_date <= (select as_of_date from as_of)
        {{- and_on_or_after('signals.as_of_date', facts_from) }}
),

meetings_skipped_per_day as (
    -- meetings a contact was invited to and did not attend: declined, missed, or cancelled
    select contact_id, activity_date as day, count(distinct activity_id) as skipped
    from {{ ref('fct_activity_participants') }}
    where activity_type = 'meeting' and contact_id is not null
      and (activity_status in ('no_show', 'cancelled') or participation_status in ('declined', 'no_show'))
      {{- and_on_or_after('activity_date', none if facts_from is none else facts_from - day * 29) }}
    group by 1, 2
),

skipped_meetings as (
    -- the meetings a deal's primary contact skipped in the 30 days to each day the primary contact's
    -- streak meets the introduction rule's (the only days the rule asks about them; such a streak
    -- means the contact is known that day)
    select
        streaks.primary_contact_id as contact_id,
        streaks.day,
        coalesce(sum(per_day.skipped), 0) as skipped_meetings_30d
    from (
        select distinct primary_contact_id, day
        from deal_days
        where primary_unanswered_streak >= {{ numeric_value(intro.unanswered_streak, 'recommendations.introduction.unanswered_streak') }}
    ) as streaks
    left join meetings_skipped_per_day as per_day
        on streaks.primary_contact_id = per_day.contact_id
        and per_day.day <= streaks.day
        and per_day.day > {{ dbt.dateadd('day', -30, 'streaks.day') }}
    group by streaks.primary_contact_id, streaks.day
),

engaged_colleague as (
    -- per deal and day, the other contact at the account most recently in touch with us; asked only
    -- on the days the primary contact's streak already meets the introduction rule's (the rule's
    -- other parts), not on every deal's every day
    select
        deal_days.opportunity_id,
        deal_days.day,
        contact_days.contact_id as engaged_contact_id,
        contact_days.last_customer_touch_date as engaged_last_touch_date,
        -- the deal's own contacts first, then whoever has been engaged most over 90 days
        row_number() over (
            partition by deal_days.opportunity_id, deal_days.day
            order by case when deal_contacts.contact_id is null then 2 else 1 end,
                contact_days.meaningful_days_90d desc, contact_days.days_since_customer_touch, contact_days.contact_id
        ) as pick
    from deal_days
    inner join contact_days
        on deal_days.account_id = contact_days.account_id
        and deal_days.day = contact_days.day
        and contact_days.contact_id <> deal_days.primary_contact_id
    left join {{ ref('dim_opportunity_contacts') }} as deal_contacts
        on deal_days.opportunity_id = deal_contacts.opportunity_id and contact_days.contact_id = deal_contacts.contact_id
    where contact_days.days_since_customer_touch <= {{ numeric_value(intro.engaged_within_days, 'recommendations.introduction.engaged_within_days') }}
      and deal_days.primary_unanswered_streak >= {{ numeric_value(intro.unanswered_streak, 'recommendations.introduction.unanswered_streak') }}
),

account_days as (
    select
        account_id,
        owner_user_id,
        as_of_date as day,
        is_single_threaded,
        is_going_quiet,
        open_opportunity_count,
        days_since_customer_touch
    from {{ ref('feat_account_daily_signals') }}
    where as_of_date <= (select as_of_date from as_of)
        {{- and_on_or_after('as_of_date', facts_from) }}
),

pace_days as (
    -- the account days our pace is summed over: those read, and the days their windows reach back to
    -- (an account has a row every day from its first activity to the as-of date, so the rows before
    -- one are the days before it)
    select account_id, as_of_date as day
    from {{ ref('feat_account_daily_signals') }}
    where as_of_date <= (select as_of_date from as_of)
        {{- and_on_or_after('as_of_date', none if facts_from is none else facts_from - day * (pace_days - 1)) }}
),

our_replies as (
    -- our replies to the account's e-mails, per day they were sent
    select
        account_id,
        cast(replied_at as date) as day,
        count(*) as replies,
        {{ exact_sum('reply_business_minutes') }} as reply_business_minutes
    from {{ ref('int_emails__reply_pairs') }}
    where is_replied and reply_from = 'us' and reply_sender_user_id is not null and account_id is not null
        {{- and_on_or_after('cast(replied_at as date)', none if facts_from is none else facts_from - day * (pace_days - 1)) }}
    group by 1, 2
),

our_pace as (
    select
        pace_days.account_id,
        pace_days.day,
        sum(coalesce(our_replies.replies, 0)) over recent as replies_recent,
        sum(coalesce(our_replies.reply_business_minutes, 0)) over recent as minutes_recent,
        sum(coalesce(our_replies.replies, 0)) over norm as replies_norm,
        sum(coalesce(our_replies.reply_business_minutes, 0)) over norm as minutes_norm
    from pace_days
    left join our_replies on pace_days.account_id = our_replies.account_id and pace_days.day = our_replies.day
    window
        recent as (partition by pace_days.account_id order by pace_days.day
                   rows between {{ numeric_value(waiting.window_days, 'recommendations.waiting_on_us.window_days') | int - 1 }} preceding and current row),
        norm as (partition by pace_days.account_id order by pace_days.day rows between 89 preceding and current row)
),

waiting_days as (
    select
        account_id,
        day,
        replies_recent,
        minutes_recent / nullif(replies_recent, 0) / 60.0 as hours_recent,
        minutes_norm / nullif(replies_norm, 0) / 60.0 as hours_norm
    from our_pace
    where true {{- and_on_or_after('day', facts_from) }}
),

leadership_items as (
    -- published leadership-change news naming a deal's contact
    select
        deal_contacts.opportunity_id,
        news.event_date,
        news.item_id,
        news.title,
        news.source_feed,
        news.link,
        named.contact_id
    from {{ ref('account_news') }} as news
    inner join {{ source('news', 'item_contacts') }} as named
        on news.item_id = named.item_id and news.account_id = named.account_id
    inner join {{ ref('dim_opportunity_contacts') }} as deal_contacts on named.contact_id = deal_contacts.contact_id
    where news.event_type = 'leadership_change'
),

leadership_days as (
    select
        deal_days.opportunity_id,
        deal_days.day,
        count(items.item_id) > 0 as holds
    from deal_days
    left join leadership_items as items
        on deal_days.opportunity_id = items.opportunity_id
        and items.event_date <= deal_days.day
        and items.event_date > {{ dbt.dateadd('day', -news_days, 'deal_days.day') }}
    group by 1, 2
),

{%- set deal_rules = [] %}
{%- set account_rules = [] %}
{%- for rule in ['introduction', 'single_threaded', 'no_decision_maker', 'leadership_news'] if p[rule].enabled %}
{%- do deal_rules.append(rule) %}
{%- endfor %}
{%- for rule in ['single_threaded', 'quiet_account', 'waiting_on_us'] if p[rule].enabled %}
{%- do account_rules.append(rule) %}
{%- endfor %}

deal_conditions as (
    -- per deal and day, whether each rule on deals holds
    select
        deal_days.opportunity_id,
        deal_days.day,
        deal_days.primary_unanswered_streak >= {{ numeric_value(intro.unanswered_streak, 'recommendations.introduction.unanswered_streak') }}
            and skipped.skipped_meetings_30d >= {{ numeric_value(intro.skipped_meetings_30d, 'recommendations.introduction.skipped_meetings_30d') }}
            and engaged.engaged_contact_id is not null as introduction,
        deal_days.contacts_engaged_90d = 1 as single_threaded,
        coalesce(deal_days.decision_maker_days_since_meaningful, {{ numeric_value(p.no_decision_maker.days, 'recommendations.no_decision_maker.days') }} + 1)
            > {{ numeric_value(p.no_decision_maker.days, 'recommendations.no_decision_maker.days') }} as no_decision_maker,
        leadership.holds as leadership_news
    from deal_days
    left join skipped_meetings as skipped
        on deal_days.primary_contact_id = skipped.contact_id and deal_days.day = skipped.day
    left join engaged_colleague as engaged
        on deal_days.opportunity_id = engaged.opportunity_id and deal_days.day = engaged.day and engaged.pick = 1
    left join leadership_days as leadership
        on deal_days.opportunity_id = leadership.opportunity_id and deal_days.day = leadership.day
),

account_conditions as (
    -- per account and day, whether each rule on accounts holds
    select
        account_days.account_id,
        account_days.day,
        account_days.is_single_threaded as single_threaded,
        account_days.is_going_quiet and account_days.open_opportunity_count > 0 as quiet_account,
        waiting.replies_recent >= {{ numeric_value(waiting.minimum_replies, 'recommendations.waiting_on_us.minimum_replies') }}
            and waiting.hours_recent >= {{ numeric_value(waiting.minimum_business_hours, 'recommendations.waiting_on_us.minimum_business_hours') }}
            and waiting.hours_recent > {{ numeric_value(waiting.slower_than_norm, 'recommendations.waiting_on_us.slower_than_norm') }} * waiting.hours_norm
            as waiting_on_us
    from account_days
    left join waiting_days as waiting on account_days.account_id = waiting.account_id and account_days.day = waiting.day
),

conditions as (
    -- one row per deal or account and day, a column per rule (null where the rule is not about that
    -- kind of entity); the entity types without an enabled rule are left out
    {%- set all_rules = ['introduction', 'single_threaded', 'no_decision_maker', 'leadership_news', 'quiet_account', 'waiting_on_us'] %}
    {%- for entity_type, relation, id_column, rules in [('opportunity', 'deal_conditions', 'opportunity_id', deal_rules),
                                                       ('account', 'account_conditions', 'account_id', account_rules)] if rules %}
    select
        {{ sql_string(entity_type) }} as entity_type,
        {{ id_column }} as entity_id,
        day,
        {%- for rule in all_rules %}
        {{ rule if rule in rules else 'cast(null as boolean)' }} as {{ rule }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ relation }}
    where true {{- and_on_or_after('day', none if window is none else window.conditions_from - day) }}
    union all
    {%- endfor %}
    -- keeps the union well formed whichever rules are enabled
    select cast(null as {{ type_text() }}) as entity_type, cast(null as {{ type_text() }}) as entity_id, cast(null as date) as day,
        {%- for rule in all_rules %}
        cast(null as boolean) as {{ rule }}{{ ',' if not loop.last }}
        {%- endfor %}
    where false
),

{%- set chosen = [] %}
{%- for rule in all_rules if rule in deal_rules or rule in account_rules %}
{%- do chosen.append(([sql_string(rule)], rule)) %}
{%- endfor %}

{%- if window is none %}

runs as (
    {{ condition_runs('conditions', ['entity_type', 'entity_id'], ['rule'], chosen) }}
),

{%- else %}

runs_going_on as (
    -- the runs kept that hold on the day before the conditions that can have changed: they go on from
    -- it (deals and accounts have a row every day of their life, so it is the last day before for
    -- every one read on both sides of it)
    select entity_type, entity_id, rule, opened_date, {{ days_before(window.conditions_from, 1) }} as day
    from {{ this }}
    where opened_date < {{ days_before(window.conditions_from, 0) }}
        and last_seen_date >= {{ days_before(window.conditions_from, 1) }}
),

earlier_runs as (
    select entity_type, entity_id, rule, opened_date, cast(null as date) as day_before_run,
        day as last_seen_date, cast(null as date) as cleared_date
    from runs_going_on
),

runs as (
    {{ condition_runs_since('conditions', ['entity_type', 'entity_id'], ['rule'], chosen, 'earlier_runs') }}
    union all
    -- the runs kept that ended before
    select kept.entity_type, kept.entity_id, kept.rule, kept.opened_date, cast(null as date) as day_before_run,
        kept.last_seen_date, kept.closed_date as cleared_date, false as goes_on
    from {{ this }} as kept
    where not exists (
        select 1 from runs_going_on as going
        where going.entity_type = kept.entity_type and going.entity_id = kept.entity_id
            and going.rule = kept.rule and going.opened_date = kept.opened_date
    )
),

{%- endif %}

recent_runs as (
    select *
    from runs
    where last_seen_date > (select as_of_date from as_of) - {{ numeric_value(p.history_days, 'recommendations.history_days') }}
),

people as (
    select
        contact_id,
        account_id,
        full_name,
        full_name || ' (' || coalesce(nullif(title, ''), replace(contact_role, '_', ' ')) || ')' as name_and_role,
        contact_role
    from {{ ref('dim_contacts') }}
),

introduction_deals as (
    select distinct deals.opportunity_id, deals.account_id, deals.primary_contact_id, deals.owner_user_id, owners.manager_user_id
    from recent_runs as runs
    inner join {{ ref('dim_opportunities') }} as deals on runs.entity_id = deals.opportunity_id
    inner join {{ ref('dim_users') }} as owners on deals.owner_user_id = owners.user_id
    where runs.rule = 'introduction'
),

introducer_candidates as (
    -- route 1: a colleague (never the owner) who knows the primary contact
    select deals.opportunity_id, strengths.user_id, strengths.user_name, strengths.contact_id, strengths.strength, 1 as route
    from introduction_deals as deals
    inner join {{ ref('relationship_strength') }} as strengths
        on strengths.contact_id = deals.primary_contact_id and strengths.user_id <> deals.owner_user_id
    union all
    -- route 2: someone in the owner's manager's team (the manager, or whoever reports to them) who
    -- knows another contact at the account
    select deals.opportunity_id, strengths.user_id, strengths.user_name, strengths.contact_id, strengths.strength, 2 as route
    from introduction_deals as deals
    inner join {{ ref('dim_users') }} as team
        on team.user_id = deals.manager_user_id or team.manager_user_id = deals.manager_user_id
    inner join {{ ref('relationship_strength') }} as strengths
        on strengths.account_id = deals.account_id and strengths.user_id = team.user_id
    where strengths.user_id <> deals.owner_user_id
      and not coalesce(strengths.contact_id = deals.primary_contact_id, false)
),

introducers as (
    -- who could introduce the owner to a deal's primary contact: the colleague who knows them best
    -- (never the owner), else whoever in the owner's manager's team knows someone at the account best
    select
        opportunity_id,
        user_id,
        user_name,
        contact_id as known_contact_id,
        strength,
        route,
        row_number() over (
            partition by opportunity_id order by route, strength desc, user_id, contact_id
        ) as pick
    from introducer_candidates
),

engaged_on_last_days as (
    -- the contacts engaged in 90 days on the last days of the single-threaded runs, with their role
    select contact_days.account_id, contact_days.day, people.contact_role
    from contact_days
    inner join people on contact_days.contact_id = people.contact_id
    where contact_days.meaningful_days_90d > 0
      and contact_days.day in (select last_seen_date from recent_runs where rule = 'single_threaded')
),

uncovered_roles as (
    -- per single-threaded account or deal's account, on the run's last day: buying roles with no
    -- engaged contact
    select
        runs.entity_type,
        runs.entity_id,
        {{ dbt.listagg("replace(roles.role, '_', '-')", "', '", "order by roles.role") }} as roles
    from recent_runs as runs
    left join {{ ref('dim_opportunities') }} as deals
        on runs.entity_type = 'opportunity' and runs.entity_id = deals.opportunity_id
    cross join (
        select 'champion' as role union all select 'decision_maker' union all select 'influencer' union all select 'user'
    ) as roles
    where runs.rule = 'single_threaded'
      and not exists (
        select 1
        from engaged_on_last_days as engaged
        where engaged.account_id = coalesce(deals.account_id, runs.entity_id)
          and engaged.day = runs.last_seen_date
          and engaged.contact_role = roles.role
      )
    group by runs.entity_type, runs.entity_id
),

leadership_news as (
    -- per leadership_news recommendation, the latest item behind it on the run's last day
    select
        items.*,
        row_number() over (
            partition by items.opportunity_id order by items.event_date desc, items.item_id, items.contact_id
        ) as pick
    from recent_runs as runs
    inner join leadership_items as items
        on runs.entity_id = items.opportunity_id
        and items.event_date <= runs.last_seen_date
        and items.event_date > {{ dbt.dateadd('day', -news_days, 'runs.last_seen_date') }}
    where runs.rule = 'leadership_news'
),

worded as (
    select
        runs.*,
        coalesce(deals.opportunity_name, accounts.account_name) as entity_name,
        coalesce(deals.account_id, accounts.account_id) as account_id,
        coalesce(deal_day.owner_user_id, account_day.owner_user_id) as owner_user_id,
        case runs.rule
            when 'introduction' then
                primary_person.name_and_role || ', the primary contact on ' || deals.opportunity_name
                || ', has not answered the last ' || cast(deal_day.primary_unanswered_streak as {{ type_text() }})
                || ' e-mails or calls and declined or missed ' || {{ counted('skipped.skipped_meetings_30d', 'meeting', 'meetings') }}
                || ' in 30 days, while ' || engaged_person.name_and_role || ' is engaged (last in touch '
                || cast(engaged.engaged_last_touch_date as {{ type_text() }}) || '). '
                || case
                    when introducer.route = 1 then 'Ask ' || introducer.user_name || ', who knows '
                        || primary_person.full_name || ' best among your colleagues (strength ' || {{ one_decimal('introducer.strength') }}
                        || '), for an introduction to ' || primary_person.name_and_role || '.'
                    when introducer.route = 2 then 'No colleague has worked with ' || primary_person.full_name
                        || '; in your manager''s team ' || introducer.user_name || ' knows ' || known_person.full_name
                        || ' at ' || accounts_of_deal.account_name || ' best (strength ' || {{ one_decimal('introducer.strength') }}
                        || '): ask them for an introduction to ' || primary_person.name_and_role || '.'
                    else 'No colleague, nor anyone in your manager''s team, knows ' || primary_person.full_name
                        || ' or anyone else at ' || accounts_of_deal.account_name || ': ask '
                        || engaged_person.full_name || ' to bring ' || primary_person.full_name || ' back in.'
                end
            when 'single_threaded' then
                coalesce(deals.opportunity_name, accounts.account_name)
                || ' rests on one engaged contact: engage another stakeholder'
                || coalesce(' (no ' || uncovered.roles || ' engaged in 90 days)', '') || '.'
            when 'no_decision_maker' then
                case when deal_day.decision_maker_count = 0
                    then deals.opportunity_name || ' has no decision-maker among its contacts: find and engage one.'
                    else 'No decision-maker on ' || deals.opportunity_name || ' has been engaged in '
                        || coalesce(cast(deal_day.decision_maker_days_since_meaningful as {{ type_text() }}) || ' days', 'the last 90 days or more')
                        || ': engage one before the deal moves on.'
                end
            when 'quiet_account' then
                accounts.account_name || ' has gone quiet: no word from anyone there for '
                || cast(account_day.days_since_customer_touch as {{ type_text() }}) || ' days, with '
                || {{ counted('account_day.open_opportunity_count', 'open deal', 'open deals') }} || '.'
            when 'leadership_news' then
                'News of ' || cast(news.event_date as {{ type_text() }}) || ' (' || news.source_feed || '), "' || news.title
                || '", names ' || news_person.name_and_role || ', a contact on ' || deals.opportunity_name
                || ': confirm their role and who decides now, and update the deal''s contacts.'
            when 'waiting_on_us' then
                accounts.account_name || ' is waiting on us: our replies took ' || {{ one_decimal('waiting.hours_recent') }}
                || ' business hours on average over the last {{ waiting.window_days | int }} days, against '
                || {{ one_decimal('waiting.hours_norm') }} || ' over 90 days.'
        end as message,
        case runs.rule
            when 'introduction' then {{ json_object([
                ("'primary_contact_id'", 'primary_person.contact_id'),
                ("'unanswered_streak'", 'deal_day.primary_unanswered_streak'),
                ("'skipped_meetings_30d'", 'skipped.skipped_meetings_30d'),
                ("'engaged_contact_id'", 'engaged.engaged_contact_id'),
                ("'engaged_last_touch_date'", 'cast(engaged.engaged_last_touch_date as ' ~ type_text() ~ ')'),
                ("'introducer_user_id'", 'introducer.user_id'),
                ("'introducer_strength'", 'introducer.strength'),
                ("'introducer_route'", "case introducer.route when 1 then 'knows the contact' when 2 then 'manager''s team' else 'none' end"),
            ]) }}
            when 'single_threaded' then {{ json_object([("'uncovered_roles'", 'uncovered.roles')]) }}
            when 'no_decision_maker' then {{ json_object([
                ("'decision_maker_count'", 'deal_day.decision_maker_count'),
                ("'decision_maker_days_since_meaningful'", 'deal_day.decision_maker_days_since_meaningful'),
            ]) }}
            when 'quiet_account' then {{ json_object([
                ("'days_since_customer_touch'", 'account_day.days_since_customer_touch'),
                ("'open_opportunity_count'", 'account_day.open_opportunity_count'),
            ]) }}
            when 'leadership_news' then {{ json_object([
                ("'item_id'", 'news.item_id'),
                ("'event_date'", 'cast(news.event_date as ' ~ type_text() ~ ')'),
                ("'link'", 'news.link'),
                ("'named_contact_id'", 'news.contact_id'),
            ]) }}
            when 'waiting_on_us' then {{ json_object([
                ("'our_reply_business_hours_recent'", round_to('waiting.hours_recent', 1)),
                ("'our_reply_business_hours_90d'", round_to('waiting.hours_norm', 1)),
                ("'replies_recent'", 'waiting.replies_recent'),
            ]) }}
        end as evidence
    from recent_runs as runs
    left join {{ ref('dim_opportunities') }} as deals
        on runs.entity_type = 'opportunity' and runs.entity_id = deals.opportunity_id
    left join {{ ref('dim_accounts') }} as accounts
        on runs.entity_type = 'account' and runs.entity_id = accounts.account_id
    left join {{ ref('dim_accounts') }} as accounts_of_deal on deals.account_id = accounts_of_deal.account_id
    left join deal_days as deal_day
        on runs.entity_type = 'opportunity' and runs.entity_id = deal_day.opportunity_id and runs.last_seen_date = deal_day.day
    left join account_days as account_day
        on runs.entity_type = 'account' and runs.entity_id = account_day.account_id and runs.last_seen_date = account_day.day
    left join skipped_meetings as skipped
        on runs.rule = 'introduction' and deals.primary_contact_id = skipped.contact_id and runs.last_seen_date = skipped.day
    left join engaged_colleague as engaged
        on runs.rule = 'introduction' and runs.entity_id = engaged.opportunity_id
        and runs.last_seen_date = engaged.day and engaged.pick = 1
    left join people as primary_person on runs.rule = 'introduction' and deals.primary_contact_id = primary_person.contact_id
    left join people as engaged_person on engaged.engaged_contact_id = engaged_person.contact_id
    left join introducers as introducer
        on runs.rule = 'introduction' and runs.entity_id = introducer.opportunity_id and introducer.pick = 1
    left join people as known_person on introducer.known_contact_id = known_person.contact_id
    left join uncovered_roles as uncovered
        on runs.rule = 'single_threaded' and runs.entity_type = uncovered.entity_type and runs.entity_id = uncovered.entity_id
    left join leadership_news as news
        on runs.rule = 'leadership_news' and runs.entity_id = news.opportunity_id and news.pick = 1
    left join people as news_person on news.contact_id = news_person.contact_id
    left join waiting_days as waiting
        on runs.rule = 'waiting_on_us' and runs.entity_id = waiting.account_id and runs.last_seen_date = waiting.day
)

select
    cast({{ dbt.hash(dbt.concat(["worded.entity_type", "'|'", "worded.entity_id", "'|'", "worded.rule", "'|'", "cast(worded.opened_date as " ~ type_text() ~ ")"])) }} as {{ type_text() }})
        as recommendation_id,
    cast(worded.entity_type as {{ type_text() }}) as entity_type,
    cast(worded.entity_id as {{ type_text() }}) as entity_id,
    cast(worded.entity_name as {{ type_text() }}) as entity_name,
    cast(worded.account_id as {{ type_text() }}) as account_id,
    cast(worded.owner_user_id as {{ type_text() }}) as owner_user_id,
    cast(worded.rule as {{ type_text() }}) as rule,
    cast(case worded.rule
        {%- for rule, priority in p.priority.items() %}
        when {{ sql_string(rule) }} then {{ numeric_value(priority, 'recommendations.priority.' ~ rule) }}
        {%- endfor %}
    end as integer) as priority,
    cast(worded.message as {{ type_text() }}) as message,
    cast(worded.evidence as {{ type_text() }}) as evidence,
    cast(worded.opened_date as date) as opened_date,
    cast(worded.last_seen_date as date) as last_seen_date,
    cast(worded.cleared_date as date) as closed_date,
    cast(case when worded.cleared_date is null then 'open' else 'closed' end as {{ type_text() }}) as status
from worded
