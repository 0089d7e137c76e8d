-- Rows landing refused, one row per broken field, so RevOps can see what was kept out and why.

with

final as (

    select
        {{ contract_columns() }}

    from {{ ref('stg_landed__quarantine') }} as quarantine

)

select * from final
