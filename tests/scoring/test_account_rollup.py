"""An account's health is pulled towards its weakest key relationship, which its reasons name."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from models_ml.scoring import key_contact_links, weakest_key_pull

DAY = dt.date(2026, 3, 31)


def _contacts() -> pd.DataFrame:
    return pd.DataFrame({
        "contact_id": ["c-dm", "c-user", "c-primary", "c-other"],
        "account_id": ["a-1", "a-1", "a-2", "a-2"],
        "contact_role": ["decision_maker", "user", "influencer", "user"],
        "entity_name": ["Jordan Ellis", "Sam Ortiz", "Lee Chen", "Pat Kim"],
        "snapshot_date": [DAY] * 4,
        "score": [41.0, 95.0, 88.0, 30.0],
    })


def test_key_relationships_are_decision_makers_and_deal_primaries() -> None:
    deals = pd.DataFrame({"opportunity_id": ["o-2"], "contact_id": ["c-primary"], "deal_role": ["influencer"], "is_primary": [True]})
    links = key_contact_links(_contacts(), deals)
    assert sorted(map(tuple, links.to_numpy())) == [("a-1", "c-dm"), ("a-2", "c-primary")]


def test_the_weakest_key_relationship_pulls_down_and_is_named() -> None:
    accounts = pd.DataFrame({"account_id": ["a-1", "a-2", "a-3"], "snapshot_date": [DAY] * 3,
                             "score": [86.4, 60.0, 70.0], "reasons_down": ["", "few meetings", ""]})
    links = pd.DataFrame({"account_id": ["a-1", "a-2"], "contact_id": ["c-dm", "c-primary"]})
    out = weakest_key_pull(accounts, _contacts(), links, share=0.4).set_index("account_id")
    assert out.loc["a-1", "score"] == round(86.4 - 0.4 * (86.4 - 41.0), 1) < 80  # no longer Excellent
    assert out.loc["a-1", "reasons_down"] == "weakest key relationship: Jordan Ellis (decision-maker) at 41"
    # a key relationship healthier than the account changes nothing (only ever down); no key contact: as before
    assert out.loc["a-2", ["score", "reasons_down"]].tolist() == [60.0, "few meetings"]
    assert out.loc["a-3", ["score", "reasons_down"]].tolist() == [70.0, ""]
