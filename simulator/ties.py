"""Who knows whom: the latent ties between internal users and the people at customer accounts.

Every person has a tie to the owner of the account they work with and, for some, to up to three
more internal users: the colleague or solutions engineer drawn when the org was built (weaker
than the owner, as before ties existed), a former owner of the account (accounts change hands;
the people who were there keep writing to the seller they know), and the owner's solutions
engineer while the account runs a technical evaluation (close to the people doing the testing).
A tie's strength is the share of the person's traffic that user handles (e-mail both ways,
meetings, calls and deal follow-ups; hand-logged touches stay with each seller's own book, and the
scenario's scripted traffic comes on top). Former owners and engineers are sometimes stronger than
the owner, which is what a "who knows whom" answer must find. The scenario's Director also knows
Riley, who used to own Blue Ridge, until some weeks before the end.

Ties are drawn once the people's real accounts are final (after misfiled contacts have moved), so
the owner tie is always the owner of the account the traffic is with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from simulator import names as N
from simulator import scenario as S

if TYPE_CHECKING:
    from simulator.org import Org

OWNER, TEAM_COLLEAGUE, ENGINEER, FORMER_OWNER, SCENARIO = range(5)
TIE_KINDS = ("owner", "team_colleague", "engineer", "former_owner", "scenario")
NO_TIE = -1  # kind of an empty slot
# Slots of the per-person tie arrays. The owner comes last so that one uniform per touch, read
# through the cumulative shares, picks the other users for the lowest values: a person whose only
# other tie is the colleague drawn at org build gets exactly the user the pre-tie model gave.
HELPER, FORMER, EVALUATION, OWNER_SLOT = range(4)
MAX_TIES = 4

# Accounts that changed hands before the window, and how well the people there know the former owner.
HANDOVER_P = 0.22
KNOWS_FORMER_P = 0.75
FORMER_LOG_RATIO = (-0.1, 0.7)  # log of strength relative to the owner's: mean, spread
# Enterprise and mid-market accounts running a technical evaluation, and who the engineer works with.
EVALUATION_P = 0.2
EVALUATOR_P = 0.7
EVALUATOR_ROLES = (N.INFLUENCER, N.USER)
ENGINEER_LOG_RATIO = (-0.25, 0.6)
DIRECTOR_COLLEAGUE_SHARE = 0.4  # Riley's share of the Director's traffic while they are in touch
SHARE_DECIMALS = 6  # strengths as written to the ground truth; the strongest tie is judged on these


@dataclass
class Ties:
    """Per person (rows) and slot (columns): the user, the tie's share of the traffic, its kind and end.

    Empty slots have user -1 and share 0. `until` is the first simulated day the tie carries no
    more traffic (past the end of the calendar for ties that last).
    """

    user: np.ndarray  # int64 (persons, MAX_TIES)
    share: np.ndarray  # float64, sums to 1 per person
    kind: np.ndarray  # int8, TIE_KINDS index (NO_TIE for an empty slot)
    until: np.ndarray  # int64

    @property
    def n(self) -> int:
        return self.user.shape[0]

    def pick(self, person: np.ndarray, day: np.ndarray, u: np.ndarray) -> np.ndarray:
        """The user handling each touch: u (uniform in [0, 1)) read through the cumulative shares
        of the person's ties active on that day."""
        share = np.where(day[:, None] < self.until[person], self.share[person], 0.0)
        cum = np.cumsum(share, axis=1)
        # The owner tie never ends, so every row has a positive total.
        slot = np.minimum((cum <= (u * cum[:, -1])[:, None]).sum(axis=1), MAX_TIES - 1)
        return self.user[person, slot]

    def ranked(self, user_rank: np.ndarray) -> np.ndarray:
        """Slots of each person from strongest to weakest (empty slots last); equal strengths (as
        written, rounded) are ordered by user_rank, the position of the user_id in sorted order."""
        share = np.where(self.user >= 0, np.round(self.share, SHARE_DECIMALS), -1.0)
        rank = np.where(self.user >= 0, user_rank[np.maximum(self.user, 0)], np.iinfo(np.int64).max)
        return np.lexsort((rank, -share), axis=-1)

    def strongest(self, user_rank: np.ndarray) -> np.ndarray:
        """Slot of each person's strongest tie."""
        return self.ranked(user_rank)[:, 0]

    def strongest_non_owner(self, user_rank: np.ndarray) -> np.ndarray:
        """Slot of each person's strongest tie other than the owner's, -1 when there is none."""
        order = self.ranked(user_rank)
        rows = np.arange(self.n)[:, None]
        other = (self.user[rows, order] >= 0) & (order != OWNER_SLOT)
        first = np.argmax(other, axis=1)
        return np.where(other.any(axis=1), order[np.arange(self.n), first], -1)


def build_ties(org: Org, rng: np.random.Generator) -> Ties:
    """Draw every person's ties (rng: the "ties" stream; nothing else draws from it)."""
    persons, accounts, users = org.persons, org.accounts, org.users
    n = persons.n
    owner = accounts.owner[persons.account].astype(np.int64)
    user = np.full((n, MAX_TIES), -1, dtype=np.int64)
    weight = np.zeros((n, MAX_TIES))
    kind = np.full((n, MAX_TIES), OWNER, dtype=np.int8)
    until = np.full((n, MAX_TIES), org.calendar.n_days + 60, dtype=np.int64)

    # The colleague or engineer drawn at org build keeps its share; the owner has the rest. A
    # seller alone in their team drew themself: that is all owner traffic, as it always was. (For
    # a misfiled person the helper was drawn for the owner of the account on their record.)
    helper = persons.secondary.astype(np.int64)
    helper = np.where(helper == owner, -1, helper)
    user[:, HELPER] = helper
    weight[:, HELPER] = np.where(helper >= 0, persons.secondary_share, 0.0)
    kind[:, HELPER] = np.where(np.isin(helper, _engineers(org)), ENGINEER, TEAM_COLLEAGUE)
    user[:, OWNER_SLOT] = owner
    weight[:, OWNER_SLOT] = 1.0 - weight[:, HELPER]

    # Draws of the new ties, fixed in number (accounts, then persons) whatever comes of them.
    handed_over = rng.random(accounts.n) < HANDOVER_P
    former_of_account = _other_seller_same_segment(org, rng.random(accounts.n))
    evaluating = (rng.random(accounts.n) < EVALUATION_P) & (accounts.segment != N.SMB)
    knows_former = rng.random(n) < KNOWS_FORMER_P
    former_ratio = np.exp(rng.normal(*FORMER_LOG_RATIO, n))
    evaluator = rng.random(n) < EVALUATOR_P
    engineer_ratio = np.exp(rng.normal(*ENGINEER_LOG_RATIO, n))

    # Strengths of new ties are relative to the owner's.
    a = persons.account
    not_scenario = a != org.scenario.account
    # Only people there from the start knew the previous owner; later joiners met the current one.
    older = accounts.created_day[a] < 0  # the account predates the simulated span
    former = not_scenario & older & handed_over[a] & (former_of_account[a] >= 0) & knows_former & (persons.start_day == 0)
    user[:, FORMER] = np.where(former, former_of_account[a], -1)
    weight[:, FORMER] = np.where(former, former_ratio * weight[:, OWNER_SLOT], 0.0)
    kind[:, FORMER] = FORMER_OWNER
    engineer = users.engineer[owner].astype(np.int64)
    tests = not_scenario & evaluating[a] & np.isin(persons.role, EVALUATOR_ROLES) & evaluator & (engineer >= 0)
    user[:, EVALUATION] = np.where(tests, engineer, -1)
    weight[:, EVALUATION] = np.where(tests, engineer_ratio * weight[:, OWNER_SLOT], 0.0)
    kind[:, EVALUATION] = ENGINEER

    # One tie per user: a helper who is also the former owner or the evaluating engineer is one
    # tie of that kind, with both strengths.
    for slot in (FORMER, EVALUATION):
        same = (user[:, HELPER] >= 0) & (user[:, HELPER] == user[:, slot])
        weight[same, slot] += weight[same, HELPER]
        weight[same, HELPER] = 0.0
        user[same, HELPER] = -1

    # The scenario: the Director's other tie is Riley until some weeks before the end; Dana
    # knows only Avery.
    ids = org.scenario
    user[[ids.director, ids.operations]] = -1
    weight[[ids.director, ids.operations]] = 0.0
    user[ids.director, [HELPER, OWNER_SLOT]] = (ids.colleague, ids.avery)
    weight[ids.director, [HELPER, OWNER_SLOT]] = (DIRECTOR_COLLEAGUE_SHARE, 1.0 - DIRECTOR_COLLEAGUE_SHARE)
    kind[ids.director, HELPER] = SCENARIO
    until[ids.director, HELPER] = org.calendar.n_days - 1 - S.COLLEAGUE_QUIET_DAYS
    user[ids.operations, OWNER_SLOT], weight[ids.operations, OWNER_SLOT] = ids.avery, 1.0

    kind[user < 0] = NO_TIE
    # Persons with new ties are normalised; the others already sum to one and keep their shares
    # bit for bit (so their traffic goes to the same users as before ties existed).
    new = (user[:, FORMER] >= 0) | (user[:, EVALUATION] >= 0)
    share = np.where(new[:, None], weight / weight.sum(axis=1, keepdims=True), weight)
    return Ties(user=user, share=share, kind=kind, until=until)


def _engineers(org: Org) -> np.ndarray:
    e = org.users.engineer
    return np.unique(e[e >= 0])


def _other_seller_same_segment(org: Org, u: np.ndarray) -> np.ndarray:
    """Per account, a seller of the account's segment other than its owner (-1 if there is none).

    Accounts are dealt to sellers by segment, so a previous owner comes from the same pool.
    """
    users, accounts = org.users, org.accounts
    sellers = users.sellers
    pool = sellers[np.argsort(users.segment[sellers], kind="stable")]
    pool_seg = users.segment[pool]
    lo = np.searchsorted(pool_seg, accounts.segment, side="left")
    hi = np.searchsorted(pool_seg, accounts.segment, side="right")
    position = np.full(users.n, -1, dtype=np.int64)
    position[pool] = np.arange(pool.size)
    owner_pos = position[accounts.owner]
    size = hi - lo
    k = lo + np.floor(u * np.maximum(size - 1, 0)).astype(np.int64)
    k = k + (k >= owner_pos)  # skip the owner's own place in the pool
    return np.where((size >= 2) & (owner_pos >= lo) & (owner_pos < hi), pool[np.minimum(k, pool.size - 1)], -1)
