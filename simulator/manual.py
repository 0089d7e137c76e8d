"""Activities sellers log by hand: genuine ones, one-sided ones, and gaming bursts.

A genuine hand-logged call or visit usually draws a customer response (an e-mail a few days
later) as often as the relationship's health makes any reply likely. Sellers flagged for
"manual_no_response" log many touches with disengaged contacts that nobody answers, and
"gaming_burst" sellers log runs of near-identical calls minutes apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator import parts as P
from simulator import text
from simulator.calls import call_parties
from simulator.org import Org
from simulator.rates import MonthContext, day_weights
from simulator.relationships import p_reply
from simulator.timeutil import DAY, HOUR, business_seconds, defer_to_working_time, epoch_day

MANUAL_RATE = 0.2  # genuine hand-logged touches per seller per working day
NO_RESPONSE_RATE = 0.8


def manual_scale(mult: float) -> float:
    """Hand-logging follows the org's activity level, within bounds (it is a habit, not a rate)."""
    return float(np.clip(mult, 0.3, 1.5))


@dataclass(frozen=True)
class Burst:
    """One gaming burst: a seller logs `count` identical calls a few minutes apart."""

    user: int
    day: int
    persons: tuple[int, ...]
    subject: str


@dataclass
class Responses:
    """Customer e-mails answering genuine manual touches (turned into threads by the caller)."""

    person: np.ndarray
    user: np.ndarray
    utc: np.ndarray


def _seller_people(org: Org) -> tuple[np.ndarray, np.ndarray]:
    owner = org.person_user()
    order = np.argsort(owner, kind="stable")
    starts = np.searchsorted(owner[order], np.arange(org.users.n + 1))
    return order, starts


def generate_manual(rng: np.random.Generator, org: Org, ctx: MonthContext, health: np.ndarray, mult: float,
                    no_response: set[int], mute_day: np.ndarray) -> tuple[P.Part, Responses]:
    """Hand-logged touches of every seller for the month, and the answers they draw."""
    sellers = org.users.sellers
    weekday = day_weights(org, ctx.d0, ctx.d1) >= 1
    bad = np.isin(sellers, sorted(no_response))
    rate = np.where(bad, NO_RESPONSE_RATE, MANUAL_RATE) * manual_scale(mult)
    counts = rng.poisson(rate[:, None] * weekday[None, :])
    s_idx, j = np.nonzero(counts)
    reps = counts[s_idx, j]
    user = np.repeat(sellers[s_idx], reps).astype(np.int64)
    day = (np.repeat(j, reps) + ctx.d0).astype(np.int64)
    one_sided = np.repeat(bad[s_idx], reps)
    order, starts = _seller_people(org)
    lo, hi = starts[user], starts[user + 1]
    n = user.size
    person = np.full(n, -1, dtype=np.int64)
    best = np.full(n, np.inf)
    for _ in range(6):
        cand = order[np.minimum(lo + (rng.random(n) * (hi - lo)).astype(np.int64), np.maximum(hi - 1, 0))]
        ok = (hi > lo) & (org.persons.start_day[cand] <= day) & (day < mute_day[cand])
        # One-sided loggers pick cold, quiet contacts (nobody will answer); genuine touches go to anyone.
        score = np.where(one_sided, health[cand, day] * org.persons.propensity[cand], rng.random(n))
        better = ok & (score < best)
        person = np.where(better, cand, person)
        best = np.where(better, score, best)
    keep = person >= 0
    user, day, person, one_sided = user[keep], day[keep], person[keep], one_sided[keep]
    n = user.size
    gen = np.where(one_sided, P.GEN_NO_RESPONSE, P.GEN_MANUAL)
    part = manual_part(rng, org, user, person, day, gen, subjects=None)
    h = health[person, day].astype(np.float64)
    answer = ~one_sided & (rng.random(n) < p_reply(h))
    utc = part.acts["utc"].to_numpy()[answer]
    resp_utc = defer_to_working_time(rng, org.zones, org.persons.zone[person[answer]],
                                     utc + (rng.uniform(0.2, 3.0, int(answer.sum())) * DAY).astype(np.int64))
    return part, Responses(person[answer], user[answer], resp_utc)


def manual_part(rng: np.random.Generator, org: Org, user: np.ndarray, person: np.ndarray, day: np.ndarray, gen: np.ndarray,
                subjects: list[str] | None, utc: np.ndarray | None = None, as_calls: bool = False) -> P.Part:
    """Rows for hand-logged calls (and visits) by `user` with `person` on `day`."""
    persons = org.persons
    n = user.size
    if n == 0:
        return P.empty()
    is_call = np.ones(n, bool) if as_calls else rng.random(n) < 0.65
    zone = org.users.zone[user]
    if utc is None:
        local = (epoch_day(org.calendar.first_day) + day) * DAY + business_seconds(rng, n)
        utc = org.zones.local_to_utc(zone, local)
    off = org.zones.offset_at(zone, utc)
    minutes = np.where(is_call, rng.integers(5, 21, n), rng.integers(30, 91, n))
    if as_calls:
        minutes = rng.integers(1, 3, n)
    if subjects is None:
        subjects = text.pick_subjects(rng, text.MANUAL_SUBJECTS, [
            {"first": persons.first[p], "account": org.accounts.name[persons.account[p]]} for p in person.tolist()
        ])
    acts = P.frame({
        "key": np.arange(n), "kind": np.where(is_call, P.KIND_CALL, P.KIND_MEETING), "utc": utc, "off": off,
        "end_utc": utc + minutes * 60, "end_off": off, "status": np.full(n, P.COMPLETED), "source": np.full(n, P.MANUAL),
        "subject": subjects, "thread": np.full(n, -1), "parent": np.full(n, -1), "opp": np.full(n, -1),
        "reg_acct": persons.account[person], "owner": user, "body": [None] * n, "acct": persons.account[person],
        "person": person, "sender_domain": [""] * n, "gen": gen,
    }, P.ACT_COLUMNS)
    calls = call_parties(org, np.arange(n), user, person, np.zeros(n, bool), np.ones(n, bool))
    # Visits are logged as meetings: organiser and attendee instead of caller and callee.
    visit_keys = np.flatnonzero(~is_call)
    roles = calls["role"].to_numpy().copy()
    in_visit = np.isin(calls["key"].to_numpy(), visit_keys)
    roles[in_visit & (roles == P.CALLER)] = P.ORGANIZER
    roles[in_visit & (roles == P.CALLEE)] = P.ATTENDEE
    part_col = calls["part"].to_numpy().copy()
    part_col[in_visit] = P.ATTENDED
    calls["role"] = roles
    calls["part"] = part_col
    return P.Part(acts, calls, P.empty().events)


def gaming_part(rng: np.random.Generator, org: Org, bursts: list[Burst]) -> P.Part:
    """Runs of identical hand-logged calls, two to six minutes apart, that nobody answers."""
    if not bursts:
        return P.empty()
    users, persons, days, utcs, subjects = [], [], [], [], []
    for b in bursts:
        zone = org.users.zone[b.user]
        local = (epoch_day(org.calendar.first_day) + b.day) * DAY + int(9 * HOUR + rng.integers(0, 6 * HOUR))
        t0 = int(org.zones.local_to_utc(np.array([zone]), np.array([local]))[0])
        gaps = np.concatenate([[0], np.cumsum(rng.integers(120, 361, len(b.persons) - 1))])
        for p, g in zip(b.persons, gaps.tolist()):
            users.append(b.user)
            persons.append(p)
            days.append(b.day)
            utcs.append(t0 + g)
            subjects.append(b.subject)
    n = len(users)
    return manual_part(rng, org, np.array(users), np.array(persons), np.array(days), np.full(n, P.GEN_GAMING),
                       subjects, utc=np.array(utcs, dtype=np.int64), as_calls=True)

