"""Who is who: e-mail address normalisation, internal vs external, and people with several addresses.

Shared by the mail and calendar connectors. The rules are deliberately conservative: two
addresses are only treated as one person when the evidence is unambiguous, and an address used
under several different names is reported, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.utils import parseaddr

from ingest.connectors.plus_addressing import fold_plus_address

_LOCAL_RE = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~.\-]+")
_DOMAIN_RE = re.compile(r"(?:[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff\-]*[a-z0-9\u00a1-\uffff])?\.)+[a-z\u00a1-\uffff]{2,}")
# Exchange wraps foreign addresses as IMCEA<type>-<address with +XX escapes>@<exchange domain>.
_IMCEA_RE = re.compile(r"^imcea(?:notes|smtp)-(.+)$", re.IGNORECASE)
_HEX_ESCAPE_RE = re.compile(r"\+([0-9A-Fa-f]{2})")
# Second-level labels under country codes that are not organisations (acme.co.uk, not co.uk).
_GENERIC_SECOND_LEVEL = frozenset(
    {"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "go", "gob", "mil", "ltd", "plc", "sch", "nic"}
)
_NAME_TOKEN_RE = re.compile(r"[a-z0-9]+")
_LOCAL_SPLIT_RE = re.compile(r"[._\-]+")


def normalize_address(raw: str | None) -> str | None:
    """The canonical form of an address, or None when it is not an Internet address.

    Trims whitespace, angle brackets, quotes and ``mailto:``, lower-cases the whole address (mail
    systems treat local parts case-insensitively in practice) and folds plus-addressing
    (``jordan+crm@x.com`` -> ``jordan@x.com``). Exchange-encapsulated addresses
    (``IMCEANOTES-...@``) are unwrapped when they hold a real address.
    """
    if not raw:
        return None
    text = raw.strip().strip("<>").strip().strip("'\"").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:].strip().strip("<>").strip()
    if text.count("@") != 1 or any(ch.isspace() for ch in text):
        return None
    local, domain = text.rsplit("@", 1)
    local, domain = local.lower(), domain.lower().rstrip(".")
    unwrapped = _unwrap_imcea(local)
    if unwrapped:
        return unwrapped
    if not local or not _LOCAL_RE.fullmatch(local) or not _DOMAIN_RE.fullmatch(domain):
        return None
    return fold_plus_address(f"{local}@{domain}")


def _unwrap_imcea(local: str) -> str | None:
    match = _IMCEA_RE.match(local)
    if not match:
        return None
    decoded = _HEX_ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), match.group(1))
    inner = re.search(r"<([^<>]+)>", decoded)
    candidate = inner.group(1) if inner else decoded
    # Lotus Notes appends its own routing domain (`x@y.com@ENRON`); the first address is the real one.
    if candidate.count("@") > 1:
        candidate = candidate.rsplit("@", 1)[0]
    candidate = parseaddr(candidate)[1] or candidate
    if candidate.lower().startswith("imcea"):
        return None
    return normalize_address(candidate)


def domain_of(address: str) -> str:
    """Domain part of a normalised address."""
    return address.rsplit("@", 1)[1]


def organisational_domain(domain: str) -> str:
    """The registrable domain (``mail.acme.co.uk`` -> ``acme.co.uk``).

    An approximation without the public-suffix list: the last two labels, or three under a
    two-letter country code with a generic second level (``co``, ``com``, ``ac``, ...).
    """
    labels = domain.lower().strip(".").split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _GENERIC_SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def domain_matches(domain: str, patterns: Iterable[str]) -> bool:
    """True when domain equals one of the patterns or is a subdomain of one."""
    domain = domain.lower()
    for pattern in patterns:
        pattern = pattern.lower().lstrip("@").strip(".")
        if domain == pattern or domain.endswith("." + pattern):
            return True
    return False


@dataclass(frozen=True)
class InternalPolicy:
    """Decides which addresses belong to the organisation (users) and which are external.

    ``domains`` match themselves and their subdomains; ``addresses`` are single internal
    addresses outside those domains (a mailbox owner on a personal-mail domain).
    """

    domains: tuple[str, ...] = ()
    addresses: frozenset[str] = frozenset()

    @property
    def known(self) -> bool:
        """False when nothing is known to be internal, so party-based rules cannot apply."""
        return bool(self.domains or self.addresses)

    def is_internal(self, address: str) -> bool:
        return address in self.addresses or domain_matches(domain_of(address), self.domains)


def name_tokens(display_name: str | None) -> tuple[str, ...]:
    """Comparable tokens of a display name: ``"Presto, Kevin M."`` -> ``("kevin", "m", "presto")``."""
    if not display_name or "@" in display_name:
        return ()
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", display_name)  # "(Houston)", "[EXT]"
    if text.count(",") == 1:  # "Last, First Middle"
        last, first = text.split(",")
        text = f"{first} {last}"
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return tuple(_NAME_TOKEN_RE.findall(text))


def pretty_name(display_name: str | None) -> str | None:
    """A display name as people write it: ``"Presto, Kevin M."`` -> ``"Kevin M. Presto"``."""
    if not display_name:
        return None
    text = " ".join(display_name.replace('"', " ").split())
    if text.count(",") == 1 and "@" not in text:
        last, first = (part.strip() for part in text.split(","))
        if first and last:
            text = f"{first} {last}"
    return text or None


def name_from_address(address: str) -> str:
    """A readable stand-in name when an address comes without one (``rick.buy@`` -> ``Rick Buy``)."""
    local = address.split("@", 1)[0]
    words = [w for w in _LOCAL_SPLIT_RE.split(local) if w]
    return " ".join(w.capitalize() for w in words) or address


def local_part_matches_name(local: str, tokens: tuple[str, ...]) -> bool:
    """True when the local part spells the name: tokens or their initials, each once, surname in full.

    ``kevin.presto``, ``m..presto``, ``kpresto`` and ``presto`` match ``("kevin", "m", "presto")``;
    ``kevin.presto2``, ``sales`` and ``kevin`` do not.
    """
    if len(tokens) < 2:
        return False
    text = "".join(p for p in _LOCAL_SPLIT_RE.split(local.lower()) if p)
    surname = tokens[-1]

    def spell(pos: int, unused: tuple[int, ...], surname_used: bool) -> bool:
        if pos == len(text):
            return surname_used
        for k, i in enumerate(unused):
            tok = tokens[i]
            rest = unused[:k] + unused[k + 1 :]
            is_surname = i == len(tokens) - 1
            if text.startswith(tok, pos) and spell(pos + len(tok), rest, surname_used or is_surname):
                return True
            if len(tok) > 1 and text[pos] == tok[0] and spell(pos + 1, rest, surname_used):
                return True
        return False

    return bool(text) and surname in text and spell(0, tuple(range(len(tokens))), False)


@dataclass(frozen=True)
class Person:
    """One person: the address used most, the others, and the name they go by."""

    primary: str
    aliases: tuple[str, ...]
    display_name: str | None


@dataclass
class IdentityResult:
    """People found, how each address maps to its person, and what could not be decided."""

    persons: list[Person]
    canonical: dict[str, str]  # every observed address -> primary address of its person
    shared_addresses: dict[str, tuple[str, ...]]  # address -> the distinct names seen with it
    merges: list[dict[str, object]] = field(default_factory=list)

    def primary(self, address: str) -> str:
        return self.canonical.get(address, address)


class IdentityResolver:
    """Collects (address, display name) sightings and resolves them into people.

    Merging rule: addresses are one person only when they share a domain, each one's usual
    display name has the same first and last name (at least two name tokens), none of them is
    used under conflicting names, and every local part is built from that name (tokens or
    initials, surname in full), with one fullest form of the name in the group (John A. and
    John B. Smith leave a bare "John Smith" unmerged). Anything less certain stays separate.
    """

    def __init__(self) -> None:
        self._names: dict[str, Counter[str]] = defaultdict(Counter)
        self._seen: Counter[str] = Counter()

    def observe(self, address: str, display_name: str | None = None) -> None:
        """Record one sighting of a normalised address, with the name shown beside it if any."""
        self._seen[address] += 1
        if display_name and name_tokens(display_name):
            self._names[address][display_name.strip()] += 1

    def resolve(self) -> IdentityResult:
        shared: dict[str, tuple[str, ...]] = {}
        usual_tokens: dict[str, tuple[str, ...]] = {}
        for address in self._seen:
            names = self._names.get(address)
            if not names:
                continue
            keys = {_first_last(name_tokens(n)) for n in names}
            keys.discard(None)
            if len(keys) > 1:
                shared[address] = tuple(sorted(names))
                continue
            best = names.most_common(1)[0][0]
            usual_tokens[address] = name_tokens(best)

        groups: dict[tuple[str, tuple[str, str]], list[str]] = defaultdict(list)
        for address, tokens in usual_tokens.items():
            key = _first_last(tokens)
            if key is not None:
                groups[(domain_of(address), key)].append(address)

        canonical: dict[str, str] = {a: a for a in self._seen}
        merges: list[dict[str, object]] = []
        for (_domain, _key), members in sorted(groups.items()):
            if len(members) < 2:
                continue
            fullest = _fullest_names(usual_tokens, members)
            if len(fullest) != 1:
                continue  # "John A. Smith" and "John B. Smith": a bare "John Smith" could be either
            fitting = [a for a in members if local_part_matches_name(a.split("@")[0], fullest[0])]
            if len(fitting) < 2:
                continue
            fitting.sort(key=lambda a: (-self._seen[a], len(a), a))
            primary = fitting[0]
            for alias in fitting[1:]:
                canonical[alias] = primary
            merges.append({"primary": primary, "aliases": sorted(fitting[1:]), "rule": "same_name_same_domain"})

        members_of: dict[str, list[str]] = defaultdict(list)
        for address, primary in canonical.items():
            members_of[primary].append(address)
        persons = []
        for primary in sorted(members_of):
            aliases = tuple(sorted(a for a in members_of[primary] if a != primary))
            persons.append(Person(primary, aliases, self._display_name(primary, aliases, shared)))
        return IdentityResult(persons=persons, canonical=canonical, shared_addresses=shared, merges=merges)

    def _display_name(self, primary: str, aliases: tuple[str, ...], shared: dict[str, tuple[str, ...]]) -> str | None:
        if primary in shared:
            return None  # a shared mailbox has no one person's name
        combined: Counter[str] = Counter()
        for address in (primary, *aliases):
            combined.update(self._names.get(address, {}))
        if not combined:
            return None
        # The most used form; among equals prefer the one with the most detail (middle initials).
        best = max(combined.items(), key=lambda kv: (kv[1], len(name_tokens(kv[0])), kv[0]))[0]
        return pretty_name(best)


def _first_last(tokens: tuple[str, ...]) -> tuple[str, str] | None:
    if len(tokens) < 2:
        return None
    return tokens[0], tokens[-1]


def _fullest_names(usual: dict[str, tuple[str, ...]], members: list[str]) -> list[tuple[str, ...]]:
    """The forms of a name that no other form extends ("Kevin M Presto" extends "Kevin Presto")."""
    forms = {usual[a] for a in members}
    return sorted(f for f in forms if not any(g != f and _is_subsequence(f, g) for g in forms))


def _is_subsequence(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    remaining = iter(long)
    return all(token in remaining for token in short)
