"""Great Expectations suites as code: what landed extracts and published tables must satisfy.

Each suite names the frame it validates (a SQL query over one landed entity or one warehouse
table, deriving the few columns an expectation needs) and its expectations, each with a severity:

- critical: the data is unusable; the Dagster check fails with ERROR and, being blocking, stops
  everything downstream (dbt build, scoring, publishing);
- warning: worth a look; the check fails with WARN and the run carries on.

Expectations are kept as (GX class name, arguments) and built into GX objects only when a suite
runs, so importing this module (every time the code location loads) does not import GX.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any, Literal

from ingest import contract

Severity = Literal["critical", "warning"]

# Broad sanity bounds, the contract's plausible years: an epoch-zero or year-2999 timestamp is an
# export bug, not a date. A few stray values (YEAR_TOLERANCE of the rows) never block a run.
YEAR_TOLERANCE = 0.001
# `{entity__keys}` in a landed suite's query: every key landed for the entity (the keys of its
# latest rows, unordered, possibly repeated), for a reference that only asks whether a key exists.
# It needs no latest row per key: at ten million landed activities the nightly parties suite took
# 5.6 CPU-s besides its row count while it ordered every activity for the reference, 3.2 since.
KEYS_SUFFIX = "__keys"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


@dataclass(frozen=True)
class Check:
    """One expectation of a suite; name is stable, so its history can be followed."""

    name: str
    severity: Severity
    expectation: str  # GX class, e.g. "ExpectColumnValuesToNotBeNull"
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Suite:
    """A named set of checks over one frame."""

    name: str  # e.g. "landed.activities", "published.dim_contacts"
    layer: Literal["landed", "published"]
    target: str  # landed entity or dbt model name
    query: str  # SQL producing the frame; {name} placeholders are the relations it reads
    checks: tuple[Check, ...]

    @property
    def critical_checks(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.severity == "critical")

    @property
    def relations_read(self) -> list[str]:
        """The landed entities or dbt models the query reads (its `{name}` and `{name__keys}` placeholders)."""
        return sorted({name.removesuffix(KEYS_SUFFIX) for _, name, _, _ in string.Formatter().parse(self.query) if name})


def _c(name: str, expectation: str, **kwargs: Any) -> Check:
    return Check(name, "critical", expectation, kwargs)


def _w(name: str, expectation: str, **kwargs: Any) -> Check:
    return Check(name, "warning", expectation, kwargs)


def _rows(minimum: int = 1) -> Check:
    return _c("has_rows", "ExpectTableRowCountToBeBetween", min_value=minimum)


def _year_between(column: str, name: str | None = None) -> Check:
    return _c(name or f"{column}_plausible", "ExpectColumnValuesToBeBetween", column=column,
              min_value=contract.MIN_YEAR, max_value=contract.MAX_YEAR, mostly=1.0 - YEAR_TOLERANCE)


# Landed extracts: what the contract cannot say row by row (landing already quarantines rows that
# break types, enums and required fields, or repeat a key within a batch): volumes, uniqueness
# across rows of different keys, plausible values, references between entities. Frames are read
# from the latest landed row per key, `{entity}` naming that relation.
LANDED_SUITES: tuple[Suite, ...] = (
    Suite("landed.users", "landed", "users",
          "select user_id, lower(email) as email from {users}",
          (_rows(),
           _c("email_unique", "ExpectColumnValuesToBeUnique", column="email"),
           _w("email_well_formed", "ExpectColumnValuesToMatchRegex", column="email", regex=EMAIL_PATTERN))),
    Suite("landed.accounts", "landed", "accounts",
          "select account_id, len(coalesce(domains, [])) as domain_count from {accounts}",
          (_rows(),
           _w("most_accounts_have_domains", "ExpectColumnValuesToBeBetween", column="domain_count", min_value=1,
              mostly=0.9))),
    Suite("landed.contacts", "landed", "contacts",
          "select contact_id, account_id, lower(email) as email from {contacts}",
          (_rows(),
           _w("email_well_formed", "ExpectColumnValuesToMatchRegex", column="email", regex=EMAIL_PATTERN, mostly=0.98),
           _w("most_contacts_have_an_account", "ExpectColumnValuesToNotBeNull", column="account_id", mostly=0.9))),
    Suite("landed.opportunities", "landed", "opportunities",
          "select opportunity_id, amount, stage_rank, year(created_date) as created_year from {opportunities}",
          (_c("amount_not_negative", "ExpectColumnValuesToBeBetween", column="amount", min_value=0),
           _year_between("created_year", "created_date_plausible"),
           _w("stage_rank_positive", "ExpectColumnValuesToBeBetween", column="stage_rank", min_value=1))),
    Suite("landed.activities", "landed", "activities",
          "select a.activity_id, a.owner_user_id, year(a.started_at) as started_year, "
          "case when a.ended_at is not null then epoch(a.ended_at) - epoch(a.started_at) end as duration_seconds, "
          "a.owner_user_id is null or exists (select 1 from {users__keys} as u where u.user_id = a.owner_user_id) "
          "as has_known_owner from {activities} as a",
          (_rows(),
           # An export that writes epoch zero or a wrong century breaks every window downstream.
           _year_between("started_year", "started_at_plausible"),
           _w("owner_user_id_mostly_present", "ExpectColumnValuesToNotBeNull", column="owner_user_id", mostly=0.95),
           _w("owner_is_a_known_user", "ExpectColumnValuesToBeInSet", column="has_known_owner", value_set=[True],
              mostly=0.99),
           _w("ends_after_start", "ExpectColumnValuesToBeBetween", column="duration_seconds", min_value=0,
              mostly=0.999))),
    Suite("landed.activity_parties", "landed", "activity_parties",
          "select p.activity_id, lower(p.email_address) as email_address, "
          "exists (select 1 from {activities__keys} as a where a.activity_id = p.activity_id) as has_activity "
          "from {activity_parties} as p",
          (_rows(),
           # Parties of activities that never landed mean the two extracts are out of step.
           _c("parties_reference_landed_activities", "ExpectColumnValuesToBeInSet", column="has_activity",
              value_set=[True], mostly=0.95),
           _w("email_well_formed", "ExpectColumnValuesToMatchRegex", column="email_address", regex=EMAIL_PATTERN,
              mostly=0.99))),
)

# Published tables, checked in the warehouse after dbt built them and before they are published:
# what dbt's own tests on these models (dbt_project/models/**/_*.yml: unique, not_null,
# accepted_values, ...) do not already say: volumes and plausible values. A failing dbt test
# already stops the build, so repeating it here would only run it twice. `{model}` names the
# model's relation.
PUBLISHED_SUITES: tuple[Suite, ...] = (
    Suite("published.dim_users", "published", "dim_users", "select user_id from {dim_users}", (_rows(),)),
    Suite("published.dim_accounts", "published", "dim_accounts", "select account_id from {dim_accounts}", (_rows(),)),
    Suite("published.dim_contacts", "published", "dim_contacts",
          "select contact_id, is_orphan from {dim_contacts}",
          (_rows(),
           _w("few_orphans", "ExpectColumnValuesToBeInSet", column="is_orphan", value_set=[False], mostly=0.95))),
    Suite("published.fct_activities", "published", "fct_activities",
          "select activity_id, direction, cast(extract(year from activity_date) as integer) as activity_year from {fct_activities}",
          (_rows(),
           _year_between("activity_year", "activity_date_plausible"),
           _w("direction_mostly_determined", "ExpectColumnValuesToNotBeInSet", column="direction",
              value_set=["undetermined"], mostly=0.95))),
)

ALL_SUITES: dict[str, Suite] = {s.name: s for s in LANDED_SUITES + PUBLISHED_SUITES}
