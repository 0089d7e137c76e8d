"""Whose mailbox is it, and which addresses are internal when nobody said so.

Owner: the address that sent most messages in the mailbox's sent folders (at least half of
them); failing that, the address taking part in most of its messages (ties broken by how often
it is a recipient, since a mailbox mostly holds mail sent to its owner), if it takes part in at
least half of them and no other address ties with it on both counts. Internal: the configured domains; with none
configured, the owners' domains (an owner on a personal-mail domain makes only that one address
internal). With neither, nothing is known to be internal and the party rules do not apply.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from ingest.connectors.identity import InternalPolicy, domain_of
from ingest.connectors.mail.message import ParsedMessage


def _majority(counts: Counter[str], total: int, tie_break: Counter[str] | None = None) -> str | None:
    tie_break = tie_break or Counter()
    ranked = sorted(counts, key=lambda a: (-counts[a], -tie_break[a], a))[:2]
    if not ranked or total == 0 or counts[ranked[0]] * 2 < total:
        return None
    if len(ranked) > 1 and (counts[ranked[1]], tie_break[ranked[1]]) == (counts[ranked[0]], tie_break[ranked[0]]):
        return None
    return ranked[0]


def infer_owner(messages: Iterable[ParsedMessage]) -> tuple[str | None, str]:
    """(owner address or None, how it was found) for the messages of one mailbox."""
    msgs = list(messages)
    sent = [m for m in msgs if m.in_sent_folder]
    owner = _majority(Counter(m.sender for m in sent), len(sent))
    if owner:
        return owner, "sent_folder_sender"
    participation: Counter[str] = Counter()
    received: Counter[str] = Counter()
    for m in msgs:
        participation.update(m.participants)
        received.update(set(m.recipients))
    if len(msgs) >= 2:
        owner = _majority(participation, len(msgs), received)
        if owner:
            return owner, "most_frequent_participant"
    return None, "unknown"


def mailbox_owners(messages: Iterable[ParsedMessage], explicit: str | None = None) -> dict[str, tuple[str | None, str]]:
    """Owner per mailbox; an explicit owner (from the command line) applies to every mailbox."""
    boxes: dict[str, list[ParsedMessage]] = defaultdict(list)
    for m in messages:
        boxes[m.mailbox].append(m)
    if explicit:
        return {box: (explicit, "given") for box in boxes}
    return {box: infer_owner(msgs) for box, msgs in sorted(boxes.items())}


def internal_policy(
    internal_domains: Iterable[str], owners: Iterable[str | None], personal_domains: frozenset[str]
) -> tuple[InternalPolicy, bool]:
    """(policy, whether it was inferred). Owners are always internal, whatever the domains say."""
    configured = tuple(sorted({d.strip().lower().lstrip("@") for d in internal_domains if d.strip()}))
    known_owners = {o for o in owners if o}
    if configured:
        return InternalPolicy(configured, frozenset(known_owners)), False
    domains = tuple(sorted({domain_of(o) for o in known_owners if domain_of(o) not in personal_domains}))
    return InternalPolicy(domains, frozenset(known_owners)), True
