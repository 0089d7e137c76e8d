"""The scenario's latent health and its scripted last 30 days of traffic."""

from __future__ import annotations

import numpy as np

from simulator import parts as P
from simulator import scenario as S
from simulator.email_threads import CUSTOMER, SELLER, ThreadStarts, make_starts
from simulator.opportunities import Deals
from simulator.org import Org
from simulator.relationships import logit, sigmoid
from simulator.timeutil import DAY, HOUR, epoch_day

_SELLER_SUBJECTS = (
    "Blue Ridge - property management suite: next steps",
    "Revised pricing for Blue Ridge",
    "Checking in on the proposal",
    "Proposal follow-up",
)
_OPERATIONS_SUBJECTS = ("Rollout planning for the Blue Ridge properties", "Pilot sites", "Training schedule", "Property list")
_INBOUND_SUBJECTS = ("Question about the pilot", "Feedback from the regional managers")
_COLLEAGUE_SUBJECTS = ("Catching up", "Hospitality procurement roundtable", "Intro to our new regional team", "Coffee next week?")


def quiet_first_day(org: Org) -> int:
    """First day of the final 30 days, in which the Director goes quiet."""
    return org.calendar.n_days - S.QUIET_DAYS


def override_health(health: np.ndarray, org: Org, rng: np.random.Generator) -> None:
    """Director: Good until the last 30 days, then a steady fall to Fair/Poor; Ops manager: steady."""
    n_days = health.shape[1]
    q = quiet_first_day(org)
    ids = org.scenario

    def steady(level: float, lo: float, hi: float) -> np.ndarray:
        x = np.empty(n_days)
        x[0] = logit(level)
        eps = rng.normal(0.0, 0.05, n_days)
        for t in range(1, n_days):
            x[t] = x[t - 1] + 0.1 * (logit(level) - x[t - 1]) + eps[t]
        return np.clip(sigmoid(x), lo, hi)

    director = steady(S.HEALTH_GOOD, 0.64, 0.80)
    tail = np.linspace(director[q - 1], S.HEALTH_DIRECTOR_END, n_days - q + 1)[1:]
    director[q:] = np.clip(tail + rng.normal(0.0, 0.01, tail.size), 0.3, 0.8)
    health[ids.director] = director
    health[ids.operations] = steady(S.HEALTH_OPERATIONS, 0.68, 0.88)


def _utc(org: Org, day: int, hour: float) -> int:
    local = (epoch_day(org.calendar.first_day) + day) * DAY + int(hour * HOUR)
    zone = org.accounts.zone[org.scenario.account]
    return int(org.zones.local_to_utc(np.array([zone]), np.array([local]))[0])


def scenario_starts(org: Org, deals: Deals, rng: np.random.Generator, d0: int, d1: int) -> list[ThreadStarts]:
    """The scripted e-mail threads starting in days [d0, d1)."""
    end = org.calendar.n_days - 1
    ids = org.scenario
    out: list[ThreadStarts] = []
    groups = (
        (S.UNANSWERED_EMAIL_DAYS, ids.director, SELLER, 0, _SELLER_SUBJECTS, 10.25),
        (S.OPERATIONS_REPLY_DAYS, ids.operations, SELLER, 1, _OPERATIONS_SUBJECTS, 9.5),
        (S.OPERATIONS_INBOUND_DAYS, ids.operations, CUSTOMER, -1, _INBOUND_SUBJECTS, 11.0),
    )
    # Riley and the Director: a friendly exchange every few weeks until some weeks before the end,
    # Riley's notes are always answered, so the strong relationship holds at any simulated volume.
    colleague_days = tuple(d - end for d in range(org.calendar.window_offset + 12, end - S.COLLEAGUE_QUIET_DAYS, 26))
    groups += (
        (colleague_days[0::2], ids.director, SELLER, 1, _COLLEAGUE_SUBJECTS, 15.0, ids.colleague),
        (colleague_days[1::2], ids.director, CUSTOMER, -1, _COLLEAGUE_SUBJECTS[::-1], 9.0, ids.colleague),
    )
    for days, person, author, force, subjects, hour, *who in groups:
        user = who[0] if who else ids.avery
        picked = [(end + rel, subjects[i % len(subjects)]) for i, rel in enumerate(days) if d0 <= end + rel < d1]
        if not picked:
            continue
        n = len(picked)
        utc = np.array([_utc(org, day, hour + 0.1 * i) for i, (day, _s) in enumerate(picked)], dtype=np.int64)
        out.append(make_starts(
            rng, org, deals, np.full(n, person), np.full(n, user), utc, np.full(n, author),
            np.full(n, 0 if user == ids.avery else -1, dtype=np.int64),
            force=force, subjects=[s for _d, s in picked], gen=P.GEN_SCENARIO, cc=False,
        ))
    return out


def scenario_part(org: Org, d0: int, d1: int, include_future: bool) -> P.Part:
    """Scripted meetings (one declined, one missed, one booked ahead) and an unanswered call."""
    end = org.calendar.n_days - 1
    ids = org.scenario
    users, persons = org.users, org.persons
    items = [  # (day, hour, kind, subject, director status, operations status, meeting status)
        (end + S.DECLINED_MEETING_DAY, 14.0, P.KIND_MEETING, "Proposal review", P.DECLINED, P.ATTENDED, P.COMPLETED),
        (end + S.MISSED_MEETING_DAY, 11.0, P.KIND_MEETING, "Pricing discussion", P.ABSENT, P.ATTENDED, P.COMPLETED),
        (end + S.UNANSWERED_CALL_DAY, 15.5, P.KIND_CALL, "Call with Jordan", P.ABSENT, -1, P.NO_SHOW),
        (end + S.FUTURE_MEETING_DAY, 10.0, P.KIND_MEETING, "Blue Ridge - commercial terms", P.NO_RESPONSE, P.ACCEPTED, P.SCHEDULED),
    ]
    picked = [it for it in items if d0 <= it[0] < d1 or (include_future and it[0] > end)]
    if not picked:
        return P.empty()
    n = len(picked)
    utc = np.array([_utc(org, day, hour) for day, hour, *_ in picked], dtype=np.int64)
    off = org.zones.offset_at(np.full(n, users.zone[ids.avery]), utc)
    kind = np.array([it[2] for it in picked])
    length = np.where(kind == P.KIND_CALL, 35, 3600)
    acts = P.frame({
        "key": np.arange(n), "kind": kind, "utc": utc, "off": off, "end_utc": utc + length, "end_off": off,
        "status": np.array([it[6] for it in picked]), "source": np.where(kind == P.KIND_CALL, P.DIALER, P.SYNCED),
        "subject": [it[3] for it in picked], "thread": np.full(n, -1), "parent": np.full(n, -1), "opp": np.zeros(n),
        "reg_acct": np.full(n, ids.account), "owner": np.full(n, ids.avery), "body": [None] * n,
        "acct": np.full(n, ids.account), "person": np.full(n, ids.director), "sender_domain": [""] * n,
        "gen": np.full(n, P.GEN_SCENARIO),
    }, P.ACT_COLUMNS)
    keys, roles, addrs, names, parts = [], [], [], [], []
    avery_addr, avery_name = users.email[ids.avery], users.full_name[ids.avery]
    for k, (_day, _h, knd, _s, dir_part, ops_part, status) in enumerate(picked):
        is_call = knd == P.KIND_CALL
        keys += [k, k]
        roles += [P.CALLER if is_call else P.ORGANIZER, P.CALLEE if is_call else P.ATTENDEE]
        addrs += [avery_addr, persons.email[ids.director]]
        names += [avery_name, persons.full_name(ids.director)]
        parts += [-1 if is_call else (P.ACCEPTED if status == P.SCHEDULED else P.ATTENDED), dir_part]
        if not is_call:
            keys.append(k)
            roles.append(P.ATTENDEE)
            addrs.append(persons.email[ids.operations])
            names.append(persons.full_name(ids.operations))
            parts.append(ops_part)
    parties = P.frame({"key": keys, "role": roles, "address": addrs, "name": names, "part": parts}, P.PARTY_COLUMNS)
    return P.Part(acts, parties, P.empty().events)
