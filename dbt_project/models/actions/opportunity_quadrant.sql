-- The 2x2 of every open deal on the run's date: the health of its relationships against the deal's
-- own score. The relationship axis is the deal's published health score (opportunity_health); the
-- deal axis is the CRM's own opportunity score when the extract carries one (`external_score`), else
-- our calibrated win probability x 100; `deal_score_source` says which. Cut-offs: the var
-- `opportunity_quadrant`; relationships are strong from the deal's segment's Good cut-off unless
-- `health_cutoff` sets one number for all.
--   sweet_spot                          strong relationships, strong deal
--   strong_relationship_stalling_deal   strong relationships, weak deal: find what blocks it
--   vulnerable_deal                     weak relationships, strong deal: the score hides a risk
--   disengaged                          weak relationships, weak deal
{%- set p = var('opportunity_quadrant') %}

with

as_of as (
    {{ as_of_date_select(ref('fct_activities')) }}
),

deals as (
    select
        health.snapshot_date,
        health.opportunity_id,
        health.opportunity_name,
        health.account_id,
        health.owner_user_id,
        health.rating,
        health.score as relationship_health,
        {% if p.health_cutoff is none %}health.threshold_good{% else %}{{ numeric_value(p.health_cutoff, 'opportunity_quadrant.health_cutoff') }}{% endif %} as health_cutoff,
        opportunities.external_score,
        health.win_probability,
        opportunities.amount
    from {{ ref('opportunity_health') }} as health
    inner join {{ ref('dim_opportunities') }} as opportunities on health.opportunity_id = opportunities.opportunity_id
    where health.snapshot_date = (select as_of_date from as_of)
      and opportunities.is_open
),

scored as (
    select
        *,
        coalesce(external_score, 100 * win_probability) as deal_score,
        case
            when external_score is not null then 'crm_score'
            when win_probability is not null then 'win_probability'
        end as deal_score_source
    from deals
)

select
    cast(snapshot_date as date) as snapshot_date,
    cast(opportunity_id as {{ type_text() }}) as opportunity_id,
    cast(opportunity_name as {{ type_text() }}) as opportunity_name,
    cast(account_id as {{ type_text() }}) as account_id,
    cast(owner_user_id as {{ type_text() }}) as owner_user_id,
    cast(amount as {{ type_double() }}) as amount,
    cast(rating as {{ type_text() }}) as rating,
    cast({{ round_to("relationship_health", 1) }} as {{ type_double() }}) as relationship_health,
    cast(health_cutoff as {{ type_double() }}) as health_cutoff,
    cast({{ round_to("deal_score", 1) }} as {{ type_double() }}) as deal_score,
    cast(deal_score_source as {{ type_text() }}) as deal_score_source,
    cast(case
        when relationship_health is null or deal_score is null then null
        when relationship_health >= health_cutoff
            and deal_score >= {{ numeric_value(p.deal_score_cutoff, 'opportunity_quadrant.deal_score_cutoff') }} then 'sweet_spot'
        when relationship_health >= health_cutoff then 'strong_relationship_stalling_deal'
        when deal_score >= {{ numeric_value(p.deal_score_cutoff, 'opportunity_quadrant.deal_score_cutoff') }} then 'vulnerable_deal'
        else 'disengaged'
    end as {{ type_text() }}) as quadrant
from scored
