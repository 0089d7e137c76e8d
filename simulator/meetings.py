"""Meetings: invitations, who turns up, cancellations and no-shows, all driven by health."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator import names as N
from simulator import parts as P
from simulator import text
from simulator.opportunities import Deals
from simulator.org import Org
from simulator.people import handling_user, pick_in_account
from simulator.rates import MonthContext
from simulator.relationships import attends, cancels
from simulator.timeutil import DAY, epoch_day, meeting_seconds

_EXTRA_CONTACTS = np.array([1.8, 0.8, 0.2])  # further invitees beyond the main contact, by segment
_ENGINEER_P = np.array([0.35, 0.2, 0.05])
_MANAGER_P = np.array([0.1, 0.05, 0.02])
_MINUTES = ((45, 60, 60, 90), (30, 45, 60), (30, 30, 45))


def generate_meetings(rng: np.random.Generator, org: Org, deals: Deals, ctx: MonthContext, health: np.ndarray,
                      mute_day: np.ndarray, *, shift_days: int = 0, scale: float = 1.0) -> P.Part:
    """Meetings from the month's account rates (shift_days > 0: meetings booked ahead of the window end)."""
    counts = rng.poisson(ctx.meeting * scale)
    acct, j = np.nonzero(counts)
    reps = counts[acct, j]
    acct = np.repeat(acct, reps).astype(np.int64)
    day = (np.repeat(j, reps) + ctx.d0).astype(np.int64)
    pday = np.minimum(day, org.calendar.n_days - 1)
    main = pick_in_account(rng, org, acct, pday, mute_day)
    ok = main >= 0
    acct, day, main, pday = acct[ok], day[ok] + shift_days, main[ok], pday[ok]
    n = acct.size
    if n == 0:
        return P.empty()
    seg = org.accounts.segment[acct]
    h_main = health[main, pday].astype(np.float64)
    user = handling_user(rng, org, main, pday)
    by_customer = rng.random(n) < 0.2 * h_main  # healthy contacts send invitations themselves
    # Further invitees from the same account.
    k = rng.poisson(_EXTRA_CONTACTS[seg])
    m_idx = np.repeat(np.arange(n), k)
    extra = pick_in_account(rng, org, acct[m_idx], pday[m_idx], mute_day, tries=2, exclude=main[m_idx])
    keep = extra >= 0
    m_idx, extra = m_idx[keep], extra[keep]
    pair = np.unique(m_idx * (org.persons.n + 1) + extra)  # one invitation per person
    m_idx, extra = pair // (org.persons.n + 1), pair % (org.persons.n + 1)
    engineer = np.where(rng.random(n) < _ENGINEER_P[seg], org.users.engineer[user], -1)
    manager = np.where(rng.random(n) < _MANAGER_P[seg], org.users.manager[user], -1)
    engineer = np.where(engineer == user, -1, engineer)
    manager = np.where(manager == user, -1, manager)
    # When and how long, on the organiser's clock.
    org_zone = np.where(by_customer, org.persons.zone[main], org.users.zone[user])
    local = (epoch_day(org.calendar.first_day) + day) * DAY + meeting_seconds(rng, n)
    utc = org.zones.local_to_utc(org_zone, local)
    minutes = np.array([opts[i % len(opts)] for opts, i in zip((_MINUTES[s] for s in seg.tolist()), rng.integers(0, 12, n).tolist())])
    end = utc + minutes * 60
    off = org.zones.offset_at(org_zone, utc)
    # Status and attendance.
    scheduled = utc >= org.calendar.end_utc
    cancelled = ~scheduled & (rng.random(n) < cancels(h_main))
    all_p = np.concatenate([np.arange(n), m_idx])
    all_person = np.concatenate([main, extra])
    h_all = health[all_person, pday[all_p]].astype(np.float64)
    came = rng.random(all_p.size) < attends(h_all)
    came[:n] |= by_customer  # an organiser turns up to their own meeting
    anyone = np.zeros(n, bool)
    np.logical_or.at(anyone, all_p, came)
    status = np.where(scheduled, P.SCHEDULED, np.where(cancelled, P.CANCELLED, np.where(anyone, P.COMPLETED, P.NO_SHOW)))
    part = _contact_participation(rng, status[all_p], came, h_all, all_p < n)
    if by_customer.any():
        part[:n][by_customer] = np.where(status[by_customer] == P.SCHEDULED, P.ACCEPTED,
                                         np.where(status[by_customer] == P.CANCELLED, P.DECLINED, P.ATTENDED))
    internal_part = np.where(status == P.SCHEDULED, P.ACCEPTED, np.where(status == P.CANCELLED, P.NO_RESPONSE, P.ATTENDED))
    # Regarding: the account's live deal, usually.
    j_idx = np.clip(day - shift_days - ctx.d0, 0, ctx.d1 - ctx.d0 - 1)
    live = ctx.account_deal[acct, j_idx]
    opp = np.where((live >= 0) & (rng.random(n) < 0.85), live, -1)
    reg_acct = np.where((opp >= 0) | (rng.random(n) < 0.9), acct, -1)
    subject = _subjects(rng, org, deals, acct, opp)
    acts = P.frame({
        "key": np.arange(n), "kind": np.full(n, P.KIND_MEETING), "utc": utc, "off": off, "end_utc": end, "end_off": off,
        "status": status, "source": np.full(n, P.SYNCED), "subject": subject, "thread": np.full(n, -1),
        "parent": np.full(n, -1), "opp": opp, "reg_acct": reg_acct, "owner": user, "body": [None] * n, "acct": acct,
        "person": main, "sender_domain": [""] * n, "gen": np.full(n, P.GEN_MEETING),
    }, P.ACT_COLUMNS)
    parties = _parties(org, n, user, by_customer, all_p, all_person, part, engineer, manager, internal_part)
    return P.Part(acts, parties, P.empty().events)


def _contact_participation(rng: np.random.Generator, status: np.ndarray, came: np.ndarray, h: np.ndarray, is_main: np.ndarray) -> np.ndarray:
    """Invitee responses: attendance for held meetings, RSVPs for future or cancelled ones."""
    u = rng.random(status.size)
    rsvp = np.where(u < 0.15 * (1 - h), P.DECLINED, np.where(u < 0.55 + 0.3 * h, P.ACCEPTED, np.where(u < 0.9, P.TENTATIVE, P.NO_RESPONSE)))
    cancelled = np.where(is_main, P.DECLINED, P.NO_RESPONSE)
    return np.where(status == P.SCHEDULED, rsvp, np.where(status == P.CANCELLED, cancelled, np.where(came, P.ATTENDED, P.ABSENT)))


def _parties(org: Org, n: int, user: np.ndarray, by_customer: np.ndarray, all_p: np.ndarray,
             all_person: np.ndarray, part: np.ndarray, engineer: np.ndarray, manager: np.ndarray, internal_part: np.ndarray) -> pd.DataFrame:
    persons, users = org.persons, org.users
    keys, roles, addrs, names, parts_ = [], [], [], [], []
    # Seller: organiser, or attendee when the customer sent the invitation.
    keys.append(np.arange(n))
    roles.append(np.where(by_customer, P.ATTENDEE, P.ORGANIZER))
    addrs += [users.email[u] for u in user.tolist()]
    names += [users.full_name[u] for u in user.tolist()]
    parts_.append(np.where(by_customer, internal_part, np.where(internal_part == P.NO_RESPONSE, P.ACCEPTED, internal_part)))
    # Contacts (the main contact organises when the customer invited).
    keys.append(all_p)
    is_org = (all_p < n) & by_customer[all_p]
    roles.append(np.where(is_org, P.ORGANIZER, P.ATTENDEE))
    addrs += [persons.email[p] for p in all_person.tolist()]
    names += [persons.full_name(p) for p in all_person.tolist()]
    parts_.append(part)
    for helper in (engineer, manager):
        idx = np.flatnonzero(helper >= 0)
        keys.append(idx)
        roles.append(np.full(idx.size, P.ATTENDEE))
        addrs += [users.email[u] for u in helper[idx].tolist()]
        names += [users.full_name[u] for u in helper[idx].tolist()]
        parts_.append(internal_part[idx])
    return P.frame({"key": np.concatenate(keys), "role": np.concatenate(roles), "address": addrs, "name": names,
                    "part": np.concatenate(parts_)}, P.PARTY_COLUMNS)


def _subjects(rng: np.random.Generator, org: Org, deals: Deals, acct: np.ndarray, opp: np.ndarray) -> list[str]:
    pick = rng.integers(0, 1_000_000, acct.size).tolist()
    out = []
    for a, o, p in zip(acct.tolist(), opp.tolist(), pick):
        product = deals.name[o].split(" - ")[-1] if o >= 0 else N.PRODUCTS[p % len(N.PRODUCTS)]
        tpl = text.MEETING_SUBJECTS[p % len(text.MEETING_SUBJECTS)]
        out.append(tpl.format(account=org.accounts.name[a], product=product))
    return out
