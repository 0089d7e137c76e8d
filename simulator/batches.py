"""Turning generated traffic into extract batches, one per calendar month.

Activities get their identifiers here, in time order, before defects remove some (so a missing
activity leaves a gap in the numbering and a dangling reply reference, as a real capture gap
does). Replies and tracking events that happen in a later month than their thread started are
held back and written with that month's batch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ingest.extract_writer import write_batch, write_text_columns
from ingest.sentiment import sentiment
from simulator import parts as P
from simulator.defects import DefectPlan, keep_mask
from simulator.opportunities import STAGES, Deals
from simulator.org import INTERNAL_DOMAIN, Org
from simulator.timeutil import DAY, business_seconds, epoch_day, iso_timestamps, to_datetimes

_PREFIX = {P.KIND_EMAIL: "e-", P.KIND_MEETING: "m-", P.KIND_CALL: "p-"}


@dataclass
class ActivityWriter:
    out_dir: Path
    fmt: str
    org: Org
    deals: Deals
    record_of_person: list[str]  # contact_id of each person's main record
    next_activity: int = 1
    next_event: int = 1
    pending_acts: list[pd.DataFrame] = field(default_factory=list)
    pending_parties: list[pd.DataFrame] = field(default_factory=list)
    pending_events: list[pd.DataFrame] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"activities": 0, "activity_parties": 0, "email_events": 0})
    files: list[Path] = field(default_factory=list)
    truth_path: Path | None = None  # activity_truth.parquet, written a month at a time
    truth_rows: int = 0
    keep_bodies: bool = False  # write e-mail bodies, not only their sentiment
    _truth_writer: pq.ParquetWriter | None = None

    def add(self, part: P.Part, plan: DefectPlan, rng: np.random.Generator) -> None:
        """Number a month's generated traffic, apply defects, and queue it for writing."""
        if part.n == 0:
            return
        cal = self.org.calendar
        acts = part.acts.sort_values(["utc", "key"], kind="stable").reset_index(drop=True)
        n = len(acts)
        numbers = np.arange(self.next_activity, self.next_activity + n)
        self.next_activity += n
        kinds = acts["kind"].to_numpy()
        ids = np.array([f"{_PREFIX[k]}{num:08d}" for k, num in zip(kinds.tolist(), numbers.tolist())], dtype=object)
        id_of_key = np.empty(n, dtype=object)
        id_of_key[acts["key"].to_numpy()] = ids
        parent = acts["parent"].to_numpy()
        # Explicit object dtype: pandas would otherwise infer a string dtype and turn None into NaN.
        acts["aid"] = pd.Series(ids, index=acts.index, dtype=object)
        acts["parent_id"] = pd.Series(np.where(parent >= 0, id_of_key[np.maximum(parent, 0)], None), index=acts.index, dtype=object)
        # Defects and the window: nothing before the start, nothing after the end but booked meetings.
        keep = keep_mask(acts, plan, self.org, rng)
        utc = acts["utc"].to_numpy()
        keep &= utc >= cal.start_utc
        keep &= (utc < cal.end_utc) | (acts["status"].to_numpy() == P.SCHEDULED)
        kept_keys = np.zeros(n, bool)
        kept_keys[acts["key"].to_numpy()[keep]] = True
        acts = acts[keep]
        parties = part.parties[kept_keys[part.parties["key"].to_numpy()]].copy()
        parties["aid"] = pd.Series(id_of_key[parties["key"].to_numpy()], index=parties.index, dtype=object)
        events = part.events[kept_keys[part.events["key"].to_numpy()]]
        events = events.sort_values(["utc", "key", "etype"], kind="stable").reset_index(drop=True)
        events["aid"] = pd.Series(id_of_key[events["key"].to_numpy()], index=events.index, dtype=object)
        m = len(events)
        events["eid"] = pd.Series([f"ev-{i:09d}" for i in range(self.next_event, self.next_event + m)], index=events.index, dtype=object)
        self.next_event += m
        # Parties keep the activity's time so they can follow it into the right batch.
        parties["utc"] = pd.Series(acts["utc"].to_numpy(), index=acts["key"].to_numpy()).reindex(parties["key"].to_numpy()).to_numpy()
        self.pending_acts.append(acts)
        self.pending_parties.append(parties)
        self.pending_events.append(events)

    def flush(self, batch: str, until_utc: int | None) -> None:
        """Write everything queued before until_utc (None: everything) as batch `batch`."""
        acts, self.pending_acts = _split(self.pending_acts, until_utc)
        parties, self.pending_parties = _split(self.pending_parties, until_utc)
        events, self.pending_events = _split(self.pending_events, until_utc)
        acts = acts.sort_values(["utc", "aid"], kind="stable")
        parties = parties.sort_values(["utc", "aid", "role", "address"], kind="stable")
        events = events.sort_values(["utc", "eid"], kind="stable")
        self._write("activities", batch, acts, self._activity_columns)
        self._write("activity_parties", batch, parties, _party_columns)
        self._write("email_events", batch, events, _event_columns)
        if len(acts):
            self._write_truth(acts)

    def _write_truth(self, acts: pd.DataFrame) -> None:
        """Append this batch's activities to activity_truth (streamed: 10M rows never sit in memory)."""
        if self.truth_path is None:
            return
        table = pa.table({
            "activity_id": pa.array(acts["aid"].tolist(), pa.string()),
            "generator": pa.array([_GENERATORS[g] for g in acts["gen"].tolist()], pa.string()),
            "account_id": pa.array([self.org.accounts.account_id[a] for a in acts["acct"].tolist()], pa.string()),
            "contact_id": pa.array([self.record_of_person[p] for p in acts["person"].tolist()], pa.string()),
        })
        if self._truth_writer is None:
            self.truth_path.parent.mkdir(parents=True, exist_ok=True)
            self._truth_writer = pq.ParquetWriter(self._truth_tmp, table.schema)
        self._truth_writer.write_table(table)
        self.truth_rows += table.num_rows

    @property
    def _truth_tmp(self) -> Path:
        assert self.truth_path is not None
        return self.truth_path.with_name(f".{self.truth_path.name}.tmp")

    def close(self) -> None:
        """Finish the streamed truth file (an empty one when nothing was written)."""
        if self.truth_path is None:
            return
        if self._truth_writer is None:
            self.truth_path.parent.mkdir(parents=True, exist_ok=True)
            empty = pa.table({c: pa.array([], pa.string()) for c in ("activity_id", "generator", "account_id", "contact_id")})
            pq.write_table(empty, self._truth_tmp)
        else:
            self._truth_writer.close()
        self._truth_tmp.replace(self.truth_path)

    def _write(self, entity: str, batch: str, frame: pd.DataFrame,
               render: Callable[[pd.DataFrame], dict[str, list[str | None]]]) -> None:
        """Write one batch of an entity; an empty month still gets its (header-only) file."""
        n_rows = len(frame)
        columns = render(frame) if n_rows else {}
        self.files.append(write_text_columns(self.out_dir, entity, batch, columns, n_rows, self.fmt))
        self.counts[entity] += n_rows

    def _activity_columns(self, acts: pd.DataFrame) -> dict[str, list[str | None]]:
        """The activities in the contract's text form, column by column (what write_batch makes of row dicts)."""
        org, deals = self.org, self.deals
        aid = acts["aid"].tolist()
        thread = acts["thread"].tolist()
        bodies = acts["body"].tolist()
        internet_ids = [
            None if kind != P.KIND_EMAIL
            else f"<{a}.{t}@mail.{INTERNAL_DOMAIN}>" if dom == INTERNAL_DOMAIN else f"<{a}.{t}@{dom}>"
            for a, t, kind, dom in zip(aid, thread, acts["kind"].tolist(), acts["sender_domain"].tolist())
        ]
        return {
            "activity_id": aid,
            "activity_type": _names(P.KINDS, acts["kind"]),
            "started_at": iso_timestamps(acts["utc"].to_numpy(), acts["off"].to_numpy()),
            "ended_at": iso_timestamps(acts["end_utc"].to_numpy(), acts["end_off"].to_numpy()),
            "status": _names(P.STATUSES, acts["status"]),
            "source": _names(P.SOURCES, acts["source"]),
            "subject": acts["subject"].tolist(),
            "thread_id": [f"t-{t:08d}" if t >= 0 else None for t in thread],
            "parent_activity_id": acts["parent_id"].tolist(),
            "internet_message_id": internet_ids,
            "regarding_opportunity_id": _names(deals.opp_id, acts["opp"]),
            "regarding_account_id": _names(org.accounts.account_id, acts["reg_acct"]),
            "owner_user_id": np.array(org.users.user_id, dtype=object)[acts["owner"].to_numpy()].tolist(),
            "body_text": bodies if self.keep_bodies else [None] * len(bodies),
            "body_sentiment": _sentiments(bodies),
        }


def _names(values: Sequence[str], index: pd.Series) -> list[str | None]:
    """values[i] for each index i, None where it is negative (no such thing)."""
    table = np.array([*values, None], dtype=object)  # index -1 reads the None at the end
    idx = index.to_numpy()
    return table[np.where(idx >= 0, idx, len(values))].tolist()


def _sentiments(bodies: list[str | None]) -> list[str | None]:
    """body_sentiment as write_batch renders it: no body, no value; otherwise the score's repr (None if no own words)."""
    scores = [None if b is None else sentiment(b) for b in bodies]
    return [None if s is None else repr(float(s)) for s in scores]


_GENERATORS = ("thread", "meeting", "call", "manual", "gaming_burst", "manual_no_response", "scenario")


def _split(frames: list[pd.DataFrame], until_utc: int | None) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({"utc": pd.Series(dtype="int64"), "aid": pd.Series(dtype="object"), "eid": pd.Series(dtype="object"),
                             "role": pd.Series(dtype="int64"), "address": pd.Series(dtype="object")}), []
    allf = pd.concat(frames, ignore_index=True)
    if until_utc is None:
        return allf, []
    now = allf["utc"].to_numpy() < until_utc
    return allf[now], [allf[~now]]


def _party_columns(parties: pd.DataFrame) -> dict[str, list[str | None]]:
    return {
        "activity_id": parties["aid"].tolist(),
        "party_role": _names(P.PARTY_ROLES, parties["role"]),
        "email_address": parties["address"].tolist(),
        "display_name": parties["name"].tolist(),
        "participation_status": _names(P.PARTICIPATION, parties["part"]),
    }


def _event_columns(events: pd.DataFrame) -> dict[str, list[str | None]]:
    return {
        "event_id": events["eid"].tolist(),
        "activity_id": events["aid"].tolist(),
        "event_type": _names(P.EVENT_TYPES, events["etype"]),
        "occurred_at": iso_timestamps(events["utc"].to_numpy(), events["off"].to_numpy()),
        "recipient_email": events["recipient"].tolist(),
        "is_machine_open": _names(("false", "true"), events["machine"]),
        "user_agent": events["ua"].tolist(),
        "link_url": events["link"].tolist(),
    }


def write_stage_history(out_dir: Path, fmt: str, org: Org, deals: Deals, rng: np.random.Generator) -> tuple[list[Path], int]:
    """CRM field history, one batch per month of change (deals opened before the window included)."""
    hist = sorted(deals.history, key=lambda r: (r[1], r[0]))
    if not hist:
        return [], 0
    deal = np.array([h[0] for h in hist])
    day = np.array([h[1] for h in hist])
    zone = org.users.zone[np.asarray(deals.owner)[deal]]
    local = (epoch_day(org.calendar.first_day) + day) * DAY + business_seconds(rng, deal.size)
    # Two changes of one deal on one day get distinct times (changed_at is part of the key).
    seen: dict[tuple[int, int], int] = {}
    bump = np.zeros(deal.size, dtype=np.int64)
    for i, key in enumerate(zip(deal.tolist(), day.tolist())):
        bump[i] = seen.get(key, 0)
        seen[key] = bump[i] + 1
    utc = org.zones.local_to_utc(zone, local) + bump * 420
    when = to_datetimes(utc, org.zones.offset_at(zone, utc))
    by_month: dict[str, list[dict[str, object]]] = {}
    for i, (d, dd, rank, amt, exp, st) in enumerate(hist):
        month = org.calendar.date_of(dd).strftime("%Y-%m")
        by_month.setdefault(month, []).append({
            "opportunity_id": deals.opp_id[d], "changed_at": when[i], "stage": STAGES[rank - 1], "stage_rank": rank,
            "amount": amt, "expected_close_date": org.calendar.date_of(exp), "status": st,
        })
    files = []
    for month in sorted(by_month):
        rows = sorted(by_month[month], key=lambda r: (r["changed_at"].astimezone(dt.timezone.utc), r["opportunity_id"]))
        files.append(write_batch(out_dir, "opportunity_stage_history", month, rows, fmt))
    return files, len(hist)
