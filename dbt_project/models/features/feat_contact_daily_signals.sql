-- One row per contact and day: every signal of the contact as it was known at the end of that day.
-- Windows only look backwards over the dense contact x day table (rows = days), so a row never
-- sees anything that happened after its own date. A "meaningful interaction" is one the customer
-- side took part in: an e-mail or reply from the contact, a completed meeting the contact attended,
-- or a connected call; our one-way e-mails, opens, unanswered calls and missed meetings are not.
-- That rule, "customer touch" and "interaction" are defined once, in macros/engagement_rules.sql.

--
-- Incremental on the date (macros/incremental.sql): a run rebuilds its window of days, reading the
-- 89 days before it too for the 30- and 90-day windows; what looks back further (last meaningful
-- and customer-touch dates, the unanswered streak) carries on from each contact's row of the day
-- before the window.
-- depends_on: {{ ref('int_activities__directed') }}
{%- set window_start = incremental_window_start() %}
{%- set read_from = none if window_start is none else window_start - modules.datetime.timedelta(days=89) %}

with

daily_sentiment as (

    -- the customer's own words only (body_sentiment is null for our e-mails)
    select
        initiator_contact_id as contact_id,
        activity_date as signal_date,
        {{ exact_sum('body_sentiment') }} as sentiment_sum,
        count(body_sentiment) as sentiment_count
    from {{ ref('fct_activities') }} as activities
    where initiated_by = 'customer'
        and initiator_contact_id is not null
        and body_sentiment is not null
        {{- and_on_or_after('activity_date', read_from) }}
    group by 1, 2

),

{#- reply times per contact and day of the reply: theirs (the contact answered us) and ours -#}
{%- for side, contact_column, reply_from in [
    ('their', 'reply_sender_contact_id', 'customer'),
    ('our', 'sender_contact_id', 'us'),
] %}

daily_{{ side }}_response as (

    select
        {{ contact_column }} as contact_id,
        {{ utc_date('replied_at') }} as signal_date,
        {{ exact_sum('reply_minutes') }} as {{ side }}_reply_minutes_sum,
        count(*) as {{ side }}_reply_count,
        {{ exact_sum('reply_business_minutes') }} as {{ side }}_reply_business_minutes_sum,
        count(reply_business_minutes) as {{ side }}_reply_business_count
    from {{ ref('int_emails__reply_pairs') }} as reply_pairs
    where reply_from = '{{ reply_from }}' and is_replied and {{ contact_column }} is not null
        {{- and_on_or_after(utc_date('replied_at'), read_from) }}
    group by 1, 2

),
{%- endfor %}

opened_emails as (

    -- F6: an e-mail counts as opened on the day of its first human open; machine opens
    -- (privacy-proxy pre-fetches) are counted apart, on the day it was sent, and never as engagement
    select
        activity_id,
        {{ utc_date('first_opened_at') }} as opened_date,
        sent_date,
        first_opened_at is not null as is_human_opened,
        machine_open_count > 0 and human_open_count = 0 as is_machine_opened_only
    from {{ ref('fct_email_engagement') }} as email_engagement
    where (first_opened_at is not null {{- and_on_or_after(utc_date('first_opened_at'), read_from) }})
        or (machine_open_count > 0 and human_open_count = 0 {{- and_on_or_after('sent_date', read_from) }})

),

contact_recipients as (

    -- the contacts each of those e-mails went to (only theirs: not every e-mail's of the history);
    -- joined on the day too (a party's activity_date is its e-mail's sent_date), which hands the scan
    -- of the parties (in day order) the range of days those e-mails were sent in: it skips the rest
    select distinct participants.activity_id, participants.contact_id
    from {{ ref('fct_activity_participants') }} as participants
    inner join (select distinct activity_id, sent_date from opened_emails) as opened
        on participants.activity_id = opened.activity_id
        and participants.activity_date = opened.sent_date
    where participants.contact_id is not null
        and participants.party_role in ('to', 'cc', 'bcc')

),

daily_opens as (

    select
        contact_recipients.contact_id,
        opened_emails.opened_date as signal_date,
        count(*) as emails_human_opened,
        0 as emails_machine_opened_only
    from opened_emails
    inner join contact_recipients
        on opened_emails.activity_id = contact_recipients.activity_id
    where opened_emails.is_human_opened {{- and_on_or_after('opened_emails.opened_date', read_from) }}
    group by 1, 2

    union all

    select
        contact_recipients.contact_id,
        opened_emails.sent_date as signal_date,
        0 as emails_human_opened,
        count(*) as emails_machine_opened_only
    from opened_emails
    inner join contact_recipients
        on opened_emails.activity_id = contact_recipients.activity_id
    where opened_emails.is_machine_opened_only {{- and_on_or_after('opened_emails.sent_date', read_from) }}
    group by 1, 2

),

daily_opens_summed as (

    select
        contact_id,
        signal_date,
        sum(emails_human_opened) as emails_human_opened,
        sum(emails_machine_opened_only) as emails_machine_opened_only
    from daily_opens
    group by 1, 2

),

days as (

    select
        daily.contact_id,
        daily.engagement_date as as_of_date,
        daily.first_activity_date,
        daily.emails_outbound,
        daily.emails_inbound,
        daily.meetings_completed,
        daily.meetings_missed,
        daily.meetings_cancelled,
        daily.calls_outbound,
        daily.calls_inbound,
        daily.calls_unanswered,
        daily.replies_received,
        daily.replies_sent,
        daily.customer_initiated_count,
        -- per-type daily caps: a seller logging ten e-mails in a day earns no more than two
        least(daily.emails_outbound, 2) as emails_outbound_capped,
        least(daily.emails_inbound, 3) as emails_inbound_capped,
        least(daily.meetings_completed, 2) as meetings_capped,
        least(daily.calls_outbound + daily.calls_inbound, 2) as calls_capped,
        least(daily.replies_received, 3) as replies_received_capped,
        -- the engagement rules: macros/engagement_rules.sql
        case when {{ meaningful_interaction_count('daily') }} > 0 then 1 else 0 end as is_meaningful_day,
        case when {{ customer_touch_count('daily') }} > 0 then 1 else 0 end as is_customer_touch_day,
        {{ interaction_count('daily') }} as interactions,
        coalesce(daily_sentiment.sentiment_sum, 0) as sentiment_sum,
        coalesce(daily_sentiment.sentiment_count, 0) as sentiment_count,
        coalesce(daily_their_response.their_reply_minutes_sum, 0) as their_reply_minutes_sum,
        coalesce(daily_their_response.their_reply_count, 0) as their_reply_count,
        coalesce(daily_their_response.their_reply_business_minutes_sum, 0) as their_reply_business_minutes_sum,
        coalesce(daily_their_response.their_reply_business_count, 0) as their_reply_business_count,
        coalesce(daily_our_response.our_reply_minutes_sum, 0) as our_reply_minutes_sum,
        coalesce(daily_our_response.our_reply_count, 0) as our_reply_count,
        coalesce(daily_our_response.our_reply_business_minutes_sum, 0) as our_reply_business_minutes_sum,
        coalesce(daily_our_response.our_reply_business_count, 0) as our_reply_business_count,
        coalesce(daily_opens_summed.emails_human_opened, 0) as emails_human_opened,
        coalesce(daily_opens_summed.emails_machine_opened_only, 0) as emails_machine_opened_only

    from {{ ref('fct_contact_daily_engagement') }} as daily
    left join daily_sentiment
        on daily.contact_id = daily_sentiment.contact_id and daily.engagement_date = daily_sentiment.signal_date
    left join daily_their_response
        on daily.contact_id = daily_their_response.contact_id and daily.engagement_date = daily_their_response.signal_date
    left join daily_our_response
        on daily.contact_id = daily_our_response.contact_id and daily.engagement_date = daily_our_response.signal_date
    left join daily_opens_summed
        on daily.contact_id = daily_opens_summed.contact_id and daily.engagement_date = daily_opens_summed.signal_date
    where true {{- and_on_or_after('daily.engagement_date', read_from) }}

),

carried as (

    -- each contact's longer look-back as of the day before the rows read (none on a full build)
    {%- if window_start is not none %}
    select contact_id, last_meaningful_date, last_customer_touch_date, unanswered_streak
    from {{ this }}
    where as_of_date = {{ days_before(window_start, 90) }}
    {%- else %}
    select
        cast(null as {{ type_text() }}) as contact_id,
        cast(null as date) as last_meaningful_date,
        cast(null as date) as last_customer_touch_date,
        cast(null as integer) as unanswered_streak
    where false
    {%- endif %}

),

streak_groups as (

    select
        days.*,
        -- a new group starts on every day the customer reached out: the unanswered streak resets
        sum(days.is_customer_touch_day) over (
            partition by days.contact_id order by days.as_of_date rows between unbounded preceding and current row
        ) as touch_group,
        coalesce(
            max(case when days.is_meaningful_day = 1 then days.as_of_date end) over (
                partition by days.contact_id order by days.as_of_date rows between unbounded preceding and current row
            ),
            carried.last_meaningful_date
        ) as last_meaningful_date,
        coalesce(
            max(case when days.is_customer_touch_day = 1 then days.as_of_date end) over (
                partition by days.contact_id order by days.as_of_date rows between unbounded preceding and current row
            ),
            carried.last_customer_touch_date
        ) as last_customer_touch_date,
        -- the streak the rows read continue until the contact's first touch among them
        coalesce(carried.unanswered_streak, 0) as carried_unanswered_streak

    from days
    left join carried
        on days.contact_id = carried.contact_id

),

windowed as (

    select
        contact_id,
        as_of_date,
        first_activity_date,
        last_meaningful_date,
        last_customer_touch_date,
        case when touch_group = 0 then carried_unanswered_streak else 0 end
        + sum(case when is_customer_touch_day = 1 then 0 else emails_outbound + calls_unanswered end) over (
            partition by contact_id, touch_group order by as_of_date rows between unbounded preceding and current row
        ) as unanswered_streak,
        {%- for n in [30, 90] %}
        sum(emails_outbound_capped) over w{{ n }} as emails_outbound_{{ n }}d,
        sum(emails_inbound_capped) over w{{ n }} as emails_inbound_{{ n }}d,
        sum(meetings_capped) over w{{ n }} as meetings_{{ n }}d,
        sum(calls_capped) over w{{ n }} as calls_{{ n }}d,
        sum(replies_received_capped) over w{{ n }} as replies_received_{{ n }}d,
        sum(is_meaningful_day) over w{{ n }} as meaningful_days_{{ n }}d,
        sum(is_customer_touch_day) over w{{ n }} as customer_touch_days_{{ n }}d,
        sum(interactions) over w{{ n }} as interactions_{{ n }}d,
        {%- endfor %}
        sum(emails_outbound) over w90 as emails_outbound_raw_90d,
        sum(replies_sent) over w90 as replies_sent_90d,
        sum(meetings_missed + meetings_cancelled) over w90 as meetings_missed_90d,
        sum(calls_unanswered) over w90 as calls_unanswered_90d,
        sum(emails_human_opened) over w90 as emails_human_opened_90d,
        sum(emails_machine_opened_only) over w90 as emails_machine_opened_only_90d,
        sum(sentiment_sum) over w90 as sentiment_sum_90d,
        sum(sentiment_count) over w90 as sentiment_count_90d,
        sum(their_reply_minutes_sum) over w90 as their_reply_minutes_sum_90d,
        sum(their_reply_count) over w90 as their_reply_count_90d,
        sum(their_reply_business_minutes_sum) over w90 as their_reply_business_minutes_sum_90d,
        sum(their_reply_business_count) over w90 as their_reply_business_count_90d,
        sum(our_reply_minutes_sum) over w90 as our_reply_minutes_sum_90d,
        sum(our_reply_count) over w90 as our_reply_count_90d,
        sum(our_reply_business_minutes_sum) over w90 as our_reply_business_minutes_sum_90d,
        sum(our_reply_business_count) over w90 as our_reply_business_count_90d,
        max(case when emails_inbound > 0 then 1 else 0 end) over w90 as has_email_90d,
        max(case when meetings_completed > 0 then 1 else 0 end) over w90 as has_meeting_90d,
        max(case when calls_outbound + calls_inbound > 0 then 1 else 0 end) over w90 as has_call_90d

    from streak_groups
    window
        w30 as (partition by contact_id order by as_of_date rows between 29 preceding and current row),
        w90 as (partition by contact_id order by as_of_date rows between 89 preceding and current row)

),

final as (

    select
        cast(contact_id as {{ type_text() }}) as contact_id,
        cast(as_of_date as date) as as_of_date,
        cast({{ dbt.datediff('first_activity_date', 'as_of_date', 'day') }} as integer) as tenure_days,
        cast(last_meaningful_date as date) as last_meaningful_date,
        cast({{ dbt.datediff('last_meaningful_date', 'as_of_date', 'day') }} as integer) as days_since_meaningful,
        cast(last_customer_touch_date as date) as last_customer_touch_date,
        cast({{ dbt.datediff('last_customer_touch_date', 'as_of_date', 'day') }} as integer) as days_since_customer_touch,
        cast(unanswered_streak as integer) as unanswered_streak,
        {%- for n in [30, 90] %}
        cast(emails_outbound_{{ n }}d as integer) as emails_outbound_{{ n }}d,
        cast(emails_inbound_{{ n }}d as integer) as emails_inbound_{{ n }}d,
        cast(meetings_{{ n }}d as integer) as meetings_{{ n }}d,
        cast(calls_{{ n }}d as integer) as calls_{{ n }}d,
        cast(replies_received_{{ n }}d as integer) as replies_received_{{ n }}d,
        cast(meaningful_days_{{ n }}d as integer) as meaningful_days_{{ n }}d,
        cast(customer_touch_days_{{ n }}d as integer) as customer_touch_days_{{ n }}d,
        cast(interactions_{{ n }}d as integer) as interactions_{{ n }}d,
        {%- endfor %}
        cast(emails_outbound_raw_90d as integer) as emails_outbound_raw_90d,
        cast(replies_sent_90d as integer) as replies_sent_90d,
        cast(meetings_missed_90d as integer) as meetings_missed_90d,
        cast(calls_unanswered_90d as integer) as calls_unanswered_90d,
        cast({{ reply_rate('replies_received_90d', 'emails_outbound_raw_90d') }} as {{ type_double() }}) as reply_rate_90d,
        cast(replies_received_90d + replies_sent_90d + meetings_90d + calls_90d as integer) as two_way_exchanges_90d,
        cast({{ mean_or_null('sentiment_sum_90d', 'sentiment_count_90d') }} as {{ type_double() }}) as sentiment_90d,
        cast(sentiment_count_90d as integer) as sentiment_count_90d,
        -- mean reply times in hours
        {%- for side in ['their', 'our'] %}
        cast({{ mean_or_null(side ~ '_reply_minutes_sum_90d', side ~ '_reply_count_90d') }} / 60.0 as {{ type_double() }})
            as {{ side }}_response_hours_90d,
        cast(
            {{ mean_or_null(side ~ '_reply_business_minutes_sum_90d', side ~ '_reply_business_count_90d') }} / 60.0
            as {{ type_double() }}
        ) as {{ side }}_response_business_hours_90d,
        {%- endfor %}
        cast(has_email_90d + has_meeting_90d + has_call_90d as integer) as channel_count_90d,
        cast(emails_human_opened_90d as integer) as emails_human_opened_90d,
        cast(emails_machine_opened_only_90d as integer) as emails_machine_opened_only_90d,
        -- F7: used to talk to us, silent for the last 30 days
        cast(customer_touch_days_30d = 0 and customer_touch_days_90d > 0 as boolean) as is_going_quiet

    from windowed
    {%- if window_start is not none %}
    where as_of_date >= {{ days_before(window_start, 0) }}
    {%- endif %}

)

select *, {{ written_by_this_build() }} from final
