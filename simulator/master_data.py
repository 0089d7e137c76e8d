"""Rows of the master-data batch: users, accounts, contacts, opportunities and their contacts."""

from __future__ import annotations

from pathlib import Path

from ingest.extract_writer import write_batch
from simulator import names as N
from simulator.defects import ContactRecord
from simulator.opportunities import STAGES, Deals
from simulator.org import Org


def write_master_data(out_dir: Path, fmt: str, batch: str, org: Org, deals: Deals, records: list[ContactRecord],
                      extra_opp_contacts: list[tuple[int, int, str]]) -> tuple[list[Path], dict[str, int]]:
    """Write the five master-data entities as one batch each; returns paths and row counts."""
    cal = org.calendar
    users, accounts = org.users, org.accounts
    tables: dict[str, list[dict[str, object]]] = {}
    tables["users"] = [
        {
            "user_id": users.user_id[u], "full_name": users.full_name[u], "email": users.email[u],
            "email_aliases": [users.alias[u]] if users.alias[u] else [],
            "manager_user_id": users.user_id[users.manager[u]] if users.manager[u] >= 0 else None,
            "team": users.team[u], "title": users.title[u], "job_role": users.job_role[u],
            "timezone": org.zones.zones[users.zone[u]], "is_active": True,
        }
        for u in range(users.n)
    ]
    tables["accounts"] = [
        {
            "account_id": accounts.account_id[a], "name": accounts.name[a], "aliases": accounts.aliases[a],
            "domains": accounts.domains[a], "segment": N.SEGMENTS[accounts.segment[a]], "industry": accounts.industry[a],
            "owner_user_id": users.user_id[accounts.owner[a]], "created_date": cal.date_of(int(accounts.created_day[a])),
        }
        for a in range(accounts.n)
    ]
    tables["contacts"] = [
        {
            "contact_id": r.contact_id, "account_id": accounts.account_id[r.account] if r.account >= 0 else None,
            "full_name": r.full_name, "email": r.email, "email_aliases": r.aliases, "title": r.title,
            "role": r.role or None, "created_date": cal.date_of(r.created_day),
        }
        for r in records
    ]
    tables["opportunities"] = [
        {
            "opportunity_id": deals.opp_id[d], "account_id": accounts.account_id[deals.account[d]],
            "owner_user_id": users.user_id[deals.owner[d]], "name": deals.name[d],
            "stage": STAGES[deals.stage_rank[d] - 1], "stage_rank": deals.stage_rank[d], "amount": deals.amount[d],
            "currency": "USD", "status": deals.status[d], "created_date": cal.date_of(deals.created[d]),
            "expected_close_date": cal.date_of(deals.expected_close[d]),
            "closed_date": cal.date_of(deals.closed[d]) if deals.closed[d] >= 0 else None,
            "external_score": deals.external_score[d],
        }
        for d in range(deals.n)
    ]
    oc_rows = [
        {"opportunity_id": deals.opp_id[d], "contact_id": records[p].contact_id, "role": N.ROLE_NAMES[r], "is_primary": prim}
        for d, p, r, prim in zip(deals.oc_deal, deals.oc_person, deals.oc_role, deals.oc_primary)
    ]
    oc_rows += [
        {"opportunity_id": deals.opp_id[d], "contact_id": records[ri].contact_id, "role": role, "is_primary": False}
        for d, ri, role in extra_opp_contacts
    ]
    tables["opportunity_contacts"] = sorted(oc_rows, key=lambda r: (r["opportunity_id"], r["contact_id"]))
    paths = [write_batch(out_dir, entity, batch, rows, fmt) for entity, rows in tables.items()]
    return paths, {entity: len(rows) for entity, rows in tables.items()}
