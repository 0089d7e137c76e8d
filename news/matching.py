"""Which accounts a news item is about, with the evidence used and a confidence.

An account is known by forms of its CRM name and aliases (legal suffix dropped, then each shorter
form without a trailing descriptor: "Blue Ridge Hotel Group", "Blue Ridge Hotel", "Blue Ridge") and
by its web domains. Text and forms are compared word by word (case, possessives, "&" / "and", a
plural last word ignored). A form is *distinctive* unless it is ambiguous: one or two common words
("Delta", "Blue Ridge"), a short acronym, listed in the rules, or shared by several accounts. A
distinctive form or a domain is enough; an ambiguous form counts only capitalised, and only with
corroboration: words of the account's industry, one of its contacts named, a domain, another form.
Confidence = 1 - prod(1 - weight) over the evidence; the published tables keep matches at or above
the dbt var `news.min_confidence` and hold the rest apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from runtime.settings import PROJECT_ROOT

RULES_PATH = PROJECT_ROOT / "config" / "news_matching.yml"
_LIST_WORDS = {"and", "or", "vs", "versus"}
_WORD = re.compile(r"\w+(?:['’]\w+)*|&")
_DOMAIN = re.compile(r"(?<![\w.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?![\w-])")


@dataclass(frozen=True)
class MatchingRules:
    legal_suffixes: frozenset[str]
    corporate_descriptors: frozenset[str]
    business_descriptors: frozenset[str]
    dictionaries: tuple[str, ...]
    ambiguous_names: frozenset[tuple[str, ...]]
    industry_words: dict[str, frozenset[str]]
    weights: dict[str, float]
    shared_name_margin: float
    other_sense_after: frozenset[str]


def load_rules(path: Path = RULES_PATH) -> MatchingRules:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    weights = {k: float(v) for k, v in raw["evidence_weights"].items()}
    missing = {"name", "alias", "domain", "domain_mention", "ambiguous_name", "legal_name", "listed_with_company",
               "industry_words", "contact"} - set(weights)
    if missing or not all(0 <= w < 1 for w in weights.values()):
        raise ValueError(f"{path}: evidence_weights needs {sorted(missing) or 'weights'} in [0, 1)")
    return MatchingRules(
        legal_suffixes=frozenset(w.lower() for w in raw["legal_suffixes"]),
        corporate_descriptors=frozenset(w.lower() for w in raw["corporate_descriptors"]),
        business_descriptors=frozenset(w.lower() for w in raw["business_descriptors"]),
        dictionaries=tuple(raw["dictionaries"]),
        ambiguous_names=frozenset(tuple(t for t, _ in tokens(n)) for n in raw.get("ambiguous_names") or []),
        industry_words={k.casefold(): frozenset(w.casefold() for w in v) for k, v in raw["industry_words"].items()},
        weights=weights,
        shared_name_margin=float(raw["shared_name_margin"]),
        other_sense_after=frozenset(w.casefold() for w in raw.get("other_sense_after") or []),
    )


@dataclass(frozen=True)
class Word:
    word: str  # comparable: NFKC, case-folded, possessive 's dropped, "&" as "and"
    written: str  # as in the text (possessive dropped)
    gap_before: str  # the text between the previous word and this one
    sentence_start: bool  # first word of its text or after . ! ? : ; or an opening quote
    segment: int  # 0 title, 1 summary


def scan(text: str, segment: int = 0) -> list[Word]:
    """The words of a text with what lies between them."""
    text = unicodedata.normalize("NFKC", text)
    out, end = [], 0
    for m in _WORD.finditer(text):
        written = m.group().replace("’", "'")
        if written.lower().endswith("'s"):
            written = written[:-2]
        gap = text[end:m.start()]
        starts = not out or bool(re.search(r"[.!?:;\"“(\n]\s*$", gap))
        out.append(Word("and" if written == "&" else written.casefold(), written, gap, starts, segment))
        end = m.end()
    return out


def tokens(text: str) -> list[tuple[str, str]]:
    """(comparable word, word as written) pairs of a text."""
    return [(w.word, w.written) for w in scan(text)]


def _is_title_case(words: list[Word]) -> bool:
    """Most longer words capitalised: a headline style where capitals say nothing about names."""
    longer = [w for w in words if len(w.written) > 3 and w.written.isalpha()]
    return bool(longer) and sum(w.written[0].isupper() for w in longer) >= 0.6 * len(longer)


def dictionary_test(rules: MatchingRules) -> Callable[[str], bool]:
    """Is a word in the dictionary, as a word or as a proper noun (Amazon, Mars)?"""
    from english_words import get_english_words_set  # only the news step needs its word lists

    words = get_english_words_set(list(rules.dictionaries), alpha=True)
    known = {w.casefold() for w in words}

    def is_common(word: str) -> bool:
        return word.casefold() in known

    return is_common


@dataclass(frozen=True)
class Account:
    account_id: str
    name: str
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    industry: str | None = None


@dataclass(frozen=True)
class Contact:
    contact_id: str
    account_id: str
    full_name: str


@dataclass(frozen=True)
class Form:
    words: tuple[str, ...]
    account_id: str
    source: str  # name | alias
    written: str
    acronym: bool  # an all-capitals alias: compared with its case
    shortened: bool = False  # a descriptor dropped: a guess at how the account is written, never enough alone


@dataclass
class Match:
    account_id: str
    confidence: float = 0.0
    evidence: list[str] = field(default_factory=list)  # what a reader sees, in the order found
    named_contact_ids: list[str] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)  # evidence kind (a weight's name) -> pieces

    def add(self, kind: str, text: str) -> None:
        if text not in self.evidence:
            self.evidence.append(text)
            self.kinds[kind] += 1


class Matcher:
    """Built once per run from the accounts and contacts; `match` is then a word-by-word scan."""

    def __init__(self, accounts: Iterable[Account], contacts: Iterable[Contact], rules: MatchingRules,
                 is_common: Callable[[str], bool] | None = None):
        self.rules = rules
        self.accounts = {a.account_id: a for a in accounts}
        is_common = is_common or dictionary_test(rules)
        forms: dict[tuple[str, ...], list[Form]] = defaultdict(list)
        for account in self.accounts.values():
            for form in self._forms(account):
                if all(f.account_id != form.account_id for f in forms[form.words]):
                    forms[form.words].append(form)
        self._by_first: dict[str, list[tuple[tuple[str, ...], list[Form]]]] = defaultdict(list)
        self._ambiguous: set[tuple[str, ...]] = set()
        for words, owners in forms.items():
            self._by_first[words[0]].append((words, owners))
            if self._is_ambiguous(words, owners, is_common):
                self._ambiguous.add(words)
        for entries in self._by_first.values():
            entries.sort(key=lambda e: -len(e[0]))  # the longest form at a position wins
        self._contacts: dict[str, list[tuple[tuple[str, ...], Contact]]] = defaultdict(list)
        for contact in contacts:
            words = tuple(w for w, _ in tokens(contact.full_name))
            if len(words) >= 2 and contact.account_id in self.accounts:
                self._contacts[words[0]].append((words, contact))
        self._domains = {a.account_id: tuple(d.lower().strip() for d in a.domains if d and "." in d)
                         for a in self.accounts.values()}
        self._domain_owners: dict[str, list[str]] = defaultdict(list)
        for account_id, domains in self._domains.items():
            for domain in domains:
                self._domain_owners[domain].append(account_id)

    def _forms(self, account: Account) -> list[Form]:
        out = []
        for source, text in [("name", account.name), *(("alias", a) for a in account.aliases)]:
            written = text.strip()
            acronym = source == "alias" and written.isupper() and " " not in written and written.isalnum()
            words = _joined_initials([w for w, _ in tokens(written.replace(".", ""))])
            while len(words) > 1 and words[-1] in self.rules.legal_suffixes:
                words.pop()
            if not words or (len(words) == 1 and len(words[0]) < 2):
                continue
            out.append(Form(tuple(words), account.account_id, source, written, acronym))
            shortened = False
            while len(words) > 1 and words[-1] in self.rules.corporate_descriptors | self.rules.business_descriptors:
                shortened = shortened or words[-1] in self.rules.business_descriptors
                words.pop()
                if words[-1] in ("and", "of", "the"):
                    break
                out.append(Form(tuple(words), account.account_id, source, written, False, shortened=shortened))
        return out

    def _is_ambiguous(self, words: tuple[str, ...], owners: list[Form], is_common: Callable[[str], bool]) -> bool:
        if len({f.account_id for f in owners}) > 1 or words in self.rules.ambiguous_names:
            return True
        if all(f.shortened for f in owners):
            return True  # "Karnataka Bank" is not "Karnataka"
        if all(f.acronym for f in owners):
            return len(words[0]) <= 3 or is_common(words[0])
        if len(words) == 1 and len(words[0]) <= 3:
            return True
        descriptors = self.rules.corporate_descriptors | self.rules.business_descriptors
        return len(words) <= 2 and all(is_common(w) or w in descriptors for w in words)

    def match(self, title: str, summary: str, link: str | None = None) -> list[Match]:
        """Every account the item may be about, best first; low confidences included."""
        words = scan(title, 0) + scan(summary, 1)
        found = self._find_forms(words)
        hosts = (_hosts(link_host(link)), _hosts(*_DOMAIN.findall(f"{title}\n{summary}".lower())))
        by_domain = {a for host in hosts[0] | hosts[1] for a in self._domain_owners.get(host, ())}
        if not found and not by_domain:
            return []
        candidates: dict[str, Match] = {}
        name_spans: set[int] = set()
        for start, length, forms in found:
            name_spans.update(range(start, start + length))
        title_case = (_is_title_case([w for i, w in enumerate(words) if w.segment == 0 and i not in name_spans]), False)
        body_words = {w.word for i, w in enumerate(words) if i not in name_spans}
        # An ambiguous form used once in another sense ("the G7 Summit") is taken in that sense
        # throughout the item.
        other_sense = {forms[0].words for start, length, forms in found if forms[0].words in self._ambiguous
                       and not self._names_a_company(words, start, length, title_case[words[start].segment])}
        for start, length, forms in found:
            span = words[start:start + length]
            written = " ".join(w.written for w in span)
            ambiguous = forms[0].words in self._ambiguous
            if forms[0].words in other_sense:
                continue
            legal = self._legal_suffix_follows(words, start + length)
            listed = self._listed_with(found, start, length, words) if ambiguous else ""
            for form in forms:
                if form.acronym and any(w.written != w.written.upper() for w in span):
                    continue
                match = candidates.setdefault(form.account_id, Match(form.account_id))
                if ambiguous:
                    match.add("ambiguous_name", f'ambiguous name "{written}"')
                    if legal:
                        match.add("legal_name", f'legal name "{written} {legal}"')
                    if listed:
                        match.add("listed_with_company", f'listed with "{listed}"')
                else:
                    match.add(form.source, f'{form.source} "{written}"')
        for account_id in sorted(by_domain):
            candidates.setdefault(account_id, Match(account_id))
        named = self._named_contacts(words)
        for match in candidates.values():
            self._corroborate(match, body_words, hosts, [c for c in named if c.account_id == match.account_id])
        self._separate_shared(candidates, found)
        return sorted(candidates.values(), key=lambda m: (-m.confidence, m.account_id))

    def _names_a_company(self, words: list[Word], start: int, length: int, title_case: bool) -> bool:
        """An ambiguous form counts only capitalised, and not as part of a longer proper name ("the
        Blue Ridge Mountains", "the Mekong Delta"): a capitalised word right before or after it
        (not a legal suffix or descriptor, not sentence-initial) in text that is not in title case."""
        span = words[start:start + length]
        if not all(w.written[:1].isupper() or w.written[:1].isdigit() or w.word in ("and", "of", "the") for w in span):
            return False
        after = words[start + length] if start + length < len(words) else None
        if after is not None and after.word in self.rules.other_sense_after and not after.gap_before.strip():
            return False  # "Blue Ridge Mountains", "Delta variant"
        if title_case:
            return True
        if (after is not None and after.segment == span[-1].segment and not after.gap_before.strip()
                and after.written[:1].isupper() and after.word not in self.rules.legal_suffixes
                and after.word not in self.rules.corporate_descriptors | self.rules.business_descriptors):
            return False
        before = words[start - 1] if start > 0 else None
        return not (before is not None and before.segment == span[0].segment and not span[0].gap_before.strip()
                    and before.written[:1].isupper() and not before.sentence_start)

    def _listed_with(self, found: list[tuple[int, int, list[Form]]], start: int, length: int, words: list[Word]) -> str:
        """A distinctive company name listed right beside this one ("Apple, Amazon, Google and
        Facebook"): the ambiguous name is used as a company's. Returns that name, or ""."""
        for other_start, other_length, forms in found:
            if forms[0].words in self._ambiguous or other_start == start:
                continue
            if other_start + other_length == start:
                gap = words[start].gap_before
            elif start + length == other_start:
                gap = words[other_start].gap_before
            elif other_start + other_length + 1 == start and words[start - 1].word in _LIST_WORDS:
                gap = words[start - 1].gap_before + words[start].gap_before
            elif start + length + 1 == other_start and words[start + length].word in _LIST_WORDS:
                gap = words[start + length].gap_before + words[other_start].gap_before
            else:
                continue
            if re.fullmatch(r"\s*[,/&]?\s*", gap):
                return " ".join(w.written for w in words[other_start:other_start + other_length])
        return ""

    def _legal_suffix_follows(self, words: list[Word], position: int) -> str:
        """The legal suffix written right after a name ("Delta Inc."), if any."""
        if position < len(words) and words[position].word.replace(".", "") in self.rules.legal_suffixes \
                and words[position].gap_before.strip() in ("", ","):
            return words[position].written
        return ""

    def _find_forms(self, words: list[Word]) -> list[tuple[int, int, list[Form]]]:
        found, i = [], 0
        while i < len(words):
            hit = None
            for form_words, owners in self._by_first.get(words[i].word, ()):
                n = len(form_words)
                seen = [w.word for w in words[i:i + n]]
                if len(seen) == n and seen[:-1] == list(form_words[:-1]) and _same_last_word(seen[-1], form_words[-1]):
                    hit = (i, n, owners)
                    break
            if hit:
                found.append(hit)
                i += hit[1]
            else:
                i += 1
        return found

    def _corroborate(self, match: Match, body_words: set[str], hosts: tuple[set[str], set[str]],
                     named: list[Contact]) -> None:
        """Add the evidence beyond the name (domain, industry words, contacts) and set the confidence."""
        account = self.accounts[match.account_id]
        domains = self._domains.get(account.account_id, ())
        published_on = next((d for d in domains if d in hosts[0]), None)
        mentioned = next((d for d in domains if d in hosts[1]), None)
        if published_on:
            match.add("domain", f"published on {published_on}")
        elif mentioned:
            match.add("domain_mention", f"domain {mentioned}")
        industry = self.rules.industry_words.get((account.industry or "").casefold(), frozenset())
        industry_hits = sorted(industry & body_words)
        if industry_hits:
            match.add("industry_words", f"{account.industry} words: {', '.join(industry_hits[:5])}")
        if named:
            match.named_contact_ids = [c.contact_id for c in named]
            match.add("contact", "contact " + ", ".join(c.full_name for c in named))
        doubt = 1.0
        for kind, pieces in match.kinds.items():
            doubt *= 1.0 - self.rules.weights[kind]
            if kind == "ambiguous_name" and pieces > 1:  # two ambiguous forms corroborate each other a little
                doubt *= 1.0 - self.rules.weights[kind] / 2
        match.confidence = round(1.0 - doubt, 4)

    def _named_contacts(self, words: list[Word]) -> list[Contact]:
        """Contacts whose full name the item writes (capitalised, as a name is)."""
        named: dict[str, Contact] = {}
        for i, word in enumerate(words):
            for contact_words, contact in self._contacts.get(word.word, ()):
                span = words[i:i + len(contact_words)]
                if tuple(w.word for w in span) == contact_words and all(w.written[:1].isupper() for w in span):
                    named[contact.contact_id] = contact
        return [named[k] for k in sorted(named)]

    def _separate_shared(self, candidates: dict[str, Match], found: list[tuple[int, int, list[Form]]]) -> None:
        """Accounts matched only through a name they share: keep the best if the evidence clearly
        prefers it, none otherwise (each is held back with the other names in its evidence)."""
        for _, _, forms in found:
            owners = [candidates[f.account_id] for f in forms if f.account_id in candidates]
            if len(owners) < 2:
                continue
            owners.sort(key=lambda m: (-m.confidence, m.account_id))
            best, runner_up = owners[0], owners[1]
            clear = best.confidence - runner_up.confidence >= self.rules.shared_name_margin
            for m in owners[(1 if clear else 0):]:
                others = [o.account_id for o in owners if o is not m]
                note = "shares the name with " + ", ".join(self.accounts[o].name for o in others)
                if note not in m.evidence:
                    m.add("shared", note)
                    m.confidence = round(min(m.confidence, runner_up.confidence * 0.5), 4)


def _same_last_word(seen: str, wanted: str) -> bool:
    return seen == wanted or seen in (wanted + "s", wanted + "es") or wanted in (seen + "s", seen + "es")


def _joined_initials(words: list[str]) -> list[str]:
    """Trailing single letters joined ("S A" of "S.A." is "sa"), so a spelled-out legal form is one word."""
    tail = 0
    while tail < len(words) - 1 and len(words[-1 - tail]) == 1:
        tail += 1
    return words if tail < 2 else [*words[:-tail], "".join(words[-tail:])]


def link_host(link: str | None) -> str:
    """The host of the article's link ("" when there is none)."""
    try:
        return (urlsplit(link).hostname or "").lower() if link else ""
    except ValueError:
        return ""


def _hosts(*names: str) -> set[str]:
    """Each domain with its parent domains (news.summitfreight.com is also summitfreight.com)."""
    out = set()
    for name in names:
        parts = name.strip(".").split(".")
        out.update(".".join(parts[i:]) for i in range(len(parts) - 1))
    return out


def accounts_from_rows(rows: Iterable[dict[str, Any]]) -> list[Account]:
    """Accounts from rows with account_id, account_name, aliases, domains, industry (dim_accounts:
    aliases and domains are ';'-separated text there)."""
    return [Account(r["account_id"], r["account_name"], _listed(r.get("aliases")), _listed(r.get("domains")),
                    r.get("industry")) for r in rows]


def _listed(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value.split(";") if isinstance(value, str) else list(value)
    return tuple(v.strip() for v in items if v and v.strip())
