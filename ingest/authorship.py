"""Who wrote an e-mail, as far as landing needs to know: one of us, or (for all it can tell) the customer.

The contract names an e-mail's author in `activity_parties`: the party with role `sender`. A
sender is ours when its address is a user's (`users.email`, `users.email_aliases`) or lies on one
of our domains: the domain of a user's address (free-mail providers excepted, as in the var
`public_email_domains`) or a subdomain of it. Addresses are cleaned up as the warehouse cleans them
(the dbt macro `normalize_email`), so everything this calls ours the warehouse puts on our side
too (int_activity_parties__resolved); an e-mail whose sender is not found, or one of whose senders
is not ours, counts as the customer's.

Landing uses this to read only the customer's bodies for sentiment (ingest.validation): only their
words say something about the relationship, and the warehouse drops the sentiment of ours.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingest.connectors.identity import domain_matches
from runtime.dbt_vars import project_var

SENDER = "sender"


def normalize_emails(addresses: pa.Array) -> pa.Array:
    """normalize_email (dbt_project/macros/email_addresses.sql) for a column: lower case, the
    address out of `Name <address>`, no `mailto:`, trimmed; blank -> null. Values are already
    trimmed of whitespace by landing; DuckDB's trim removes spaces."""
    text = pc.utf8_lower(pc.utf8_trim(addresses, " "))
    text = pc.replace_substring_regex(text, r"^.*<([^>]*)>.*$", r"\1", max_replacements=1)
    text = pc.utf8_trim(pc.replace_substring_regex(text, "^mailto:", "", max_replacements=1), " ")
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def _domains(addresses: pa.Array) -> pa.Array:
    """The part after the last `@` (email_domain), null for a value without one."""
    has_at = pc.match_substring(addresses, "@")
    domain = pc.replace_substring_regex(addresses, "^.*@", "", max_replacements=1)
    return pc.if_else(pc.fill_null(has_at, False), domain, pa.scalar(None, pa.string()))


@dataclass(frozen=True)
class OurSide:
    """Our users' addresses and our mail domains (both normalised, lower case)."""

    addresses: frozenset[str]
    domains: frozenset[str]

    @classmethod
    def from_users(cls, emails: Iterable[str | None], aliases: Iterable[Iterable[str] | None]) -> OurSide:
        """From the users' primary addresses and their alias lists (the latest row of each user)."""
        raw = [e for e in emails if e] + [a for row in aliases if row for a in row if a]
        cleaned = normalize_emails(pa.array(raw, pa.string()))
        addresses = frozenset(a for a in cleaned.to_pylist() if a)
        public = {d.lower() for d in project_var("public_email_domains")}
        domains = frozenset(d for d in _domains(pa.array(sorted(addresses), pa.string())).to_pylist() if d and d not in public)
        return cls(addresses, domains)

    def holds(self, addresses: pa.Array) -> np.ndarray:
        """Per (normalised) address: is it ours? One of our addresses, or on one of our domains or a
        subdomain of it (the connectors' rule, identity.domain_matches)."""
        domains = _domains(addresses).to_pylist()
        return np.array([address in self.addresses or (domain is not None and domain_matches(domain, self.domains))
                         for address, domain in zip(addresses.to_pylist(), domains)], dtype=bool)


def sent_by_us(activity_ids: pa.Array, parties: pa.Table, ours: OurSide) -> np.ndarray:
    """Per activity id: was it sent by us? True when the activity has at least one `sender` in
    `parties` (landed activity_parties columns: activity_id, party_role, email_address) and every
    one of them is ours."""
    senders = parties.filter(pc.equal(parties.column("party_role"), SENDER))
    if senders.num_rows == 0 or len(activity_ids) == 0:
        return np.zeros(len(activity_ids), dtype=bool)
    # each distinct address is looked at once
    distinct = pc.dictionary_encode(senders.column("email_address").combine_chunks())
    cleaned = normalize_emails(distinct.dictionary)
    # an address that does not survive clean-up is kept as written (stg_landed__activity_parties)
    cleaned = pc.coalesce(cleaned, pc.utf8_lower(distinct.dictionary))
    theirs = pa.array((~ours.holds(cleaned)).astype(np.int8))
    per_sender = pa.table({"activity_id": senders.column("activity_id"), "theirs": theirs.take(distinct.indices)})
    per_activity = per_sender.group_by("activity_id").aggregate([("theirs", "max")])
    ours_only = per_activity.filter(pc.equal(per_activity.column("theirs_max"), 0)).column("activity_id")
    return _mask(pc.is_in(activity_ids, value_set=ours_only.combine_chunks()))


def _mask(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)
