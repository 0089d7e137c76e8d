"""Ground truth: the hidden state behind the extracts, written apart from them as Parquet.

latent_health            contact_id, date, latent_health: every contact record's person, daily
account_latent_health    account_id, date, value: role-weighted mean over the people working with
                         the account (decision-maker 3, champion 2, influencer 1.5, user 1)
opportunity_latent_health opportunity_id, date, value: weighted mean over the deal's contacts (the
                         same role weights, primary contact x1.5), on the days the deal is open
opportunity_outcomes     status, dates and the true win probability each deal was drawn with
contacts_truth           who each contact record really is and works with (secondary_user_id: the
                         strongest tie other than the account owner)
relationship_ties        contact_id, user_id, tie_strength, tie_kind, active_until, is_strongest,
                         is_strongest_non_owner: who knows whom, one row per tie of every contact
                         record's person (duplicates share their person's ties). tie_strength is
                         the tie's share of the person's e-mail, meetings, calls and deal
                         follow-ups while it is active, summing to 1 over the person's ties
                         (hand-logged touches and the scenario's script come on top); tie_kind
                         owner / team_colleague / engineer / former_owner / scenario; active_until
                         the last day the tie carries traffic (null: all along); the strongest tie
                         breaks equal strengths by the lower user_id
activity_truth           which generator made each activity, and its true account and contact
defects                  every injected (or naturally present) defect
news_labels              feed_file, item_guid, title, link, published, account_ids, event_type,
                         named_contact_ids, kind, duplicate_of: one row per item of each news feed
                         (simulator.news), written after the manifest (which it is not counted in)
scenario.json, manifest.json
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from simulator import names as N
from simulator import scenario as S
from simulator.defects import ContactRecord
from simulator.opportunities import Deals, contact_weights
from simulator.org import Org
from simulator.relationships import account_health
from simulator.ties import SHARE_DECIMALS, TIE_KINDS


def _dates(org: Org, d0: int, d1: int) -> pa.Array:
    first = org.calendar.date_of(d0)
    return pa.array(np.arange(np.datetime64(first), np.datetime64(first) + (d1 - d0)), pa.date32())


def _write(table: pa.Table, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp)
    tmp.replace(path)
    return path


# pyarrow's default row group length. Written one row group at a time, a file is byte for byte
# what a single write_table call makes of the whole table.
_ROW_GROUP_ROWS = 1024 * 1024


def _write_long(path: Path, ids: list[str], matrix: np.ndarray, rows: np.ndarray, days: slice, dates: pa.Array,
                id_name: str, value_name: str) -> tuple[Path, int]:
    """matrix[rows, days] as a long table (id, date, value; ids dictionary-encoded), one row group at a time.

    At 10M activities latent_health has 43M rows: built whole, the table and its temporaries took
    more than a gigabyte on top of the health matrix.
    """
    nd = len(dates)
    total = len(rows) * nd
    id_values = pa.array(ids, pa.string())
    day_values = np.asarray(dates.to_numpy(zero_copy_only=False))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    writer: pq.ParquetWriter | None = None
    for start in range(0, max(total, 1), _ROW_GROUP_ROWS):
        stop = min(start + _ROW_GROUP_ROWS, total)
        first, last = start // nd, -(-stop // nd)
        values = matrix[rows[first:last], days].ravel()[start - first * nd : stop - first * nd]
        position = np.arange(start, stop)
        table = pa.table({
            id_name: pa.DictionaryArray.from_arrays(pa.array((position // nd).astype(np.int32)), id_values),
            "date": pa.array(day_values[position % nd], pa.date32()),
            value_name: pa.array(np.round(values.astype(np.float64), 4)),
        })
        if writer is None:
            writer = pq.ParquetWriter(tmp, table.schema)
        writer.write_table(table)
    assert writer is not None
    writer.close()
    tmp.replace(path)
    return path, total


def write_ground_truth(truth_dir: Path, org: Org, deals: Deals, health: np.ndarray, records: list[ContactRecord],
                       defects: list[dict[str, object]], activity_truth_rows: int, scenario: dict[str, object],
                       parameters: dict[str, object], extract_counts: dict[str, int]) -> tuple[list[Path], dict[str, int]]:
    """Write every truth file; returns paths and row counts."""
    cal = org.calendar
    ws, nd = cal.window_offset, cal.n_days
    dates = _dates(org, ws, nd)
    paths: list[Path] = []
    counts: dict[str, int] = {}

    def put(name: str, table: pa.Table) -> None:
        paths.append(_write(table, truth_dir / f"{name}.parquet"))
        counts[name] = table.num_rows

    def put_long(name: str, ids: list[str], matrix: np.ndarray, rows: np.ndarray, days: slice, id_name: str,
                 value_name: str) -> None:
        path, counts[name] = _write_long(truth_dir / f"{name}.parquet", ids, matrix, rows, days, dates, id_name, value_name)
        paths.append(path)

    persons = np.array([r.person for r in records], dtype=np.int64)
    put_long("latent_health", [r.contact_id for r in records], health, persons, slice(ws, nd), "contact_id", "latent_health")
    acct = account_health(health, org.persons.account, org.persons.role, org.accounts.n, ws, nd)
    put_long("account_latent_health", org.accounts.account_id, acct, np.arange(org.accounts.n), slice(None), "account_id", "value")
    put("opportunity_latent_health", _opportunity_health(org, deals, health))
    put("opportunity_outcomes", _outcomes(org, deals))
    put("contacts_truth", _contacts(org, records))
    put("relationship_ties", _ties(org, records))
    # activity_truth.parquet was streamed by the batch writer; only its count is recorded here.
    paths.append(truth_dir / "activity_truth.parquet")
    counts["activity_truth"] = activity_truth_rows
    put("defects", _defects(defects))
    paths.append(_json(truth_dir / "scenario.json", scenario))
    manifest = {"parameters": parameters, "extract_rows": extract_counts, "truth_rows": dict(sorted(counts.items())),
                "window": {"start": cal.start.isoformat(), "end": cal.end.isoformat()},
                "defect_counts": _defect_counts(defects)}
    paths.append(_json(truth_dir / "manifest.json", manifest))
    return paths, counts


NEWS_LABEL_SCHEMA = pa.schema([
    ("feed_file", pa.string()), ("item_guid", pa.string()), ("title", pa.string()), ("link", pa.string()),
    ("published", pa.timestamp("s", tz="UTC")), ("account_ids", pa.list_(pa.string())), ("event_type", pa.string()),
    ("named_contact_ids", pa.list_(pa.string())), ("kind", pa.string()), ("duplicate_of", pa.string()),
])


def write_news_labels(truth_dir: Path, rows: list[dict[str, object]]) -> tuple[Path, int]:
    """news_labels.parquet: what each news feed item is about (simulator.news writes the feeds)."""
    table = pa.Table.from_pylist(rows, schema=NEWS_LABEL_SCHEMA)
    return _write(table, truth_dir / "news_labels.parquet"), table.num_rows


def _json(path: Path, payload: dict[str, object]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    return path


def _opportunity_health(org: Org, deals: Deals, health: np.ndarray) -> pa.Table:
    cal = org.calendar
    ws, end = cal.window_offset, cal.n_days - 1
    until = deals.active_until(end)
    by_deal: dict[int, list[int]] = {}
    for i, d in enumerate(deals.oc_deal):
        by_deal.setdefault(d, []).append(i)
    ids, days, values = [], [], []
    for d in range(deals.n):
        lo, hi = max(deals.created[d], ws), int(until[d])
        rows = by_deal.get(d, [])
        if hi < lo or not rows:
            continue
        people = np.array([deals.oc_person[i] for i in rows])
        w = contact_weights(np.array([deals.oc_role[i] for i in rows]), np.array([deals.oc_primary[i] for i in rows]))
        v = (health[people, lo : hi + 1].astype(np.float64) * w[:, None]).sum(axis=0) / w.sum()
        ids += [deals.opp_id[d]] * v.size
        days.append(np.arange(lo, hi + 1))
        values.append(v)
    day_arr = np.concatenate(days) if days else np.zeros(0, np.int64)
    first = np.datetime64(cal.first_day)
    return pa.table({
        "opportunity_id": pa.array(ids, pa.string()),
        "date": pa.array(first + day_arr.astype("timedelta64[D]"), pa.date32()),
        "value": pa.array(np.round(np.concatenate(values), 4) if values else np.zeros(0)),
    })


def _outcomes(org: Org, deals: Deals) -> pa.Table:
    cal = org.calendar
    return pa.table({
        "opportunity_id": pa.array(deals.opp_id, pa.string()),
        "account_id": pa.array([org.accounts.account_id[a] for a in deals.account], pa.string()),
        "status": pa.array(deals.status, pa.string()),
        "created_date": pa.array([cal.date_of(d) for d in deals.created], pa.date32()),
        "closed_date": pa.array([cal.date_of(d) if d >= 0 else None for d in deals.closed], pa.date32()),
        "won_probability_true": pa.array(np.round(np.asarray(deals.p_true), 4)),
        "decision_maker_latent_health": pa.array(np.round(np.asarray(deals.dm_health), 4)),
        "slips": pa.array(deals.slips, pa.int32()),
        "stage_rank": pa.array(deals.stage_rank, pa.int32()),
        "amount": pa.array(deals.amount, pa.float64()),
    })


def _contacts(org: Org, records: list[ContactRecord]) -> pa.Table:
    p, users = org.persons, org.users
    owner = org.person_user()
    other = _strongest_other_user(org)
    return pa.table({
        "contact_id": pa.array([r.contact_id for r in records], pa.string()),
        "person_contact_id": pa.array([records[r.person].contact_id for r in records], pa.string()),
        "true_account_id": pa.array([org.accounts.account_id[p.account[r.person]] for r in records], pa.string()),
        "true_role": pa.array([N.ROLE_NAMES[int(p.role[r.person])] for r in records], pa.string()),
        "timezone": pa.array([org.zones.zones[int(p.zone[r.person])] for r in records], pa.string()),
        "primary_user_id": pa.array([users.user_id[int(owner[r.person])] for r in records], pa.string()),
        "secondary_user_id": pa.array([users.user_id[int(other[r.person])] if other[r.person] >= 0 else None for r in records], pa.string()),
    })


def _user_rank(org: Org) -> np.ndarray:
    """Each user's position in user_id order: equal tie strengths go to the lower user_id."""
    rank = np.empty(org.users.n, dtype=np.int64)
    rank[np.argsort(np.array(org.users.user_id), kind="stable")] = np.arange(org.users.n)
    return rank


def _strongest_other_user(org: Org) -> np.ndarray:
    """Per person, the user of the strongest tie other than the owner's, -1 when there is none."""
    ties = org.ties
    slot = ties.strongest_non_owner(_user_rank(org))
    return np.where(slot >= 0, ties.user[np.arange(ties.n), np.maximum(slot, 0)], -1)


def _ties(org: Org, records: list[ContactRecord]) -> pa.Table:
    ties, users, cal = org.ties, org.users, org.calendar
    rank = _user_rank(org)
    rows = np.arange(ties.n)
    strongest = np.zeros(ties.user.shape, bool)
    strongest[rows, ties.strongest(rank)] = True
    other_slot = ties.strongest_non_owner(rank)
    strongest_other = np.zeros(ties.user.shape, bool)
    strongest_other[rows[other_slot >= 0], other_slot[other_slot >= 0]] = True
    person = np.array([r.person for r in records], dtype=np.int64)
    # One row per (record, tie), records in order, each person's ties strongest first.
    order = ties.ranked(rank)[person]
    rec = np.repeat(np.arange(person.size), order.shape[1])
    slot = order.ravel()
    p = person[rec]
    keep = ties.user[p, slot] >= 0
    rec, slot, p = rec[keep], slot[keep], p[keep]
    user = ties.user[p, slot]
    until = ties.until[p, slot]
    ends = until < cal.n_days
    last_day = np.datetime64(cal.first_day) + (until - 1).astype("timedelta64[D]")
    return pa.table({
        "contact_id": pa.array([records[i].contact_id for i in rec.tolist()], pa.string()),
        "user_id": pa.array([users.user_id[u] for u in user.tolist()], pa.string()),
        "tie_strength": pa.array(np.round(ties.share[p, slot], SHARE_DECIMALS), pa.float64()),
        "tie_kind": pa.array([TIE_KINDS[k] for k in ties.kind[p, slot].tolist()], pa.string()),
        "active_until": pa.array(np.where(ends, last_day, np.datetime64("NaT")), pa.date32(), mask=~ends),
        "is_strongest": pa.array(strongest[p, slot]),
        "is_strongest_non_owner": pa.array(strongest_other[p, slot]),
    })


def _defects(rows: list[dict[str, object]]) -> pa.Table:
    rows = sorted(rows, key=lambda r: (str(r["defect_type"]), str(r["entity_type"]), str(r["entity_id"]), str(r["start_date"])))
    return pa.table({
        "defect_type": pa.array([r["defect_type"] for r in rows], pa.string()),
        "entity_type": pa.array([r["entity_type"] for r in rows], pa.string()),
        "entity_id": pa.array([r["entity_id"] for r in rows], pa.string()),
        "detail": pa.array([r["detail"] for r in rows], pa.string()),
        "start_date": pa.array([r["start_date"] for r in rows], pa.date32()),
        "end_date": pa.array([r["end_date"] for r in rows], pa.date32()),
    })


def _defect_counts(rows: list[dict[str, object]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in rows:
        out[str(r["defect_type"])] = out.get(str(r["defect_type"]), 0) + 1
    return dict(sorted(out.items()))


def scenario_document(org: Org, deals: Deals, records: list[ContactRecord]) -> dict[str, object]:
    """Identifiers of everything the scenario involves (scenario.json)."""
    ids = org.scenario
    users, persons = org.users, org.persons
    end = org.calendar.end
    return {
        "seller": {"user_id": users.user_id[ids.avery], "full_name": users.full_name[ids.avery], "email": users.email[ids.avery]},
        "manager": {"user_id": users.user_id[ids.manager], "full_name": users.full_name[ids.manager]},
        "colleague": {"user_id": users.user_id[ids.colleague], "full_name": users.full_name[ids.colleague],
                      "knows": records[ids.director].contact_id},
        "account": {"account_id": org.accounts.account_id[ids.account], "name": org.accounts.name[ids.account],
                    "segment": "enterprise", "domain": org.accounts.domains[ids.account][0]},
        "opportunity": {"opportunity_id": deals.opp_id[0], "name": deals.name[0], "amount": S.DEAL_AMOUNT,
                        "stage": "Propose", "stage_rank": S.DEAL_STAGE_RANK, "status": "open"},
        "primary_contact": {"contact_id": records[ids.director].contact_id, "full_name": persons.full_name(ids.director),
                            "title": persons.title[ids.director], "email": persons.email[ids.director]},
        "engaged_contact": {"contact_id": records[ids.operations].contact_id, "full_name": persons.full_name(ids.operations),
                            "title": persons.title[ids.operations], "email": persons.email[ids.operations]},
        "quiet_from": (end.fromordinal(end.toordinal() - S.QUIET_DAYS + 1)).isoformat(),
        "expected_health": {"opportunity_before": ">= 0.6", "opportunity_at_end": "0.4-0.6"},
    }
