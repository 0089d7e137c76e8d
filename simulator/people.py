"""Picking who takes part: which internal user handles a touch, which contacts are invited."""

from __future__ import annotations

import numpy as np

from simulator.org import Org


def handling_user(rng: np.random.Generator, org: Org, person: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Who handles each touch with a person: one of their ties active that day, in proportion to its strength.

    One uniform per row, as before ties existed: each generator draws as many numbers, in the same order.
    """
    return org.ties.pick(person, day, rng.random(person.size))


def pick_in_account(rng: np.random.Generator, org: Org, account: np.ndarray, day: np.ndarray, mute_day: np.ndarray,
                    tries: int = 4, exclude: np.ndarray | None = None) -> np.ndarray:
    """One person per row at the given accounts, favouring high-propensity people; -1 if nobody is active.

    Draws a few uniform candidates and keeps the one with the highest propensity times a random
    factor: close to propensity-weighted sampling without per-account cumulative tables.
    """
    order, starts = org.account_people()
    persons = org.persons
    n = account.size
    lo, hi = starts[account], starts[account + 1]
    size = hi - lo
    best = np.full(n, -1, dtype=np.int64)
    best_score = np.full(n, -1.0)
    for _ in range(tries):
        pos = np.minimum(lo + (rng.random(n) * size).astype(np.int64), np.maximum(hi - 1, lo))
        cand = np.where(size > 0, order[np.minimum(pos, order.size - 1)], -1)
        ok = (cand >= 0) & (persons.start_day[np.maximum(cand, 0)] <= day) & (day < mute_day[np.maximum(cand, 0)])
        if exclude is not None:
            ok &= cand != exclude
        score = np.where(ok, persons.propensity[np.maximum(cand, 0)] * rng.random(n), -1.0)
        better = score > best_score
        best = np.where(better, cand, best)
        best_score = np.where(better, score, best_score)
    return best
