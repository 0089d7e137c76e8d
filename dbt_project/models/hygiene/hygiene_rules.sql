-- The catalogue of hygiene rules: one row per rule with its group, severity and what it means.
-- Severity says what a finding does to the scores: high = a score or a deal is wrong or blind
-- until fixed; medium = attribution or coverage is weakened; low = worth tidying.

{{ config(tags=['published']) }}

select
    {{ contract_columns() }}
from (
select
    rules.*,
    -- the rules that read only the activities of the last `hygiene_lookback_days` days (the models
    -- calling the macro within_hygiene_lookback); null: the whole history
    case when rules.rule in ('contact_traffic_other_account', 'gaming_burst', 'manual_no_response')
        then {{ numeric_value(var('hygiene_lookback_days'), 'hygiene_lookback_days') }}
    end as lookback_days
from (
    values
        ('capture_gap_rep', 'capture_gaps', 'high', 'Rep capture gap',
         'A rep''s mailbox or calendar synced nothing for days against the rep''s own normal volume.'),
        ('extract_volume_collapse', 'capture_gaps', 'high', 'Extract volume collapse',
         'The org-wide synced volume of a day collapsed while manual logging carried on.'),
        ('open_opportunity_no_activity', 'capture_gaps', 'high', 'Open deal, no activity',
         'An account with open opportunities and no captured activity for more than 30 days.'),
        ('contact_domain_mismatch', 'contact_links', 'medium', 'Contact off the account''s domains',
         'The contact''s primary address is on none of its account''s domains.'),
        ('contact_personal_domain', 'contact_links', 'low', 'Contact with a personal address',
         'The contact''s primary address is at a free-mail provider.'),
        ('contact_traffic_other_account', 'contact_links', 'high', 'Contact traffic with another account',
         'Most of the contact''s activities are with another account than the one it is linked to.'),
        ('duplicate_contact_same_email', 'contact_links', 'medium', 'Duplicate contact (same address)',
         'Another, older contact record holds the same address.'),
        ('duplicate_contact_same_name', 'contact_links', 'medium', 'Duplicate contact (same name)',
         'Another, older contact at the same account has the same normalised name.'),
        ('orphan_contact', 'contact_links', 'medium', 'Orphan contact',
         'The contact is linked to no account.'),
        ('contact_unknown_account', 'contact_links', 'medium', 'Contact of an unknown account',
         'The contact is linked to an account that is not in the extract.'),
        ('opportunity_contact_other_account', 'contact_links', 'high', 'Deal contact from another account',
         'An opportunity lists a contact who belongs to another account.'),
        ('missing_contact_role', 'role_coverage', 'low', 'Contact without a role',
         'The contact''s buying role is empty or unknown.'),
        ('account_no_decision_maker', 'role_coverage', 'medium', 'No decision-maker known',
         'No contact of the account has the buying role decision_maker.'),
        ('gaming_burst', 'capture_discipline', 'high', 'Burst of identical logged activities',
         'Five or more near-identical hand-logged activities by one rep within two hours.'),
        ('manual_no_response', 'capture_discipline', 'medium', 'Hand-logged activity without response',
         'A rep whose hand-logged activities with contacts go unanswered far more often than peers''.'),
        ('formula_prefixed_text', 'data_entry', 'low', 'Text that starts like a formula',
         'A name or title starts with =, +, - or @: a spreadsheet opening an export would run it as a formula.')
) as rules (rule, rule_group, severity, title, description)
) as catalogue
