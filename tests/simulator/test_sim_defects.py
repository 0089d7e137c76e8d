"""Every defect type is injected, recorded, visible in the extracts, and absent from a clean org."""

from __future__ import annotations

import pandas as pd

from ingest.connectors.base import PERSONAL_MAIL_DOMAINS
from sim_checks import activities_with_parties, address_to_contact, domain, normalised_name, split_list, utc
from simulator.defects import DEFECT_TYPES

END = pd.Timestamp("2026-04-01", tz="UTC")


def defects(run, kind: str) -> pd.DataFrame:
    d = run.truth_table("defects")
    return d[d.defect_type == kind]


def test_every_type_is_present(sample):
    d = sample.truth_table("defects")
    counts = d.defect_type.value_counts()
    assert set(counts.index) == set(DEFECT_TYPES)
    for kind in DEFECT_TYPES:
        assert counts[kind] >= (2 if kind == "manual_no_response" else 5), kind
    assert not d.duplicated(["defect_type", "entity_id", "start_date"]).any()


def test_clean_org_records_none(clean):
    assert len(clean.truth_table("defects")) == 0


def test_capture_gaps(sample):
    a = sample["activities"]
    a = a.assign(day=utc(a.started_at).dt.date)
    for row in defects(sample, "capture_gap_rep").itertuples():
        mine = a[a.owner_user_id == row.entity_id]
        inside = mine[(mine.day >= row.start_date) & (mine.day <= row.end_date)]
        assert not ((inside.source == "synced") & inside.activity_type.isin(["email", "meeting"])).any()
        assert (mine.day < row.start_date).any() and (mine.day > row.end_date).any()


def test_volume_collapse(sample):
    a = sample["activities"]
    synced = a[a.source == "synced"]
    per_day = utc(synced.started_at).dt.date.value_counts()
    rows = defects(sample, "extract_volume_collapse")
    collapsed = set(rows.start_date)
    for day in collapsed:
        nearby = [day + pd.Timedelta(days=k) for k in range(-21, 22)]
        nearby = [d for d in nearby if d.weekday() < 5 and d not in collapsed]
        typical = pd.Series([per_day.get(d, 0) for d in nearby]).median()
        assert per_day.get(day, 0) <= 0.35 * typical, day


def _account_touches(run) -> pd.DataFrame:
    """Activity time per account: logged against it, or involving one of its contacts."""
    ap = activities_with_parties(run)
    contact_account = run["contacts"].set_index("contact_id")["account_id"]
    by_addr = pd.Series(address_to_contact(run["contacts"])).map(contact_account)
    via_party = ap.assign(account_id=ap.addr.map(by_addr))[["account_id", "ts"]]
    via_regarding = ap.rename(columns={"regarding_account_id": "account_id"})[["account_id", "ts"]]
    both = pd.concat([via_party, via_regarding]).dropna()
    return both[both.account_id != ""]


def _quiet_open_accounts(run) -> set[str]:
    o = run["opportunities"]
    open_accounts = set(o[o.status == "open"].account_id)
    touches = _account_touches(run)
    recent = set(touches[(touches.ts >= END - pd.Timedelta(days=30)) & (touches.ts < END)].account_id)
    return open_accounts - recent


def test_open_opportunity_without_activity(sample, clean):
    recorded = set(defects(sample, "open_opportunity_no_activity").entity_id)
    assert recorded and recorded <= _quiet_open_accounts(sample)
    assert _quiet_open_accounts(sample) == recorded
    assert _quiet_open_accounts(clean) == set()


def _domain_findings(run) -> tuple[set[str], set[str]]:
    accounts = run["accounts"].set_index("account_id")["domains"].map(split_list)
    mismatch, personal = set(), set()
    for c in run["contacts"].itertuples():
        dom = domain(c.email)
        if dom in PERSONAL_MAIL_DOMAINS:
            personal.add(c.contact_id)
        elif c.account_id and dom not in accounts[c.account_id]:
            mismatch.add(c.contact_id)
    return mismatch, personal


def test_contact_domains(sample, clean):
    mismatch, personal = _domain_findings(sample)
    assert set(defects(sample, "contact_domain_mismatch").entity_id) == mismatch
    assert set(defects(sample, "contact_personal_domain").entity_id) == personal
    assert _domain_findings(clean) == (set(), set())


def test_contact_traffic_other_account(sample):
    ap = activities_with_parties(sample)
    contacts = sample["contacts"].set_index("contact_id")
    for row in defects(sample, "contact_traffic_other_account").itertuples():
        addrs = {contacts.loc[row.entity_id, "email"].lower()}
        acts = ap[ap.activity_id.isin(ap[ap.addr.isin(addrs)].activity_id)].drop_duplicates("activity_id")
        logged = set(acts.regarding_account_id) - {""}
        assert len(acts) >= 1
        assert contacts.loc[row.entity_id, "account_id"] not in logged
        assert len(logged) <= 1


def _duplicates(run) -> tuple[set[str], set[str]]:
    c = run["contacts"]
    same_email = c[c.email.str.lower().duplicated(keep="first")]
    named = c.assign(norm=c.full_name.map(normalised_name))
    named = named[named.account_id != ""]
    dup_name = named[named.duplicated(["account_id", "norm"], keep="first")]
    return set(same_email.contact_id), set(dup_name.contact_id)


def test_duplicates(sample, clean):
    same_email, same_name = _duplicates(sample)
    assert set(defects(sample, "duplicate_contact_same_email").entity_id) == same_email
    assert set(defects(sample, "duplicate_contact_same_name").entity_id) == same_name
    c = sample["contacts"].set_index("contact_id")
    for cid in same_name:
        twins = c[(c.account_id == c.loc[cid, "account_id"]) & (c.full_name.map(normalised_name) == normalised_name(c.loc[cid, "full_name"]))]
        assert twins.email.str.lower().nunique() == len(twins) == 2
    assert _duplicates(clean) == (set(), set())


def test_orphans_and_foreign_deal_contacts(sample, clean):
    for run, expect in ((sample, True), (clean, False)):
        c = run["contacts"]
        orphans = set(c[c.account_id == ""].contact_id)
        oc = run["opportunity_contacts"].merge(run["opportunities"][["opportunity_id", "account_id"]], on="opportunity_id")
        oc = oc.merge(c[["contact_id", "account_id"]].rename(columns={"account_id": "contact_account"}), on="contact_id")
        foreign = oc[(oc.contact_account != "") & (oc.contact_account != oc.account_id)]
        found = {f"{r.opportunity_id}|{r.contact_id}" for r in foreign.itertuples()}
        if expect:
            assert orphans == set(defects(run, "orphan_contact").entity_id)
            assert found == set(defects(run, "opportunity_contact_other_account").entity_id)
        else:
            assert orphans == set() and found == set()


def test_roles_and_decision_makers(sample, clean):
    for run, expect in ((sample, True), (clean, False)):
        c = run["contacts"]
        missing = set(c[c.role.isin(["", "unknown"])].contact_id)
        with_dm = set(c[c.role == "decision_maker"].account_id)
        no_dm = set(run["accounts"].account_id) - with_dm
        if expect:
            assert missing == set(defects(run, "missing_contact_role").entity_id)
            assert no_dm == set(defects(run, "account_no_decision_maker").entity_id)
        else:
            assert missing == set() and no_dm == set()


def _bursts(run) -> set[tuple[str, object]]:
    a = run["activities"]
    m = a[a.source == "manual"].assign(ts=lambda f: utc(f.started_at))
    found = set()
    for (user, subject), g in m.groupby(["owner_user_id", "subject"]):
        g = g.sort_values("ts")
        for i in range(len(g) - 4):
            if g.ts.iloc[i + 4] - g.ts.iloc[i] <= pd.Timedelta(minutes=30):
                found.add((user, g.ts.iloc[i].date()))
    return found


def test_gaming_bursts(sample, clean):
    recorded = {(r.entity_id, r.start_date) for r in defects(sample, "gaming_burst").itertuples()}
    found = _bursts(sample)
    assert recorded <= {(u, d) for u, d in found} | {(u, d - pd.Timedelta(days=1)) for u, d in found}
    assert _bursts(clean) == set()


def _manual_response_rates(run) -> pd.Series:
    """Share of each seller's manual touches followed by an e-mail or call from that contact within 7 days."""
    ap = activities_with_parties(run)
    internal = ap.addr.str.endswith("@harborline.io")
    manual = ap[(ap.source == "manual") & ~internal][["activity_id", "owner_user_id", "addr", "ts"]]
    inbound = ap[(ap.party_role.isin(["sender", "caller"])) & ~internal][["addr", "ts"]].rename(columns={"ts": "answer"})
    joined = manual.merge(inbound, on="addr")
    joined = joined[(joined.answer > joined.ts) & (joined.answer <= joined.ts + pd.Timedelta(days=7))]
    answered = manual.activity_id.isin(joined.activity_id)
    return answered.groupby(manual.owner_user_id).mean()


def test_manual_no_response(sample):
    rates = _manual_response_rates(sample)
    flagged = set(defects(sample, "manual_no_response").entity_id)
    gamers = set(defects(sample, "gaming_burst").entity_id)
    others = rates.drop(list(flagged | gamers), errors="ignore")
    assert rates[list(flagged)].max() < 0.5 * others.median()
