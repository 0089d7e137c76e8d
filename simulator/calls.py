"""Phone calls from the dialer: sellers calling out, contacts calling in (more when healthy)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator import parts as P
from simulator import text
from simulator.org import Org
from simulator.people import handling_user
from simulator.rates import MonthContext
from simulator.relationships import connects
from simulator.timeutil import DAY, business_seconds, epoch_day


def generate_calls(rng: np.random.Generator, org: Org, ctx: MonthContext, health: np.ndarray) -> P.Part:
    """Outbound and inbound dialer calls for the month."""
    persons, users = org.persons, org.users
    out_p, out_j = _draw(rng, ctx.out_call)
    in_p, in_j = _draw(rng, ctx.in_call)
    person = np.concatenate([out_p, in_p])
    day = np.concatenate([out_j, in_j]) + ctx.d0
    inbound = np.concatenate([np.zeros(out_p.size, bool), np.ones(in_p.size, bool)])
    n = person.size
    if n == 0:
        return P.empty()
    user = handling_user(rng, org, person, day)
    h = health[person, day].astype(np.float64)
    zone = np.where(inbound, persons.zone[person], users.zone[user])
    local = (epoch_day(org.calendar.first_day) + day) * DAY + business_seconds(rng, n)
    utc = org.zones.local_to_utc(zone, local)
    off = org.zones.offset_at(zone, utc)
    answered = np.where(inbound, rng.random(n) < 0.85, rng.random(n) < connects(h))
    seconds = np.where(answered, (rng.lognormal(np.log(8.0), 0.7, n) * 60).astype(np.int64), rng.integers(20, 45, n))
    status = np.where(answered, P.COMPLETED, P.NO_SHOW)
    j = day - ctx.d0
    deal = ctx.person_deal[person, j]
    opp = np.where((deal >= 0) & (rng.random(n) < 0.8), deal, -1)
    reg_acct = np.where((opp >= 0) | (rng.random(n) < 0.7), persons.account[person], -1)
    firsts = [persons.first[p] for p in person.tolist()]
    subject = text.pick_subjects(rng, text.CALL_SUBJECTS, [{"first": f} for f in firsts])
    subject = [f"Inbound call from {f}" if ib else s for s, f, ib in zip(subject, firsts, inbound.tolist())]
    acts = P.frame({
        "key": np.arange(n), "kind": np.full(n, P.KIND_CALL), "utc": utc, "off": off, "end_utc": utc + seconds,
        "end_off": off, "status": status, "source": np.full(n, P.DIALER), "subject": subject, "thread": np.full(n, -1),
        "parent": np.full(n, -1), "opp": opp, "reg_acct": reg_acct, "owner": user, "body": [None] * n,
        "acct": persons.account[person], "person": person, "sender_domain": [""] * n, "gen": np.full(n, P.GEN_CALL),
    }, P.ACT_COLUMNS)
    return P.Part(acts, call_parties(org, np.arange(n), user, person, inbound, answered), P.empty().events)


def call_parties(org: Org, keys: np.ndarray, user: np.ndarray, person: np.ndarray, inbound: np.ndarray, answered: np.ndarray) -> pd.DataFrame:
    """Caller and callee rows; the callee's participation says whether they picked up."""
    persons, users = org.persons, org.users
    u_addr = [users.email[u] for u in user.tolist()]
    p_addr = [persons.email[p] for p in person.tolist()]
    u_name = [users.full_name[u] for u in user.tolist()]
    p_name = [persons.full_name(p) for p in person.tolist()]
    ib = inbound.tolist()
    caller_addr = [p if i else u for u, p, i in zip(u_addr, p_addr, ib)]
    caller_name = [p if i else u for u, p, i in zip(u_name, p_name, ib)]
    callee_addr = [u if i else p for u, p, i in zip(u_addr, p_addr, ib)]
    callee_name = [u if i else p for u, p, i in zip(u_name, p_name, ib)]
    n = keys.size
    return P.frame({
        "key": np.concatenate([keys, keys]),
        "role": np.concatenate([np.full(n, P.CALLER), np.full(n, P.CALLEE)]),
        "address": caller_addr + callee_addr,
        "name": caller_name + callee_name,
        "part": np.concatenate([np.full(n, -1), np.where(answered, P.ATTENDED, P.ABSENT)]),
    }, P.PARTY_COLUMNS)


def _draw(rng: np.random.Generator, rate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    counts = rng.poisson(rate)
    p, j = np.nonzero(counts)
    reps = counts[p, j]
    return np.repeat(p, reps).astype(np.int64), np.repeat(j, reps).astype(np.int64)
