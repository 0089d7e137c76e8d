"""Injected data-quality defects, each recorded in the ground truth with what and where.

Master-data defects change contact records (and, for misfiled contacts, whose traffic a person
belongs to) before anything else is simulated. Activity defects (capture gaps, a collapsed
extract day, accounts gone dark, gaming and one-sided logging) are planned once and applied to
every month's generated traffic. With defects switched off the org is clean: every contact has a
role, every account a decision-maker, and none of these patterns occur.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulator import names as N
from simulator import parts as P
from simulator.manual import Burst
from simulator.opportunities import Deals
from simulator.org import Org, slug
from simulator.timeutil import DAY

DEFECT_TYPES = (
    "capture_gap_rep",
    "extract_volume_collapse",
    "open_opportunity_no_activity",
    "contact_domain_mismatch",
    "contact_personal_domain",
    "contact_traffic_other_account",
    "duplicate_contact_same_email",
    "duplicate_contact_same_name",
    "orphan_contact",
    "opportunity_contact_other_account",
    "missing_contact_role",
    "account_no_decision_maker",
    "gaming_burst",
    "manual_no_response",
)
COLLAPSE_SHARE = 0.9
GAMING_SUBJECTS = ("Follow-up call", "Check-in call", "Touch base", "Quick call")


@dataclass
class ContactRecord:
    """One row of the contacts extract (a person may have more than one)."""

    contact_id: str
    person: int
    account: int  # -1 orphan
    full_name: str
    email: str
    aliases: list[str]
    title: str
    role: str  # "" = empty
    created_day: int


@dataclass
class DefectPlan:
    truth: list[dict[str, object]] = field(default_factory=list)
    capture_gaps: list[tuple[int, int, int]] = field(default_factory=list)  # (user, first day, last day)
    collapse_days: list[int] = field(default_factory=list)
    silent: dict[int, int] = field(default_factory=dict)  # account -> first silent day
    bursts: list[Burst] = field(default_factory=list)
    no_response: set[int] = field(default_factory=set)


def _row(kind: str, entity_type: str, entity_id: str, detail: str, start: dt.date | None = None, end: dt.date | None = None) -> dict[str, object]:
    return {"defect_type": kind, "entity_type": entity_type, "entity_id": entity_id, "detail": detail,
            "start_date": start, "end_date": end}


class _Picker:
    """Draws distinct indices so that no entity carries two injected defects by accident."""

    def __init__(self, rng: np.random.Generator, n: int) -> None:
        self.rng = rng
        self.used = np.zeros(n, bool)

    def take(self, mask: np.ndarray, k: int) -> np.ndarray:
        pool = np.flatnonzero(mask & ~self.used)
        chosen = np.sort(self.rng.choice(pool, size=min(k, pool.size), replace=False)) if pool.size else pool
        self.used[chosen] = True
        return chosen


def natural_records(org: Org) -> list[ContactRecord]:
    """One record per person, as a well-kept CRM would hold them."""
    p = org.persons
    return [
        ContactRecord(
            contact_id=f"c-{i + 1:06d}", person=i, account=int(p.record_account[i]), full_name=p.full_name(i),
            email=p.email[i], aliases=[p.alt_email[i]] if p.alt_listed[i] else [], title=p.title[i],
            role=N.ROLE_NAMES[int(p.role[i])], created_day=int(p.created_day[i]),
        )
        for i in range(p.n)
    ]


def apply_master_defects(org: Org, rng: np.random.Generator, enabled: bool) -> tuple[list[ContactRecord], list[dict[str, object]]]:
    """Damage contact master data (modifying the org's persons where traffic must follow)."""
    if not enabled:
        return natural_records(org), []
    persons, accounts = org.persons, org.accounts
    truth: list[dict[str, object]] = []
    k = max(5, round(0.005 * persons.n))
    pick = _Picker(rng, persons.n)
    pick.used[persons.account == org.scenario.account] = True  # the scenario account stays clean
    not_dm = persons.role != N.DM

    # Accounts whose decision-makers are not in the CRM as such.
    acct_pick = _Picker(rng, accounts.n)
    acct_pick.used[org.scenario.account] = True
    no_dm = acct_pick.take(accounts.segment != N.ENTERPRISE, max(5, round(0.015 * accounts.n)))
    for a in no_dm.tolist():
        for i in np.flatnonzero((persons.account == a) & (persons.role == N.DM)).tolist():
            persons.role[i] = N.INFLUENCER
            persons.title[i] = N.TITLES[N.INFLUENCER][i % len(N.TITLES[N.INFLUENCER])]
    not_dm = persons.role != N.DM

    for i in pick.take(np.ones(persons.n, bool), k).tolist():
        partner = N.PARTNER_DOMAINS[int(rng.integers(len(N.PARTNER_DOMAINS)))]
        persons.email[i] = f"{slug(persons.first[i])}.{slug(persons.last[i])}@{partner}"
        a = int(persons.account[i])
        truth.append(_row("contact_domain_mismatch", "contact", f"c-{i + 1:06d}",
                          f"address domain {partner} is none of {accounts.name[a]}'s domains ({';'.join(accounts.domains[a])})"))
    for i in pick.take(np.ones(persons.n, bool), k).tolist():
        dom = N.PERSONAL_DOMAINS[int(rng.integers(len(N.PERSONAL_DOMAINS)))]
        persons.email[i] = f"{slug(persons.first[i])}.{slug(persons.last[i])}{int(rng.integers(10, 99))}@{dom}"
        truth.append(_row("contact_personal_domain", "contact", f"c-{i + 1:06d}", f"personal address at {dom}"))
    # Misfiled contacts: the record says account A, the person works with account B.
    big_enough = np.bincount(persons.account, minlength=accounts.n)[persons.account] >= 3
    for i in pick.take(not_dm & big_enough, k).tolist():
        a = int(persons.account[i])
        same_seg = np.flatnonzero((accounts.segment == accounts.segment[a]) & (np.arange(accounts.n) != a)
                                  & (np.arange(accounts.n) != org.scenario.account))
        b = int(same_seg[rng.integers(same_seg.size)])
        persons.account[i] = b
        truth.append(_row("contact_traffic_other_account", "contact", f"c-{i + 1:06d}",
                          f"linked to {accounts.account_id[a]} ({accounts.name[a]}) but all traffic is with "
                          f"{accounts.account_id[b]} ({accounts.name[b]})"))
    org.invalidate()
    for i in pick.take(not_dm, k).tolist():
        persons.record_account[i] = -1
        truth.append(_row("orphan_contact", "contact", f"c-{i + 1:06d}",
                          f"no account; works with {accounts.account_id[persons.account[i]]} ({accounts.name[persons.account[i]]})"))
    same_email = pick.take(np.ones(persons.n, bool), k)
    same_name = pick.take(np.array([a == "" for a in persons.alt_email]), k)
    for i in same_name.tolist():
        dom = persons.email[i].split("@", 1)[1]
        persons.alt_email[i] = f"{slug(persons.first[i])[0]}{slug(persons.last[i])}@{dom}"
        persons.alt_share[i] = 0.35

    records = natural_records(org)
    for i in same_email.tolist():
        dup = ContactRecord(
            contact_id=f"c-{len(records) + 1:06d}", person=i, account=int(persons.record_account[i]),
            full_name=f"{persons.first[i][0]}. {persons.last[i]}", email=persons.email[i], aliases=[],
            title=persons.title[i], role=N.ROLE_NAMES[int(persons.role[i])],
            created_day=int(persons.created_day[i]) + int(rng.integers(30, 200)),
        )
        records.append(dup)
        truth.append(_row("duplicate_contact_same_email", "contact", dup.contact_id,
                          f"same address {dup.email} as c-{i + 1:06d}"))
    for n_dup, i in enumerate(same_name.tolist()):
        variants = (f"{persons.first[i].upper()} {persons.last[i]}", f"{persons.first[i]}  {persons.last[i]}",
                    f"{persons.first[i].lower()} {persons.last[i].lower()}")
        dup = ContactRecord(
            contact_id=f"c-{len(records) + 1:06d}", person=i, account=int(persons.record_account[i]),
            full_name=variants[n_dup % 3], email=persons.alt_email[i], aliases=[], title=persons.title[i],
            role=N.ROLE_NAMES[int(persons.role[i])], created_day=int(persons.created_day[i]) + int(rng.integers(30, 200)),
        )
        records.append(dup)
        truth.append(_row("duplicate_contact_same_name", "contact", dup.contact_id,
                          f"same person as c-{i + 1:06d} ({persons.full_name(i)}), other address {dup.email}"))
    # Roles left empty or 'unknown', as on a good share of real CRM records.
    blank = pick.take(np.ones(persons.n, bool), round(0.12 * persons.n))
    for i in blank.tolist():
        records[i].role = "" if rng.random() < 0.7 else "unknown"
    return records, truth


def role_findings(org: Org, records: list[ContactRecord]) -> list[dict[str, object]]:
    """Contacts without a role and accounts without a decision-maker, as the records stand."""
    out: list[dict[str, object]] = []
    for r in records:
        if r.role in ("", "unknown"):
            out.append(_row("missing_contact_role", "contact", r.contact_id, f"role is {r.role or 'empty'}"))
    has_dm = np.zeros(org.accounts.n, bool)
    for r in records:
        if r.account >= 0 and r.role == "decision_maker":
            has_dm[r.account] = True
    true_dm = np.zeros(org.accounts.n, bool)
    true_dm[org.persons.account[org.persons.role == N.DM]] = True
    for a in np.flatnonzero(~has_dm).tolist():
        why = "decision-makers are recorded without a role" if true_dm[a] else "no decision-maker known at the account"
        out.append(_row("account_no_decision_maker", "account", org.accounts.account_id[a], why))
    return out


def eligible_for_deals(org: Org) -> np.ndarray:
    """Persons a seller would add to a deal: properly linked to the account they work with."""
    p = org.persons
    return (p.record_account >= 0) & (p.record_account == p.account)


def opportunity_contact_defects(org: Org, deals: Deals, records: list[ContactRecord], rng: np.random.Generator,
                                enabled: bool) -> tuple[list[tuple[int, int, str]], list[dict[str, object]]]:
    """Extra opportunity_contacts rows (deal, record index, role) pointing at another account's contact."""
    if not enabled:
        return [], []
    k = max(5, round(0.01 * deals.n))
    chosen = np.sort(rng.choice(np.arange(1, deals.n), size=min(k, deals.n - 1), replace=False))
    candidates = [i for i, r in enumerate(records[: org.persons.n]) if r.account >= 0 and r.account != org.scenario.account]
    rows, truth = [], []
    for d in chosen.tolist():
        for _ in range(20):
            ri = candidates[int(rng.integers(len(candidates)))]
            if records[ri].account != deals.account[d]:
                break
        r = records[ri]
        rows.append((d, ri, "influencer"))
        truth.append(_row("opportunity_contact_other_account", "opportunity_contact", f"{deals.opp_id[d]}|{r.contact_id}",
                          f"{r.contact_id} belongs to {org.accounts.account_id[r.account]}, the deal to "
                          f"{org.accounts.account_id[deals.account[d]]}"))
    return rows, truth


def plan_activity_defects(org: Org, deals: Deals, rng: np.random.Generator, enabled: bool) -> DefectPlan:
    """Choose capture gaps, collapse days, silent accounts, gaming bursts and one-sided loggers."""
    plan = DefectPlan()
    if not enabled:
        return plan
    cal = org.calendar
    ws, end = cal.window_offset, cal.n_days - 1
    users = org.users
    protected = {org.scenario.avery, org.scenario.colleague}
    sellers = [int(s) for s in users.sellers if int(s) not in protected]
    order = [sellers[i] for i in rng.permutation(len(sellers))]
    n_gaming = max(2, round(0.05 * len(sellers)))
    n_silent_sellers = max(2, round(0.125 * (len(sellers) + 2)))
    gamers, one_sided, rest = order[:n_gaming], order[n_gaming : n_gaming + n_silent_sellers], order[n_gaming + n_silent_sellers :]
    date = cal.date_of

    n_gaps = max(5, round(0.125 * len(sellers)))
    for g in range(n_gaps):
        u = rest[g % len(rest)]
        length = int(rng.integers(5, 15))
        # Spread repeated gaps of one seller over the window so they never overlap.
        rounds = (n_gaps + len(rest) - 1) // len(rest)
        span = (end - 45 - (ws + 20)) // rounds
        lo = ws + 20 + (g // len(rest)) * span
        first = lo + int(rng.integers(0, max(1, span - length)))
        plan.capture_gaps.append((u, first, first + length - 1))
        plan.truth.append(_row("capture_gap_rep", "user", users.user_id[u],
                               f"no synced e-mail or meetings captured for {length} days", date(first), date(first + length - 1)))

    weekdays = [d for d in range(ws + 10, end - 40) if date(d).weekday() < 5]
    for d in sorted(rng.choice(weekdays, size=5, replace=False).tolist()):
        plan.collapse_days.append(int(d))
        plan.truth.append(_row("extract_volume_collapse", "day", date(d).isoformat(),
                               f"{int(COLLAPSE_SHARE * 100)}% of the day's synced activities missing", date(d), date(d)))

    open_deals = [d for d in range(1, deals.n) if deals.status[d] == "open"]
    # A misfiled contact's record points at an account its traffic does not go dark with: skip those.
    p = org.persons
    misfiled = set(p.record_account[(p.account != p.record_account) & (p.record_account >= 0)].tolist())
    by_acct: dict[int, list[int]] = {}
    for d in open_deals:
        a = deals.account[d]
        if a != org.scenario.account and a not in misfiled:
            by_acct.setdefault(a, []).append(d)
    candidates = sorted(by_acct)
    n_silent = max(5, round(0.04 * len(by_acct)))
    for a in sorted(rng.choice(candidates, size=min(n_silent, len(candidates)), replace=False).tolist()):
        first = end - int(rng.integers(35, 61))
        plan.silent[int(a)] = first
        opps = ";".join(deals.opp_id[d] for d in by_acct[a])
        plan.truth.append(_row("open_opportunity_no_activity", "account", org.accounts.account_id[a],
                               f"open opportunities {opps}; no activity for the last {end - first + 1} days", date(first), date(end)))

    owner_of = org.person_user()
    for u in gamers:
        people = np.flatnonzero(owner_of == u)
        subject = GAMING_SUBJECTS[int(rng.integers(len(GAMING_SUBJECTS)))]
        days = sorted(rng.choice(weekdays, size=3, replace=False).tolist())
        for d in days:
            alive = people[org.persons.start_day[people] <= d]
            if alive.size == 0:
                continue
            count = int(rng.integers(6, 13))
            chosen = tuple(int(x) for x in rng.choice(alive, size=count, replace=True))
            plan.bursts.append(Burst(user=u, day=int(d), persons=chosen, subject=subject))
            plan.truth.append(_row("gaming_burst", "user", users.user_id[u],
                                   f"{count} manual calls titled '{subject}' logged minutes apart; no customer response",
                                   date(d), date(d)))
    for u in one_sided:
        plan.no_response.add(u)
        plan.truth.append(_row("manual_no_response", "user", users.user_id[u],
                               "hand-logged activities with disengaged contacts that draw no customer response",
                               date(ws), date(end)))
    return plan


def keep_mask(acts: pd.DataFrame, plan: DefectPlan, org: Org, rng: np.random.Generator) -> np.ndarray:
    """Which generated activities survive capture gaps, collapsed days and accounts gone dark."""
    n = len(acts)
    keep = np.ones(n, bool)
    if not (plan.capture_gaps or plan.collapse_days or plan.silent) or n == 0:
        return keep
    cal = org.calendar
    day = (acts["utc"].to_numpy() - cal.base_utc) // DAY
    synced = acts["source"].to_numpy() == P.SYNCED
    owner = acts["owner"].to_numpy()
    scripted = acts["gen"].to_numpy() == P.GEN_SCENARIO
    for u, first, last in plan.capture_gaps:
        keep &= ~(synced & (owner == u) & (day >= first) & (day <= last))
    if plan.collapse_days:
        hit = synced & np.isin(day, plan.collapse_days)
        keep &= ~(hit & (rng.random(n) < COLLAPSE_SHARE))
    if plan.silent:
        acct = acts["acct"].to_numpy()
        silent_from = np.full(org.accounts.n, np.iinfo(np.int64).max)
        for a, first in plan.silent.items():
            silent_from[a] = first
        keep &= ~(day >= silent_from[acct])
    return keep | scripted
