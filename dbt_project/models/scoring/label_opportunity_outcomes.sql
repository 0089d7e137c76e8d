-- Opportunity outcome: 1 won, 0 lost, known on the close date; open deals have no label. One row
-- per closed deal, joined by the scorer to every day the deal was open.

with opportunities as (select * from {{ ref('dim_opportunities') }})

select
    opportunity_id,
    cast(is_won as integer) as label,
    closed_date as label_known_date
from opportunities
where opportunity_status in ('won', 'lost') and closed_date is not null
