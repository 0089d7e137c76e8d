"""One month of traffic: every generator run for the month's days and combined."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from simulator import parts as P
from simulator import scenario_traffic
from simulator import text
from simulator.calibration import calibrate
from simulator.calls import generate_calls
from simulator.defects import DefectPlan
from simulator.email_threads import CUSTOMER, SELLER, ThreadStarts, make_starts, run_threads
from simulator.manual import gaming_part, generate_manual
from simulator.meetings import generate_meetings
from simulator.opportunities import Deals, heartbeat_starts
from simulator.org import Org
from simulator.people import handling_user
from simulator.rates import MonthContext, build_context
from simulator.rng import stream
from simulator.timeutil import DAY, business_seconds, epoch_day

LEAVER_SHARE = 0.25  # contacts outside any deal who leave their company during the window
# Meetings already in calendars when the extract is taken: the next two weeks, partly booked.
BOOKED_AHEAD_DAYS = 14
BOOKED_SHARE = 0.6


@dataclass
class TrafficInputs:
    """What every month's generation shares."""

    seed: int
    org: Org
    deals: Deals
    health: np.ndarray
    mult: float
    plan: DefectPlan
    mute_day: np.ndarray  # per person: first day no generic traffic is generated
    mute_from_utc: np.ndarray
    heartbeat_deal: np.ndarray
    heartbeat_day: np.ndarray
    primary_person: np.ndarray  # per deal


def concat_starts(items: list[ThreadStarts]) -> ThreadStarts | None:
    items = [s for s in items if s.n]
    if not items:
        return None
    values = {}
    for f in fields(ThreadStarts):
        vals = [getattr(s, f.name) for s in items]
        values[f.name] = sum(vals, []) if isinstance(vals[0], list) else np.concatenate(vals)
    return ThreadStarts(**values)


def _work_utc(rng: np.random.Generator, org: Org, zone: np.ndarray, day: np.ndarray) -> np.ndarray:
    local = (epoch_day(org.calendar.first_day) + day) * DAY + business_seconds(rng, day.size)
    return org.zones.local_to_utc(zone, local)


def _regarding(rng: np.random.Generator, org: Org, ctx: MonthContext, person: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The deal a touch is logged against: the contact's own live deal usually, else sometimes the account's."""
    own = ctx.person_deal[person, j]
    acct = ctx.account_deal[org.persons.account[person], j]
    u = rng.random(person.size)
    return np.where((own >= 0) & (u < 0.8), own, np.where((own < 0) & (acct >= 0) & (u < 0.3), acct, -1))


def generate_month(inp: TrafficInputs, month: int, d0: int, d1: int, last: bool, first_thread: int) -> tuple[P.Part, int]:
    """All traffic started in days [d0, d1); returns the part and the next free thread number."""
    org, deals, health = inp.org, inp.deals, inp.health
    rng = stream(inp.seed, "month", month)
    ctx = build_context(org, deals, health, d0, d1, inp.mult, inp.mute_day)
    persons, users = org.persons, org.users
    starts: list[ThreadStarts] = []

    # Seller-initiated and customer-initiated threads from the rates.
    for rate, author in ((ctx.out_email, SELLER), (ctx.in_email, CUSTOMER)):
        counts = rng.poisson(rate)
        p, j = np.nonzero(counts)
        reps = counts[p, j]
        p, j = np.repeat(p, reps).astype(np.int64), np.repeat(j, reps).astype(np.int64)
        day = j + d0
        user = handling_user(rng, org, p, day)
        zone = users.zone[user] if author == SELLER else persons.zone[p]
        utc = _work_utc(rng, org, zone, day)
        starts.append(make_starts(rng, org, deals, p, user, utc, np.full(p.size, author), _regarding(rng, org, ctx, p, j)))

    # Routine follow-ups keeping every live deal warm, from whoever on the account team the primary
    # contact is closest to (by tie strength, drawn apart so the month's own draws stay put): the
    # deal owner's duty traffic does not drown a former owner's or engineer's closer tie.
    in_month = (inp.heartbeat_day >= d0) & (inp.heartbeat_day < d1)
    hb_deal = inp.heartbeat_deal[in_month].astype(np.int64)
    hb_day = inp.heartbeat_day[in_month].astype(np.int64)
    hb_person = inp.primary_person[hb_deal]
    ok = hb_day < inp.mute_day[hb_person]
    hb_deal, hb_day, hb_person = hb_deal[ok], hb_day[ok], hb_person[ok]
    hb_user = org.ties.pick(hb_person, hb_day, stream(inp.seed, "ties", "follow-ups", month).random(hb_deal.size))
    starts.append(make_starts(rng, org, deals, hb_person, hb_user, _work_utc(rng, org, users.zone[hb_user], hb_day),
                              np.full(hb_deal.size, SELLER), hb_deal))

    # Hand-logged touches, and the customer e-mails that answer the genuine ones.
    manual, responses = generate_manual(rng, org, ctx, health, inp.mult, inp.plan.no_response, inp.mute_day)
    if responses.person.size:
        subjects = text.pick_subjects(rng, text.RESPONSE_SUBJECTS, [{}] * responses.person.size)
        starts.append(make_starts(rng, org, deals, responses.person, responses.user, responses.utc,
                                  np.full(responses.person.size, CUSTOMER), np.full(responses.person.size, -1), subjects=subjects))
    starts += scenario_traffic.scenario_starts(org, deals, rng, d0, d1)

    merged = concat_starts(starts)
    threads = P.empty() if merged is None else run_threads(merged, org, health, rng, first_thread, inp.mute_from_utc)
    next_thread = first_thread + (0 if merged is None else merged.n)

    pieces = [
        threads,
        generate_meetings(rng, org, deals, ctx, health, inp.mute_day),
        generate_calls(rng, org, ctx, health),
        manual,
        gaming_part(rng, org, [b for b in inp.plan.bursts if d0 <= b.day < d1]),
        scenario_traffic.scenario_part(org, d0, d1, include_future=last),
    ]
    if last:
        ahead = max(d0, d1 - BOOKED_AHEAD_DAYS)
        future_ctx = build_context(org, deals, health, ahead, d1, inp.mult, inp.mute_day)
        pieces.append(generate_meetings(rng, org, deals, future_ctx, health, inp.mute_day,
                                        shift_days=BOOKED_AHEAD_DAYS, scale=BOOKED_SHARE))
    return P.concat(pieces), next_thread


def build_traffic_inputs(seed: int, target_activities: int, org: Org, deals: Deals, health: np.ndarray,
                         plan: DefectPlan) -> TrafficInputs:
    """Who is reachable when, the routine deal follow-ups, and the calibrated rate multiplier."""
    cal = org.calendar
    end = cal.n_days - 1
    n = org.persons.n
    ids = org.scenario
    mute_day = np.full(n, cal.n_days + 60, dtype=np.int64)
    # People leave their companies: some contacts outside any deal go silent for good during the
    # window, balancing the stakeholders and accounts that join (traffic neither ramps nor fades).
    rng = stream(seed, "leavers")
    on_deal = np.zeros(n, bool)
    on_deal[np.asarray(deals.oc_person, dtype=np.int64)] = True
    leaves = ~on_deal & (rng.random(n) < LEAVER_SHARE)
    leaves[[ids.director, ids.operations]] = False
    mute_day[leaves] = rng.integers(cal.window_offset, cal.n_days, int(leaves.sum()))
    quiet = scenario_traffic.quiet_first_day(org)
    mute_day[ids.director] = quiet  # the Director's last 30 days are scripted
    mute_from_utc = cal.base_utc + mute_day * DAY
    primary = np.zeros(deals.n, dtype=np.int64)
    for d, p, is_p in zip(deals.oc_deal, deals.oc_person, deals.oc_primary):
        if is_p:
            primary[d] = p
    segment = org.accounts.segment
    hb_deal, hb_day = heartbeat_starts(deals, segment, cal.window_offset, end, stream(seed, "heartbeats"))
    inputs = TrafficInputs(seed, org, deals, health, 1.0, plan, mute_day, mute_from_utc, hb_deal, hb_day, primary)
    inputs.mult = calibrate(target_activities, inputs)
    if inputs.mult < 1.0:
        # The org is bigger than the requested volume needs: space routine follow-ups out too.
        stretch = 1.0 / max(inputs.mult, 0.3)
        inputs.heartbeat_deal, inputs.heartbeat_day = heartbeat_starts(
            deals, segment, cal.window_offset, end, stream(seed, "heartbeats"), stretch)
        inputs.mult = calibrate(target_activities, inputs)
    return inputs
