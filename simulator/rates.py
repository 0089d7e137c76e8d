"""How often each kind of touch happens, per person (or account) and day, for one month.

Base rates differ by segment (enterprise: fewer e-mails per contact, more and larger meetings;
SMB: frequent e-mail with few contacts), rise while a contact is in a live deal (meetings more so
in later stages), fall at weekends, and are scaled by one calibration factor so the requested
activity volume is met. The same function feeds calibration and generation, so they agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.opportunities import Deals
from simulator.org import Org
from simulator.relationships import initiative, p_reply

# Per person per working day (segment order: enterprise, mid_market, smb).
OUT_EMAIL = np.array([0.030, 0.045, 0.065])
IN_EMAIL = np.array([0.012, 0.018, 0.028])
OUT_CALL = np.array([0.016, 0.028, 0.045])
IN_CALL = np.array([0.003, 0.005, 0.008])
# Per account per working day.
MEETING = np.array([0.16, 0.10, 0.06])
WEEKEND = 0.06  # share of a weekday's e-mail volume sent on a weekend day
DEAL_EMAIL_BOOST = 2.0
DEAL_CALL_BOOST = 1.5

# Thread mechanics shared by the generator and the expectation below.
MAX_MESSAGES = 6
CHASE_P = 0.35
MAX_CHASES = 2
SELLER_REPLY_P = 0.8


@dataclass
class MonthContext:
    """Everything generation needs about one month, as arrays over (person|account, day)."""

    d0: int
    d1: int
    health: np.ndarray  # (persons, days) view
    person_deal: np.ndarray  # deal a person is in that day, -1 none
    account_deal: np.ndarray  # (accounts, days) most recent live deal, -1 none
    account_rank: np.ndarray  # its stage rank, 0 none
    out_email: np.ndarray
    in_email: np.ndarray
    out_call: np.ndarray
    in_call: np.ndarray
    meeting: np.ndarray  # (accounts, days)

    @property
    def days(self) -> np.ndarray:
        return np.arange(self.d0, self.d1)


def day_weights(org: Org, d0: int, d1: int) -> np.ndarray:
    """1 on weekdays, WEEKEND on Saturdays and Sundays (by the calendar date)."""
    first = org.calendar.first_day.toordinal()
    wd = (np.arange(d0, d1) + first - 1) % 7  # date.toordinal() of a Monday is 1 mod 7
    return np.where(wd >= 5, WEEKEND, 1.0)


def build_context(org: Org, deals: Deals, health: np.ndarray, d0: int, d1: int, mult: float,
                  mute_from: np.ndarray) -> MonthContext:
    """Rates for days [d0, d1) (mult = calibration factor; mute_from = per-person last day + 1)."""
    n_p, n_a = org.persons.n, org.accounts.n
    nd = d1 - d0
    end_day = org.calendar.n_days - 1
    person_deal = np.full((n_p, nd), -1, dtype=np.int32)
    account_deal = np.full((n_a, nd), -1, dtype=np.int32)
    account_rank = np.zeros((n_a, nd), dtype=np.int8)
    active_until = deals.active_until(end_day)
    created = np.asarray(deals.created)
    live = np.flatnonzero((created < d1) & (active_until >= d0))
    hist_by_deal = _history_index(deals)
    days = np.arange(d0, d1)
    for d in live.tolist():
        lo, hi = max(created[d], d0), min(active_until[d], d1 - 1)
        if hi < lo:
            continue
        a = deals.account[d]
        hd, hr = hist_by_deal[d]
        ranks = hr[np.clip(np.searchsorted(hd, days[lo - d0 : hi - d0 + 1], side="right") - 1, 0, None)]
        sl = slice(lo - d0, hi - d0 + 1)
        account_deal[a, sl] = d
        account_rank[a, sl] = np.maximum(account_rank[a, sl], ranks)
    oc_deal = np.asarray(deals.oc_deal)
    oc_person = np.asarray(deals.oc_person)
    in_live = np.isin(oc_deal, live)
    for d, p in zip(oc_deal[in_live].tolist(), oc_person[in_live].tolist()):
        lo, hi = max(created[d], d0), min(active_until[d], d1 - 1)
        if hi >= lo:
            person_deal[p, lo - d0 : hi - d0 + 1] = d

    h = health[:, d0:d1]
    persons = org.persons
    seg = org.accounts.segment[persons.account]
    w = day_weights(org, d0, d1)[None, :]
    alive = (days[None, :] >= persons.start_day[:, None]) & (days[None, :] < mute_from[:, None])
    base = np.where(alive, persons.propensity[:, None] * w * mult, 0.0)
    in_deal = person_deal >= 0
    # Sellers put more effort into relationships that answer.
    effort = 0.7 + 0.6 * h
    out_email = base * OUT_EMAIL[seg][:, None] * effort * np.where(in_deal, DEAL_EMAIL_BOOST, 1.0)
    in_email = base * IN_EMAIL[seg][:, None] * initiative(h) * np.where(in_deal, 1.5, 1.0)
    out_call = base * OUT_CALL[seg][:, None] * np.where(in_deal, DEAL_CALL_BOOST, 1.0) * (w >= 1)
    in_call = base * IN_CALL[seg][:, None] * initiative(h) * (w >= 1)
    acct_alive = per_account_sum(org, alive.astype(np.float64))
    meeting = (
        MEETING[org.accounts.segment][:, None]
        * mult
        * (acct_alive > 0)
        * (w >= 1)
        * (1.0 + 0.3 * account_rank)
    )
    return MonthContext(d0, d1, h, person_deal, account_deal, account_rank,
                        out_email, in_email, out_call, in_call, meeting)


def per_account_sum(org: Org, matrix: np.ndarray) -> np.ndarray:
    """Sum a (persons, days) matrix into (accounts, days) by working account."""
    order, starts = org.account_people()
    out = np.zeros((org.accounts.n, matrix.shape[1]))
    counts = np.diff(starts)
    has = counts > 0
    out[has] = np.add.reduceat(matrix[order], starts[:-1][has], axis=0)
    return out


def _history_index(deals: Deals) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    by: dict[int, tuple[list[int], list[int]]] = {}
    for d, day, rank, _amt, _exp, _st in deals.history:
        days, ranks = by.setdefault(d, ([], []))
        days.append(day)
        ranks.append(rank)
    return {d: (np.array(v[0]), np.array(v[1], dtype=np.int8)) for d, v in by.items()}


def thread_length(h: np.ndarray, seller_first: bool) -> np.ndarray:
    """Expected messages in a thread at constant health h (mirrors email_threads.run_threads)."""
    seller_started, customer_started = thread_lengths(h)
    return seller_started if seller_first else customer_started


def thread_lengths(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expected messages in a thread a seller starts, and in one a contact starts, at constant health h."""
    r = p_reply(np.asarray(h, dtype=np.float64))
    miss = 1 - r
    # Expected messages from the k-th on, by chases so far, for k = MAX_MESSAGES - 1 down to 1 (at
    # MAX_MESSAGES: one). Level k needs only level k + 1, so only those two are kept: an array
    # here is the size of a month's rates, and a whole table of them was most of a big run's memory.
    # ask: a seller's opener or chase (may be chased); answer: a seller's reply (is not).
    ones = np.ones_like(r)
    ask_next = answer_next = customer_next = [ones] * (MAX_CHASES + 1)
    for _k in range(MAX_MESSAGES - 1, 0, -1):
        ask, answer, customer = [], [], []
        for c in range(MAX_CHASES + 1):
            chase = CHASE_P * ask_next[c + 1] if c < MAX_CHASES else 0.0
            answered = 1 + r * customer_next[c]
            ask.append(answered + miss * chase)
            answer.append(answered)
            customer.append(1 + SELLER_REPLY_P * answer_next[c])
        ask_next, answer_next, customer_next = ask, answer, customer
    return ask_next[0], customer_next[0]


def expected_month(ctx: MonthContext) -> float:
    """Expected activities the rate-driven processes produce in this month (before defects)."""
    seller_started, customer_started = thread_lengths(ctx.health.astype(np.float64))
    return float(
        (ctx.out_email * seller_started).sum()
        + (ctx.in_email * customer_started).sum()
        + ctx.out_call.sum()
        + ctx.in_call.sum()
        + ctx.meeting.sum()
    )
