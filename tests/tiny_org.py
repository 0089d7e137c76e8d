"""A hand-made organisation small enough to check every resolved value by eye.

Cases it holds: a reply across time zones (New York → Berlin), a CC'd contact, a contact writing
from her second address, an unknown external address, an internal-only thread, a meeting with an
accepted and a declined attendee, a dialer call, machine and human opens.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ingest.extract_writer import write_batch

NEW_YORK = dt.timezone(dt.timedelta(hours=-5))
BERLIN = dt.timezone(dt.timedelta(hours=1))
UTC = dt.timezone.utc


def at(y: int, m: int, d: int, hh: int, mm: int, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=tz)


def write_tiny_org(extract_dir: Path) -> None:
    """Write the tiny organisation's extracts (one master batch, one activity batch)."""
    write_batch(extract_dir, "users", "2025-03-31", [
        {"user_id": "u-avery", "full_name": "Avery Quinn", "email": "Avery.Quinn@harborline.io",
         "email_aliases": ["aquinn@harborline.io"], "manager_user_id": "u-morgan", "job_role": "seller"},
        {"user_id": "u-morgan", "full_name": "Morgan Lee", "email": "morgan.lee@harborline.io", "job_role": "manager"},
    ])
    write_batch(extract_dir, "accounts", "2025-03-31", [
        {"account_id": "a-blue", "name": "Blue Ridge Hotel Group", "domains": ["blueridgehotels.com"],
         "segment": "enterprise", "owner_user_id": "u-avery"},
        {"account_id": "a-acme", "name": "Acme Corp", "domains": ["acme.com"], "segment": "smb", "owner_user_id": "u-avery"},
    ])
    write_batch(extract_dir, "contacts", "2025-03-31", [
        {"contact_id": "c-jordan", "account_id": "a-blue", "full_name": "Jordan Ellis",
         "email": "jordan.ellis@blueridgehotels.com", "email_aliases": ["J.Ellis@BlueRidgeHotels.com"],
         "title": "Director of Procurement", "role": "decision_maker"},
        {"contact_id": "c-sam", "account_id": "a-blue", "full_name": "Sam Ortiz",
         "email": "sam.ortiz@blueridgehotels.com", "title": "Regional Operations Manager", "role": "influencer"},
        {"contact_id": "c-pat", "account_id": "a-acme", "full_name": "Pat Kim", "email": "pat@acme.com", "role": "champion"},
    ])
    write_batch(extract_dir, "opportunities", "2025-03-31", [
        {"opportunity_id": "o-blue", "account_id": "a-blue", "owner_user_id": "u-avery", "name": "Blue Ridge suite",
         "stage": "Propose", "stage_rank": 3, "amount": 210000.0, "status": "open",
         "created_date": dt.date(2025, 1, 15), "expected_close_date": dt.date(2025, 6, 30)},
    ])
    write_batch(extract_dir, "opportunity_contacts", "2025-03-31", [
        {"opportunity_id": "o-blue", "contact_id": "c-jordan", "role": "decision_maker", "is_primary": True},
        {"opportunity_id": "o-blue", "contact_id": "c-sam", "role": "influencer", "is_primary": False},
    ])
    activities = [
        # Avery writes Jordan (CC Sam) at 09:00 New York = 14:00 UTC.
        {"activity_id": "e1", "activity_type": "email", "started_at": at(2025, 3, 3, 9, 0, NEW_YORK),
         "status": "completed", "source": "synced", "subject": "Proposal", "thread_id": "t1",
         "regarding_opportunity_id": "o-blue", "owner_user_id": "u-avery", "body_text": "Please find the proposal attached."},
        # Jordan answers from her second address at 16:30 Berlin = 15:30 UTC: 90 minutes later.
        {"activity_id": "e2", "activity_type": "email", "started_at": at(2025, 3, 3, 16, 30, BERLIN),
         "status": "completed", "source": "synced", "subject": "RE: Proposal", "thread_id": "t1",
         "parent_activity_id": "e1", "owner_user_id": "u-avery",
         "body_text": "Thanks, this looks great and the pricing works for us.\n\nOn Mon Avery wrote:\n> Please find"},
        # Avery answers Jordan the next morning: 17:30 UTC later = 1050 minutes.
        {"activity_id": "e3", "activity_type": "email", "started_at": at(2025, 3, 4, 4, 0, NEW_YORK),
         "status": "completed", "source": "synced", "subject": "RE: RE: Proposal", "thread_id": "t1",
         "parent_activity_id": "e2", "owner_user_id": "u-avery"},
        # Internal-only thread.
        {"activity_id": "e4", "activity_type": "email", "started_at": at(2025, 3, 4, 10, 0, NEW_YORK),
         "status": "completed", "source": "synced", "subject": "Blue Ridge forecast", "thread_id": "t2", "owner_user_id": "u-avery"},
        # To an address nobody knows.
        {"activity_id": "e5", "activity_type": "email", "started_at": at(2025, 3, 5, 10, 0, UTC),
         "status": "completed", "source": "synced", "subject": "Intro", "thread_id": "t3", "owner_user_id": "u-avery"},
        {"activity_id": "m1", "activity_type": "meeting", "started_at": at(2025, 3, 6, 15, 0, UTC),
         "ended_at": at(2025, 3, 6, 16, 0, UTC), "status": "completed", "source": "synced", "subject": "Review",
         "regarding_account_id": "a-blue", "owner_user_id": "u-avery"},
        {"activity_id": "k1", "activity_type": "call", "started_at": at(2025, 3, 7, 14, 0, UTC),
         "ended_at": at(2025, 3, 7, 14, 12, UTC), "status": "completed", "source": "dialer", "owner_user_id": "u-avery"},
    ]
    parties = [
        ("e1", "sender", "avery.quinn@harborline.io"), ("e1", "to", "Jordan.Ellis@blueridgehotels.com"),
        ("e1", "cc", "sam.ortiz@blueridgehotels.com"),
        ("e2", "sender", "j.ellis@blueridgehotels.com"), ("e2", "to", "aquinn@harborline.io"),
        ("e3", "sender", "avery.quinn@harborline.io"), ("e3", "to", "jordan.ellis@blueridgehotels.com"),
        ("e4", "sender", "avery.quinn@harborline.io"), ("e4", "to", "morgan.lee@harborline.io"),
        ("e5", "sender", "avery.quinn@harborline.io"), ("e5", "to", "someone@unknown-corp.org"),
        ("m1", "organizer", "avery.quinn@harborline.io"), ("m1", "attendee", "jordan.ellis@blueridgehotels.com"),
        ("m1", "attendee", "pat@acme.com"),
        ("k1", "caller", "avery.quinn@harborline.io"), ("k1", "callee", "pat@acme.com"),
    ]
    status = {("m1", "jordan.ellis@blueridgehotels.com"): "accepted", ("m1", "pat@acme.com"): "declined"}
    # Bodies written, as an organisation's own extract may carry them: landing must not keep them.
    write_batch(extract_dir, "activities", "2025-03", activities, keep_bodies=True)
    write_batch(extract_dir, "activity_parties", "2025-03", [
        {"activity_id": a, "party_role": r, "email_address": e, "participation_status": status.get((a, e))}
        for a, r, e in parties
    ])
    write_batch(extract_dir, "email_events", "2025-03", [
        {"event_id": "ev1", "activity_id": "e1", "event_type": "delivered", "occurred_at": at(2025, 3, 3, 14, 0, UTC)},
        {"event_id": "ev2", "activity_id": "e1", "event_type": "open", "occurred_at": at(2025, 3, 3, 14, 0, UTC),
         "recipient_email": "jordan.ellis@blueridgehotels.com", "is_machine_open": True},
        {"event_id": "ev3", "activity_id": "e1", "event_type": "open", "occurred_at": at(2025, 3, 3, 15, 10, UTC),
         "recipient_email": "jordan.ellis@blueridgehotels.com", "is_machine_open": False},
        {"event_id": "ev4", "activity_id": "e1", "event_type": "click", "occurred_at": at(2025, 3, 3, 15, 11, UTC),
         "recipient_email": "jordan.ellis@blueridgehotels.com"},
    ])
