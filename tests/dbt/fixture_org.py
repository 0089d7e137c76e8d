"""A tiny sales organisation in the canonical extract format, built to exercise the dbt models.

Every case the resolution and reply logic must handle appears at least once: a reply across
time zones, a CC'd contact who answers, an unknown address, an internal-only thread, one contact
with two addresses, plus-addressing, case differences, an address two contacts share, the same
e-mail captured in two mailboxes, a later batch that supersedes a row, and a row landing refuses.
The later batches also change earlier activities (a new contact for an old address, a third copy of
an old message with a smaller id, replies and opens of old e-mails, an e-mail moved to another
thread), so a night that takes them in must rebuild more than its own activities.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ingest.extract_writer import write_batch

BATCH_1 = "2025-10-01"
BATCH_2 = "2025-10-02"
BATCH_3 = "2025-10-04"
AS_OF_DATE = "2025-10-05"
INTERNAL_DOMAINS = "harborline.co.uk"

AVERY = "avery.quinn@harborline.io"
SAM = "sam.ito@harborline.io"
JORDAN = "jordan.ellis@blueridgehotels.com"
PRIYA = "priya.shah@blueridgehotels.com"
LEE = "lee.chen@coastalinns.com"
PAT = "pat.doe@gmail.com"
MORGAN = "morgan.lee@coastalinns.com"


def ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


USERS = [
    dict(user_id="u-avery", full_name="Avery Quinn", email=" Avery.Quinn@Harborline.io ", email_aliases=["AQuinn@harborline.io"],
         manager_user_id="u-morgan", team="Hospitality East", title="Account Executive", job_role="seller",
         timezone="America/New_York", is_active=True),
    dict(user_id="u-morgan", full_name="Morgan Lee", email="morgan.lee@harborline.io", job_role="manager",
         timezone="America/New_York"),
    dict(user_id="u-sam", full_name="Sam Ito", email=SAM, manager_user_id="u-morgan", job_role="seller",
         timezone="Europe/London"),
]

ACCOUNTS = [
    dict(account_id="a-0001", name="Blue Ridge Hotel Group", aliases=["Blue Ridge Hotels", "BRHG"],
         domains=["blueridgehotels.com"], segment="enterprise", industry="Hospitality", owner_user_id="u-avery",
         created_date=dt.date(2024, 11, 2)),
    dict(account_id="a-0002", name="Coastal Inns", domains=["coastalinns.com"], segment="smb", owner_user_id="u-sam"),
]

CONTACTS = [
    dict(contact_id="c-001", account_id="a-0001", full_name="Jordan Ellis", email=JORDAN,
         email_aliases=["J.Ellis@BlueRidgeHotels.com"], title="Director of Procurement", role="decision_maker"),
    dict(contact_id="c-002", account_id="a-0001", full_name="Priya Shah", email=PRIYA, title="Ops Manager",
         role="influencer"),
    dict(contact_id="c-003", account_id="a-0002", full_name="Lee Chen", email=LEE, role="champion"),
    dict(contact_id="c-004", account_id="a-0002", full_name="Front Desk", email="info@coastalinns.com"),
    dict(contact_id="c-005", account_id="a-0002", full_name="Dana Fox", email="dana.fox@coastalinns.com",
         email_aliases=["INFO@coastalinns.com"]),
    # a title a spreadsheet would run as a formula: lands as written, flagged by hygiene
    dict(contact_id="c-006", full_name="Pat Doe", email=PAT, title='=HYPERLINK("http://x.example")'),
]

CONTACTS_BATCH_2 = [
    dict(contact_id="c-002", account_id="a-0001", full_name="Priya Shah", email=PRIYA,
         title="Director of Operations", role="influencer"),
    # a contact added after we first wrote to her: the earlier e-mail (e-017) is hers now
    dict(contact_id="c-007", account_id="a-0002", full_name="Morgan Lee", email=MORGAN),
]

OPPORTUNITIES = [
    dict(opportunity_id="o-001", account_id="a-0001", owner_user_id="u-avery",
         name="Blue Ridge - property management suite", stage="Propose", stage_rank=3, amount=210000.0,
         currency="USD", status="open", created_date=dt.date(2025, 6, 2), expected_close_date=dt.date(2025, 12, 15),
         external_score=64.0),
    dict(opportunity_id="o-002", account_id="a-0002", owner_user_id="u-sam", name="Coastal Inns - renewal",
         stage="Closed Won", stage_rank=6, amount=18000.0, currency="USD", status="won",
         created_date=dt.date(2025, 5, 1), closed_date=dt.date(2025, 9, 30)),
]

OPPORTUNITY_CONTACTS = [
    dict(opportunity_id="o-001", contact_id="c-001", role="decision_maker", is_primary=True),
    dict(opportunity_id="o-001", contact_id="c-002", role="influencer", is_primary=False),
    dict(opportunity_id="o-002", contact_id="c-003", role="champion", is_primary=True),
]


def _email(activity_id: str, started_at: str, thread: str, sender: str, to: list[str], cc: list[str] = (),
           owner: str = "u-avery", parent: str | None = None, body: str | None = None,
           message_id: str | None = None, **extra: Any) -> tuple[dict, list[dict]]:
    activity = dict(activity_id=activity_id, activity_type="email", started_at=ts(started_at), status="completed",
                    source="synced", subject=f"subject of {activity_id}", thread_id=thread,
                    parent_activity_id=parent, owner_user_id=owner, body_text=body,
                    internet_message_id=message_id, **extra)
    parties = [dict(activity_id=activity_id, party_role="sender", email_address=sender)]
    parties += [dict(activity_id=activity_id, party_role="to", email_address=a) for a in to]
    parties += [dict(activity_id=activity_id, party_role="cc", email_address=a) for a in cc]
    return activity, parties


def _meeting(activity_id: str, started_at: str, ended_at: str | None, status: str, organizer: str,
             attendees: dict[str, str | None], activity_type: str = "meeting", owner: str = "u-avery",
             source: str = "synced", **extra: Any) -> tuple[dict, list[dict]]:
    first, other = ("organizer", "attendee") if activity_type == "meeting" else ("caller", "callee")
    activity = dict(activity_id=activity_id, activity_type=activity_type, started_at=ts(started_at),
                    ended_at=ts(ended_at) if ended_at else None, status=status, source=source,
                    owner_user_id=owner, **extra)
    parties = [dict(activity_id=activity_id, party_role=first, email_address=organizer)]
    parties += [dict(activity_id=activity_id, party_role=other, email_address=a, participation_status=s)
                for a, s in attendees.items()]
    return activity, parties


ACTIVITY_BATCH_1 = [
    # outbound e-mail, the contact's address in mixed case, a colleague in CC
    _email("e-001", "2025-10-01T09:00:00-04:00", "t-1", AVERY, ["Jordan.Ellis@BlueRidgeHotels.com"], [SAM],
           regarding_opportunity_id="o-001",
           body="Hi Jordan, attached is the proposal. Looking forward to your thoughts."),
    # the reply, from the contact's second address, written in London: 150 minutes later
    _email("e-002", "2025-10-01T16:30:00+01:00", "t-1", "j.ellis@blueridgehotels.com", [AVERY],
           body="Thanks, the pricing works for us. Great job!"),
    # our alias in odd case, to a plus-address of a contact
    _email("e-003", "2025-10-02T10:00:00-04:00", "t-2", "AQuinn@Harborline.io", ["Priya.Shah+Deals@blueridgehotels.com"],
           regarding_account_id="a-0001"),
    # her reply from India, linked by parent: 750 minutes later
    _email("e-004", "2025-10-03T08:00:00+05:30", "t-2", PRIYA, [AVERY], parent="e-003"),
    # an internal-only thread
    _email("e-005", "2025-10-02T11:00:00-04:00", "t-3", AVERY, [SAM]),
    _email("e-006", "2025-10-02T17:00:00+01:00", "t-3", SAM, [AVERY], owner="u-sam"),
    # the customer writes first; we answer 30 minutes later (thread, no parent)
    _email("e-007", "2025-10-03T09:00:00-07:00", "t-4", LEE, [AVERY]),
    _email("e-008", "2025-10-03T12:30:00-04:00", "t-4", AVERY, [LEE]),
    # an unknown external address; the e-mail bounces
    _email("e-009", "2025-10-03T10:00:00-04:00", "t-5", AVERY, ["stranger@unknownco.com"]),
    # an address two contacts share: reported, not guessed; the account is still known
    _email("e-010", "2025-10-03T08:00:00+00:00", "t-6", "info@coastalinns.com", [SAM], owner="u-sam"),
    # the same message captured in two mailboxes
    _email("e-011", "2025-10-04T09:00:00-04:00", "t-7", AVERY, [LEE], [SAM], message_id="<m11@harborline.io>"),
    _email("e-011-copy", "2025-10-04T09:00:00-04:00", "t-7", AVERY, [LEE], [SAM], owner="u-sam",
           message_id="<m11@harborline.io>"),
    # a CC'd contact answers (thread, no parent): 120 minutes later
    _email("e-012", "2025-10-04T10:00:00-04:00", "t-8", AVERY, [JORDAN], [PRIYA]),
    _email("e-013", "2025-10-04T18:00:00+02:00", "t-8", PRIYA, [AVERY], [JORDAN]),
    # internal senders without a user: a new colleague, and a configured extra domain
    _email("e-020", "2025-10-04T12:00:00+00:00", "t-9", "newhire@harborline.io", [JORDAN]),
    _email("e-021", "2025-10-04T12:30:00+00:00", "t-10", "ops@harborline.co.uk", [LEE]),
    # a contact without an account writes in from a personal address
    _email("e-022", "2025-10-04T13:00:00+00:00", "t-11", "Pat.Doe@Gmail.com", [AVERY]),
    # the contact writes in, we answer in the thread (a later batch moves our answer elsewhere)
    _email("e-014", "2025-10-04T14:00:00+00:00", "t-12", PAT, [AVERY]),
    _email("e-015", "2025-10-04T15:00:00+00:00", "t-12", AVERY, [PAT]),
    # to an address no contact had yet (CONTACTS_BATCH_2 adds her)
    _email("e-017", "2025-10-04T16:00:00+00:00", "t-14", AVERY, [MORGAN]),
    # meetings and calls
    _meeting("m-001", "2025-10-02T14:00:00-04:00", "2025-10-02T15:00:00-04:00", "scheduled", AVERY,
             {JORDAN: "accepted", PRIYA: "accepted", SAM: "accepted"}, regarding_opportunity_id="o-001"),
    _meeting("m-002", "2025-10-03T10:00:00-07:00", None, "no_show", SAM, {LEE: "no_show"}, owner="u-sam"),
    _meeting("m-003", "2025-10-04T10:00:00-04:00", None, "cancelled", AVERY, {JORDAN: "declined"}),
    _meeting("m-004", "2025-10-20T10:00:00-04:00", None, "scheduled", AVERY, {JORDAN: "accepted"}),
    _meeting("call-001", "2025-10-02T15:30:00-04:00", "2025-10-02T15:45:00-04:00", "completed", AVERY,
             {JORDAN: None}, activity_type="call", source="dialer"),
    _meeting("call-002", "2025-10-03T11:00:00+00:00", "2025-10-03T11:20:00+00:00", "completed", LEE,
             {SAM: None}, activity_type="call", owner="u-sam", source="dialer"),
    _meeting("call-003", "2025-10-04T13:00:00+00:00", None, "no_show", AVERY, {PRIYA: None},
             activity_type="call", source="dialer"),
]

# The meeting took place: the later batch supersedes the earlier row.
ACTIVITY_BATCH_2 = [
    _meeting("m-001", "2025-10-02T14:00:00-04:00", "2025-10-02T15:00:00-04:00", "completed", AVERY,
             {JORDAN: "attended", PRIYA: "no_show", SAM: "attended"}, regarding_opportunity_id="o-001"),
]

# The next day's mail, and changes to earlier e-mails.
ACTIVITY_BATCH_3 = [
    # a third mailbox's copy of e-011, with a smaller activity_id: the message's canonical activity now
    _email("e-0109", "2025-10-04T09:00:00-04:00", "t-7", AVERY, [LEE], [SAM], owner="u-sam",
           message_id="<m11@harborline.io>"),
    # Lee answers e-011, naming the copy in her mailbox as its parent
    _email("e-016", "2025-10-04T16:00:00-04:00", "t-7", LEE, [AVERY], parent="e-011-copy"),
    # Jordan answers the new colleague's e-mail in its thread
    _email("e-030", "2025-10-04T18:00:00+00:00", "t-9", JORDAN, ["newhire@harborline.io"]),
    # our answer to e-014 filed again under another thread: e-014 is unanswered now
    _email("e-015", "2025-10-04T15:00:00+00:00", "t-13", AVERY, [PAT]),
]

EMAIL_EVENTS_BATCH_3 = [
    # an open of an e-mail sent before
    dict(event_id="ev-8", activity_id="e-012", event_type="open", occurred_at=ts("2025-10-04T17:00:00-04:00"),
         recipient_email=JORDAN, is_machine_open=False),
]

EMAIL_EVENTS = [
    dict(event_id="ev-1", activity_id="e-001", event_type="delivered", occurred_at=ts("2025-10-01T09:00:05-04:00"),
         recipient_email=JORDAN),
    dict(event_id="ev-2", activity_id="e-001", event_type="open", occurred_at=ts("2025-10-01T09:00:10-04:00"),
         recipient_email=JORDAN, is_machine_open=True, user_agent="Mozilla/5.0 (via ggpht.com GoogleImageProxy)"),
    dict(event_id="ev-3", activity_id="e-001", event_type="open", occurred_at=ts("2025-10-01T10:15:00-04:00"),
         recipient_email=JORDAN, is_machine_open=False),
    dict(event_id="ev-4", activity_id="e-001", event_type="open", occurred_at=ts("2025-10-01T11:00:00-04:00"),
         recipient_email=JORDAN),
    dict(event_id="ev-5", activity_id="e-001", event_type="click", occurred_at=ts("2025-10-01T10:16:00-04:00"),
         recipient_email=JORDAN, link_url="https://harborline.io/proposal"),
    dict(event_id="ev-6", activity_id="e-009", event_type="bounce", occurred_at=ts("2025-10-03T10:00:30-04:00"),
         recipient_email="stranger@unknownco.com"),
    dict(event_id="ev-7", activity_id="e-011-copy", event_type="open", occurred_at=ts("2025-10-04T09:30:00-04:00"),
         recipient_email=LEE, is_machine_open=False),
]


def write_extracts(extract_dir: Path) -> None:
    """Write the organisation as extract batches (CSV), as a connector or the simulator would."""
    write_batch(extract_dir, "users", BATCH_1, USERS)
    write_batch(extract_dir, "accounts", BATCH_1, ACCOUNTS)
    write_batch(extract_dir, "contacts", BATCH_1, CONTACTS)
    write_batch(extract_dir, "contacts", BATCH_2, CONTACTS_BATCH_2)
    write_batch(extract_dir, "opportunities", BATCH_1, OPPORTUNITIES)
    write_batch(extract_dir, "opportunity_contacts", BATCH_1, OPPORTUNITY_CONTACTS)
    for batch, items in ((BATCH_1, ACTIVITY_BATCH_1), (BATCH_2, ACTIVITY_BATCH_2), (BATCH_3, ACTIVITY_BATCH_3)):
        write_batch(extract_dir, "activities", batch, [a for a, _ in items])
        write_batch(extract_dir, "activity_parties", batch, [p for _, ps in items for p in ps])
    write_batch(extract_dir, "email_events", BATCH_1, EMAIL_EVENTS)
    write_batch(extract_dir, "email_events", BATCH_3, EMAIL_EVENTS_BATCH_3)
    # A row landing must refuse (no UTC offset): it goes to the quarantine, not into the models.
    bad = extract_dir / "activities" / "2025-10-03.csv"
    bad.write_text(
        "activity_id,activity_type,started_at,status,source\n"
        "e-999,email,2025-10-03 09:00,completed,synced\n",
        encoding="utf-8",
    )
