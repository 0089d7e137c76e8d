"""Latent relationship health: the hidden state every observable signal is drawn from.

Each person's health h in [0, 1] is the logistic of a mean-reverting random walk (an
Ornstein-Uhlenbeck process in logit space). The level it reverts to drifts for some people
(relationships that grow or decay over the year) and jumps now and then: a person-level shock
(a champion leaves, a bad support case) or an account-level one shared by everyone there
(a reorganisation, an acquisition). Part of every shock persists, part fades.
"""

from __future__ import annotations

import numpy as np

# Weights of buying roles in account- and deal-level health: decision-makers count most.
ROLE_WEIGHT = np.array([3.0, 1.5, 2.0, 1.0, 1.0], dtype=np.float64)  # DM, influencer, champion, user, unknown
PRIMARY_WEIGHT = 1.5

_REVERSION = 0.04  # per day: a shock half-fades in about 17 days
_VOLATILITY = 0.10
_PERSON_SHOCK_RATE = 1 / 200
_ACCOUNT_SHOCK_RATE = 1 / 300
_PERSISTENT_SHARE = 0.5
_ACCOUNTS_PER_BLOCK = 1_000  # account_health's working set: about 6,000 people x the window's days


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def logit(p: np.ndarray | float) -> np.ndarray | float:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def simulate_health(rng: np.random.Generator, person_account: np.ndarray, n_accounts: int, n_days: int) -> np.ndarray:
    """Daily latent health, shape (persons, days), float32."""
    n = person_account.size
    account_level = rng.normal(0.0, 0.35, n_accounts)
    target = rng.normal(0.45, 0.85, n) + account_level[person_account]
    kind = rng.random(n)
    # About a fifth of relationships grow over the simulated span and a fifth decay.
    slope = np.where(kind < 0.2, rng.uniform(0.6, 1.8, n), np.where(kind < 0.42, -rng.uniform(0.6, 2.0, n), 0.0)) / n_days
    x = target + rng.normal(0.0, 0.4, n)
    out = np.empty((n, n_days), dtype=np.float32)
    for t in range(n_days):
        person_jump = np.where(rng.random(n) < _PERSON_SHOCK_RATE, rng.normal(0.0, 1.0, n), 0.0)
        account_jump = np.where(rng.random(n_accounts) < _ACCOUNT_SHOCK_RATE, rng.normal(0.0, 0.7, n_accounts), 0.0)
        jump = person_jump + account_jump[person_account]
        target = target + slope + _PERSISTENT_SHARE * jump
        x = x + _REVERSION * (target - x) + _VOLATILITY * rng.standard_normal(n) + jump
        out[:, t] = sigmoid(x)
    return out


def p_reply(h: np.ndarray) -> np.ndarray:
    """Chance a contact answers a seller's e-mail: healthy relationships answer most of them."""
    return 0.05 + 0.85 * np.power(h, 1.6)


def reply_delay_hours(rng: np.random.Generator, h: np.ndarray) -> np.ndarray:
    """How long a contact takes to answer: about an hour when healthy, most of a day when not."""
    median = 1.0 * np.exp(3.0 * (1.0 - h))
    return rng.lognormal(np.log(median), 0.9)


def initiative(h: np.ndarray) -> np.ndarray:
    """Multiplier of customer-initiated touches: healthy contacts reach out far more often."""
    return 2.0 * h * h


def attends(h: np.ndarray) -> np.ndarray:
    """Chance a contact turns up to a meeting they were invited to."""
    return 0.5 + 0.48 * h


def cancels(h: np.ndarray) -> np.ndarray:
    """Chance a meeting gets cancelled, driven by the primary contact's health."""
    return 0.03 + 0.25 * (1.0 - h) ** 2


def connects(h: np.ndarray) -> np.ndarray:
    """Chance a dialled contact picks up."""
    return 0.2 + 0.6 * h


def account_health(health: np.ndarray, person_account: np.ndarray, person_role: np.ndarray, n_accounts: int, day_from: int, day_to: int) -> np.ndarray:
    """Account latent health per day: role-weighted mean of the people working with the account.

    Shape (accounts, days); accounts with nobody get NaN.
    """
    w = ROLE_WEIGHT[person_role]
    order = np.argsort(person_account, kind="stable")
    counts = np.bincount(person_account, minlength=n_accounts)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    den = np.bincount(person_account, weights=w, minlength=n_accounts)
    out = np.full((n_accounts, day_to - day_from), np.nan)
    # A block of accounts at a time: all people's weighted days at once are most of a gigabyte at
    # 10M activities. Each account's sum is the same either way (its rows, in the same order).
    for first in range(0, n_accounts, _ACCOUNTS_PER_BLOCK):
        last = min(first + _ACCOUNTS_PER_BLOCK, n_accounts)
        has = counts[first:last] > 0
        if not has.any():
            continue
        people = order[starts[first] : starts[last - 1] + counts[last - 1]]
        block = health[people, day_from:day_to].astype(np.float64) * w[people, None]
        # reduceat sums each account's contiguous rows (np.add.at would be far slower at scale).
        sums = np.add.reduceat(block, starts[first:last][has] - starts[first], axis=0)
        out[first:last][has] = sums / den[first:last][has, None]
    return out
