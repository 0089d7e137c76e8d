"""Master data of the simulated organisation: users, accounts and the people at those accounts.

People ("persons") are the humans that send and receive traffic; contacts are the CRM records
about them. They are the same one-to-one in a clean org; injected defects (duplicates, orphans,
misfiled contacts) make the records diverge from the people, which is what hygiene checks find.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np

from simulator import names as N
from simulator import scenario as S
from simulator.config import OrgSize
from simulator.ties import Ties, build_ties
from simulator.timeutil import Calendar, ZoneTable

INTERNAL_DOMAIN = "harborline.io"
COMPANY = "Harborline Software"


@dataclass
class Users:
    user_id: list[str]
    first: list[str]
    full_name: list[str]
    email: list[str]
    alias: list[str]  # "" when none
    manager: np.ndarray  # user index, -1 for none
    team: list[str]
    title: list[str]
    job_role: list[str]  # seller / manager / other
    zone: np.ndarray  # zone index
    segment: np.ndarray  # seller's segment, -1 otherwise
    engineer: np.ndarray  # solutions engineer supporting a seller, -1 otherwise
    team_index: np.ndarray

    @property
    def n(self) -> int:
        return len(self.user_id)

    @property
    def sellers(self) -> np.ndarray:
        return np.flatnonzero(np.array([r == "seller" for r in self.job_role]))


@dataclass
class Accounts:
    account_id: list[str]
    name: list[str]
    aliases: list[list[str]]
    domains: list[list[str]]
    segment: np.ndarray
    industry: list[str]
    owner: np.ndarray  # user index
    zone: np.ndarray
    created_day: np.ndarray  # simulated day index (negative = before the simulated span)

    @property
    def n(self) -> int:
        return len(self.account_id)


@dataclass
class Persons:
    first: list[str]
    last: list[str]
    account: np.ndarray  # account the person really works with (traffic follows it)
    record_account: np.ndarray  # account on the CRM record (-1 orphan); differs for misfiled contacts
    title: list[str]
    role: np.ndarray  # true buying role (names.DM ...)
    zone: np.ndarray
    start_day: np.ndarray  # first simulated day the person can be in touch
    propensity: np.ndarray  # how much traffic the relationship carries, relative
    # A colleague or engineer of the owner drawn with the org, -1 none, and their share of the
    # traffic: one of the person's ties (Org.ties holds them all, with the traffic they carry).
    secondary: np.ndarray
    secondary_share: np.ndarray
    machine_opener: np.ndarray  # mail client pre-fetches tracking pixels (privacy proxy)
    email: list[str]
    alt_email: list[str]  # "" when none
    alt_listed: np.ndarray  # alt address is on the contact record (email_aliases)
    alt_share: np.ndarray  # share of threads written from/to the alt address
    created_day: np.ndarray

    @property
    def n(self) -> int:
        return len(self.first)

    def full_name(self, i: int) -> str:
        return f"{self.first[i]} {self.last[i]}"


@dataclass
class Org:
    calendar: Calendar
    zones: ZoneTable
    users: Users
    accounts: Accounts
    persons: Persons
    scenario: S.ScenarioIds
    _ties: Ties | None = field(default=None, repr=False)
    _csr: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    def account_people(self) -> tuple[np.ndarray, np.ndarray]:
        """(order, starts): persons sorted by working account, and each account's first position."""
        if self._csr is None:
            order = np.argsort(self.persons.account, kind="stable")
            starts = np.searchsorted(self.persons.account[order], np.arange(self.accounts.n + 1))
            self._csr = (order, starts)
        return self._csr

    def invalidate(self) -> None:
        self._csr = None

    @property
    def ties(self) -> Ties:
        """Who handles each person's traffic and how much of it (drawn by `attach_ties`)."""
        if self._ties is None:
            raise RuntimeError("the org's ties are drawn once people's accounts are final: call attach_ties first")
        return self._ties

    def attach_ties(self, rng: np.random.Generator) -> None:
        """Draw the ties (after master-data defects have moved misfiled people to their real account)."""
        self._ties = build_ties(self, rng)

    def account_traffic_share(self) -> np.ndarray:
        """Rough share of all traffic each account carries (by its people's propensity)."""
        w = np.bincount(self.persons.account, weights=self.persons.propensity, minlength=self.accounts.n)
        return w / w.sum()

    def user_traffic_share(self) -> np.ndarray:
        """Rough share of all traffic each user handles (as the owner of their accounts)."""
        w = np.bincount(self.accounts.owner, weights=self.account_traffic_share(), minlength=self.users.n)
        return w / w.sum()

    def person_user(self) -> np.ndarray:
        """The owner of each person's account (the person's ties may make someone else closer)."""
        return self.accounts.owner[self.persons.account]


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits only (for addresses and domains)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", ascii_text.lower())


def build_org(size: OrgSize, calendar: Calendar, rng: np.random.Generator) -> Org:
    """Users, accounts and persons of a clean organisation (defects are applied afterwards)."""
    zones = ZoneTable(list(N.ALL_ZONES), calendar.base_utc, calendar.end_utc + 40 * 86_400)
    users = _build_users(size, zones, rng)
    accounts = _build_accounts(size, users, zones, calendar, rng)
    persons = _build_persons(accounts, users, zones, calendar, rng)
    ids = S.ScenarioIds(manager=0, avery=size.managers, colleague=size.managers + 1, account=0, director=0, operations=1)
    return Org(calendar=calendar, zones=zones, users=users, accounts=accounts, persons=persons, scenario=ids)


def _unique_person_names(rng: np.random.Generator, n: int, taken: set[tuple[str, str]]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    while len(out) < n:
        pair = (N.FIRST_NAMES[rng.integers(len(N.FIRST_NAMES))], N.LAST_NAMES[rng.integers(len(N.LAST_NAMES))])
        if pair not in taken:
            taken.add(pair)
            out.append(pair)
    return out


def _build_users(size: OrgSize, zones: ZoneTable, rng: np.random.Generator) -> Users:
    n = size.managers + size.sellers + size.engineers
    taken = {(S.MANAGER["first"], S.MANAGER["last"]), (S.AVERY["first"], S.AVERY["last"]), (S.COLLEAGUE["first"], S.COLLEAGUE["last"])}
    generic = iter(_unique_person_names(rng, n, taken))
    user_id, first, full, email, alias, title, job_role, team, region = [], [], [], [], [], [], [], [], []
    manager = np.full(n, -1, dtype=np.int32)
    segment = np.full(n, -1, dtype=np.int8)
    engineer = np.full(n, -1, dtype=np.int32)
    team_index = np.zeros(n, dtype=np.int32)
    zone = np.zeros(n, dtype=np.int16)

    def add(uid: str, f: str, l: str, t: str, role: str, ti: int, al: str) -> int:
        i = len(user_id)
        name, reg = N.TEAMS[ti % len(N.TEAMS)]
        rnd = ti // len(N.TEAMS)
        user_id.append(uid)
        first.append(f)
        full.append(f"{f} {l}")
        email.append(f"{slug(f)}.{slug(l)}@{INTERNAL_DOMAIN}")
        alias.append(f"{al}@{INTERNAL_DOMAIN}" if al else "")
        title.append(t)
        job_role.append(role)
        team.append(name if rnd == 0 else f"{name} {rnd + 1}")
        region.append(reg)
        team_index[i] = ti
        zone[i] = zones.index(N.REGIONS[reg][0])
        return i

    add(S.MANAGER["user_id"], S.MANAGER["first"], S.MANAGER["last"], S.MANAGER["title"], "manager", 0, "")
    for m in range(1, size.managers):
        f, l = next(generic)
        add(f"u-{m:04d}", f, l, "Sales Manager" if m % 2 else "Regional Sales Director", "manager", m, "")
    seg_cycle = (N.ENTERPRISE, N.MID_MARKET, N.SMB)
    for s in range(size.sellers):
        if s == 0:
            spec, ti, seg = S.AVERY, 0, N.ENTERPRISE
            i = add(spec["user_id"], spec["first"], spec["last"], spec["title"], "seller", ti, spec["alias"])
        elif s == 1:
            spec, ti, seg = S.COLLEAGUE, 0, N.ENTERPRISE
            i = add(spec["user_id"], spec["first"], spec["last"], spec["title"], "seller", ti, spec["alias"])
        else:
            f, l = next(generic)
            ti = s % size.managers
            seg = seg_cycle[s % 3]
            t = {N.ENTERPRISE: "Enterprise Account Executive", N.MID_MARKET: "Account Executive", N.SMB: "Account Executive, SMB"}[seg]
            # Some sellers write from a second address (an old short form kept as an alias).
            al = f"{slug(f)[0]}{slug(l)}" if rng.random() < 0.2 else ""
            i = add(f"u-{size.managers + s:04d}", f, l, t, "seller", ti, al)
        segment[i] = seg
        manager[i] = ti  # managers occupy indices 0..managers-1, one per team
    first_engineer = len(user_id)
    for e in range(size.engineers):
        f, l = next(generic)
        add(f"u-{first_engineer + e:04d}", f, l, "Solutions Engineer", "other", e % size.managers, "")
        manager[first_engineer + e] = e % size.managers
    sellers = np.arange(size.managers, size.managers + size.sellers)
    engineer[sellers] = first_engineer + (np.arange(size.sellers) % size.engineers)
    return Users(user_id, first, full, email, alias, manager, team, title, job_role, zone, segment, engineer, team_index)


def _company_names(rng: np.random.Generator, industries: list[str]) -> tuple[list[str], list[list[str]], list[list[str]]]:
    """Unique names, aliases and domains (the scenario account's name and domain are reserved)."""
    names: list[str] = []
    aliases: list[list[str]] = []
    domains: list[list[str]] = []
    used_names = {S.ACCOUNT["name"]}
    used_domains = set(S.ACCOUNT["domains"])
    tlds = (".com", ".com", ".com", ".net", ".co", ".io")
    for industry in industries:
        nouns = N.INDUSTRIES[industry]
        for attempt in range(1000):
            prefix = N.COMPANY_PREFIXES[rng.integers(len(N.COMPANY_PREFIXES))]
            noun = nouns[rng.integers(len(nouns))]
            suffix = N.COMPANY_SUFFIXES[rng.integers(len(N.COMPANY_SUFFIXES))]
            base = f"{prefix} {noun}"
            name = f"{base} {suffix}" if rng.random() < 0.7 else base
            stem = slug(base) if attempt < 200 else f"{slug(base)}{attempt}"
            domain = stem + tlds[rng.integers(len(tlds))]
            if name in used_names or domain in used_domains:
                continue
            break
        used_names.add(name)
        used_domains.add(domain)
        doms = [domain]
        if rng.random() < 0.15:  # a second domain, e.g. a country site or an old brand
            extra = f"{stem}-group.com"
            if extra not in used_domains:
                used_domains.add(extra)
                doms.append(extra)
        als: list[str] = []
        if name != base:
            als.append(base)
        acronym = "".join(w[0] for w in name.split() if w[0].isupper())
        if len(acronym) >= 3 and rng.random() < 0.4:
            als.append(acronym)
        names.append(name)
        aliases.append(als)
        domains.append(doms)
    return names, aliases, domains


def _build_accounts(size: OrgSize, users: Users, zones: ZoneTable, calendar: Calendar, rng: np.random.Generator) -> Accounts:
    n = size.accounts
    seg = rng.choice(3, size=n, p=[0.2, 0.35, 0.45]).astype(np.int8)
    seg[0] = N.ENTERPRISE
    industry_names = list(N.INDUSTRIES)
    industries = [industry_names[i] for i in rng.integers(len(industry_names), size=n)]
    industries[0] = S.ACCOUNT["industry"]
    gen_names, gen_aliases, gen_domains = _company_names(rng, industries[1:])
    names = [S.ACCOUNT["name"], *gen_names]
    aliases = [list(S.ACCOUNT["aliases"]), *gen_aliases]
    domains = [list(S.ACCOUNT["domains"]), *gen_domains]
    owner = np.zeros(n, dtype=np.int32)
    sellers = users.sellers
    for s in range(3):
        idx = np.flatnonzero(seg == s)
        pool = sellers[users.segment[sellers] == s]
        # Deal the segment's accounts round-robin over a shuffled seller list: balanced books.
        owner[idx] = pool[rng.permutation(len(pool))][np.arange(len(idx)) % len(pool)]
    avery = size.managers
    owner[0] = avery
    zone = np.zeros(n, dtype=np.int16)
    for i in range(n):
        region = N.TEAMS[users.team_index[owner[i]] % len(N.TEAMS)][1]
        options = N.REGIONS[region]
        zone[i] = zones.index(options[rng.integers(len(options))])
    zone[0] = zones.index(S.ACCOUNT["zone"])
    # Most accounts predate the window; some are new logos created during it.
    created = np.where(
        rng.random(n) < 0.92,
        calendar.burn_in - rng.integers(calendar.burn_in + 30, calendar.burn_in + 1500, n),
        calendar.burn_in + rng.integers(0, max(1, calendar.n_days - calendar.burn_in - 90), n),
    ).astype(np.int32)
    created[0] = -400
    ids = [f"a-{i + 1:04d}" for i in range(n)]
    return Accounts(ids, names, aliases, domains, seg, industries, owner, zone, created)


_CONTACTS_PER_ACCOUNT = {N.ENTERPRISE: (9, 16), N.MID_MARKET: (4, 9), N.SMB: (2, 5)}
_ROLE_MIX = {
    N.ENTERPRISE: [0.15, 0.35, 0.15, 0.35],  # DM, influencer, champion, user
    N.MID_MARKET: [0.2, 0.3, 0.2, 0.3],
    N.SMB: [0.3, 0.2, 0.2, 0.3],
}
# Decision-makers write less e-mail; champions carry the day-to-day exchange.
_ROLE_PROPENSITY = np.array([0.7, 1.0, 1.4, 0.8, 1.0])


def _build_persons(accounts: Accounts, users: Users, zones: ZoneTable, calendar: Calendar, rng: np.random.Generator) -> Persons:
    first: list[str] = []
    last: list[str] = []
    title: list[str] = []
    email: list[str] = []
    alt_email: list[str] = []
    acct_l: list[int] = []
    role_l: list[int] = []
    for a in range(accounts.n):
        seg = int(accounts.segment[a])
        lo, hi = _CONTACTS_PER_ACCOUNT[seg]
        count = 10 if a == 0 else int(rng.integers(lo, hi))
        taken: set[tuple[str, str]] = set()
        if a == 0:
            fixed = [S.DIRECTOR, S.OPERATIONS]
            for spec in fixed:
                taken.add((spec["first"], spec["last"]))
            pairs = [(s["first"], s["last"]) for s in fixed] + _unique_person_names(rng, count - 2, taken)
        else:
            pairs = _unique_person_names(rng, count, taken)
        roles = rng.choice(4, size=count, p=_ROLE_MIX[seg])
        roles[0] = N.DM  # every account has a decision-maker; defects may hide them later
        if a == 0:
            roles[1] = N.INFLUENCER
        domain = accounts.domains[a][0]
        for k, (f, l) in enumerate(pairs):
            role = int(roles[k])
            if a == 0 and k < 2:
                t = (S.DIRECTOR if k == 0 else S.OPERATIONS)["title"]
            elif role == N.DM and seg == N.SMB:
                t = N.SMB_DM_TITLES[rng.integers(len(N.SMB_DM_TITLES))]
            else:
                options = N.TITLES[role]
                t = options[rng.integers(len(options))]
            first.append(f)
            last.append(l)
            title.append(t)
            acct_l.append(a)
            role_l.append(role)
            email.append(f"{slug(f)}.{slug(l)}@{domain}")
            if a == 0 and k == 0:
                alt_email.append(f"{S.DIRECTOR['alias']}@{domain}")
            elif a == 0 and k == 1:
                alt_email.append("")
            elif rng.random() < 0.08:
                dom2 = accounts.domains[a][-1]
                alt_email.append(f"{slug(f)[0]}.{slug(l)}@{dom2}" if dom2 == domain else f"{slug(f)}.{slug(l)}@{dom2}")
            else:
                alt_email.append("")
    n = len(first)
    account = np.array(acct_l, dtype=np.int32)
    role = np.array(role_l, dtype=np.int8)
    home = accounts.zone[account]
    remote = rng.random(n) < 0.2
    zone = np.where(remote, rng.integers(0, len(zones.zones), n), home).astype(np.int16)
    zone[:2] = accounts.zone[0]
    acct_created = accounts.created_day[account]
    joined_late = rng.random(n) < 0.08
    window_days = calendar.n_days - calendar.burn_in
    late_day = calendar.burn_in + rng.integers(0, max(1, window_days - 45), n)
    start_day = np.maximum(acct_created, 0)
    start_day = np.where(joined_late, np.maximum(start_day, late_day), start_day)
    start_day = np.where(acct_created >= calendar.burn_in, acct_created + rng.integers(0, 20, n), start_day).astype(np.int32)
    start_day[:2] = 0
    # The CRM record exists from when the person became known (earlier for long-standing contacts).
    known_before = np.minimum(acct_created + rng.integers(0, 200, n), calendar.burn_in - 1)
    created_day = np.where(start_day > 0, start_day, np.maximum(known_before, acct_created)).astype(np.int32)
    created_day[:2] = acct_created[0] + 30
    propensity = rng.lognormal(0.0, 0.55, n) * _ROLE_PROPENSITY[role]
    propensity[:2] = 1.6
    # A second internal user (a colleague in the owner's team or their engineer) works some threads;
    # more ties, and the scenario's, are added by ties.build_ties from a stream of their own.
    owner = accounts.owner[account]
    has_secondary = rng.random(n) < 0.12
    colleague = _team_colleague(users, owner, rng)
    eng = users.engineer[owner]
    secondary = np.where(has_secondary, np.where(rng.random(n) < 0.6, colleague, eng), -1).astype(np.int32)
    secondary_share = np.where(secondary >= 0, rng.uniform(0.15, 0.35, n), 0.0)
    avery, riley = int(accounts.owner[0]), int(accounts.owner[0]) + 1
    assert users.user_id[avery] == S.AVERY["user_id"] and users.user_id[riley] == S.COLLEAGUE["user_id"]
    machine = rng.random(n) < 0.3
    machine[:2] = (True, False)
    alt_listed = np.array([a != "" for a in alt_email])
    alt_share = np.where(alt_listed, 0.25, 0.0)
    return Persons(
        first=first, last=last, account=account, record_account=account.copy(), title=title, role=role,
        zone=zone, start_day=start_day, propensity=propensity, secondary=secondary,
        secondary_share=secondary_share, machine_opener=machine, email=email, alt_email=alt_email,
        alt_listed=alt_listed, alt_share=alt_share, created_day=created_day,
    )


def _team_colleague(users: Users, owner: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random other seller from each owner's team (the owner themself if alone)."""
    sellers = users.sellers
    out = owner.copy()
    by_team: dict[int, np.ndarray] = {}
    for t in np.unique(users.team_index[sellers]):
        by_team[int(t)] = sellers[users.team_index[sellers] == t]
    pick = rng.random(owner.size)
    for i, o in enumerate(owner.tolist()):
        pool = by_team[int(users.team_index[o])]
        if len(pool) > 1:
            choice = pool[int(pick[i] * len(pool))]
            out[i] = choice if choice != o else pool[(int(pick[i] * len(pool)) + 1) % len(pool)]
    return out
