"""Auditable noise filtering: which messages and meetings are kept out of scoring, and why.

Every rule is a pure function with a stable name; the first rule that fires (in ``RULE_ORDER``)
excludes the item and its name and what it saw go to ``excluded_activities``. Allow and deny
lists let a data engineer tune the outcome without touching the rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from ingest.connectors.identity import InternalPolicy, domain_matches, domain_of, organisational_domain

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
    "daemon", "robot", "bot", "update", "updates", "reminder", "reminders", "calendar-notification", "webmaster",
)
# Words that reveal a bulk sender even glued into a longer local part ("portfoliomailer").
NEWSLETTER_SUBSTRINGS = ("newsletter", "mailer", "digest")
# First label of a sender subdomain used by list and bulk-mail platforms (lists.example.com).
BULK_SUBDOMAIN_LABELS = ("lists", "list", "mailman", "listserv", "news", "newsletter", "bounce", "bounces", "mailer", "marketing", "em", "email")
# Whole local parts of role addresses a team or a mailing system answers (info@, sales@, save@),
# used only for senders nobody of ours ever wrote to: a reply-to-a-web-form info@ stays kept.
ROLE_LOCAL_PARTS = (
    "info", "information", "sales", "events", "event", "membership", "members", "support", "service", "services",
    "customerservice", "customercare", "care", "contact", "contactus", "enquiries", "inquiries", "register",
    "registration", "registrations", "webinar", "webinars", "save", "specials", "subscriptions", "subscribe",
    "hello", "team", "community", "feedback", "automatedmail", "mail", "email",
)
# Recipient local parts that address a whole group rather than people.
DISTRIBUTION_WORDS = (
    "all", "everyone", "everybody", "allstaff", "all-staff", "all-employees", "allemployees", "allhands",
    "all-hands", "staff", "recipients", "undisclosed-recipients", "undisclosed",
)  # plus any local part starting with "all." / "all-" / "all_" (all.worldwide@)

# Wording of bulk-mail footers and headers, looked for in the sender's own text (quoted and forwarded
# text removed: a person forwarding a newsletter is still a person). Mail of every era: 1990s list
# footers ("to be removed from this list reply with REMOVE") as well as today's preference centres.
BULK_MARKERS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.IGNORECASE | re.MULTILINE)
    for name, pattern in {
        "unsubscribe": r"\bun-?subscrib",
        "opt-out": r"\bopt(?:ing)?[- ]?out\b",
        "removal instructions": (
            r"\b(?:to be|be|get|getting) removed from\b|\b(?:like|wish|want|prefer|ask) to be removed\b"
            r"|\bremoved? (?:yourself|your (?:e-?mail|name|address))\b"
            r"|\bno longer (?:wish|want|like) to receive\b|\breply with [\"']?remove\b|\b(?:with|type) [\"']?remove[\"']? in the subject\b"
        ),
        "view in browser": r"\b(?:view|read|see) (?:this|it|the)?\s?(?:e-?mail|message|newsletter|version)?\s?(?:online|in|on) (?:a|your) (?:web )?browser\b|\bhaving trouble (?:viewing|reading) this\b",
        "subscription footer": (
            r"\byou (?:are|were) receiving this\b|\bthis (?:e-?mail|message|newsletter) (?:was|is being) sent to\b"
            r"|\b(?:manage|update|change) your (?:e-?mail |subscription |communication )?(?:preferences|subscription|settings)\b"
            r"|\byou (?:have )?(?:subscribed|signed up|registered) (?:to|for|at|on|with)\b|\bsubscription (?:to|of) (?:this|our)\b"
            r"|(?:^|[.!?]\s+|\bplease\s+|\bfeel free to\s+)forward this (?:e-?mail|message|newsletter)? ?to (?:a friend|any (?:friends?|colleagues?)|your (?:friends|colleagues))\b"
        ),
        # Mail merged for a list greets nobody in particular.
        "generic greeting": (
            r"^\s*(?:dear|hello|hi|greetings)\s+(?:valued\s+|fellow\s+)?"
            r"(?:colleague|customer|client|member|subscriber|reader|participant|investor|shareholder|user|traveller|traveler|shopper|cardmember)s?\b"
        ),
    }.items()
}

# Recipients, or outside organisations among them, from which one unanswered message is a
# broadcast rather than correspondence.
ONE_TO_MANY_RECIPIENTS = 20
ONE_TO_MANY_ORGANISATIONS = 5
# Internal people reached from which a sending domain we never answer is a broadcaster.
MANY_OF_OUR_PEOPLE = 10
# Messages carrying bulk signals from which a sending domain's share of them is judged.
BULK_DOMAIN_MIN_MARKED = 2

RULE_ORDER = (
    "deny_list",
    "auto_submitted",
    "list_id_header",
    "list_unsubscribe",
    "precedence_bulk",
    "no_reply_sender",
    "newsletter_sender",
    "notification_sender",
    "generated_sender",
    "role_sender",
    "bulk_body_markers",
    "bulk_sender_domain",
    "distribution_list",
    "one_to_many_unanswered",
    "no_recipients",
    "no_internal_party",
    "no_external_party",
)
# The rules that recognise bulk and automated mail (the others are lists or about who took part).
BULK_RULES = frozenset(RULE_ORDER[1 : RULE_ORDER.index("no_recipients")])


@dataclass(frozen=True)
class SenderHistory:
    """What a whole conversion saw of one sending scope: an organisational domain, or a single
    address on a personal-mail domain (gmail.com is not one sender)."""

    scope: str
    messages: int  # messages from the scope to us
    marked: int  # of which carried bulk markers or came from a generated address
    addresses: int  # distinct sender addresses of the scope
    internal_recipients: int  # distinct internal people its messages reached
    answered_addresses: frozenset[str] = frozenset()  # addresses of the scope an internal person wrote to

    @property
    def answered(self) -> bool:
        return bool(self.answered_addresses)


@dataclass(frozen=True)
class ItemFacts:
    """What the rules look at: normalised sender/organizer, other parties, and a few headers."""

    sender: str | None
    recipients: tuple[str, ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-cased names from NOISE_HEADERS
    kind: str = "email"  # "email" or "meeting"; only changes the wording of details
    body_markers: tuple[str, ...] = ()  # names of BULK_MARKERS found in the sender's own text
    history: SenderHistory | None = None  # the sender's scope over the whole conversion


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


def bulk_markers(own_text: str | None) -> tuple[str, ...]:
    """Names of the bulk-mail markers found in a sender's own text (read transiently, never kept)."""
    if not own_text:
        return ()
    return tuple(name for name, pattern in BULK_MARKERS.items() if pattern.search(own_text))


_REMOVAL_REQUEST = re.compile(r"\b(?:remove|unsubscribe|take me off|stop sending)\b", re.IGNORECASE)


def removal_request(own_text: str | None, subject: str | None = None) -> bool:
    """A short message asking a list to stop ("Remove.", "unsubscribe me"): writing it is not answering."""
    text = f"{subject or ''} {own_text or ''}"
    return len(text.split()) <= 12 and bool(_REMOVAL_REQUEST.search(text))


def generated_address(address: str) -> bool:
    """A local part minted per mailing by a bulk-mail platform (VERP and tracking ids), e.g.
    ``402075.57130981.1@``, ``r-4-144706-4002205-2@``: three or more number groups, or two with
    six digits or more. Phone-number and year addresses (``8777865122@``, ``jo_2000@``) are one group."""
    groups = re.findall(r"\d+", address.split("@")[0])
    return len(groups) >= 3 or (len(groups) == 2 and sum(len(g) for g in groups) >= 6)


def _unanswered_external_sender(facts: ItemFacts, policy: InternalPolicy) -> bool:
    """An outside sender nobody of ours ever wrote to (rules about bulk mail apply to these only)."""
    if not facts.sender or policy.is_internal(facts.sender):
        return False
    return facts.history is None or facts.sender not in facts.history.answered_addresses


def rule_generated_sender(facts: ItemFacts, policy: InternalPolicy) -> str | None:
    """A sender address minted per mailing (bulk-mail platforms), never written to by us."""
    if not _unanswered_external_sender(facts, policy) or not generated_address(facts.sender or ""):
        return None
    return f"sender {facts.sender} (generated per mailing)"


def rule_role_sender(facts: ItemFacts, policy: InternalPolicy) -> str | None:
    """A role address (info@, sales@, events@ ...) writing to us unprompted: nobody of ours ever wrote to it."""
    if not _unanswered_external_sender(facts, policy):
        return None
    local = re.sub(r"[._+\-\d]+", "", (facts.sender or "").split("@")[0].lower())
    return f"sender {facts.sender} (role address, never written to by us)" if local in ROLE_LOCAL_PARTS else None


def rule_bulk_body_markers(facts: ItemFacts, policy: InternalPolicy) -> str | None:
    """Unsubscribe, opt-out, removal or "view in browser" wording in the sender's own text, from a
    sender we never wrote to (older mail has no List-Unsubscribe header, but has the footer)."""
    if not facts.body_markers or not _unanswered_external_sender(facts, policy):
        return None
    return f"sender {facts.sender}: body has {', '.join(facts.body_markers)}"


def rule_bulk_sender_domain(facts: ItemFacts, policy: InternalPolicy) -> str | None:
    """A sending domain (or personal address) we never wrote to that is a bulk sender as a whole:
    most of its mail to us carries bulk signals, or it mails many of our people."""
    history = facts.history
    if history is None or history.answered or not _unanswered_external_sender(facts, policy):
        return None
    mostly_marked = history.marked >= BULK_DOMAIN_MIN_MARKED and 2 * history.marked >= history.messages
    if not mostly_marked and history.internal_recipients < MANY_OF_OUR_PEOPLE:
        return None
    return (
        f"{history.scope}: {history.marked} of {history.messages} messages to us with bulk signals, "
        f"{history.addresses} sender address(es), {history.internal_recipients} of our people reached, never written to by us"
    )


def rule_one_to_many_unanswered(facts: ItemFacts, policy: InternalPolicy) -> str | None:
    """One outside sender to many people, or to people at many organisations, at once; and nobody
    of ours ever wrote to that sender's domain."""
    if not _unanswered_external_sender(facts, policy) or (facts.history is not None and facts.history.answered):
        return None
    organisations = {organisational_domain(domain_of(a)) for a in facts.recipients if not policy.is_internal(a)}
    if len(facts.recipients) >= ONE_TO_MANY_RECIPIENTS:
        return f"sender {facts.sender} to {len(facts.recipients)} recipients (from {ONE_TO_MANY_RECIPIENTS}), never written to by us"
    if len(organisations) >= ONE_TO_MANY_ORGANISATIONS:
        return f"sender {facts.sender} to people at {len(organisations)} organisations (from {ONE_TO_MANY_ORGANISATIONS}), never written to by us"
    return None


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
    "generated_sender": rule_generated_sender,
    "role_sender": rule_role_sender,
    "bulk_body_markers": rule_bulk_body_markers,
    "bulk_sender_domain": rule_bulk_sender_domain,
    "distribution_list": rule_distribution_list,
    "one_to_many_unanswered": rule_one_to_many_unanswered,
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
