"""Opportunities: when deals open, how they move through the stages, slip, and are won or lost.

The outcome of a deal is drawn from the latent health of its contacts while it runs, above all
its decision-makers', plus deal-level noise a scorer cannot see: learnable, not deterministic.
Unhealthy deals slip their expected close date and are sometimes disqualified early.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulator import names as N
from simulator import scenario as S
from simulator.org import Org
from simulator.relationships import PRIMARY_WEIGHT, ROLE_WEIGHT, logit, sigmoid

STAGES = ("Qualify", "Develop", "Propose", "Negotiate", "Close")
# Share of the planned duration after which each stage is reached.
_STAGE_AT = (0.0, 0.15, 0.4, 0.65, 0.85)
_DEALS_PER_YEAR = {N.ENTERPRISE: 1.8, N.MID_MARKET: 1.5, N.SMB: 1.3}
_DURATION = {N.ENTERPRISE: (90, 220), N.MID_MARKET: (45, 120), N.SMB: (14, 60)}
_AMOUNT_MEDIAN = {N.ENTERPRISE: 150_000.0, N.MID_MARKET: 40_000.0, N.SMB: 9_000.0}
_DEAL_CONTACTS = {N.ENTERPRISE: (3, 7), N.MID_MARKET: (2, 5), N.SMB: (1, 3)}
_SEGMENT_BIAS = {N.ENTERPRISE: -0.3, N.MID_MARKET: 0.0, N.SMB: 0.2}
_OUTCOME_LOOKBACK = 60  # days of health before the decision that drive it
_PRE_WINDOW_DAYS = 300  # deals may open this long before the window starts (a settled pipeline)
_CHECK_EVERY = 14
# Days between a seller's routine follow-ups on a live deal, by segment (never more than 14).
_FOLLOW_UP_DAYS = {N.ENTERPRISE: (7, 14), N.MID_MARKET: (4, 11), N.SMB: (3, 7)}


@dataclass
class Deals:
    """All opportunities, their contacts, their CRM field history and their truth."""

    opp_id: list[str] = field(default_factory=list)
    account: list[int] = field(default_factory=list)
    owner: list[int] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    amount: list[float] = field(default_factory=list)
    created: list[int] = field(default_factory=list)
    expected_close: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)  # -1 while open
    status: list[str] = field(default_factory=list)
    stage_rank: list[int] = field(default_factory=list)
    p_true: list[float] = field(default_factory=list)
    dm_health: list[float] = field(default_factory=list)
    slips: list[int] = field(default_factory=list)
    external_score: list[float | None] = field(default_factory=list)
    # opportunity_contacts (deal index, person index, role, is_primary)
    oc_deal: list[int] = field(default_factory=list)
    oc_person: list[int] = field(default_factory=list)
    oc_role: list[int] = field(default_factory=list)
    oc_primary: list[bool] = field(default_factory=list)
    # field history: (deal, day, stage_rank, amount, expected_close_day, status)
    history: list[tuple[int, int, int, float, int, str]] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.account)

    def active_until(self, end_day: int) -> np.ndarray:
        """Last day (inclusive) each deal is worked: its close, or the window's end while open."""
        closed = np.array(self.closed, dtype=np.int32)
        return np.where(closed >= 0, closed, end_day)

    def contacts_of(self, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        idx = [i for i, x in enumerate(self.oc_deal) if x == d]
        return (
            np.array([self.oc_person[i] for i in idx]),
            np.array([self.oc_role[i] for i in idx]),
            np.array([self.oc_primary[i] for i in idx]),
        )


def contact_weights(roles: np.ndarray, primary: np.ndarray) -> np.ndarray:
    """Weight of each deal contact in the deal's health: role weight, more for the primary."""
    return ROLE_WEIGHT[roles] * np.where(primary, PRIMARY_WEIGHT, 1.0)


def win_logit(health: np.ndarray, persons: np.ndarray, roles: np.ndarray, day: int, segment: int) -> tuple[float, float]:
    """(logit of winning without noise, decision-maker health) as of a decision day."""
    lo = max(0, day - _OUTCOME_LOOKBACK)
    recent = health[persons, lo : day + 1].astype(np.float64).mean(axis=1) if persons.size else np.array([])
    dm = roles == N.DM
    # A deal nobody with buying authority is engaged in is a weak deal, whatever else happens.
    h_dm = float(recent[dm].mean()) if dm.any() else 0.3
    others = ~dm
    if others.any():
        w = ROLE_WEIGHT[roles[others]]
        h_oth = float((recent[others] * w).sum() / w.sum())
    else:
        h_oth = 0.5
    return -0.1 + 5.0 * (h_dm - 0.55) + 2.5 * (h_oth - 0.55) + _SEGMENT_BIAS[segment], h_dm


def build_deals(org: Org, health: np.ndarray, eligible: np.ndarray, rng: np.random.Generator) -> Deals:
    """Generate every account's deals (the scenario's deal first)."""
    cal = org.calendar
    end_day = cal.n_days - 1
    deals = Deals()
    _add_scenario_deal(org, health, deals)
    order, starts = org.account_people()
    for a in range(org.accounts.n):
        seg = int(org.accounts.segment[a])
        members = order[starts[a] : starts[a + 1]]
        members = members[eligible[members]]
        if a == org.scenario.account:
            members = members[members >= 2]  # the scenario contacts belong to the scenario deal only
        if members.size == 0:
            continue
        first_day = max(int(org.accounts.created_day[a]), cal.burn_in - _PRE_WINDOW_DAYS)
        last_day = end_day - 10
        if first_day >= last_day:
            continue
        span_years = (last_day - first_day) / 365.0
        for _ in range(int(rng.poisson(_DEALS_PER_YEAR[seg] * span_years))):
            created = int(rng.integers(first_day, last_day))
            _add_deal(org, health, deals, rng, a, seg, members, created, end_day)
    for d in range(deals.n):
        deals.opp_id.append(f"o-{d + 1:06d}")
    return deals


def _pick_contacts(rng: np.random.Generator, persons_role: np.ndarray, members: np.ndarray, seg: int) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = _DEAL_CONTACTS[seg]
    k = min(int(rng.integers(lo, hi)), members.size)
    roles = persons_role[members]
    dms = members[roles == N.DM]
    chosen: list[int] = []
    if dms.size and rng.random() < 0.85:
        chosen.append(int(dms[rng.integers(dms.size)]))
    rest = [int(m) for m in rng.permutation(members) if int(m) not in chosen]
    chosen += rest[: max(0, k - len(chosen))]
    picked = np.array(chosen)
    r = persons_role[picked]
    primary = np.zeros(picked.size, dtype=bool)
    if (r == N.DM).any() and rng.random() < 0.65:
        primary[np.flatnonzero(r == N.DM)[0]] = True
    elif (r == N.CHAMPION).any():
        primary[np.flatnonzero(r == N.CHAMPION)[0]] = True
    else:
        primary[0] = True
    return picked, primary


def _add_deal(org: Org, health: np.ndarray, deals: Deals, rng: np.random.Generator, a: int, seg: int,
              members: np.ndarray, created: int, end_day: int) -> None:
    contacts, primary = _pick_contacts(rng, org.persons.role, members, seg)
    roles = org.persons.role[contacts].astype(np.int64)
    weights = contact_weights(roles, primary)
    lo, hi = _DURATION[seg]
    duration = int(rng.integers(lo, hi))
    expected = created + duration
    stage_day = [created + int(round(f * duration)) for f in _STAGE_AT]
    amount = float(round(rng.lognormal(np.log(_AMOUNT_MEDIAN[seg]), 0.5) / 500) * 500)
    final_amount = float(round(amount * rng.uniform(0.85, 1.25) / 500) * 500)
    noise = float(rng.normal(0.0, 0.8))  # what the deal's contacts' health does not explain
    slips: list[tuple[int, int]] = []  # (day, new expected close)
    lost_early: int | None = None
    t = created
    while True:
        t += _CHECK_EVERY
        if t >= expected or t > end_day:
            break
        h = float((health[contacts, t] * weights).sum() / weights.sum())
        if h < 0.5 and rng.random() < 0.55:
            slip = int(rng.integers(14, 46))
            expected += slip
            stage_day = [s + slip if s > t else s for s in stage_day]
            slips.append((t, expected))
        # Deals that keep slipping get disqualified sooner or later; very cold ones straight away.
        if (h < 0.33 and rng.random() < 0.2) or (h < 0.5 and rng.random() < 0.08 * len(slips)):
            lost_early = t
            break
    decision = lost_early if lost_early is not None else expected
    is_open = decision > end_day
    as_of = end_day if is_open else decision
    if as_of < org.calendar.burn_in:  # closed before the captured window: not in the extract
        return
    base, h_dm = win_logit(health, contacts, roles, as_of, seg)
    p_true = float(sigmoid(base + noise))
    if is_open:
        status = "open"
    elif lost_early is not None:
        status = "lost"
    else:
        status = "won" if rng.random() < p_true else "lost"
    d = deals.n
    owner = int(org.accounts.owner[a])
    # History rows, in time order, up to the decision (or the end of the window).
    stop = min(decision, end_day)
    events: list[tuple[int, int, float, int, str]] = []
    rank_now, amt_now, exp_now = 1, amount, created + duration
    events.append((created, 1, amount, exp_now, "open"))
    changes = [(stage_day[r], "stage", r + 1) for r in range(1, 5)] + [(sd, "slip", ne) for sd, ne in slips]
    for day, kind, value in sorted(changes):
        if day > stop or (day == decision and not is_open):
            continue
        if kind == "stage":
            rank_now = value
            if rank_now == 3:
                amt_now = final_amount  # the proposal fixes the amount
        else:
            exp_now = value
        events.append((day, rank_now, amt_now, exp_now, "open"))
    if not is_open:
        if status == "won":
            rank_now, exp_now = 5, decision
        events.append((decision, rank_now, amt_now, exp_now, status))
    for day, rank, amt, exp, st in events:
        deals.history.append((d, day, rank, amt, exp, st))
    deals.account.append(a)
    deals.owner.append(owner)
    deals.name.append(f"{_short_name(org.accounts.name[a])} - {N.PRODUCTS[rng.integers(len(N.PRODUCTS))]}")
    deals.amount.append(amt_now)
    deals.created.append(created)
    deals.expected_close.append(exp_now)
    deals.closed.append(-1 if is_open else decision)
    deals.status.append(status)
    deals.stage_rank.append(rank_now)
    deals.p_true.append(p_true)
    deals.dm_health.append(h_dm)
    deals.slips.append(len(slips))
    deals.external_score.append(_external_score(rng, p_true))
    for c, r, p in zip(contacts.tolist(), roles.tolist(), primary.tolist()):
        deals.oc_deal.append(d)
        deals.oc_person.append(c)
        deals.oc_role.append(r)
        deals.oc_primary.append(p)


def _external_score(rng: np.random.Generator, p_true: float) -> float | None:
    """About half the deals carry the CRM's own score: a noisy, shrunk view of the truth."""
    if rng.random() >= 0.5:
        return None
    return float(round(100 * sigmoid(0.8 * logit(p_true) + rng.normal(0.0, 0.7))))


def _short_name(name: str) -> str:
    words = name.split()
    return " ".join(words[:2]) if len(words) > 2 else name


def _add_scenario_deal(org: Org, health: np.ndarray, deals: Deals) -> None:
    """The $210,000 Blue Ridge deal: created five months before the end, in Propose, slipping."""
    end_day = org.calendar.n_days - 1
    ids = org.scenario
    created = end_day - 150
    contacts = np.array([ids.director, ids.operations])
    roles = org.persons.role[contacts].astype(np.int64)
    primary = np.array([True, False])
    first_close = end_day + 20
    new_close = end_day + 50
    base, h_dm = win_logit(health, contacts, roles, end_day, N.ENTERPRISE)
    history = [
        (created, 1, 180_000.0, first_close, "open"),
        (end_day - 120, 2, 180_000.0, first_close, "open"),
        (end_day - 75, S.DEAL_STAGE_RANK, S.DEAL_AMOUNT, first_close, "open"),
        (end_day - 12, S.DEAL_STAGE_RANK, S.DEAL_AMOUNT, new_close, "open"),
    ]
    for day, rank, amt, exp, st in history:
        deals.history.append((0, day, rank, amt, exp, st))
    deals.account.append(ids.account)
    deals.owner.append(ids.avery)
    deals.name.append(S.DEAL_NAME)
    deals.amount.append(S.DEAL_AMOUNT)
    deals.created.append(created)
    deals.expected_close.append(new_close)
    deals.closed.append(-1)
    deals.status.append("open")
    deals.stage_rank.append(S.DEAL_STAGE_RANK)
    deals.p_true.append(float(sigmoid(base)))
    deals.dm_health.append(h_dm)
    deals.slips.append(1)
    deals.external_score.append(S.EXTERNAL_SCORE)
    for c, r, p in zip(contacts.tolist(), roles.tolist(), primary.tolist()):
        deals.oc_deal.append(0)
        deals.oc_person.append(c)
        deals.oc_role.append(r)
        deals.oc_primary.append(p)


def heartbeat_starts(deals: Deals, segment: np.ndarray, window_start: int, end_day: int,
                     rng: np.random.Generator, stretch: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(deal, day) of the routine e-mails to each open deal's primary contact.

    Sellers keep every live deal warm: a deal with no touch for a month does not happen in a
    working org, so an open deal with no activity in 30 days is always an injected defect.
    `stretch` > 1 spaces follow-ups out (small requested volumes), never beyond 14 days.
    """
    active_until = deals.active_until(end_day)
    out_d: list[np.ndarray] = []
    out_t: list[np.ndarray] = []
    for d in range(1, deals.n):  # the scenario deal's traffic is scripted
        lo = max(deals.created[d], window_start)
        hi = int(active_until[d])
        if hi < lo:
            continue
        low, high = _FOLLOW_UP_DAYS[int(segment[deals.account[d]])]
        low, high = min(round(low * stretch), 14), min(round(high * stretch), 14)
        steps = rng.integers(low, high + 1, size=(hi - lo) // low + 2)
        days = lo + int(rng.integers(0, 4)) + np.cumsum(steps) - steps[0]
        days = days[days <= hi]
        out_d.append(np.full(days.size, d, dtype=np.int32))
        out_t.append(days.astype(np.int32))
    if not out_d:
        return np.zeros(0, np.int32), np.zeros(0, np.int32)
    return np.concatenate(out_d), np.concatenate(out_t)
