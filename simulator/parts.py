"""A piece of generated traffic: activities, their parties and e-mail events, as data frames.

Generators number their activities with local keys 0..n-1; `concat` shifts keys (and parent
references) so pieces from different generators combine into one month of traffic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

KIND_EMAIL, KIND_MEETING, KIND_CALL = 0, 1, 2
KINDS = ("email", "meeting", "call")
STATUSES = ("completed", "scheduled", "cancelled", "no_show")
COMPLETED, SCHEDULED, CANCELLED, NO_SHOW = range(4)
SOURCES = ("synced", "manual", "dialer")
SYNCED, MANUAL, DIALER = range(3)
PARTY_ROLES = ("sender", "to", "cc", "bcc", "organizer", "attendee", "caller", "callee")
SENDER, TO, CC, BCC, ORGANIZER, ATTENDEE, CALLER, CALLEE = range(8)
PARTICIPATION = ("accepted", "declined", "tentative", "no_response", "attended", "no_show")
ACCEPTED, DECLINED, TENTATIVE, NO_RESPONSE, ATTENDED, ABSENT = range(6)
EVENT_TYPES = ("sent", "delivered", "open", "click", "reply", "bounce")
EV_SENT, EV_DELIVERED, EV_OPEN, EV_CLICK, EV_REPLY, EV_BOUNCE = range(6)

ACT_COLUMNS = (
    "key", "kind", "utc", "off", "end_utc", "end_off", "status", "source", "subject", "thread", "parent",
    "opp", "reg_acct", "owner", "body", "acct", "person", "sender_domain", "gen",
)
PARTY_COLUMNS = ("key", "role", "address", "name", "part")
EVENT_COLUMNS = ("key", "etype", "utc", "off", "recipient", "machine", "ua", "link")

# Which generator made an activity: kept for ground truth and tests, never written to extracts.
GEN_THREAD, GEN_MEETING, GEN_CALL, GEN_MANUAL, GEN_GAMING, GEN_NO_RESPONSE, GEN_SCENARIO = range(7)


@dataclass
class Part:
    acts: pd.DataFrame
    parties: pd.DataFrame
    events: pd.DataFrame

    @property
    def n(self) -> int:
        return len(self.acts)


def empty() -> Part:
    return Part(
        pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in ACT_COLUMNS}),
        pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in PARTY_COLUMNS}),
        pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in EVENT_COLUMNS}),
    )


def _dtype(col: str) -> str:
    if col in ("subject", "body", "sender_domain", "address", "name", "recipient", "ua", "link"):
        return "object"
    return "int64"


def frame(columns: dict[str, object], names: tuple[str, ...]) -> pd.DataFrame:
    """A data frame with exactly the given columns (object columns stay Python objects)."""
    out = {}
    for c in names:
        v = columns[c]
        out[c] = pd.Series(v, dtype="object") if _dtype(c) == "object" else pd.Series(np.asarray(v, dtype=np.int64))
    return pd.DataFrame(out)


def concat(parts: list[Part]) -> Part:
    """Combine parts, renumbering keys so they stay unique and parent links stay right."""
    parts = [p for p in parts if p.n]
    if not parts:
        return empty()
    acts, parties, events = [], [], []
    offset = 0
    for p in parts:
        # assign replaces the two key columns and shares the rest (text columns are most of a
        # month's memory at scale; copying every piece before concatenating held them twice).
        parent = p.acts["parent"].to_numpy()
        acts.append(p.acts.assign(key=p.acts["key"].to_numpy() + offset, parent=np.where(parent >= 0, parent + offset, parent)))
        parties.append(p.parties.assign(key=p.parties["key"].to_numpy() + offset))
        events.append(p.events.assign(key=p.events["key"].to_numpy() + offset))
        offset += p.n
    return Part(
        pd.concat(acts, ignore_index=True),
        pd.concat(parties, ignore_index=True),
        pd.concat(events, ignore_index=True),
    )
