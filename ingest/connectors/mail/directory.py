"""Users, accounts and contacts derived from the people seen in mail or calendars.

Used when no CRM data is given. Internal people become users; every external organisational
domain becomes one account named after the domain; every external person becomes a contact of
that account, except on personal-mail domains (gmail.com, ...), whose contacts have no account.
Ids are derived from addresses and domains, so the mail and calendar connectors agree on them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from ingest.connectors.base import ExtractBuffer
from ingest.connectors.identity import (
    IdentityResult,
    InternalPolicy,
    domain_of,
    name_from_address,
    organisational_domain,
)


def user_id(primary: str) -> str:
    return "u-" + hashlib.sha1(primary.encode()).hexdigest()[:12]


def contact_id(primary: str) -> str:
    return "c-" + hashlib.sha1(primary.encode()).hexdigest()[:12]


def account_id(org_domain: str) -> str:
    return "a-" + org_domain


def account_name(org_domain: str) -> str:
    """A readable name from a domain: ``mariner-energy.com`` -> ``Mariner Energy``."""
    label = org_domain.split(".")[0]
    return " ".join(w.capitalize() for w in label.replace("_", "-").split("-") if w) or org_domain


@dataclass
class Directory:
    """Rows for the users, accounts and contacts entities, and each address's user id."""

    users: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    user_of: dict[str, str] = field(default_factory=dict)  # any address of a user -> user_id


def build_directory(
    identity: IdentityResult,
    policy: InternalPolicy,
    personal_domains: frozenset[str],
    counterparts: frozenset[str] | None = None,
) -> Directory:
    """One row per person; internal/external is decided by the person's primary address.

    ``counterparts``, when given, are the outside addresses that exchanged mail with us directly:
    other outside people (co-recipients of someone else's mail) become no contact, and their
    domains no account.
    """
    out = Directory()
    accounts: dict[str, set[str]] = {}
    for person in identity.persons:
        name = person.display_name or name_from_address(person.primary)
        aliases = list(person.aliases) or None
        if policy.is_internal(person.primary):
            uid = user_id(person.primary)
            out.users.append({"user_id": uid, "full_name": name, "email": person.primary, "email_aliases": aliases})
            for address in (person.primary, *person.aliases):
                out.user_of[address] = uid
            continue
        if counterparts is not None and counterparts.isdisjoint((person.primary, *person.aliases)):
            continue
        domain = domain_of(person.primary)
        account = None
        if domain not in personal_domains:
            org = organisational_domain(domain)
            accounts.setdefault(org, set()).add(domain)
            account = account_id(org)
        out.contacts.append(
            {
                "contact_id": contact_id(person.primary),
                "account_id": account,
                "full_name": name,
                "email": person.primary,
                "email_aliases": aliases,
            }
        )
    for org in sorted(accounts):
        out.accounts.append({"account_id": account_id(org), "name": account_name(org), "domains": [org]})
    return out


def add_directory(
    buffer: ExtractBuffer,
    identity: IdentityResult,
    policy: InternalPolicy,
    personal_domains: frozenset[str],
    counterparts: frozenset[str] | None = None,
) -> dict[str, str]:
    """Add the users, accounts and contacts rows to a batch; returns each user address's user_id."""
    directory = build_directory(identity, policy, personal_domains, counterparts)
    for entity, rows in (("users", directory.users), ("accounts", directory.accounts), ("contacts", directory.contacts)):
        for row in rows:
            buffer.add(entity, row)
    return directory.user_of
