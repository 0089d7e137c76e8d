"""Who knows whom: every person's ties to internal users decide who handles their traffic, and the
ground truth says which tie is strongest."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from simulator import scenario as S

TIE_COLUMNS = ["contact_id", "user_id", "tie_strength", "tie_kind", "active_until", "is_strongest", "is_strongest_non_owner"]
# Traffic handled through the ties; hand-logged touches are each seller's own book.
TIE_GENERATORS = ["thread", "meeting", "call"]


def _ties(run) -> pd.DataFrame:
    return run.truth_table("relationship_ties")


def _person_ties(run) -> pd.DataFrame:
    """The ties of each person's main record (duplicates repeat them)."""
    ct = run.truth_table("contacts_truth")
    main = ct.contact_id[ct.contact_id == ct.person_contact_id]
    ties = _ties(run)
    return ties[ties.contact_id.isin(main)]


def _handled(run) -> pd.DataFrame:
    """Activities handled through ties: per (person's main record, user), how many."""
    truth = run.truth_table("activity_truth")
    truth = truth[truth.generator.isin(TIE_GENERATORS)]
    acts = run["activities"][["activity_id", "owner_user_id"]]
    joined = truth.merge(acts, on="activity_id")
    return joined.groupby(["contact_id", "owner_user_id"]).size().rename("n").reset_index()


def test_every_contact_has_ties_summing_to_one(sample):
    ties = _ties(sample)
    assert ties.columns.tolist() == TIE_COLUMNS
    manifest = json.loads((sample.truth / "manifest.json").read_text())
    assert manifest["truth_rows"]["relationship_ties"] == len(ties)
    contacts = sample["contacts"]
    assert set(ties.contact_id) == set(contacts.contact_id)
    per_contact = ties.groupby("contact_id")
    assert per_contact.size().between(1, 4).all()
    assert not ties.duplicated(["contact_id", "user_id"]).any()
    assert ties.tie_strength.between(0, 1, inclusive="right").all()
    assert np.allclose(per_contact.tie_strength.sum(), 1.0, atol=1e-5)
    assert set(ties.tie_kind) <= {"owner", "team_colleague", "engineer", "former_owner", "scenario"}
    # The owner tie is the owner of the account the person really works with.
    ct = sample.truth_table("contacts_truth").set_index("contact_id")
    owners = ties[ties.tie_kind == "owner"].set_index("contact_id").user_id
    assert owners.index.is_unique
    assert (owners == ct.loc[owners.index, "primary_user_id"]).all()
    assert set(owners.index) == set(ct.index)
    # Exactly one strongest tie per contact, the highest strength with equal ones broken by user_id.
    ranked = ties.sort_values(["contact_id", "tie_strength", "user_id"], ascending=[True, False, True])
    top = ranked.drop_duplicates("contact_id")
    assert top.is_strongest.all() and ties.is_strongest.sum() == len(top)
    others = ranked[ranked.tie_kind != "owner"].drop_duplicates("contact_id")
    assert others.is_strongest_non_owner.all() and ties.is_strongest_non_owner.sum() == len(others)
    assert not ties[ties.tie_kind == "owner"].is_strongest_non_owner.any()
    # contacts_truth names the strongest tie other than the owner.
    second = ties[ties.is_strongest_non_owner].set_index("contact_id").user_id
    assert (ct.secondary_user_id.dropna() == second.reindex(ct.secondary_user_id.dropna().index)).all()
    assert set(ct.secondary_user_id.dropna().index) == set(second.index)
    # Duplicate records share their person's ties.
    dup = ct[ct.index != ct.person_contact_id]
    assert len(dup) > 0
    key = ["user_id", "tie_strength", "tie_kind"]
    by_contact = {c: g[key].reset_index(drop=True) for c, g in ties.groupby("contact_id")}
    for c, person in dup.person_contact_id.items():
        pd.testing.assert_frame_equal(by_contact[c], by_contact[person])


def test_the_strongest_tie_handles_most_of_a_persons_traffic(sample, other_seed):
    """Whoever writes, meets and calls a person most is their truly strongest tie, and the observed
    shares follow the tie strengths (two seeds pooled: a small run has few busy multi-tie people)."""
    matches, shares = [], []
    for run in (sample, other_seed):
        ties = _person_ties(run)
        handled = _handled(run)
        # Nobody handles a person's traffic without a tie to them.
        tied = ties.set_index(["contact_id", "user_id"]).index
        assert handled.set_index(["contact_id", "owner_user_id"]).index.isin(tied).all()
        total = handled.groupby("contact_id").n.sum()
        n_ties = ties.groupby("contact_id").size()
        busy = n_ties.index[(n_ties >= 2) & (total.reindex(n_ties.index).fillna(0) >= 20)]
        most = (handled.sort_values(["contact_id", "n", "owner_user_id"], ascending=[True, False, True])
                .drop_duplicates("contact_id").set_index("contact_id").owner_user_id)
        strongest = ties[ties.is_strongest].set_index("contact_id").user_id
        matches.append(most.loc[busy] == strongest.loc[busy])
        pairs = ties[ties.contact_id.isin(busy)].merge(
            handled, left_on=["contact_id", "user_id"], right_on=["contact_id", "owner_user_id"], how="left")
        shares.append(pd.DataFrame({"observed": pairs.n.fillna(0) / pairs.contact_id.map(total), "true": pairs.tie_strength,
                                    "owner": pairs.tie_kind == "owner"}))
    match = pd.concat(matches)
    assert len(match) >= 40
    assert match.mean() >= 0.85, match.mean()
    share = pd.concat(shares)
    # Shares of a few dozen activities (clustered in threads) are noisy, but unbiased: the owner
    # gets no more than their tie's share.
    assert share.observed.corr(share.true) > 0.75
    owner = share[share.owner]
    assert abs((owner.observed - owner.true).mean()) < 0.05


def test_a_non_owner_is_the_strongest_tie_for_some_people(sample):
    ties = _person_ties(sample)
    n_ties = ties.groupby("contact_id").size()
    multi = ties[ties.contact_id.isin(n_ties.index[n_ties >= 2])]
    strongest = multi[multi.is_strongest]
    non_owner = strongest.tie_kind != "owner"
    assert 0.15 <= non_owner.mean() <= 0.45, non_owner.mean()
    assert {"former_owner", "engineer"} <= set(strongest.tie_kind[non_owner])
    # ... and for the rest the owner is, sometimes only just.
    ranked = multi.sort_values(["contact_id", "tie_strength"], ascending=[True, False])
    gap = ranked.groupby("contact_id").tie_strength.agg(lambda s: s.iloc[0] - s.iloc[1])
    owner_top = strongest.set_index("contact_id").tie_kind == "owner"
    assert (gap[owner_top.index[owner_top]] < 0.1).sum() >= 3


@pytest.fixture(params=["sample", "clean"])
def run(request):
    return request.getfixturevalue(request.param)


def test_scenario_ties(run):
    sc = json.loads((run.truth / "scenario.json").read_text())
    ties = _ties(run)
    director = ties[ties.contact_id == sc["primary_contact"]["contact_id"]].set_index("user_id")
    assert set(director.index) == {"u-avery", sc["colleague"]["user_id"]}
    riley = director.loc[sc["colleague"]["user_id"]]
    assert riley.is_strongest_non_owner and not riley.is_strongest
    assert director.loc["u-avery", "is_strongest"]
    assert riley.tie_kind == "scenario" and riley.tie_strength == pytest.approx(0.4)
    end = dt.date.fromisoformat(json.loads((run.truth / "manifest.json").read_text())["window"]["end"])
    assert riley.active_until == end - dt.timedelta(days=S.COLLEAGUE_QUIET_DAYS + 1)
    assert pd.isna(director.loc["u-avery", "active_until"])
    dana = ties[ties.contact_id == sc["engaged_contact"]["contact_id"]]
    assert dana.user_id.tolist() == ["u-avery"] and dana.tie_kind.tolist() == ["owner"]
    assert dana.tie_strength.tolist() == [1.0] and dana.is_strongest.all() and not dana.is_strongest_non_owner.any()
    # Riley starts no thread, meeting or call with the Director once the tie has ended.
    truth = run.truth_table("activity_truth")
    acts = run["activities"].merge(truth, on="activity_id")
    director_id, riley_id = sc["primary_contact"]["contact_id"], sc["colleague"]["user_id"]
    riley_acts = acts[(acts.contact_id == director_id) & (acts.owner_user_id == riley_id) & (acts.parent_activity_id == "")]
    started = pd.to_datetime(riley_acts.started_at, utc=True, format="ISO8601").dt.date
    assert len(started) >= 3 and (started <= riley.active_until + dt.timedelta(days=1)).all()


def test_ties_file_is_deterministic(sample, sample_again, other_seed):
    truth = sample_again.truth
    mine = (sample.truth / "relationship_ties.parquet").read_bytes()
    assert mine == (truth / "relationship_ties.parquet").read_bytes()
    assert mine != (other_seed.truth / "relationship_ties.parquet").read_bytes()
