"""An activity being assembled from CRM rows: its participants, and its status when the CRM leaves it open."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ingest import contract
from ingest.connectors.crm.addresses import normalize_email


@dataclass
class Party:
    role: str
    email: str
    name: str | None = None
    status: str | None = None


@dataclass
class Activity:
    """An activity being assembled; parties may be added until it is handed to `Conversion`."""

    activity_id: str
    activity_type: str
    started_at: dt.datetime
    status: str
    source: str
    ref: str
    ended_at: dt.datetime | None = None
    subject: str | None = None
    thread_id: str | None = None
    parent_activity_id: str | None = None
    internet_message_id: str | None = None
    regarding_opportunity_id: str | None = None
    regarding_account_id: str | None = None
    owner_user_id: str | None = None
    body_text: str | None = None
    body_sentiment: float | None = None  # derived from body_text when the batch is written
    # "out" or "in" when the export says so; only used to place the owner when no party names them.
    direction: str | None = None
    parties: list[Party] = field(default_factory=list)

    def add_party(self, role: str, email: str | None, name: str | None = None, status: str | None = None) -> bool:
        """Add a participant by address; False when the value is not an address."""
        address = normalize_email(email)
        if address is None:
            return False
        for party in self.parties:
            if party.role == role and party.email == address:
                party.name = party.name or name
                party.status = party.status or status
                return True
        self.parties.append(Party(role, address, name, status))
        return True

    def has_role(self, *roles: str) -> bool:
        return any(p.role in roles for p in self.parties)

    def fill_owner_side(self, owner_email: str | None) -> None:
        """Put the owner on the internal side when the export names nobody there.

        CRMs often record only the customer side of a logged activity (a Task's WhoId, a HubSpot
        engagement's associated contacts); the owner is the seller who sent, organised or placed it.
        """
        if not owner_email:
            return
        if self.activity_type == "email":
            if self.direction == "in":
                if not self.has_role("to", "cc", "bcc"):
                    self.add_party("to", owner_email)
            elif not self.has_role("sender"):
                self.add_party("sender", owner_email)
        elif self.activity_type == "meeting":
            if not self.has_role("organizer"):
                self.add_party("organizer", owner_email)
        elif self.activity_type == "call":
            role = "callee" if self.direction == "in" else "caller"
            if not self.has_role(role):
                self.add_party(role, owner_email)

    def row(self) -> dict[str, Any]:
        """The `activities` row: the contract's columns are this class's fields of the same name."""
        return {name: getattr(self, name) for name in contract.entity("activities").column_names}


def meeting_status(end_or_start: dt.datetime, export_time: dt.datetime | None) -> str:
    """Status of a meeting the CRM leaves open: held once it ended before the export was taken.

    Calendar-synced meetings are rarely marked complete in a CRM, so "open" in the CRM says
    nothing about whether the meeting happened; its time relative to the export does.
    """
    if export_time is None or end_or_start <= export_time:
        return "completed"
    return "scheduled"
