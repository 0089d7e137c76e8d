"""Salesforce exports -> canonical extract.

Input: a folder with one CSV or Parquet file per object, named after the object (`Task.csv`,
`task.csv`) or as sync tools name them (`sf_task_data.csv`). Column names may be the API names
(`WhoId`, `ActivityDate`) or their snake-case form (`who_id`, `activity_date`): both normalise to
the same key. Datetimes are UTC (`Z`, `+0000` or no offset).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ingest.connectors.base import ConnectorConfig, ConversionReport
from ingest.connectors.crm.activity import Activity, meeting_status
from ingest.connectors.crm.addresses import domain_of_url, normalize_email, split_addresses
from ingest.connectors.crm.conversion import Conversion, convert_export
from ingest.connectors.crm.export_files import ExportLayout, Row, Tables
from ingest.connectors.crm.records import convert_records, current_records, is_deleted
from ingest.connectors.crm.timestamps import latest_timestamp, zone
from ingest.connectors.crm.values import full_name, html_to_text, parse_bool, parse_number, percentage

CONNECTOR = "salesforce"

OBJECTS: dict[str, tuple[str, ...]] = {
    "task": ("Task",),
    "event": ("Event",),
    "emailmessage": ("EmailMessage",),
    "emailmessagerelation": ("EmailMessageRelation",),
    "contact": ("Contact",),
    "lead": ("Lead",),
    "account": ("Account",),
    "opportunity": ("Opportunity",),
    "opportunitycontactrole": ("OpportunityContactRole",),
    "opportunityhistory": ("OpportunityHistory",),
    "opportunitystage": ("OpportunityStage",),
    "user": ("User",),
    "userrole": ("UserRole",),
}

# Key prefixes of record ids, for lookups whose target object the export does not name.
ACCOUNT_PREFIX, OPPORTUNITY_PREFIX = "001", "006"
# User types that are not the organisation's own staff (portal, community, guest, automation).
EXTERNAL_USER_TYPES = frozenset({
    "powerpartner", "powercustomersuccess", "customersuccess", "cspliteportal", "guest",
    "selfservice", "automatedprocess",
})
CONTACT_ROLES = {
    "decision maker": "decision_maker", "economic buyer": "decision_maker",
    "economic decision maker": "decision_maker", "executive sponsor": "decision_maker",
    "influencer": "influencer", "evaluator": "influencer", "technical buyer": "influencer",
    "champion": "champion", "business user": "user", "user": "user",
}
EMAIL_DRAFT_STATUSES = frozenset({"5", "draft"})
NO_SHOW_FLAGS = ("NoShow__c", "No_Show__c")  # a common custom checkbox on Event / Task


def normalize_column(name: str) -> str:
    """`WhoId`, `who_id` and `WHOID` are one column; custom `No_Show__c` matches `no_show_c`."""
    return name.strip().lower().replace("_", "")


def _check_history_columns(tables: Tables) -> None:
    history = tables.get("opportunityhistory")
    if history is not None:
        # The OpportunityHistory object, or a history-mode sync of Opportunity (one row per version).
        if history.has("OpportunityId"):
            history.require("OpportunityId", "StageName", "CreatedDate")
        else:
            history.require("Id", "StageName", ("_fivetran_start", "OpportunityId"))


EXPORT = ExportLayout(
    label="Salesforce",
    objects=OBJECTS,
    normalize_column=normalize_column,
    required_columns={
        "task": ("Id", ("ActivityDate", "CompletedDateTime", "CreatedDate")),
        "event": ("Id", ("StartDateTime", "ActivityDateTime", "ActivityDate")),
        "emailmessage": ("Id", ("MessageDate", "CreatedDate")),
        "emailmessagerelation": ("EmailMessageId", "RelationType", ("RelationAddress", "RelationId")),
        "contact": ("Id",),
        "lead": ("Id",),
        "account": ("Id", "Name"),
        "opportunity": ("Id", "AccountId", "OwnerId", "Name", "StageName", "CreatedDate"),
        "opportunitycontactrole": ("OpportunityId", "ContactId"),
        "opportunitystage": (("ApiName", "MasterLabel"),),
        "user": ("Id", "Email"),
        "userrole": ("Id", "Name"),
    },
    check=_check_history_columns,
)


def convert(input_dir: Path, out_dir: Path, *, batch_name: str, config: ConnectorConfig) -> ConversionReport:
    """Convert a Salesforce export folder into one canonical extract batch."""
    return convert_export(EXPORT, CONNECTOR, _Context, input_dir, out_dir, batch_name=batch_name, config=config)


def _without_id(row: Row) -> str:
    return f"{row.table.name}: row without Id"


class _Context:
    """State shared while converting one export: lookups between the objects."""

    def __init__(self, conv: Conversion, tables: Tables):
        self.conv = conv
        self.t = tables
        self.user_email: dict[str, str] = {}
        self.user_zone: dict[str, dt.tzinfo] = {}
        self.account_ids: set[str] = set()
        self.person_email: dict[str, str] = {}  # contacts and leads
        self.person_name: dict[str, str] = {}
        self.contact_ids: set[str] = set()
        self.opp_account: dict[str, str] = {}
        self.opp_stage_status: dict[tuple[str, str], str] = {}
        self.stages: dict[str, tuple[int | None, bool | None, bool | None]] = {}
        self.linked_tasks: set[str] = set()  # Tasks that an EmailMessage already stands for
        self.messages: dict[str, Activity] = {}
        self.message_creator: dict[str, str | None] = {}
        rows = [r for k in ("task", "event", "emailmessage") if self.t[k] for r in self.t[k].rows]
        # Moment the export reflects: events that ended before it are taken as held.
        self.export_time = latest_timestamp(rows, ("SystemModstamp", "LastModifiedDate", "CreatedDate", "_fivetran_synced"), conv.naive_zone)

    def run(self) -> None:
        """Master data first: activities resolve their owners, people and deals through it."""
        for step in (self.users, self.accounts, self.people, self.opportunities, self.contact_roles, self.stage_history,
                     self.email_messages, self.tasks, self.events):
            step()

    # ----------------------------------------------------------------- master data

    def users(self) -> None:
        roles = {r.get("Id"): r.get("Name") for r in self.conv.rows(self.t["userrole"]) if r.get("Id")}
        for row, user_id in current_records(self.conv, self.t["user"], ("Id",), "user"):
            user_type = (row.get("UserType") or "").lower()
            if user_type in EXTERNAL_USER_TYPES:
                self.conv.reject(row.ref, f"user {user_id} is not an internal user (UserType {row.get('UserType')})")
                continue
            email = normalize_email(row.get("Email"))
            if email is None:
                self.conv.reject(row.ref, f"user {user_id} has no e-mail address", detail=f"Email={row.get('Email')}")
                continue
            tz = zone(row.get("TimeZoneSidKey"))
            name = row.get("Name") or full_name(row.get("FirstName"), row.get("LastName")) or email
            self.user_email[user_id] = email
            self.conv.know(email, name, internal=True)
            if tz is not None:
                self.user_zone[user_id] = tz
            self.conv.add("users", {
                "user_id": user_id,
                "full_name": name,
                "email": email,
                "manager_user_id": row.get("ManagerId"),
                "team": row.get("Department") or roles.get(row.get("UserRoleId")),
                "title": row.get("Title"),
                "timezone": row.get("TimeZoneSidKey") if tz is not None else None,
                "is_active": parse_bool(row.get("IsActive")),
            })

    def accounts(self) -> None:
        convert_records(self.conv, self.t["account"], ("Id",), "account", self._account)

    def _account(self, row: Row, account_id: str) -> None:
        name = row.get("Name")
        if not name:
            self.conv.reject(row.ref, f"account {account_id} has no name")
            return
        created = self.conv.date(row.get("CreatedDate"), "CreatedDate")
        domain = domain_of_url(row.get("Website"))
        self.account_ids.add(account_id)
        self.conv.add("accounts", {
            "account_id": account_id,
            "name": name,
            "domains": [domain] if domain else [],
            "industry": row.get("Industry"),
            "owner_user_id": row.get("OwnerId"),
            "created_date": created,
        })

    def people(self) -> None:
        """Contacts (canonical rows) and leads (only their addresses, for activity participants)."""
        convert_records(self.conv, self.t["contact"], ("Id",), "contact", self._contact)
        for row, lead_id in current_records(self.conv, self.t["lead"], ("Id",), "lead"):
            email = normalize_email(row.get("Email"))
            if email:
                self.person_email[lead_id] = email
            name = row.get("Name") or full_name(row.get("FirstName"), row.get("LastName"))
            if name:
                self.person_name[lead_id] = name

    def _contact(self, row: Row, contact_id: str) -> None:
        email = normalize_email(row.get("Email"))
        name = row.get("Name") or full_name(row.get("FirstName"), row.get("LastName")) or email
        if not name:
            self.conv.reject(row.ref, f"contact {contact_id} has neither a name nor an e-mail address")
            return
        created = self.conv.date(row.get("CreatedDate"), "CreatedDate")
        self.contact_ids.add(contact_id)
        self.person_name[contact_id] = name
        if email:
            self.person_email[contact_id] = email
            self.conv.know(email, name)
        self.conv.add("contacts", {
            "contact_id": contact_id,
            "account_id": row.get("AccountId"),
            "full_name": name,
            "email": email,
            "title": row.get("Title"),
            "created_date": created,
        })

    def opportunities(self) -> None:
        for row in self.conv.rows(self.t["opportunitystage"]):
            order = row.get("SortOrder")
            info = (int(float(order)) if order and order.replace(".", "", 1).isdigit() else None,
                    parse_bool(row.get("IsClosed")), parse_bool(row.get("IsWon")))
            for key in {row.get("ApiName"), row.get("MasterLabel")} - {None}:
                self.stages[key.lower()] = info
        convert_records(self.conv, self.t["opportunity"], ("Id",), "opportunity", self._add_opportunity)

    def _add_opportunity(self, row: Row, opp_id: str) -> None:
        mapped = self._opportunity(row, opp_id)
        self.opp_account[opp_id] = mapped["account_id"]
        self.opp_stage_status[(opp_id, mapped["stage"])] = mapped["status"]
        self.conv.add("opportunities", mapped)

    def _opportunity(self, row: Row, opp_id: str) -> dict[str, Any]:
        missing = [c for c in ("AccountId", "OwnerId", "Name", "StageName", "CreatedDate") if not row.get(c)]
        if missing:
            raise ValueError(f"no {', '.join(missing)}")
        stage = row.get("StageName") or ""
        rank, _, _ = self.stages.get(stage.lower(), (None, None, None))
        status = self._status(stage, parse_bool(row.get("IsClosed")), parse_bool(row.get("IsWon")))
        close = self.conv.date(row.get("CloseDate"), "CloseDate")
        return {
            "opportunity_id": opp_id,
            "account_id": row.get("AccountId"),
            "owner_user_id": row.get("OwnerId"),
            "name": row.get("Name"),
            "stage": stage,
            "stage_rank": rank,
            "amount": parse_number(row.get("Amount")),
            "currency": row.get("CurrencyIsoCode"),
            "status": status,
            "created_date": self.conv.date(row.get("CreatedDate"), "CreatedDate"),
            "expected_close_date": close,
            # Salesforce moves CloseDate to the day the deal closed.
            "closed_date": close if status != "open" else None,
            "external_score": percentage(parse_number(row.get("Probability"))),
        }

    def _status(self, stage: str, is_closed: bool | None, is_won: bool | None) -> str:
        """open / won / lost from IsClosed and IsWon, else the stage's definition, else its name."""
        _, stage_closed, stage_won = self.stages.get(stage.lower(), (None, None, None))
        closed = is_closed if is_closed is not None else stage_closed
        won = is_won if is_won is not None else stage_won
        name = stage.lower()
        if closed is None:
            closed = "closed" in name or name in ("won", "lost")
        if not closed:
            return "open"
        if won is None:
            won = "won" in name
        return "won" if won else "lost"

    def contact_roles(self) -> None:
        seen: dict[tuple[str, str], int] = {}
        for row in self.conv.rows(self.t["opportunitycontactrole"]):
            opp_id, contact_id = row.get("OpportunityId"), row.get("ContactId")
            if not opp_id or not contact_id:
                self.conv.reject(row.ref, "contact role without OpportunityId or ContactId")
                continue
            if is_deleted(row):
                self.conv.reject(row.ref, f"contact role of {contact_id} on {opp_id} is deleted in the CRM")
                continue
            if (opp_id, contact_id) in seen:
                self.conv.reject(row.ref, f"contact {contact_id} already has a role on {opp_id} (row {seen[(opp_id, contact_id)]}); the first is kept")
                continue
            seen[(opp_id, contact_id)] = row.index
            role_name = (row.get("Role") or "").strip().lower()
            self.conv.add("opportunity_contacts", {
                "opportunity_id": opp_id,
                "contact_id": contact_id,
                "role": CONTACT_ROLES.get(role_name, "unknown" if role_name else None),
                "is_primary": parse_bool(row.get("IsPrimary")),
            })

    def stage_history(self) -> None:
        table = self.t["opportunityhistory"]
        object_form = table is not None and table.has("OpportunityId")
        seen: dict[tuple[str, dt.datetime], int] = {}
        for row in self.conv.rows(table):
            opp_id = row.get("OpportunityId") if object_form else row.get("Id")
            stage = row.get("StageName")
            if not opp_id or not stage:
                self.conv.reject(row.ref, "history row without opportunity id or StageName")
                continue
            if is_deleted(row):
                self.conv.reject(row.ref, f"history of opportunity {opp_id} is deleted in the CRM")
                continue
            try:
                changed = self.conv.timestamp(row.get("CreatedDate") if object_form else row.get("_fivetran_start"), "changed at")
                if changed is None:
                    raise ValueError("no time of change")
                close = self.conv.date(row.get("CloseDate"), "CloseDate")
                amount = parse_number(row.get("Amount"))
            except ValueError as exc:
                self.conv.reject(row.ref, f"history of opportunity {opp_id}: {exc}")
                continue
            if (opp_id, changed) in seen:
                self.conv.reject(row.ref, f"opportunity {opp_id} has another change at {changed.isoformat()} (row {seen[(opp_id, changed)]})")
                continue
            seen[(opp_id, changed)] = row.index
            status = self.opp_stage_status.get((opp_id, stage)) or self._status(
                stage, parse_bool(row.get("IsClosed")), parse_bool(row.get("IsWon")))
            self.conv.add("opportunity_stage_history", {
                "opportunity_id": opp_id,
                "changed_at": changed,
                "stage": stage,
                "stage_rank": self.stages.get(stage.lower(), (None, None, None))[0],
                "amount": amount,
                "expected_close_date": close,
                "status": status,
            })

    # ----------------------------------------------------------------- activities

    def _regarding(self, what_id: str | None, account_id: str | None) -> tuple[str | None, str | None]:
        """(opportunity, account) an activity is logged against, from WhatId / RelatedToId."""
        opp = None
        if what_id and (what_id in self.opp_account or what_id.startswith(OPPORTUNITY_PREFIX)):
            opp = what_id
        elif what_id and (what_id in self.account_ids or what_id.startswith(ACCOUNT_PREFIX)):
            account_id = account_id or what_id
        return opp, account_id or self.opp_account.get(opp or "")

    def _add_person(self, activity: Activity, row: Row, role: str, person_id: str | None) -> None:
        """Add a contact, lead or user by id; an unknown address is recorded, not silently lost."""
        if not person_id:
            return
        email = self.person_email.get(person_id) or self.user_email.get(person_id)
        if email is None:
            self.conv.reject(f"{row.ref}/WhoId", f"participant {person_id} has no known e-mail address",
                             detail=f"activity {activity.activity_id}; the activity is kept without this participant")
            return
        activity.add_party(role, email, self.person_name.get(person_id))

    def email_messages(self) -> None:
        messages = self.conv.first_claims(self.conv.identified_rows(self.t["emailmessage"], "Id", _without_id))
        self.conv.convert_each(messages, self._message, what="EmailMessage", activity=True)
        self._message_relations()
        users_by_email = {email: uid for uid, email in self.user_email.items()}
        for message_id, activity in self.messages.items():
            # Owner: the user who sent it, or for incoming mail the first user it was sent to.
            roles = ("sender",) if activity.direction != "in" else ("to", "cc", "bcc")
            owner = next((users_by_email[p.email] for p in activity.parties if p.role in roles and p.email in users_by_email), None)
            activity.owner_user_id = owner or self.message_creator.get(message_id)
            activity.fill_owner_side(self.user_email.get(activity.owner_user_id or ""))
            self.conv.add_activity(activity)

    def _message(self, row: Row, message_id: str) -> None:
        if row.get("ActivityId"):
            self.linked_tasks.add(row.get("ActivityId") or "")
        started = self.conv.timestamp(row.get("MessageDate"), "MessageDate") or self.conv.timestamp(row.get("CreatedDate"), "CreatedDate")
        if started is None:
            raise ValueError("no MessageDate")
        incoming = parse_bool(row.get("Incoming"))
        if is_deleted(row) or (row.get("Status") or "").lower() in EMAIL_DRAFT_STATUSES:
            rule = "deleted_in_crm" if is_deleted(row) else "email_draft"
            self.conv.exclude(message_id, rule, activity_type="email", started_at=started,
                              sender=row.get("FromAddress"), subject=row.get("Subject"), ref=row.ref)
            return
        opp, account = self._regarding(row.get("RelatedToId"), None)
        activity = Activity(
            activity_id=message_id, activity_type="email", started_at=started, status="completed",
            source="synced", ref=row.ref, subject=row.get("Subject"),
            thread_id=row.get("ThreadIdentifier"), parent_activity_id=row.get("ReplyToEmailMessageId"),
            internet_message_id=row.get("MessageIdentifier"), regarding_opportunity_id=opp,
            regarding_account_id=account,
            body_text=row.get("TextBody") or html_to_text(row.get("HtmlBody")),
            direction="in" if incoming else "out" if incoming is False else None,
        )
        activity.add_party("sender", row.get("FromAddress"), row.get("FromName"))
        for field, role in (("ToAddress", "to"), ("CcAddress", "cc"), ("BccAddress", "bcc")):
            for name, address in split_addresses(row.get(field)):
                activity.add_party(role, address, name)
        self.messages[message_id] = activity
        self.message_creator[message_id] = row.get("CreatedById")

    def _message_relations(self) -> None:
        roles = {"fromaddress": "sender", "toaddress": "to", "ccaddress": "cc", "bccaddress": "bcc"}
        for row in self.conv.rows(self.t["emailmessagerelation"]):
            message_id = row.get("EmailMessageId")
            activity = self.messages.get(message_id or "")
            if activity is None:
                if not message_id or not self.conv.claimed(message_id):
                    self.conv.reject(row.ref, f"EmailMessage {message_id} is not among the e-mails read")
                continue
            role = roles.get((row.get("RelationType") or "").lower())
            if role is None:
                self.conv.reject(row.ref, f"unknown RelationType {row.get('RelationType')!r}")
                continue
            relation_id = row.get("RelationId") or ""
            address = row.get("RelationAddress") or self.person_email.get(relation_id) or self.user_email.get(relation_id)
            if not activity.add_party(role, address, self.person_name.get(relation_id)):
                self.conv.reject(row.ref, f"{role} of EmailMessage {message_id} has no e-mail address",
                                 detail=f"RelationId={relation_id or None} RelationAddress={row.get('RelationAddress')}")

    def tasks(self) -> None:
        rows = self.conv.identified_rows(self.t["task"], "Id", _without_id)
        # A Task an EmailMessage stands for was converted with that message already.
        tasks = self.conv.first_claims(rows, is_copy=lambda row, task_id: task_id in self.linked_tasks)
        self.conv.convert_each(tasks, lambda row, task_id: self._finish(self._task(row, task_id)), what="Task", activity=True)

    def _task(self, row: Row, task_id: str) -> Activity | None:
        subtype = (row.get("TaskSubtype") or "").lower()
        task_type = (row.get("Type") or "").lower()
        call_type = row.get("CallType")
        owner = row.get("OwnerId")
        # A Task has only a due date: noon of that day in the owner's time zone (see Conversion.day_at_noon).
        started = (self.conv.timestamp(row.get("CompletedDateTime"), "CompletedDateTime")
                   or self.conv.day_at_noon(row.get("ActivityDate"), "ActivityDate", self.user_zone.get(owner or ""))
                   or self.conv.timestamp(row.get("CreatedDate"), "CreatedDate"))
        if started is None:
            raise ValueError("no ActivityDate, CompletedDateTime or CreatedDate")

        if subtype == "call" or call_type or task_type == "call":
            kind = "call"
        elif subtype in ("email", "listemail") or task_type == "email":
            kind = "email"
        elif task_type == "meeting":
            kind = "meeting"
        else:
            kind = None
        rule = None
        if is_deleted(row):
            rule = "deleted_in_crm"
        elif subtype == "listemail":
            rule = "bulk_email"
        elif subtype == "linkedin":
            rule = "unsupported_channel"
        elif kind is None:
            rule = "not_an_interaction"  # a to-do, not a contact with the customer
        if rule is not None:
            self.conv.exclude(task_id, rule, detail=f"TaskSubtype={row.get('TaskSubtype') or ''} Type={row.get('Type') or ''}",
                              activity_type=kind, started_at=started, subject=row.get("Subject"), ref=row.ref)
            return None

        ended = None
        duration = parse_number(row.get("CallDurationInSeconds"))
        if kind == "call" and duration:
            ended = started + dt.timedelta(seconds=duration)
        opp, account = self._regarding(row.get("WhatId"), row.get("AccountId"))
        direction = "in" if (call_type or "").lower() == "inbound" else "out"
        activity = Activity(
            activity_id=task_id, activity_type=kind, started_at=started, ended_at=ended,
            status=self._task_status(row), source="dialer" if kind == "call" and call_type else "manual",
            ref=row.ref, subject=row.get("Subject"), regarding_opportunity_id=opp,
            regarding_account_id=account, owner_user_id=owner, direction=direction,
        )
        role = {"call": "caller" if direction == "in" else "callee", "email": "to", "meeting": "attendee"}[kind]
        self._add_person(activity, row, role, row.get("WhoId"))
        return activity

    @staticmethod
    def _task_status(row: Row) -> str:
        if any(parse_bool(row.get(f)) for f in NO_SHOW_FLAGS):
            return "no_show"
        status = (row.get("Status") or "").lower()
        closed = parse_bool(row.get("IsClosed"))
        if "cancel" in status:
            return "cancelled"
        if "no show" in status or "no-show" in status:
            return "no_show"
        if status == "completed" or closed:
            return "completed"
        if status or closed is False:
            return "scheduled"  # Not Started / In Progress / Waiting / Deferred: still to happen
        return "completed"  # no status at all: a logged activity records something that happened

    def events(self) -> None:
        rows = self.conv.identified_rows(self.t["event"], "Id", _without_id)
        # IsChild rows are the invitees' copies of a group event.
        events = self.conv.first_claims(rows, is_copy=lambda row, event_id: bool(parse_bool(row.get("IsChild"))))
        self.conv.convert_each(events, lambda row, event_id: self._finish(self._event(row, event_id)), what="Event", activity=True)

    def _event(self, row: Row, event_id: str) -> Activity | None:
        owner = row.get("OwnerId")
        started = (self.conv.first_timestamp(row, "StartDateTime", "ActivityDateTime")
                   or self.conv.day_at_noon(row.get("ActivityDate"), "ActivityDate", self.user_zone.get(owner or "")))
        if started is None:
            raise ValueError("no StartDateTime, ActivityDateTime or ActivityDate")
        ended = self.conv.timestamp(row.get("EndDateTime"), "EndDateTime")
        minutes = parse_number(row.get("DurationInMinutes"))
        if ended is None and minutes:
            ended = started + dt.timedelta(minutes=minutes)
        if ended is not None and ended < started:
            ended = None
        kind = "call" if (row.get("Type") or "").lower() == "call" else "meeting"
        if is_deleted(row):
            self.conv.exclude(event_id, "deleted_in_crm", activity_type=kind, started_at=started,
                              subject=row.get("Subject"), ref=row.ref)
            return None
        no_show = any(parse_bool(row.get(f)) for f in NO_SHOW_FLAGS)
        opp, account = self._regarding(row.get("WhatId"), row.get("AccountId"))
        activity = Activity(
            activity_id=event_id, activity_type=kind, started_at=started, ended_at=ended,
            status="no_show" if no_show else meeting_status(ended or started, self.export_time),
            source="manual", ref=row.ref, subject=row.get("Subject"), regarding_opportunity_id=opp,
            regarding_account_id=account, owner_user_id=owner, direction="out",
        )
        self._add_person(activity, row, "callee" if kind == "call" else "attendee", row.get("WhoId"))
        return activity

    def _finish(self, activity: Activity | None) -> None:
        """Add a converted Task or Event (None: it was excluded) with its owner on the internal side."""
        if activity is None:
            return
        activity.fill_owner_side(self.user_email.get(activity.owner_user_id or ""))
        self.conv.add_activity(activity)
