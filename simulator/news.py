"""Local news feeds that mention the simulated accounts, and the truth of what each item is about.

Two feeds are written to the feeds folder: `business_wire.rss` (RSS 2.0, New York times) and
`regional_ledger.atom` (Atom 1.0, Chicago times). They exercise a news-to-account matcher and an
event classifier, so the items are built to be realistic rather than easy:

- positives name an account the way the press does: its CRM name, the name without its descriptor,
  a CRM alias, its web domain, a possessive, another case in the headline, an added legal suffix.
  Most account names are a common word plus an industry noun and many share the first word, so
  positives always carry the sector's vocabulary and, for those names, a corroborating detail a
  careful reader would use: a CRM contact's full name and title, the domain, or the full CRM name;
- some positives are about two accounts (a merger or partnership between them: both are labels);
- look-alike negatives use an account's first word in another sense (a summit, a river delta, a
  place), a company outside the CRM sharing it, a contact's surname on someone else, or an industry
  word alone; the rest of the negatives are plain unrelated news;
- about 5 % of the articles appear in both feeds (the copy's link carries tracking parameters) and
  about 1 % have no publication date.

Everything is drawn from the "news" stream and nothing here writes to the org, so the extracts and
the other truth files are the same bytes with or without the news.
"""

from __future__ import annotations

import calendar as calendar_names
import datetime as dt
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import format_datetime
from pathlib import Path
from typing import TypeVar
from xml.sax.saxutils import escape

import numpy as np

from simulator import names as N
from simulator import news_templates as T
from simulator.defects import ContactRecord
from simulator.org import Org, slug
from simulator.timeutil import DAY, HOUR, business_seconds, epoch_day, to_datetimes

FEED_FILES = ("business_wire.rss", "regional_ledger.atom")
RSS, ATOM = 0, 1
FEED_ZONES = ("America/New_York", "America/Chicago")
FEED_TITLES = ("Business Wire (simulated)", "The Regional Ledger (simulated)")
SITE = "https://news.example.com"
TRACKING = "utm_source=rss&utm_medium=feed"
KINDS = ("positive", "negative_other_sense", "negative_other_company", "negative_unrelated")
EVENT_TYPES = T.EVENT_TYPES

ARTICLES_PER_ACCOUNT = 2.5  # positive articles per account over the window, on average
NEGATIVE_SHARE = 0.25  # of all articles
TRICKY_SHARE = 0.4  # of the negatives: look-alikes rather than plain unrelated news
OTHER_COMPANY_SHARE = 0.4  # of the look-alikes: another company sharing a name's first word
DUPLICATE_SHARE = 0.05  # articles that appear in both feeds
UNDATED_SHARE = 0.01  # items without a publication date (RSS only: Atom requires one)
RSS_SHARE = 0.55  # articles first published in the RSS feed
RECENT_DAYS = 7
RECENT_PER_EVENT = 3  # positives of every event type guaranteed in the last RECENT_DAYS
EVENT_WEIGHTS = {
    "merger_acquisition": 0.09, "leadership_change": 0.13, "product_launch": 0.14, "funding": 0.09, "earnings": 0.12,
    "layoffs": 0.07, "legal": 0.10, "partnership": 0.12, "other": 0.14,
}
TWO_COMPANY_SHARE = 0.4  # of merger and partnership items: both sides are simulated accounts
SEGMENT_NEWS_WEIGHT = np.array([2.5, 1.2, 0.6])  # enterprise accounts make the news more often
# Mention forms for the headline and their weights (possessives come from the templates); the
# scenario's item keeps a plain one.
TITLE_FORMS = {"full": 0.35, "short": 0.25, "alias": 0.10, "legal": 0.15, "domain": 0.05}
PLAIN_FORMS = {"full": 0.4, "short": 0.4, "alias": 0.2}
# What tells a company whose name alone is ambiguous from its look-alikes, and how often each.
STRONG_CORROBORATION = {"contact": 0.45, "domain": 0.25, "full": 0.30}
# Dollar amounts by event, in millions (log-uniform): deals are larger than rounds and settlements.
AMOUNT_RANGE = {"merger_acquisition": (40.0, 2400.0), "funding": (5.0, 250.0), "legal": (1.2, 60.0)}
_T = TypeVar("_T")
_ENTITIES = {"’": "&#8217;", "“": "&#8220;", "”": "&#8221;"}


@dataclass(frozen=True)
class Subject:
    """A company an item is about: a simulated account or one outside the CRM."""

    name: str
    short: str  # the name without its generic descriptor ("Group", "Holdings", ...)
    prefix: str  # the words before the industry noun
    aliases: tuple[str, ...]
    domain: str
    sector: T.Sector
    legal: tuple[str, ...]  # legal-form suffixes used in its region
    ambiguous: bool  # its name alone could mean something or someone else
    account: int = -1  # index in the org, -1 outside the CRM
    people: tuple[int, ...] = ()  # CRM records of people working there


@dataclass(frozen=True)
class Person:
    full_name: str
    title: str
    contact_id: str | None  # None: not in the CRM


@dataclass
class Article:
    kind: str
    title: str
    html: str
    day: int  # window day (0 = the first day)
    account_ids: tuple[str, ...] = ()
    event_type: str | None = None
    contact_ids: tuple[str, ...] = ()
    pinned: bool = False  # placed in the last days on purpose: keep it dated and single
    home: int = RSS
    utc: int = 0
    dated: bool = True
    copied: bool = False
    link: str = ""


@dataclass
class FeedItem:
    article: Article
    feed: int
    utc: int
    link: str
    copy: bool  # the second publication of an article (its home feed has the first)
    guid: str = ""
    updated_utc: int = 0


@dataclass
class NewsOutput:
    feed_files: list[Path]
    labels: list[dict[str, object]]
    counts: dict[str, int] = field(default_factory=dict)


def write_news(feeds_dir: Path, org: Org, records: list[ContactRecord], mute_day: np.ndarray,
               rng: np.random.Generator) -> NewsOutput:
    """Write both feeds; returns their paths and one label row per item per feed (ground truth)."""
    articles = _Newsroom(org, records, mute_day, rng).articles()
    items = _schedule(articles, org, rng)
    paths = [_write_rss(feeds_dir / FEED_FILES[RSS], items[RSS], org), _write_atom(feeds_dir / FEED_FILES[ATOM], items[ATOM], org)]
    labels = _labels(items)
    counts: dict[str, int] = {}
    for row in labels:
        key = f"{row['kind']}" if row["event_type"] is None else f"{row['kind']}:{row['event_type']}"
        counts[key] = counts.get(key, 0) + 1
    return NewsOutput(feed_files=paths, labels=labels, counts=dict(sorted(counts.items())))


# --- who the news is about -------------------------------------------------------------------


def _subjects(org: Org, records: list[ContactRecord]) -> list[Subject]:
    """Every account as the press would name it, with the CRM people who work there."""
    acc, persons = org.accounts, org.persons
    shorts = [_short(name, aliases) for name, aliases in zip(acc.name, acc.aliases)]
    prefixes = [_prefix(s) for s in shorts]
    prefix_count: dict[str, int] = {}
    short_count: dict[str, int] = {}
    for p, s in zip(prefixes, shorts):
        prefix_count[p] = prefix_count.get(p, 0) + 1
        short_count[s.lower()] = short_count.get(s.lower(), 0) + 1
    people: list[list[int]] = [[] for _ in range(acc.n)]
    # Primary records only (duplicates carry defective names), filed where the person works.
    for i, r in enumerate(records[: persons.n]):
        if r.account >= 0 and r.account == int(persons.account[r.person]):
            people[r.account].append(i)
    out = []
    for a in range(acc.n):
        zone = org.zones.zones[int(acc.zone[a])]
        legal = T.LEGAL_SUFFIXES.get(zone) or T.LEGAL_SUFFIXES["Americas"]
        common = prefixes[a] in T.OTHER_SENSE
        ambiguous = prefix_count[prefixes[a]] > 1 or short_count[shorts[a].lower()] > 1 or common
        out.append(Subject(
            name=acc.name[a], short=shorts[a], prefix=prefixes[a], aliases=tuple(acc.aliases[a]),
            domain=acc.domains[a][0], sector=T.SECTORS[acc.industry[a]], legal=legal, ambiguous=ambiguous,
            account=a, people=tuple(people[a]),
        ))
    return out


def _short(name: str, aliases: list[str]) -> str:
    """The name without its generic descriptor: "Summit Health Group" -> "Summit Health".

    A CRM alias that extends it is preferred ("Blue Ridge Hotel" -> the alias "Blue Ridge Hotels").
    """
    words = name.split()
    short = " ".join(words[:-1]) if len(words) > 2 and words[-1] in N.COMPANY_SUFFIXES else name
    return next((a for a in aliases if a != name and a.startswith(short)), short)


def _prefix(short: str) -> str:
    return " ".join(short.split()[:-1]) or short


def _article(word: str) -> str:
    return f"an {word}" if word[:1].lower() in "aeiou" else f"a {word}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _possessive(name: str, curly: bool) -> str:
    mark = "’" if curly else "'"
    return f"{name}{mark}" if name.endswith("s") else f"{name}{mark}s"


def _amount(rng: np.random.Generator, lo: float, hi: float) -> str:
    """A dollar amount in millions, log-uniform in [lo, hi], written as the press does."""
    m = float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
    return f"${m / 1000:.1f} billion" if m >= 1000 else f"${m:.0f} million"


class _Newsroom:
    """Writes the articles: what each is about and how it is worded (one RNG, in a fixed order)."""

    def __init__(self, org: Org, records: list[ContactRecord], mute_day: np.ndarray, rng: np.random.Generator) -> None:
        self.org, self.records, self.rng = org, records, rng
        self.cal = org.calendar
        self.window_days = (self.cal.end - self.cal.start).days + 1
        self.mute_day = mute_day
        self.subjects = _subjects(org, records)
        w = SEGMENT_NEWS_WEIGHT[org.accounts.segment]
        self.weights = w / w.sum()
        self.crm_names = {r.full_name.lower() for r in records}
        self.account_shorts = {s.short.lower() for s in self.subjects} | {s.name.lower() for s in self.subjects}
        self.account_domains = {d for doms in org.accounts.domains for d in doms}
        self.scenario = org.scenario
        ws = self.cal.window_offset
        # CRM contacts whose traffic stops during the window (they leave their company).
        self.leavers = [i for s in self.subjects for i in s.people
                        if ws + 10 <= mute_day[i] < self.cal.n_days and i != org.scenario.director
                        and org.persons.role[i] != N.USER]

    # -- small draws --

    def pick(self, options: Sequence[_T]) -> _T:
        return options[int(self.rng.integers(len(options)))]

    def weighted(self, weights: dict[str, float]) -> str:
        keys = list(weights)
        p = np.array([weights[k] for k in keys])
        return keys[int(self.rng.choice(len(keys), p=p / p.sum()))]

    def account(self, exclude: int = -1) -> Subject:
        while True:
            a = int(self.rng.choice(len(self.subjects), p=self.weights))
            if a != exclude and self.subjects[a].people:
                return self.subjects[a]

    def day(self, recent: bool) -> int:
        lo = self.window_days - RECENT_DAYS if recent else 0
        return int(self.rng.integers(lo, self.window_days))

    def crm_person(self, subject: Subject, day: int, exclude: int = -1) -> Person | None:
        """A CRM contact at the account on that day (start and leaving dates respected).

        The press names managers and executives: decision-makers most, end users only if nobody else.
        """
        sim_day = self.cal.window_offset + day
        p = self.org.persons
        pool = [i for i in subject.people if i != exclude and p.start_day[i] <= sim_day < self.mute_day[i]]
        pool = [i for i in pool if p.role[i] != N.USER] or pool
        if not pool:
            return None
        w = np.array([4.0 if p.role[i] == N.DM else 2.0 if p.role[i] == N.CHAMPION else 1.0 for i in pool])
        i = pool[int(self.rng.choice(len(pool), p=w / w.sum()))]
        r = self.records[i]
        return Person(r.full_name, r.title, r.contact_id)

    def stranger(self) -> Person:
        """Someone who is not in the CRM (names drawn until the pair is nobody's there)."""
        while True:
            name = f"{self.pick(N.FIRST_NAMES)} {self.pick(N.LAST_NAMES)}"
            if name.lower() not in self.crm_names:
                return Person(name, self.pick(N.TITLES[N.DM]), None)

    def outsider(self, prefix: str | None = None, avoid_industries: set[str] | None = None) -> Subject:
        """A company outside the CRM: an invented name, or one sharing `prefix` with accounts."""
        # In a big org the accounts sharing a first word can cover every simulated industry; the
        # name then takes a sector outside them (the draws are the same whenever one is left).
        other_industries = [k for k in N.INDUSTRIES if k not in (avoid_industries or ())]
        for _ in range(200):
            if prefix is not None and avoid_industries is not None and self.rng.random() < 0.5 and other_industries:
                # "Harbor Freight" next to the CRM's "Harbor Hotels": a simulator noun of another industry.
                industry = self.pick(other_industries)
                noun, sector = self.pick(N.INDUSTRIES[industry]), T.SECTORS[industry]
            else:
                noun = self.pick(list(T.OTHER_SECTORS))
                sector = T.OTHER_SECTORS[noun]
            first = prefix if prefix is not None else self.pick(T.UNRELATED_STEMS)
            short = f"{first} {noun}"
            domain = slug(short) + ".com"
            if short.lower() in self.account_shorts or domain in self.account_domains:
                continue
            suffix = self.pick(N.COMPANY_SUFFIXES)
            name = f"{short} {suffix}" if self.rng.random() < 0.4 else short
            return Subject(name=name, short=short, prefix=first, aliases=(), domain=domain, sector=sector,
                           legal=T.LEGAL_SUFFIXES["Americas"], ambiguous=False)
        raise RuntimeError(f"no company name outside the CRM for {prefix!r}")

    def values(self, day: int, event: str = "other") -> dict[str, str]:
        """Figures and date words for one item (every template placeholder but the names)."""
        lo, hi = AMOUNT_RANGE.get(event, (5.0, 200.0))
        date = self.cal.start + dt.timedelta(days=day)
        quarter = ("first", "second", "third", "fourth")[((date.month - 1) // 3 - 1) % 4]
        nxt = date.month % 12 + 1
        years = int(self.rng.integers(5, 61))
        return {
            "pct": str(int(self.rng.integers(2, 36))), "n": str(int(self.rng.integers(3, 61))),
            "jobs": str(int(self.rng.integers(4, 90)) * 10), "years": str(years), "nth": _ordinal(years),
            "ordinal": self.pick(("second", "third", "fourth", "fifth")), "series": self.pick("ABCD"),
            "quarter": f"{quarter}-quarter", "quarter_noun": f"{quarter} quarter",
            "weekday": calendar_names.day_name[date.weekday()], "month": calendar_names.month_name[nxt],
            "this_month": calendar_names.month_name[date.month], "city": self.pick(T.CITIES),
            "court": self.pick(T.COURTS), "issue": self.pick(T.LEGAL_ISSUES), "investor": self.pick(T.INVESTORS),
            "amount": _amount(self.rng, lo, hi),
        }

    # -- the articles --

    def articles(self) -> list[Article]:
        n_accounts = len(self.subjects)
        n_pos = max(RECENT_PER_EVENT * len(EVENT_TYPES) + 1, round(ARTICLES_PER_ACCOUNT * n_accounts))
        slots = [(e, True) for e in EVENT_TYPES for _ in range(RECENT_PER_EVENT)]
        events = list(EVENT_WEIGHTS)
        p = np.array(list(EVENT_WEIGHTS.values()))
        draws = self.rng.choice(len(events), size=n_pos - 1 - len(slots), p=p / p.sum())
        slots += [(events[int(k)], False) for k in draws]
        out = [self.positive(event, recent) for event, recent in slots]
        out.append(self.scenario_departure())
        n_neg = round(n_pos * NEGATIVE_SHARE / (1 - NEGATIVE_SHARE))
        tricky = round(n_neg * TRICKY_SHARE)
        other_company = max(2, round(tricky * OTHER_COMPANY_SHARE))
        mountains = self.blue_ridge_sense()
        other_sense = max(len(mountains), tricky - other_company)
        out += mountains
        out += [self.other_sense() for _ in range(other_sense - len(mountains))]
        out += [self.other_company() for _ in range(other_company)]
        out += [self.unrelated() for _ in range(max(1, n_neg - other_sense - other_company))]
        return out

    def positive(self, event: str, recent: bool) -> Article:
        variants = T.EVENTS[event]
        two = any(v.two_companies for v in variants) and self.rng.random() < TWO_COMPANY_SHARE
        variant = self.pick([v for v in variants if v.two_companies == two])
        if event == "leadership_change" and not recent and self.rng.random() < 0.5:
            leaver = self.leaver()
            if leaver is not None:  # the news of a departure comes shortly before the traffic stops
                subject, day, person = leaver
                return self.company_item("positive", event, variants[T.DEPARTURE], subject, day, person)
        subject = self.account()
        day = self.day(recent)
        if two:
            return self.two_company_item(event, variant, subject, self.account(exclude=subject.account), day)
        person = None
        if event == "leadership_change":
            person = self.crm_person(subject, day, exclude=self.scenario.director)
            if person is None:  # nobody on the books that day: a departure of someone outside the CRM is no label
                return self.positive(event, recent)
        return self.company_item("positive", event, variant, subject, day, person)

    def leaver(self) -> tuple[Subject, int, Person] | None:
        """A CRM contact who stops being in touch during the window, and a day shortly before."""
        if not self.leavers:
            return None
        i = self.leavers[int(self.rng.integers(len(self.leavers)))]
        day = int(self.mute_day[i]) - self.cal.window_offset - int(self.rng.integers(1, 10))
        r = self.records[i]
        return self.subjects[r.account], day, Person(r.full_name, r.title, r.contact_id)

    def mention(self, subject: Subject, weights: dict[str, float] = TITLE_FORMS) -> tuple[str, str]:
        """(form, text) of one way to name the company."""
        forms = dict(weights)
        if subject.short == subject.name:
            forms.pop("short", None)
        aliases = [a for a in subject.aliases if a not in (subject.name, subject.short)]
        if not aliases:
            forms.pop("alias", None)
        form = self.weighted(forms)
        if form == "short":
            return form, subject.short
        if form == "alias":
            return form, self.pick(aliases)
        if form == "legal":
            suffix = self.pick(subject.legal)
            return form, f"{subject.short}{suffix}" if suffix.startswith(",") else f"{subject.short} {suffix}"
        if form == "domain":
            return form, subject.domain
        return form, subject.name

    def company_item(self, kind: str, event: str, variant: T.Variant, subject: Subject, day: int,
                     person: Person | None, pinned: bool = False) -> Article:
        """One company's news, worded so the company can be told from its look-alikes.

        Pinned items (the scenario's) keep a plain headline: the name as people say it.
        """
        rng = self.rng
        form, title_name = self.mention(subject, PLAIN_FORMS if pinned else TITLE_FORMS)
        acronym = form == "alias" and title_name.isupper()
        corroborate = None
        if subject.ambiguous or acronym:
            corroborate = self.weighted(STRONG_CORROBORATION)
        elif rng.random() < 0.3:
            corroborate = self.weighted({"contact": 0.6, "domain": 0.4})
        if form == "domain" and corroborate == "domain":  # the headline has it: name the company in full
            corroborate = "full"
        body_name = subject.name if corroborate == "full" or acronym or rng.random() < 0.5 else title_name
        quoted = None
        if corroborate == "contact" and person is None:
            quoted = self.crm_person(subject, day) if subject.account >= 0 else self.stranger()
            if quoted is None:
                corroborate, body_name = "full", subject.name
        cased = 1.0 if pinned else rng.random()
        if cased < 0.10:  # wire headlines in capitals, or a lower-case slip
            title_name = title_name.upper()
        elif cased < 0.14:
            title_name = title_name.lower()
        lead = self.pick(variant.leads)
        sentences = [lead]
        if "{desc}" not in lead or rng.random() < 0.6:
            sentences.append(self.pick(subject.sector.context))
        if corroborate == "contact" and quoted is not None:  # (a named person already corroborates)
            sentences.append(self.pick(T.QUOTES))
        elif corroborate == "domain":
            sentences.append(self.pick(T.DOMAIN_LINES))
        values = self.values(day, event)
        curly = rng.random() < 0.5
        desc = self.pick(subject.sector.descriptors)
        product = self.pick(subject.sector.products)
        partner = self.outsider()
        names = {"desc": desc, "product": product, "a_product": _article(product), "partner": partner.name,
                 "domain": subject.domain}
        if person is not None:
            names.update(person=person.full_name, title=person.title, new_title=self.new_title(person.title))
        title = self.pick(variant.titles).format(**values, **names, co=title_name, co_pos=_possessive(title_name, curly))
        if not curly:
            title = title.replace("’", "'")
        speaker = person if quoted is None else quoted
        html = self.html(sentences, values, names, body_name, subject, speaker)
        contacts = tuple(p.contact_id for p in (person, quoted) if p is not None and p.contact_id is not None)
        accounts = (self.org.accounts.account_id[subject.account],) if subject.account >= 0 else ()
        return Article(kind=kind, title=title, html=html, day=day, account_ids=accounts,
                       event_type=event if kind == "positive" else None, contact_ids=contacts if kind == "positive" else (),
                       pinned=pinned)

    def new_title(self, title: str) -> str:
        return self.pick([t for t in T.NEW_TITLES if t != title])

    def html(self, sentences: list[str], values: dict[str, str], names: dict[str, str], body_name: str,
             subject: Subject, speaker: Person | None, co2: str = "", desc2: str = "") -> str:
        """The summary as a publishing system writes it: markup, escaped text, numeric entities."""
        marked = {k: escape(v) for k, v in {**values, **names}.items()}
        marked["co"] = f"<b>{escape(body_name)}</b>"
        marked["co_pos"] = f"<b>{escape(body_name)}</b>{'’' if body_name.endswith('s') else '’s'}"
        marked["domain"] = f'<a href="https://www.{escape(subject.domain)}/">{escape(subject.domain)}</a>'
        if co2:
            marked["co2"], marked["desc2"] = f"<b>{escape(co2)}</b>", escape(desc2)
        if speaker is not None:
            marked.update(person=escape(speaker.full_name), title=escape(speaker.title))
        parts = [escape(s).format(**marked) for s in sentences]
        if len(parts) == 3 and self.rng.random() < 0.4:
            text = f"<p>{parts[0]} {parts[1]}</p><p>{parts[2]}</p>"
        else:
            text = f"<p>{' '.join(parts)}</p>"
        text = text.replace(".</b>.", ".</b>")  # "... at Summit Health Inc." ends the sentence once
        for char, entity in _ENTITIES.items():
            text = text.replace(char, entity)
        return text

    def two_company_item(self, event: str, variant: T.Variant, a: Subject, b: Subject, day: int) -> Article:
        """A merger or partnership between two accounts: full names in the summary identify both."""
        _, name_a = self.mention(a)
        _, name_b = self.mention(b)
        values = self.values(day, event)
        curly = self.rng.random() < 0.5
        desc_a, desc_b = self.pick(a.sector.descriptors), self.pick(b.sector.descriptors)
        product = self.pick(a.sector.products)
        names = {"desc": desc_a, "desc2": desc_b, "product": product, "a_product": _article(product)}
        title = self.pick(variant.titles).format(**values, **names, co=name_a, co2=name_b, co_pos=_possessive(name_a, curly))
        if not curly:
            title = title.replace("’", "'")
        sentences = [self.pick(variant.leads), self.pick(a.sector.context)]
        html = self.html(sentences, values, names, a.name, a, None, co2=b.name, desc2=desc_b)
        ids = self.org.accounts.account_id
        return Article(kind="positive", title=title, html=html, day=day, account_ids=(ids[a.account], ids[b.account]),
                       event_type=event)

    def scenario_departure(self) -> Article:
        """Blue Ridge's primary contact leaves, in the window's last week: the pipeline acts on it."""
        ids = self.scenario
        subject = self.subjects[ids.account]
        r = self.records[ids.director]
        person = Person(r.full_name, r.title, r.contact_id)
        day = self.day(recent=True)
        title_t, lead = self.pick(T.SCENARIO_LEADERSHIP)
        variant = T.Variant(titles=(title_t,), leads=(lead,))
        article = self.company_item("positive", "leadership_change", variant, subject, day, person, pinned=True)
        if r.contact_id not in article.contact_ids:
            raise RuntimeError("the scenario's departure must name its primary contact")
        return article

    # -- the negatives --

    def negative(self, kind: str, title: str, summary: str, day: int, word: str = "", first: str = "",
                 last: str = "", pinned: bool = False) -> Article:
        names = {**self.values(day), "word": word, "first": first, "last": last}
        text = f"<p>{escape(summary).format(**names)}</p>"
        for char, entity in _ENTITIES.items():
            text = text.replace(char, entity)
        return Article(kind=kind, title=title.format(**names), html=text, day=day, pinned=pinned)

    def blue_ridge_sense(self) -> list[Article]:
        """The mountains, one of them in the last week next to the scenario's news."""
        return [self.negative("negative_other_sense", t, s, self.day(recent=k == 0), pinned=k == 0)
                for k, (t, s) in enumerate(T.OTHER_SENSE["Blue Ridge"])]

    def other_sense(self) -> Article:
        """An account's word in another sense: a meaning, a place, a surname, the industry word."""
        day = self.day(recent=False)
        subject = self.account()
        u = self.rng.random()
        if u < 0.15:
            p = self.pick(subject.people)
            last = self.org.persons.last[p]
            while True:  # someone else with that surname
                first = self.pick(N.FIRST_NAMES)
                if f"{first} {last}".lower() not in self.crm_names:
                    break
            t, s = self.pick(T.SURNAME_SENSE)
            return self.negative("negative_other_sense", t, s, day, first=first, last=last)
        if u < 0.35:
            t, s = self.pick(T.INDUSTRY_SENSE[self.org.accounts.industry[subject.account]])
            return self.negative("negative_other_sense", t, s, day)
        word = subject.prefix
        if word in T.OTHER_SENSE and self.rng.random() < 0.75:
            t, s = self.pick(T.OTHER_SENSE[word])
        else:
            t, s = self.pick(T.PLACE_SENSE)
        return self.negative("negative_other_sense", t, s, day, word=word)

    def other_company(self) -> Article:
        """A company outside the CRM sharing an account's first word, in another line of business."""
        subject = self.account()
        industries = {self.org.accounts.industry[s.account] for s in self.subjects if s.prefix == subject.prefix}
        other = self.outsider(prefix=subject.prefix, avoid_industries=industries)
        return self.outside_item("negative_other_company", other)

    def unrelated(self) -> Article:
        if self.rng.random() < 0.4:
            t, s = self.pick(T.MACRO)
            return self.negative("negative_unrelated", t, s, self.day(recent=False))
        return self.outside_item("negative_unrelated", self.outsider())

    def outside_item(self, kind: str, other: Subject) -> Article:
        events = list(EVENT_WEIGHTS)
        event = events[int(self.rng.integers(len(events)))]
        variant = self.pick([v for v in T.EVENTS[event] if not v.two_companies])
        person = self.stranger() if event == "leadership_change" else None
        return self.company_item(kind, event, variant, other, self.day(recent=False), person)


# --- when and where each article appears -----------------------------------------------------


def _schedule(articles: list[Article], org: Org, rng: np.random.Generator) -> tuple[list[FeedItem], list[FeedItem]]:
    """Home feed and time of each article, copies in the other feed, undated items, guids."""
    cal = org.calendar
    n = len(articles)
    home = np.where(rng.random(n) < RSS_SHARE, RSS, ATOM)
    secs = business_seconds(rng, n)
    zone_idx = np.array([org.zones.index(FEED_ZONES[h]) for h in home.tolist()])
    local = np.array([(epoch_day(cal.start) + a.day) * DAY for a in articles], dtype=np.int64) + secs
    utc = org.zones.local_to_utc(zone_idx, local)
    # Late-evening stories on the last day would fall after the window in UTC: an earlier edition.
    late = utc >= cal.end_utc
    utc[late] = cal.end_utc - rng.integers(HOUR, 4 * HOUR, int(late.sum()))
    for a, h, u in zip(articles, home.tolist(), utc.tolist()):
        a.home, a.utc = h, u
    free = [i for i, a in enumerate(articles) if not a.pinned]
    n_copies = max(1, round(DUPLICATE_SHARE * n))
    copied = set(rng.choice(free, size=n_copies, replace=False).tolist())
    # Undated items are RSS (Atom requires a date), single, and not in the last week (whose items
    # are there to be found by date).
    recent_from = (cal.end - cal.start).days + 1 - RECENT_DAYS
    rss_single = [i for i in free if articles[i].home == RSS and i not in copied and articles[i].day < recent_from]
    undated = set(rng.choice(rss_single, size=max(1, round(UNDATED_SHARE * n)), replace=False).tolist())
    for i, a in enumerate(articles):
        a.copied, a.dated = i in copied, i not in undated
    _assign_links(articles, cal.start)
    items: tuple[list[FeedItem], list[FeedItem]] = ([], [])
    for a in articles:
        items[a.home].append(FeedItem(a, a.home, a.utc, a.link, copy=False))
        if a.copied:  # picked up by the other feed a little later, link with the feed's tracking
            later = min(a.utc + int(rng.integers(10 * 60, 6 * HOUR)), cal.end_utc - 60)
            items[1 - a.home].append(FeedItem(a, 1 - a.home, max(later, a.utc), f"{a.link}?{TRACKING}", copy=True))
    for feed, base in ((RSS, 480_000), (ATOM, 71_000)):
        _assign_guids(items[feed], feed, base, cal.end_utc, rng)
    return items


def _title_slug(title: str) -> str:
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:70].rstrip("-")


def _assign_links(articles: list[Article], start: dt.date) -> None:
    """One link per article on the news site, dated by its first publication (local day), unique."""
    taken: dict[str, int] = {}
    for a in sorted(articles, key=lambda x: (x.utc, x.title)):
        day = start + dt.timedelta(days=a.day)
        path = f"{day:%Y/%m/%d}/{_title_slug(a.title)}" if a.dated else f"briefs/{_title_slug(a.title)}"
        taken[path] = taken.get(path, 0) + 1
        a.link = f"{SITE}/{path}" + (f"-{taken[path]}" if taken[path] > 1 else "")


def _assign_guids(items: list[FeedItem], feed: int, base: int, end_utc: int, rng: np.random.Generator) -> None:
    """Ids grow with time, with gaps (other content shares the counter); some entries get updated."""
    items.sort(key=lambda it: (it.utc, it.link))
    serials = base + np.cumsum(rng.integers(1, 40, len(items)))
    updated_late = rng.random(len(items)) < 0.1
    bump = rng.integers(HOUR, 36 * HOUR, len(items))
    for it, s, late, b in zip(items, serials.tolist(), updated_late.tolist(), bump.tolist()):
        if feed == RSS:
            it.guid = f"urn:news-example:bw:{s}"
        else:
            day = dt.datetime.fromtimestamp(it.utc, dt.timezone.utc).date()
            it.guid = f"tag:news.example.com,{day.isoformat()}:ledger/{s}"
        it.updated_utc = max(it.utc, min(it.utc + b, end_utc - 60)) if late else it.utc


def _feed_order(items: list[FeedItem]) -> list[FeedItem]:
    """As feeds list them: newest first; undated items last."""
    dated = sorted((it for it in items if it.article.dated), key=lambda it: (-it.utc, it.guid))
    return dated + sorted((it for it in items if not it.article.dated), key=lambda it: it.guid)


# --- the files -------------------------------------------------------------------------------


def _local(utc: int, zone: str, org: Org) -> dt.datetime:
    zi = np.array([org.zones.index(zone)])
    offset = org.zones.offset_at(zi, np.array([utc]))
    moment = to_datetimes(np.array([utc]), offset)[0]
    assert moment is not None
    return moment


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    el.text = text
    return el


def _save(root: ET.Element, path: Path) -> Path:
    ET.indent(root, space="  ")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    ET.ElementTree(root).write(tmp, encoding="utf-8", xml_declaration=True)
    tmp.replace(path)
    return path


def _write_rss(path: Path, items: list[FeedItem], org: Org) -> Path:
    zone = FEED_ZONES[RSS]
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    _text(channel, "title", FEED_TITLES[RSS])
    _text(channel, "link", f"{SITE}/business-wire")
    _text(channel, "description", "Company announcements and business news (simulated sample data).")
    _text(channel, "language", "en-us")
    newest = max(it.utc for it in items if it.article.dated)
    _text(channel, "lastBuildDate", format_datetime(_local(newest, zone, org)))
    for it in _feed_order(items):
        entry = ET.SubElement(channel, "item")
        _text(entry, "title", it.article.title)
        _text(entry, "link", it.link)
        _text(entry, "guid", it.guid, isPermaLink="false")
        if it.article.dated:
            _text(entry, "pubDate", format_datetime(_local(it.utc, zone, org)))
        _text(entry, "description", it.article.html)
    return _save(rss, path)


def _write_atom(path: Path, items: list[FeedItem], org: Org) -> Path:
    zone = FEED_ZONES[ATOM]
    feed = ET.Element("feed", {"xmlns": "http://www.w3.org/2005/Atom"})
    _text(feed, "title", FEED_TITLES[ATOM])
    _text(feed, "id", "tag:news.example.com,2020:regional-ledger")
    _text(feed, "updated", _local(max(it.updated_utc for it in items), zone, org).isoformat())
    ET.SubElement(feed, "link", {"rel": "self", "href": f"{SITE}/regional-ledger/feed.atom"})
    ET.SubElement(feed, "link", {"rel": "alternate", "href": f"{SITE}/regional-ledger"})
    author = ET.SubElement(feed, "author")
    _text(author, "name", "The Regional Ledger")
    for it in _feed_order(items):
        entry = ET.SubElement(feed, "entry")
        _text(entry, "title", it.article.title)
        ET.SubElement(entry, "link", {"rel": "alternate", "href": it.link})
        _text(entry, "id", it.guid)
        _text(entry, "published", _local(it.utc, zone, org).isoformat())
        _text(entry, "updated", _local(it.updated_utc, zone, org).isoformat())
        _text(entry, "summary", it.article.html, type="html")
    return _save(feed, path)


def _labels(items: tuple[list[FeedItem], list[FeedItem]]) -> list[dict[str, object]]:
    """One row per item per feed, in the order the feeds list them."""
    first_guid = {id(it.article): it.guid for feed in items for it in feed if not it.copy}
    rows = []
    for feed, feed_items in enumerate(items):
        for it in _feed_order(feed_items):
            a = it.article
            rows.append({
                "feed_file": FEED_FILES[feed], "item_guid": it.guid, "title": a.title, "link": it.link,
                "published": dt.datetime.fromtimestamp(it.utc, dt.timezone.utc) if a.dated else None,
                "account_ids": list(a.account_ids), "event_type": a.event_type,
                "named_contact_ids": list(a.contact_ids), "kind": a.kind,
                "duplicate_of": first_guid[id(a)] if it.copy else None,
            })
    return rows
