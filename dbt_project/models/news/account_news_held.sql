-- News matches kept apart: an item may be about the account, but the evidence is too weak (a common
-- or shared name without corroboration): below the var news.min_confidence, so not shown as news.
-- RevOps can review them, and add an alias or a domain to the account when they are right.
{{ account_news_rows(confident=false) }}
