"""Auditable noise filtering: which messages and meetings are kept out of scoring, and why.

Every rule is a pure function with a stable name; the first rule that fires (in ``RULE_ORDER``)
excludes the item and its name and what it saw go to ``excluded_activities``. Allow and deny
lists let a data engineer tune the outcome without touching the rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from ingest.connectors.identity import InternalPolicy, domain_matches, domain_of

# Headers the rules read; parsers collect these (lower-cased names) and nothing else.
NOISE_HEADERS = ("auto-submitted", "x-autoreply", "x-autorespond", "list-id", "list-unsubscribe", "precedence")

# A message to more people than this is a broadcast, not a conversation.
DISTRIBUTION_RECIPIENT_LIMIT = 50

# Local-part words, matched between separators (`.`, `_`, `-`, `+`, digits or the ends).
NO_REPLY_WORDS = ("noreply", "no-reply", "donotreply", "do-not-reply", "no-address", "mailer-daemon", "postmaster", "bounce", "bounces")
NEWSLETTER_WORDS = (
    "newsletter", "newsletters", "news", "digest", "marketing", "promo", "promotions", "offers", "deals",
    "announce", "announcement", "announcements", "mailer", "mailing", "mailings", "campaign", "campaigns",
)
NOTIFICATION_WORDS = (
    "notification", "notifications", "notify", "alert", "alerts", "automated", "automailer", "system",
    "daemon", "robot", "bot", "update", "updates", "reminder", "reminders", "calendar-notification",
)
# Words that reveal a bulk sender even glued into a longer local part ("portfoliomailer").
NEWSLETTER_SUBSTRINGS = ("newsletter", "mailer", "digest")
# First label of a sender subdomain used by list and bulk-mail platforms (lists.example.com).
BULK_SUBDOMAIN_LABELS = ("lists", "list", "mailman", "listserv", "news", "newsletter", "bounce", "bounces", "mailer", "marketing", "em", "email")
# Recipient local parts that address a whole group rather than people.
DISTRIBUTION_WORDS = (
    "all", "everyone", "everybody", "allstaff", "all-staff", "all-employees", "allemployees", "allhands",
    "all-hands", "staff", "recipients", "undisclosed-recipients", "undisclosed",
)  # plus any local part starting with "all." / "all-" / "all_" (all.worldwide@)

RULE_ORDER = (
    "deny_list",
    "auto_submitted",
    "list_id_header",
    "list_unsubscribe",
    "precedence_bulk",
    "no_reply_sender",
    "newsletter_sender",
    "notification_sender",
    "distribution_list",
    "no_recipients",
    "no_internal_party",
    "no_external_party",
)


@dataclass(frozen=True)
class ItemFacts:
    """What the rules look at: normalised sender/organizer, other parties, and a few headers."""

    sender: str | None
    recipients: tuple[str, ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-cased names from NOISE_HEADERS
    kind: str = "email"  # "email" or "meeting"; only changes the wording of details


@dataclass(frozen=True)
class Exclusion:
    """Why an item was excluded: the rule's stable name and what it saw."""

    rule: str
    detail: str


def _has_word(local: str, words: Iterable[str]) -> str | None:
    normalised = re.sub(r"[._+\d]+", "-", local.lower()).strip("-")
    for word in words:
        if re.search(rf"(^|-){re.escape(word)}(-|$)", normalised):
            return word
    return None


def rule_auto_submitted(facts: ItemFacts, policy: InternalPolicy) -> str | None:
    """RFC 3834 automatic responses (out-of-office, vacation) and generated mail."""
    value = facts.headers.get("auto-submitted", "").strip()
    if value and value.lower() != "no":
        return f"Auto-Submitted: {value}"
    for name in ("x-autoreply", "x-autorespond"):
        if facts.headers.get(name, "").strip():
            return f"{name}: {facts.headers[name].strip()}"
    return None


def rule_list_id_header(facts: ItemFacts, policy: InternalPolicy) -> str | None:
    """Mailing-list traffic (RFC 2919 List-Id)."""
    value = facts.headers.get("list-id", "").strip()
    return f"List-Id: {value}" if value else None


def rule_list_unsubscribe(facts: ItemFacts, policy: InternalPolicy) -> str | None:
    """Bulk and marketing mail carries an unsubscribe link (RFC 2369 / 8058)."""
    value = facts.headers.get("list-unsubscribe", "").strip()
    return f"List-Unsubscribe: {value[:120]}" if value else None


def rule_precedence_bulk(facts: ItemFacts, policy: InternalPolicy) -> str | None:
    """Precedence: bulk, list, junk or auto_reply."""
    value = facts.headers.get("precedence", "").strip()
    return f"Precedence: {value}" if value.lower() in {"bulk", "list", "junk", "auto_reply"} else None


def _sender_local_word(facts: ItemFacts, words: Iterable[str]) -> str | None:
    """The detail for a sender whose local part holds one of the words, else None."""
    if not facts.sender:
        return None
    word = _has_word(facts.sender.split("@")[0], words)
    return f"sender {facts.sender} ({word})" if word else None


def rule_no_reply_sender(facts: ItemFacts, policy: InternalPolicy) -> str | None:
    """Senders nobody can answer: noreply@, do-not-reply@, mailer-daemon@, bounces@ ..."""
    return _sender_local_word(facts, NO_REPLY_WORDS)


def rule_newsletter_sender(facts: ItemFacts, policy: InternalPolicy) -> str | None:
    """Newsletter and marketing senders (by local part or a bulk-mail subdomain)."""
    if not facts.sender:
        return None
    local, domain = facts.sender.split("@")
    word = _has_word(local, NEWSLETTER_WORDS) or next((s for s in NEWSLETTER_SUBSTRINGS if s in local.lower()), None)
    if word:
        return f"sender {facts.sender} ({word})"
    labels = domain.split(".")
    if len(labels) >= 3 and labels[0] in BULK_SUBDOMAIN_LABELS:
        return f"sender {facts.sender} (bulk-mail subdomain {labels[0]}.)"
    return None


def rule_notification_sender(facts: ItemFacts, policy: InternalPolicy) -> str | None:
    """System notifications and alerts (notifications@, alerts@, system@, updates@ ...)."""
    return _sender_local_word(facts, NOTIFICATION_WORDS)


def rule_distribution_list(facts: ItemFacts, policy: InternalPolicy) -> str | None:
    """Broadcasts: addressed to a group address (all@, everyone@, ...) or to very many people."""
    for address in facts.recipients:
        local = re.sub(r"[._+]+", "-", address.split("@")[0])
        if local in DISTRIBUTION_WORDS or local.startswith("all-"):
            return f"group recipient {address}"
    if len(facts.recipients) > DISTRIBUTION_RECIPIENT_LIMIT:
        return f"{len(facts.recipients)} recipients (limit {DISTRIBUTION_RECIPIENT_LIMIT})"
    return None


def rule_no_recipients(facts: ItemFacts, policy: InternalPolicy) -> str | None:
    """Nobody but the author: drafts, notes to self, meetings without attendees."""
    if facts.recipients:
        return None
    if facts.kind == "meeting":
        return "no attendees" if facts.sender else "no organizer or attendees"
    return "no recipients"


def rule_no_internal_party(facts: ItemFacts, policy: InternalPolicy) -> str | None:
    """No internal user took part, so no relationship of ours is involved (needs internal domains)."""
    parties = _parties(facts)
    if not policy.known or not parties or any(policy.is_internal(a) for a in parties):
        return None
    return f"no party in internal domains {', '.join(policy.domains) or '(owner address only)'}"


def rule_no_external_party(facts: ItemFacts, policy: InternalPolicy) -> str | None:
    """Internal-only traffic: no customer or prospect took part (needs internal domains)."""
    parties = _parties(facts)
    if not policy.known or not parties or not all(policy.is_internal(a) for a in parties):
        return None
    return f"all {len(parties)} parties internal"


def _parties(facts: ItemFacts) -> list[str]:
    return sorted({a for a in (facts.sender, *facts.recipients) if a})


RULES: dict[str, Callable[[ItemFacts, InternalPolicy], str | None]] = {
    "auto_submitted": rule_auto_submitted,
    "list_id_header": rule_list_id_header,
    "list_unsubscribe": rule_list_unsubscribe,
    "precedence_bulk": rule_precedence_bulk,
    "no_reply_sender": rule_no_reply_sender,
    "newsletter_sender": rule_newsletter_sender,
    "notification_sender": rule_notification_sender,
    "distribution_list": rule_distribution_list,
    "no_recipients": rule_no_recipients,
    "no_internal_party": rule_no_internal_party,
    "no_external_party": rule_no_external_party,
}


def sender_list_match(sender: str | None, allow: Iterable[str], deny: Iterable[str]) -> tuple[str, str] | None:
    """("allow" | "deny", entry) for the most specific list entry matching the sender, else None.

    Entries are addresses (``ceo@acme.com``) or domains (``acme.com``, ``@acme.com``; subdomains
    match too). An address beats a domain and a longer domain beats a shorter one, so
    ``deny acme.com`` + ``allow ceo@acme.com`` keeps the CEO; on a tie deny wins.
    """
    if not sender:
        return None
    best: tuple[int, int, str, str] | None = None  # (specificity, deny wins ties, decision, entry)
    for decision, entries in (("allow", allow), ("deny", deny)):
        for entry in entries:
            entry_norm = entry.strip().lower()
            if not entry_norm:
                continue
            if "@" in entry_norm.lstrip("@"):
                specificity = 1000 if entry_norm == sender else -1
            else:
                specificity = entry_norm.lstrip("@").count(".") + 1 if domain_matches(domain_of(sender), [entry_norm]) else -1
            if specificity < 0:
                continue
            candidate = (specificity, 1 if decision == "deny" else 0, decision, entry.strip())
            if best is None or candidate[:2] > best[:2]:
                best = candidate
    return (best[2], best[3]) if best else None


def classify(
    facts: ItemFacts,
    policy: InternalPolicy,
    *,
    allow: Iterable[str] = (),
    deny: Iterable[str] = (),
    disabled: Iterable[str] = (),
) -> Exclusion | None:
    """The exclusion for an item, or None to keep it. An allow-listed sender is always kept."""
    listed = sender_list_match(facts.sender, allow, deny)
    if listed and listed[0] == "allow":
        return None
    if listed and listed[0] == "deny" and "deny_list" not in disabled:
        return Exclusion("deny_list", f"sender {facts.sender} matches deny entry {listed[1]}")
    off = set(disabled)
    for name in RULE_ORDER[1:]:
        if name in off:
            continue
        detail = RULES[name](facts, policy)
        if detail:
            return Exclusion(name, detail)
    return None
