"""Dynamics 365 / Dataverse exports -> canonical extract.

Input: a folder with one CSV or Parquet file per table, named after the table's logical name
(`email.csv`) or its Web API entity set (`emails.csv`), any case. Columns are Dataverse logical
names. Lookups may come in the plain form (`parentcustomerid`) or the Web API form
(`_parentcustomerid_value`); the lookup's target table is read from `<lookup>type`,
`<lookup>typecode`, `<lookup>_entitytype` or the `@Microsoft.Dynamics.CRM.lookuplogicalname`
annotation when the export has one, else from the ids of the tables read. Choice columns may hold
the number or the English label. Timestamps are UTC (what Dataverse stores and exports).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from ingest.connectors.base import ConnectorConfig, ConversionReport
from ingest.connectors.crm.activity import Activity, meeting_status
from ingest.connectors.crm.addresses import company_domain, domain_of_url, normalize_email, split_addresses
from ingest.connectors.crm.conversion import Conversion, convert_export
from ingest.connectors.crm.export_files import ExportLayout, Row, Tables
from ingest.connectors.crm.records import convert_records, current_records
from ingest.connectors.crm.timestamps import latest_timestamp
from ingest.connectors.crm.values import full_name, html_to_text, parse_bool, parse_number, percentage

CONNECTOR = "dynamics"

# Tables read, by logical name; a file may also be named after the Web API entity set (see _entity_set).
TABLES = ("email", "appointment", "phonecall", "activityparty", "contact", "account", "opportunity", "systemuser")

ACTIVITY_TYPES = {"email": "email", "appointment": "meeting", "phonecall": "call"}

# Object type codes of the tables a lookup can point to.
TYPE_CODES = {
    "1": "account", "2": "contact", "3": "opportunity", "4": "lead", "8": "systemuser", "9": "team",
    "112": "incident", "4400": "campaign", "4402": "campaignactivity", "4406": "bulkoperation",
}
TYPE_LABELS = {"user": "systemuser", "quick campaign": "bulkoperation", "campaign activity": "campaignactivity"}
BULK_REGARDING = frozenset({"bulkoperation", "campaignactivity"})

# activityparty.participationtypemask -> party role, per activity table. Regarding (8), owner (9),
# resource (10) and customer (11) are not participants.
PARTICIPATION = {
    "1": "sender", "sender": "sender", "2": "to", "to recipient": "to", "3": "cc", "cc recipient": "cc",
    "4": "bcc", "bcc recipient": "bcc", "5": "required", "required attendee": "required",
    "6": "optional", "optional attendee": "optional", "7": "organizer", "organizer": "organizer",
    "8": "regarding", "regarding": "regarding", "9": "owner", "owner": "owner",
    "10": "resource", "resource": "resource", "11": "customer", "customer": "customer",
}
NOT_PARTICIPANTS = frozenset({"regarding", "owner", "resource", "customer"})
ROLE_BY_TYPE = {
    "email": {"sender": "sender", "to": "to", "cc": "cc", "bcc": "bcc"},
    "meeting": {"organizer": "organizer", "required": "attendee", "optional": "attendee"},
    "call": {"sender": "caller", "to": "callee"},
}

# email.statuscode / statecode -> status, or an exclusion rule for mail that never went out.
EMAIL_STATUS = {
    "1": "exclude:email_draft", "draft": "exclude:email_draft",
    "2": "completed", "completed": "completed", "3": "completed", "sent": "completed",
    "4": "completed", "received": "completed", "5": "cancelled", "canceled": "cancelled",
    "6": "scheduled", "pending send": "scheduled", "7": "scheduled", "sending": "scheduled",
    "8": "exclude:email_failed", "failed": "exclude:email_failed",
}
EMAIL_STATE = {"0": "exclude:email_not_sent", "open": "exclude:email_not_sent", "1": "completed",
               "completed": "completed", "2": "cancelled", "canceled": "cancelled"}
# appointment / phonecall statecode: 0 open, 1 completed, 2 canceled, 3 scheduled (appointments).
ACTIVITY_STATE = {"0": "open", "open": "open", "1": "completed", "completed": "completed",
                  "2": "cancelled", "canceled": "cancelled", "3": "open", "scheduled": "open"}
CANCELLED_REASONS = frozenset({"canceled", "cancelled"})

OPPORTUNITY_STATE = {"0": "open", "open": "open", "1": "won", "won": "won", "2": "lost", "lost": "lost"}
SALES_STAGES = {"0": "Qualify", "1": "Develop", "2": "Propose", "3": "Close"}
# opportunityratingcode has no score; a coarse stand-in so that hot deals sort above cold ones.
RATING_SCORES = {"1": 75.0, "hot": 75.0, "2": 50.0, "warm": 50.0, "3": 25.0, "cold": 25.0}
CONTACT_ROLES = {"1": "decision_maker", "decision maker": "decision_maker", "2": "user", "employee": "user",
                 "3": "influencer", "influencer": "influencer"}

FORMATTED = "@odata.community.display.v1.formattedvalue"
LOGICAL_NAME = "@microsoft.dynamics.crm.lookuplogicalname"

_WEB_API_LOOKUP = re.compile(r"^_(.+)_value(@.*)?$")


def normalize_column(name: str) -> str:
    """Dataverse column key: lower case; `_x_value` (Web API lookup) becomes `x`."""
    key = name.strip().lower()
    m = _WEB_API_LOOKUP.match(key)
    return m.group(1) + (m.group(2) or "") if m else key


def _entity_set(table: str) -> str:
    """The Web API entity set of a table, its English plural: `email` -> `emails`, `opportunity` -> `opportunities`."""
    return table[:-1] + "ies" if table.endswith("y") else table + "s"


EXPORT = ExportLayout(
    label="Dynamics 365",
    objects={table: (table, _entity_set(table)) for table in TABLES},
    normalize_column=normalize_column,
    required_columns={
        "email": ("activityid", ("senton", "actualend", "actualstart", "createdon")),
        "appointment": ("activityid", ("actualstart", "scheduledstart")),
        "phonecall": ("activityid", ("actualstart", "scheduledstart", "actualend", "createdon")),
        "activityparty": ("activityid", "participationtypemask", ("addressused", "partyid")),
        "contact": ("contactid",),
        "account": ("accountid", "name"),
        "opportunity": ("opportunityid", "name", "statecode", "ownerid", "createdon",
                        ("parentaccountid", "customerid"), ("stepname", "salesstage", "salesstagecode")),
        "systemuser": ("systemuserid", ("internalemailaddress", "domainname", "windowsliveid")),
    },
)


def convert(input_dir: Path, out_dir: Path, *, batch_name: str, config: ConnectorConfig) -> ConversionReport:
    """Convert a Dynamics 365 / Dataverse export folder into one canonical extract batch."""
    return convert_export(EXPORT, CONNECTOR, _Context, input_dir, out_dir, batch_name=batch_name, config=config)


def _code(value: str | None) -> str | None:
    return value.strip().lower() if value else None


def _lookup_type(row: Row, lookup: str, *extra: str) -> str | None:
    """Logical name of the table a lookup points to, when the export says."""
    raw = row.get(lookup + LOGICAL_NAME, lookup + "type", lookup + "typecode", lookup + "_entitytype", *extra)
    if not raw:
        return None
    key = raw.strip().lower()
    return TYPE_CODES.get(key) or TYPE_LABELS.get(key) or key


class _Context:
    """State shared while converting one export: lookups between the tables."""

    def __init__(self, conv: Conversion, tables: Tables):
        self.conv = conv
        self.t = tables
        self.user_email: dict[str, str] = {}
        self.user_name: dict[str, str] = {}
        self.account_ids: set[str] = set()
        self.account_email: dict[str, str] = {}
        self.contact_email: dict[str, str] = {}
        self.contact_name: dict[str, str] = {}
        self.contact_account: dict[str, str] = {}
        self.opportunity_account: dict[str, str] = {}
        self.drafts: dict[str, Activity] = {}
        self.recipient_fields: dict[str, tuple[str | None, str | None]] = {}
        activity_rows = [r for k in ("email", "appointment", "phonecall") if self.t[k] for r in self.t[k].rows]
        # Moment the export reflects: meetings that ended before it are taken as held.
        self.export_time = latest_timestamp(activity_rows, ("modifiedon", "createdon", "overriddencreatedon"), conv.naive_zone)

    def run(self) -> None:
        """Master data first, then activities, their parties, and only then the finished activities."""
        for step in (self.users, self.accounts, self.contacts, self.opportunities, self.activities, self.parties,
                     self.finish_activities):
            step()

    # ----------------------------------------------------------------- master data

    def users(self) -> None:
        for row, user_id in current_records(self.conv, self.t["systemuser"], ("systemuserid",), "systemuser"):
            addresses = [normalize_email(row.get(c)) for c in ("internalemailaddress", "domainname", "windowsliveid")]
            addresses = list(dict.fromkeys(a for a in addresses if a))
            if not addresses:
                self.conv.reject(row.ref, f"systemuser {user_id} has no e-mail address (internalemailaddress)")
                continue
            email = addresses[0]
            name = row.get("fullname") or full_name(row.get("firstname"), row.get("lastname")) or email
            disabled = parse_bool(row.get("isdisabled"))
            self.user_email[user_id] = email
            self.user_name[user_id] = name
            for address in addresses:
                self.conv.know(address, name, internal=True)
            self.conv.add("users", {
                "user_id": user_id,
                "full_name": name,
                "email": email,
                "email_aliases": addresses[1:],
                "manager_user_id": row.get("parentsystemuserid"),
                "team": row.get("businessunitid" + FORMATTED, "businessunitidname", "businessunitid"),
                "title": row.get("title", "jobtitle"),
                "is_active": None if disabled is None else not disabled,
            })

    def accounts(self) -> None:
        convert_records(self.conv, self.t["account"], ("accountid",), "account", self._account)

    def _account(self, row: Row, account_id: str) -> None:
        name = row.get("name")
        if not name:
            self.conv.reject(row.ref, f"account {account_id} has no name")
            return
        created = self.conv.date(row.get("createdon"), "createdon")
        email = normalize_email(row.get("emailaddress1"))
        domains = [domain_of_url(row.get("websiteurl")), company_domain(email, self.conv.config)]
        industry = row.get("industrycode" + FORMATTED) or row.get("industrycode")
        self.account_ids.add(account_id)
        if email:
            self.account_email[account_id] = email
        self.conv.add("accounts", {
            "account_id": account_id,
            "name": name,
            "domains": list(dict.fromkeys(d for d in domains if d)),
            "industry": None if industry is None or industry.isdigit() else industry,
            "owner_user_id": row.get("ownerid"),
            "created_date": created,
        })

    def contacts(self) -> None:
        convert_records(self.conv, self.t["contact"], ("contactid",), "contact", self._contact)

    def _contact(self, row: Row, contact_id: str) -> None:
        addresses = [normalize_email(row.get(c)) for c in ("emailaddress1", "emailaddress2", "emailaddress3")]
        addresses = list(dict.fromkeys(a for a in addresses if a))
        name = row.get("fullname") or full_name(row.get("firstname"), row.get("lastname"))
        name = name or (addresses[0] if addresses else None)
        if not name:
            self.conv.reject(row.ref, f"contact {contact_id} has neither a name nor an e-mail address")
            return
        created = self.conv.date(row.get("createdon"), "createdon")
        account_id = self._account_of(row, "parentcustomerid") or row.get("accountid")
        role = CONTACT_ROLES.get(_code(row.get("accountrolecode")) or "")
        if addresses:
            self.contact_email[contact_id] = addresses[0]
        for address in addresses:
            self.conv.know(address, name)
        self.contact_name[contact_id] = name
        if account_id:
            self.contact_account[contact_id] = account_id
        self.conv.add("contacts", {
            "contact_id": contact_id,
            "account_id": account_id,
            "full_name": name,
            "email": addresses[0] if addresses else None,
            "email_aliases": addresses[1:],
            "title": row.get("jobtitle"),
            "role": role,
            "created_date": created,
        })

    def _account_of(self, row: Row, lookup: str) -> str | None:
        """The lookup's value when it points to an account."""
        value = row.get(lookup)
        if not value:
            return None
        kind = _lookup_type(row, lookup)
        if kind is not None:
            return value if kind == "account" else None
        if self.t["account"] is not None:
            return value if value in self.account_ids else None
        return value  # no type and no account table to check against: a customer is usually an account

    def opportunities(self) -> None:
        convert_records(self.conv, self.t["opportunity"], ("opportunityid",), "opportunity", self._add_opportunity)

    def _add_opportunity(self, row: Row, opp_id: str) -> None:
        mapped = self._opportunity(row, opp_id)
        self.opportunity_account[opp_id] = mapped["account_id"]
        self.conv.add("opportunities", mapped)
        primary = row.get("parentcontactid")
        if primary:
            self.conv.add("opportunity_contacts", {"opportunity_id": opp_id, "contact_id": primary, "is_primary": True})
        customer = row.get("customerid")
        if customer and customer != primary and self._is_contact(row, "customerid", customer):
            self.conv.add("opportunity_contacts", {"opportunity_id": opp_id, "contact_id": customer, "is_primary": False})

    def _is_contact(self, row: Row, lookup: str, value: str) -> bool:
        kind = _lookup_type(row, lookup)
        return kind == "contact" if kind is not None else value in self.contact_name

    def _opportunity(self, row: Row, opp_id: str) -> dict[str, Any]:
        name = row.get("name")
        if not name:
            raise ValueError("no name")
        account_id = row.get("parentaccountid") or self._account_of(row, "customerid")
        if not account_id:
            customer = row.get("customerid")
            account_id = self.contact_account.get(customer or "")
        if not account_id:
            raise ValueError("no account (parentaccountid / customerid)")
        owner = row.get("ownerid")
        if not owner:
            raise ValueError("no owner (ownerid)")
        status = OPPORTUNITY_STATE.get(_code(row.get("statecode")) or "")
        if status is None:
            raise ValueError(f"statecode {row.get('statecode')!r} is not open (0), won (1) or lost (2)")
        stage, rank = _stage(row)
        if stage is None:
            raise ValueError("no sales stage (stepname / salesstage / salesstagecode)")
        created = self.conv.date(row.get("createdon"), "createdon")
        if created is None:
            raise ValueError("no createdon")
        estimated = parse_number(row.get("estimatedvalue"))
        actual = parse_number(row.get("actualvalue"))
        score = percentage(parse_number(row.get("msdyn_opportunityscore")))
        if score is None:
            score = percentage(parse_number(row.get("closeprobability")))
        if score is None:
            score = RATING_SCORES.get(_code(row.get("opportunityratingcode")) or "")
        return {
            "opportunity_id": opp_id,
            "account_id": account_id,
            "owner_user_id": owner,
            "name": name,
            "stage": stage,
            "stage_rank": rank,
            "amount": actual if status == "won" and actual is not None else estimated,
            "currency": row.get("isocurrencycode"),
            "status": status,
            "created_date": created,
            "expected_close_date": self.conv.date(row.get("estimatedclosedate"), "estimatedclosedate"),
            "closed_date": self.conv.date(row.get("actualclosedate"), "actualclosedate") if status != "open" else None,
            "external_score": score,
        }

    # ----------------------------------------------------------------- activities

    def activities(self) -> None:
        for table_name, activity_type in ACTIVITY_TYPES.items():
            self._activities_of(table_name, activity_type)

    def _activities_of(self, table_name: str, activity_type: str) -> None:
        rows = self.conv.identified_rows(self.t[table_name], "activityid", lambda row: f"{table_name} row without activityid")
        self.conv.convert_each(self.conv.first_claims(rows), lambda row, activity_id: self._draft(row, activity_id, activity_type),
                               what=table_name, activity=True)

    def _draft(self, row: Row, activity_id: str, activity_type: str) -> None:
        activity, exclusion = self._activity(row, activity_id, activity_type)
        if exclusion:
            self.conv.exclude(activity_id, exclusion[0], detail=exclusion[1], activity_type=activity_type,
                              started_at=activity.started_at, sender=row.get("sender"),
                              subject=activity.subject, ref=row.ref)
            return
        self.drafts[activity_id] = activity
        if activity_type == "email":
            self.recipient_fields[activity_id] = (row.get("sender"), row.get("torecipients"))

    def _activity(self, row: Row, activity_id: str, activity_type: str) -> tuple[Activity, tuple[str, str] | None]:
        direction = {True: "out", False: "in"}.get(_direction(row.get("directioncode")))
        if activity_type == "email":
            started = self.conv.first_timestamp(row, "senton", "actualend", "actualstart", "createdon")
            ended = None
        else:
            started = self.conv.first_timestamp(row, "actualstart", "scheduledstart", "actualend", "createdon")
            ended = self.conv.first_timestamp(row, "actualend", "scheduledend")
        if started is None:
            raise ValueError("no start time")
        if ended is not None and ended < started:
            ended = None  # an end before the start is a data-entry slip; keep the start only
        minutes = parse_number(row.get("actualdurationminutes", "scheduleddurationminutes"))
        if ended is None and minutes and activity_type != "email":
            ended = started + dt.timedelta(minutes=minutes)

        exclusion: tuple[str, str] | None = None
        if activity_type == "email":
            status = EMAIL_STATUS.get(_code(row.get("statuscode")) or "") or EMAIL_STATE.get(_code(row.get("statecode")) or "", "completed")
            if status.startswith("exclude:"):
                exclusion = (status.split(":", 1)[1], f"statuscode={row.get('statuscode')} statecode={row.get('statecode')}")
                status = "cancelled"
            source = "synced"
        else:
            status = self._state_status(row, activity_type, ended or started)
            source = "synced" if activity_type == "meeting" and row.get("globalobjectid", "outlookownerapptid") else "manual"

        regarding = row.get("regardingobjectid")
        regarding_type = _lookup_type(row, "regardingobjectid")
        if regarding_type is None and regarding:
            if regarding in self.opportunity_account:
                regarding_type = "opportunity"
            elif regarding in self.account_ids:
                regarding_type = "account"
        if exclusion is None and activity_type == "email" and regarding_type in BULK_REGARDING:
            exclusion = ("bulk_email", f"regarding {regarding_type} {regarding}")
        opp_id = regarding if regarding_type == "opportunity" else None
        account_id = regarding if regarding_type == "account" else self.opportunity_account.get(opp_id or "")

        activity = Activity(
            activity_id=activity_id,
            activity_type=activity_type,
            started_at=started,
            ended_at=ended,
            status=status,
            source=source,
            ref=row.ref,
            subject=row.get("subject"),
            thread_id=row.get("conversationtrackingid") if activity_type == "email" else None,
            parent_activity_id=row.get("parentactivityid") if activity_type == "email" else None,
            internet_message_id=row.get("messageid") if activity_type == "email" else None,
            regarding_opportunity_id=opp_id,
            regarding_account_id=account_id,
            owner_user_id=row.get("ownerid"),
            body_text=html_to_text(row.get("description")) if activity_type == "email" else None,
            direction=direction,
        )
        return activity, exclusion

    def _state_status(self, row: Row, activity_type: str, end_or_start: dt.datetime) -> str:
        if activity_type == "call" and parse_bool(row.get("leftvoicemail")):
            return "no_show"  # nobody answered: the call did not reach the customer
        state = ACTIVITY_STATE.get(_code(row.get("statecode")) or "")
        if state is None and _code(row.get("statuscode")) in CANCELLED_REASONS:
            state = "cancelled"
        if state in ("completed", "cancelled"):
            return state
        if activity_type == "meeting":
            return meeting_status(end_or_start, self.export_time)
        return "scheduled" if state == "open" else "completed"

    def parties(self) -> None:
        for row in self.conv.rows(self.t["activityparty"]):
            activity_id = row.get("activityid")
            if not activity_id:
                self.conv.reject(row.ref, "activityparty without activityid")
                continue
            activity = self.drafts.get(activity_id)
            if activity is None:
                if not self.conv.claimed(activity_id):  # parties of excluded activities need no entry of their own
                    self.conv.reject(row.ref, f"activity {activity_id} is not among the e-mails, appointments and phone calls read")
                continue
            mask = PARTICIPATION.get(_code(row.get("participationtypemask")) or "")
            if mask is None:
                self.conv.reject(row.ref, f"unknown participationtypemask {row.get('participationtypemask')!r}")
                continue
            if mask in NOT_PARTICIPANTS:
                continue  # regarding / owner / resource / customer entries are not participants
            role = ROLE_BY_TYPE[activity.activity_type].get(mask)
            if role is None:
                self.conv.reject(row.ref, f"participation type {mask} does not apply to a {activity.activity_type}")
                continue
            party_id = row.get("partyid")
            address = normalize_email(row.get("addressused")) or self._party_email(row, party_id)
            if address is None:
                self.conv.reject(row.ref, f"{role} of activity {activity_id} has no e-mail address",
                                 detail=f"partyid={party_id} addressused={row.get('addressused')}")
                continue
            name = row.get("partyid" + FORMATTED, "partyidname") or self.contact_name.get(party_id or "") or self.user_name.get(party_id or "")
            activity.add_party(role, address, name)

    def _party_email(self, row: Row, party_id: str | None) -> str | None:
        if not party_id:
            return None
        kind = _lookup_type(row, "partyid", "partyobjecttypecode")
        sources = {"systemuser": self.user_email, "contact": self.contact_email, "account": self.account_email}
        if kind is not None:
            return sources.get(kind, {}).get(party_id)
        for lookup in sources.values():
            if party_id in lookup:
                return lookup[party_id]
        return None

    def finish_activities(self) -> None:
        for activity_id, activity in self.drafts.items():
            sender, to = self.recipient_fields.get(activity_id, (None, None))
            if activity.activity_type == "email":
                # The e-mail's own address fields stand in when the export has no activityparty rows for it.
                if not activity.has_role("sender"):
                    for name, address in split_addresses(sender)[:1]:
                        activity.add_party("sender", address, name)
                if not activity.has_role("to", "cc", "bcc"):
                    for name, address in split_addresses(to):
                        activity.add_party("to", address, name)
            activity.fill_owner_side(self.user_email.get(activity.owner_user_id or ""))
            self.conv.add_activity(activity)


def _direction(value: str | None) -> bool | None:
    """directioncode: true / 1 / Outgoing = outgoing."""
    if value is None:
        return None
    word = value.strip().lower()
    if word == "outgoing":
        return True
    if word == "incoming":
        return False
    return parse_bool(word)


def _stage(row: Row) -> tuple[str | None, int | None]:
    step = row.get("stepname")
    code = _code(row.get("salesstagecode"))
    rank = int(code) + 1 if code and code.isdigit() else None
    if step:
        m = re.match(r"^\s*(\d+)\s*[-.)]", step)  # "2-Develop" is the default process' second stage
        return step, int(m.group(1)) if m else rank
    label = row.get("salesstage" + FORMATTED, "salesstage")
    if label and not label.isdigit():
        return label, rank
    code = code or (label if label and label.isdigit() else None)
    if code in SALES_STAGES:
        return SALES_STAGES[code], int(code) + 1
    return None, None
