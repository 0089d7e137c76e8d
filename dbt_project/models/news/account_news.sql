-- What's New per account: news items matched to the account with a confidence at or above the var
-- news.min_confidence, up to the as-of date, each with the evidence of the match, its event type and
-- whether it falls in the last `whats_new_days` days. Lower-confidence matches are in account_news_held.
{{ account_news_rows(confident=true) }}
