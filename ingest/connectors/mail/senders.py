"""Each sending scope's history over a whole conversion, for the rules that judge a sender as a whole.

A scope is the sender's organisational domain (``mail3.travelocity.com`` -> ``travelocity.com``), or
the address itself on a personal-mail domain. Computed from de-duplicated messages, before any rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ingest.connectors.identity import InternalPolicy, domain_of, organisational_domain
from ingest.connectors.mail.message import ParsedMessage
from ingest.connectors.noise import SenderHistory, generated_address, removal_request
from ingest.sentiment import own_words


def sending_scope(address: str, personal_domains: frozenset[str]) -> str:
    domain = organisational_domain(domain_of(address))
    return address if domain in personal_domains else domain


def sender_histories(
    messages: Iterable[ParsedMessage], policy: InternalPolicy, personal_domains: frozenset[str]
) -> dict[str, SenderHistory]:
    """History of every external scope that sent us mail, keyed by scope."""
    received: dict[str, int] = defaultdict(int)
    marked: dict[str, int] = defaultdict(int)
    addresses: dict[str, set[str]] = defaultdict(set)
    reached: dict[str, set[str]] = defaultdict(set)
    answered: dict[str, set[str]] = defaultdict(set)
    for msg in messages:
        if policy.is_internal(msg.sender):
            if removal_request(own_words(msg.body or ""), msg.subject):
                continue  # "Remove." sent to a list is not a conversation with it
            for address in msg.recipients:
                if not policy.is_internal(address):
                    answered[sending_scope(address, personal_domains)].add(address)
            continue
        scope = sending_scope(msg.sender, personal_domains)
        received[scope] += 1
        marked[scope] += bool(msg.bulk_markers) or generated_address(msg.sender)
        addresses[scope].add(msg.sender)
        reached[scope].update(a for a in msg.recipients if policy.is_internal(a))
    return {
        scope: SenderHistory(
            scope=scope,
            messages=received[scope],
            marked=marked[scope],
            addresses=len(addresses[scope]),
            internal_recipients=len(reached[scope]),
            answered_addresses=frozenset(answered.get(scope, ())),
        )
        for scope in sorted(received)
    }


def direct_counterparts(messages: Iterable[ParsedMessage], policy: InternalPolicy) -> frozenset[str]:
    """Outside addresses that exchanged mail with us directly: wrote to one of us, or were written
    to by one of us. Someone only copied on another outsider's mail to us is not one."""
    found: set[str] = set()
    for msg in messages:
        if policy.is_internal(msg.sender):
            found.update(a for a in msg.recipients if not policy.is_internal(a))
        elif any(policy.is_internal(a) for a in msg.recipients):
            found.add(msg.sender)
    return frozenset(found)
