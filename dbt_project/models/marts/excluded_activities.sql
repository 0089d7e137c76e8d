-- Every activity a connector kept out of scoring, with the rule and what it saw, so RevOps audits
-- the noise filter here instead of in extract files. Never a message body: connectors write none
-- into this entity.

with

enriched as (

    select
        excluded.*,
        {{ email_domain('excluded.sender_address') }} as sender_domain,
        cast(excluded.started_at as date) as activity_date

    from {{ ref('stg_landed__excluded_activities') }} as excluded

),

final as (

    select
        {{ contract_columns('enriched') }}

    from enriched

)

select * from final
