"""The seed's scenario is present and behaves as described, with and without defects."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sim_checks import INTERNAL, activities_with_parties, split_list, utc


@pytest.fixture(params=["sample", "clean"])
def run(request):
    return request.getfixturevalue(request.param)


def scenario(run) -> dict:
    return json.loads((run.truth / "scenario.json").read_text())


def test_master_data(run):
    sc = scenario(run)
    users = run["users"].set_index("user_id")
    assert users.loc["u-avery", "full_name"] == "Avery Quinn"
    assert users.loc["u-avery", "manager_user_id"] == sc["manager"]["user_id"] == "u-morgan"
    colleague = sc["colleague"]["user_id"]
    assert users.loc[colleague, "job_role"] == "seller" and colleague != "u-avery"
    account = run["accounts"].set_index("account_id").loc[sc["account"]["account_id"]]
    assert account["name"] == "Blue Ridge Hotel Group"
    assert (account["segment"], account["industry"]) == ("enterprise", "Hospitality")
    assert "blueridgehotels.com" in split_list(account["domains"])
    assert account["owner_user_id"] == "u-avery"
    opp = run["opportunities"].set_index("opportunity_id").loc[sc["opportunity"]["opportunity_id"]]
    assert float(opp["amount"]) == 210_000
    assert (opp["stage"], opp["stage_rank"], opp["status"]) == ("Propose", "3", "open")
    assert (opp["account_id"], opp["owner_user_id"]) == (sc["account"]["account_id"], "u-avery")
    contacts = run["contacts"].set_index("contact_id")
    director = contacts.loc[sc["primary_contact"]["contact_id"]]
    assert (director["title"], director["role"]) == ("Director of Procurement", "decision_maker")
    assert contacts.loc[sc["engaged_contact"]["contact_id"], "title"] == "Regional Operations Manager"
    oc = run["opportunity_contacts"]
    oc = oc[oc.opportunity_id == sc["opportunity"]["opportunity_id"]].set_index("contact_id")
    assert oc.loc[sc["primary_contact"]["contact_id"], "is_primary"] == "true"
    assert (oc["is_primary"] == "true").sum() == 1


def _addresses(run, contact_id: str) -> set[str]:
    c = run["contacts"].set_index("contact_id").loc[contact_id]
    return {c["email"].lower(), *(a.lower() for a in split_list(c["email_aliases"]))}


def test_director_goes_quiet_while_operations_stays_engaged(run):
    sc = scenario(run)
    ap = activities_with_parties(run)
    director = _addresses(run, sc["primary_contact"]["contact_id"])
    operations = _addresses(run, sc["engaged_contact"]["contact_id"])
    users = run["users"]
    avery = {users.set_index("user_id").loc["u-avery", "email"].lower(),
             *(a.lower() for a in split_list(users.set_index("user_id").loc["u-avery", "email_aliases"]))}
    quiet_from = pd.Timestamp(sc["quiet_from"], tz="UTC")
    emails = ap[ap.activity_type == "email"]
    senders = emails[emails.party_role == "sender"].set_index("activity_id")["addr"]
    to_director = emails[(emails.party_role == "to") & emails.addr.isin(director)].activity_id
    from_avery = senders[senders.isin(avery)].index
    mails = run["activities"].set_index("activity_id").loc[sorted(set(to_director) & set(from_avery))]
    last_three = mails.assign(ts=utc(mails.started_at)).sort_values("ts").tail(3)
    assert (last_three.ts >= quiet_from).all()
    answered = set(run["activities"].parent_activity_id)
    assert not answered & set(last_three.index), "the Director must not answer the last three e-mails"
    director_sent = senders[senders.isin(director)].index
    sent_when = utc(run["activities"].set_index("activity_id").loc[director_sent, "started_at"])
    assert (sent_when < last_three.ts.min()).all(), "no e-mail at all from the Director after the first of them"
    assert (sent_when < quiet_from).all()
    # Meetings in the quiet period: the Director declines or does not show; Operations attends.
    meet = ap[(ap.activity_type == "meeting") & (ap.ts >= quiet_from)]
    d_meet = meet[meet.addr.isin(director)]
    assert len(d_meet) >= 2
    assert set(d_meet.participation_status) <= {"declined", "no_show", "no_response"}
    o_meet = meet[meet.addr.isin(operations)]
    assert (o_meet.participation_status == "attended").sum() >= 2
    # Operations writes to Avery in the quiet period, including answers to Avery's e-mails.
    o_sent = senders[senders.isin(operations)].index
    o_acts = run["activities"].set_index("activity_id").loc[o_sent]
    recent = o_acts[utc(o_acts.started_at) >= quiet_from]
    assert len(recent) >= 3 and (recent.parent_activity_id != "").sum() >= 2


def test_latent_health_falls_from_good_to_fair(run):
    sc = scenario(run)
    olh = run.truth_table("opportunity_latent_health")
    series = olh[olh.opportunity_id == sc["opportunity"]["opportunity_id"]].set_index("date")["value"].sort_index()
    end = pd.Timestamp("2026-03-31").date()
    before = pd.Timestamp(sc["quiet_from"]).date()
    assert series.loc[before] >= 0.6
    assert 0.4 <= series.loc[end] < 0.6
    assert series.loc[before:].is_monotonic_decreasing or series.loc[end] < series.loc[before] - 0.15


def test_colleague_knows_the_director(run):
    sc = scenario(run)
    ap = activities_with_parties(run)
    director = _addresses(run, sc["primary_contact"]["contact_id"])
    with_director = ap[ap.activity_id.isin(ap[ap.addr.isin(director)].activity_id) & ap.addr.str.endswith(INTERNAL)]
    users = run["users"].set_index("email")["user_id"]
    per_user = with_director.assign(user=with_director.addr.map(users)).groupby("user").activity_id.nunique()
    others = per_user.drop(["u-avery"], errors="ignore").sort_values(ascending=False)
    assert others.index[0] == sc["colleague"]["user_id"]
    assert others.iloc[0] >= 5
