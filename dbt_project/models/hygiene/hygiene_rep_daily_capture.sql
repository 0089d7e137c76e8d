-- One row per user and UTC day, from the user's first captured activity to the as-of date (or to
-- the user's last captured activity once the user has left): how many e-mails and meetings were
-- synced from the user's mailbox and calendar, and how many activities were logged by hand or
-- dialled. Copies are counted per mailbox (staging, before de-duplication), because a gap is
-- about one mailbox's sync stopping, not about the de-duplicated activity.

with

activities as (

    select
        owner_user_id as user_id,
        {{ utc_date('started_at') }} as activity_date,
        activity_type,
        activity_source,
        activity_status
    from {{ ref('stg_landed__activities') }}
    where owner_user_id is not null

),

users as (select user_id, is_active from {{ ref('dim_users') }}),

as_of as (

    {{ as_of_date_select('activities') }}

),

daily as (

    select
        user_id,
        activity_date,
        sum(case when activity_source = 'synced' and activity_type = 'email' then 1 else 0 end) as synced_emails,
        sum(case when activity_source = 'synced' and activity_type = 'meeting' then 1 else 0 end) as synced_meetings,
        sum(case when activity_source = 'manual' then 1 else 0 end) as manual_activities,
        sum(case when activity_source = 'dialer' then 1 else 0 end) as dialer_activities

    from activities
    group by 1, 2

),

user_bounds as (

    select
        daily.user_id,
        min(daily.activity_date) as first_date,
        -- a user who left stops being captured; that is not a gap
        case
            when coalesce(users.is_active, true) then max(as_of.as_of_date)
            else least(max(daily.activity_date), max(as_of.as_of_date))
        end as last_date

    from daily
    inner join users
        on daily.user_id = users.user_id
    cross join as_of
    where daily.synced_emails + daily.synced_meetings > 0
    group by daily.user_id, users.is_active

),

spine_bounds as (

    select min(first_date) as start_date, max(last_date) as end_date from user_bounds

),

spine as (

    {{ date_spine_days('spine_bounds', 'start_date', 'end_date') }}

),

final as (

    select
        cast(user_bounds.user_id as {{ type_text() }}) as user_id,
        cast(spine.date_day as date) as capture_date,
        cast({{ iso_weekday('spine.date_day') }} >= 6 as boolean) as is_weekend,
        cast(coalesce(daily.synced_emails, 0) as bigint) as synced_emails,
        cast(coalesce(daily.synced_meetings, 0) as bigint) as synced_meetings,
        cast(coalesce(daily.manual_activities, 0) as bigint) as manual_activities,
        cast(coalesce(daily.dialer_activities, 0) as bigint) as dialer_activities

    from user_bounds
    inner join spine
        on spine.date_day between user_bounds.first_date and user_bounds.last_date
    left join daily
        on daily.user_id = user_bounds.user_id
        and daily.activity_date = spine.date_day

)

select * from final
