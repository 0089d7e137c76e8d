"""HubSpot exports -> canonical extract.

Input: a folder with one CSV or Parquet file per table, in the shape of the HubSpot tables that
sync tools land (`engagement`, `engagement_email`, `email_event`, `deal`, ... optionally with a
`_data` suffix: `engagement_email_data.csv`). Both engagement layouts are read: the older one with
plain columns (`timestamp`, `start_time`, `meeting_outcome`) and the newer one with CRM property
columns (`property_hs_timestamp`, `property_hs_meeting_outcome`). Property columns may also come
without the `property_` prefix. Timestamps are UTC, or epoch milliseconds as the API gives them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

from ingest.connectors.base import ConnectorConfig, ConversionReport
from ingest.connectors.crm.activity import Activity, meeting_status
from ingest.connectors.crm.addresses import domain_of_url, normalize_email, split_addresses
from ingest.connectors.crm.conversion import Conversion, convert_export
from ingest.connectors.crm.export_files import ExportLayout, Row, Tables
from ingest.connectors.crm.records import convert_records, current_records
from ingest.connectors.crm.timestamps import latest_timestamp
from ingest.connectors.crm.values import full_name, html_to_text, parse_bool, parse_number, percentage

CONNECTOR = "hubspot"

DETAIL_TABLES = ("engagement_email", "engagement_call", "engagement_meeting", "engagement_note",
                 "engagement_task", "engagement_communication", "engagement_postal_mail")
OBJECTS: dict[str, tuple[str, ...]] = {
    "engagement": ("engagement", "engagements"),
    **{name: (name,) for name in DETAIL_TABLES},
    "engagement_contact": ("engagement_contact",),
    "engagement_deal": ("engagement_deal",),
    "engagement_company": ("engagement_company",),
    "engagement_email_to": ("engagement_email_to",),
    "engagement_email_cc": ("engagement_email_cc",),
    "engagement_email_bcc": ("engagement_email_bcc",),
    "email_event": ("email_event", "email_events"),
    "email_event_open": ("email_event_open",),
    "email_event_click": ("email_event_click",),
    "email_event_sent": ("email_event_sent",),
    "email_campaign": ("email_campaign",),
    "contact": ("contact", "contacts"),
    "contact_company": ("contact_company",),
    "company": ("company", "companies"),
    "deal": ("deal", "deals"),
    "deal_pipeline_stage": ("deal_pipeline_stage",),
    "deal_stage": ("deal_stage",),
    "deal_contact": ("deal_contact",),
    "deal_company": ("deal_company",),
    "owner": ("owner", "owners"),
    "owner_team": ("owner_team",),
    "users": ("users",),
    "team": ("team",),
}

# Engagement type -> activity type, or the exclusion rule for engagements that are not interactions.
ENGAGEMENT_TYPES = {
    "EMAIL": "email", "INCOMING_EMAIL": "email", "FORWARDED_EMAIL": "email",
    "CALL": "call", "MEETING": "meeting",
    "NOTE": "exclude:not_an_interaction", "TASK": "exclude:not_an_interaction",
}
EMAIL_STATUS = {"SENT": "completed", "": "completed", "SCHEDULED": "scheduled", "SENDING": "scheduled",
                "FAILED": "exclude:email_failed", "BOUNCED": "exclude:email_failed"}
MEETING_OUTCOMES = {"COMPLETED": "completed", "NO_SHOW": "no_show", "CANCELED": "cancelled",
                    "CANCELLED": "cancelled", "RESCHEDULED": "cancelled"}
# hs_call_status: an unanswered call did not reach the customer (no_show), a failed one never happened.
CALL_STATUS = {"COMPLETED": "completed", "BUSY": "no_show", "NO_ANSWER": "no_show", "MISSED": "no_show",
               "FAILED": "cancelled", "CANCELED": "cancelled", "CANCELLED": "cancelled", "QUEUED": "scheduled"}
EVENT_TYPES = {"SENT": "sent", "DELIVERED": "delivered", "OPEN": "open", "CLICK": "click", "BOUNCE": "bounce"}
BUYING_ROLES = {
    "DECISION_MAKER": "decision_maker", "BUDGET_HOLDER": "decision_maker", "EXECUTIVE_SPONSOR": "decision_maker",
    "CHAMPION": "champion", "INFLUENCER": "influencer", "BLOCKER": "influencer",
    "LEGAL_AND_COMPLIANCE": "influencer", "END_USER": "user",
}
ROLE_PRIORITY = ("decision_maker", "champion", "influencer", "user")
MANUAL_SOURCES = frozenset({"", "CRM_UI", "CRM"})


def normalize_column(name: str) -> str:
    return name.strip().lower()


def _p(*names: str) -> tuple[str, ...]:
    """A property column in both spellings: `property_hs_timestamp` and `hs_timestamp`."""
    return tuple(n for name in names for n in (f"property_{name}", name))


EXPORT = ExportLayout(
    label="HubSpot",
    objects=OBJECTS,
    normalize_column=normalize_column,
    required_columns={
        "engagement": ("id", "type"),
        **{name: ("engagement_id",) for name in DETAIL_TABLES},
        "engagement_contact": ("engagement_id", "contact_id"),
        "engagement_deal": ("engagement_id", "deal_id"),
        "engagement_company": ("engagement_id", "company_id"),
        "engagement_email_to": ("engagement_id", "email"),
        "engagement_email_cc": ("engagement_id", "email"),
        "engagement_email_bcc": ("engagement_id", "email"),
        "email_event": ("id", "type", "created"),
        "email_event_open": ("id",),
        "email_event_click": ("id",),
        "email_event_sent": ("id",),
        "email_campaign": ("id",),
        "contact": (("id", "vid"),),
        "contact_company": ("contact_id", "company_id"),
        "company": (("id", "company_id"),),
        "deal": (("deal_id", "id"),),
        "deal_pipeline_stage": ("stage_id",),
        "deal_stage": ("deal_id", "date_entered", "value"),
        "deal_contact": ("deal_id", "contact_id"),
        "deal_company": ("deal_id", "company_id"),
        "owner": ("owner_id", "email"),
        "owner_team": ("owner_id", "team_id"),
        "users": ("id",),
        "team": ("id", "name"),
    },
)


def convert(input_dir: Path, out_dir: Path, *, batch_name: str, config: ConnectorConfig) -> ConversionReport:
    """Convert a HubSpot export folder into one canonical extract batch."""
    return convert_export(EXPORT, CONNECTOR, _Context, input_dir, out_dir, batch_name=batch_name, config=config)


class _Engagement:
    """The rows one engagement spreads over: the engagement table and its type's detail table."""

    def __init__(self, engagement_id: str):
        self.id = engagement_id
        self.header: Row | None = None
        self.detail: Row | None = None
        self.detail_table: str | None = None

    def get(self, *names: str) -> str | None:
        for row in (self.detail, self.header):
            if row is not None:
                value = row.get(*names)
                if value:
                    return value
        return None

    def flag(self, *names: str) -> bool | None:
        for row in (self.detail, self.header):
            if row is not None:
                value = row.flag(*names)
                if value is not None:
                    return value
        return None

    @property
    def ref(self) -> str:
        row = self.header or self.detail
        assert row is not None  # an engagement is only created from one of its rows
        return row.ref

    def kind(self) -> str:
        """Engagement type: the engagement table's, else the detail row's, else its table's."""
        declared = self.get("type", "engagement_type")
        if declared:
            return declared.strip().upper()
        return (self.detail_table or "").removeprefix("engagement_").upper()


class _Context:
    """State shared while converting one export: lookups between the tables."""

    def __init__(self, conv: Conversion, tables: Tables):
        self.conv = conv
        self.t = tables
        self.owner_email: dict[str, str] = {}
        self.contact_email: dict[str, str] = {}
        self.contact_name: dict[str, str] = {}
        self.company_ids: set[str] = set()
        self.deal_company: dict[str, str] = {}
        self.stages: dict[str, tuple[str, int | None, bool | None, bool | None, float | None]] = {}
        self.contacts_of: dict[str, list[tuple[str, Row]]] = {}
        self.recipients: dict[tuple[str, str], list[tuple[str | None, str]]] = defaultdict(list)

    def run(self) -> None:
        """Master data first: engagements resolve their owners, contacts and deals through it."""
        for step in (self.owners, self.companies, self.contacts, self.deals, self.engagements, self.email_events):
            step()

    # ----------------------------------------------------------------- master data

    def owners(self) -> None:
        teams = {r.get("id"): r.get("name") for r in self.conv.rows(self.t["team"]) if r.get("id")}
        owner_team: dict[str, str] = {}
        for row in self.conv.rows(self.t["owner_team"]):
            owner_id, team = row.get("owner_id"), teams.get(row.get("team_id"))
            if owner_id and team and (owner_id not in owner_team or parse_bool(row.get("is_team_primary"))):
                owner_team[owner_id] = team
        user_team = {r.get("id"): teams.get(r.get("primary_team_id")) for r in self.conv.rows(self.t["users"]) if r.get("id")}
        for row, owner_id in current_records(self.conv, self.t["owner"], ("owner_id",), "owner"):
            if (row.get("type") or "PERSON").upper() != "PERSON":
                self.conv.reject(row.ref, f"owner {owner_id} is a {row.get('type')}, not a person")
                continue
            email = normalize_email(row.get("email"))
            if email is None:
                self.conv.reject(row.ref, f"owner {owner_id} has no e-mail address", detail=f"email={row.get('email')}")
                continue
            archived = row.flag("archived")
            active = row.flag("is_active", "active")
            self.owner_email[owner_id] = email
            self.conv.know(email, full_name(row.get("first_name"), row.get("last_name")), internal=True)
            self.conv.add("users", {
                "user_id": owner_id,
                "full_name": full_name(row.get("first_name"), row.get("last_name")) or email,
                "email": email,
                "team": owner_team.get(owner_id) or user_team.get(row.get("active_user_id")),
                "is_active": (not archived) if archived is not None else active,
            })

    def companies(self) -> None:
        convert_records(self.conv, self.t["company"], ("id", "company_id"), "company", self._company)

    def _company(self, row: Row, company_id: str) -> None:
        domains = [domain_of_url(row.get(*_p("domain"))), domain_of_url(row.get(*_p("website")))]
        domains += [domain_of_url(d) for d in (row.get(*_p("hs_additional_domains")) or "").split(";")]
        domains = list(dict.fromkeys(d for d in domains if d))
        name = row.get(*_p("name")) or (domains[0] if domains else None)
        if not name:
            self.conv.reject(row.ref, f"company {company_id} has neither a name nor a domain")
            return
        created = self.conv.date(row.get(*_p("createdate")), "createdate")
        self.company_ids.add(company_id)
        self.conv.add("accounts", {
            "account_id": company_id,
            "name": name,
            "domains": domains,
            "industry": row.get(*_p("industry")),
            "owner_user_id": row.get(*_p("hubspot_owner_id")),
            "created_date": created,
        })

    def contacts(self) -> None:
        company_of: dict[str, str] = {}
        for row in self.conv.rows(self.t["contact_company"]):
            contact_id, company_id = row.get("contact_id"), row.get("company_id")
            if contact_id and company_id:
                company_of.setdefault(contact_id, company_id)  # the first association stands for the contact's company
            else:
                self.conv.reject(row.ref, "contact_company row without contact_id or company_id")
        convert_records(self.conv, self.t["contact"], ("id", "vid"), "contact", lambda row, contact_id: self._contact(row, contact_id, company_of))

    def _contact(self, row: Row, contact_id: str, company_of: dict[str, str]) -> None:
        addresses = [normalize_email(row.get(*_p("email")))]
        addresses += [normalize_email(a) for a in (row.get(*_p("hs_additional_emails")) or "").split(";")]
        addresses = list(dict.fromkeys(a for a in addresses if a))
        name = full_name(row.get(*_p("firstname")), row.get(*_p("lastname"))) or (addresses[0] if addresses else None)
        if not name:
            self.conv.reject(row.ref, f"contact {contact_id} has neither a name nor an e-mail address")
            return
        created = self.conv.date(row.get(*_p("createdate")), "createdate")
        roles = {BUYING_ROLES.get(r.strip().upper()) for r in (row.get(*_p("hs_buying_role")) or "").split(";")}
        role = next((r for r in ROLE_PRIORITY if r in roles), "unknown" if row.get(*_p("hs_buying_role")) else None)
        if addresses:
            self.contact_email[contact_id] = addresses[0]
        for address in addresses:
            self.conv.know(address, name)
        self.contact_name[contact_id] = name
        self.conv.add("contacts", {
            "contact_id": contact_id,
            "account_id": row.get(*_p("associatedcompanyid")) or company_of.get(contact_id),
            "full_name": name,
            "email": addresses[0] if addresses else None,
            "email_aliases": addresses[1:],
            "title": row.get(*_p("jobtitle")),
            "role": role,
            "created_date": created,
        })

    def deals(self) -> None:
        for row in self.conv.rows(self.t["deal_pipeline_stage"]):
            stage_id = row.get("stage_id")
            if not stage_id:
                self.conv.reject(row.ref, "deal stage without stage_id")
                continue
            order = row.get("display_order")
            try:
                probability = parse_number(row.get("probability"))
            except ValueError:
                probability = None
            self.stages[stage_id] = (
                row.get("label") or stage_id,
                int(order) + 1 if order and order.isdigit() else None,  # display_order counts from 0
                parse_bool(row.get("is_closed")),
                parse_bool(row.get("closed_won")),
                probability,
            )
        for row in self.conv.rows(self.t["deal_company"]):
            deal_id, company_id = row.get("deal_id"), row.get("company_id")
            if deal_id and company_id:
                self.deal_company.setdefault(deal_id, company_id)  # the first company stands for the deal's account
            else:
                self.conv.reject(row.ref, "deal_company row without deal_id or company_id")
        convert_records(self.conv, self.t["deal"], ("deal_id", "id"), "deal", lambda row, deal_id: self.conv.add("opportunities", self._deal(row, deal_id)))
        seen: set[tuple[str, str]] = set()
        for row in self.conv.rows(self.t["deal_contact"]):
            pair = (row.get("deal_id") or "", row.get("contact_id") or "")
            if not all(pair):
                self.conv.reject(row.ref, "deal_contact row without deal_id or contact_id")
            elif pair in seen:
                self.conv.reject(row.ref, f"contact {pair[1]} is associated with deal {pair[0]} again")
            else:
                seen.add(pair)
                self.conv.add("opportunity_contacts", {"opportunity_id": pair[0], "contact_id": pair[1]})
        self._stage_history()

    def _stage_status(self, stage_id: str, row: Row | None = None) -> str:
        _, _, closed, won, _ = self.stages.get(stage_id, (None, None, None, None, None))
        if closed is None and row is not None:
            closed, won = row.flag(*_p("hs_is_closed")), row.flag(*_p("hs_is_closed_won"))
        if closed is None:
            # HubSpot's default pipeline names its closing stages `closedwon` and `closedlost`.
            closed = stage_id.lower() in ("closedwon", "closedlost")
            won = stage_id.lower() == "closedwon"
        if not closed:
            return "open"
        return "won" if won else "lost"

    def _deal(self, row: Row, deal_id: str) -> dict[str, Any]:
        name = row.get(*_p("dealname"))
        stage_id = row.get("deal_pipeline_stage_id", *_p("dealstage"))
        owner = row.get("owner_id", *_p("hubspot_owner_id"))
        account = self.deal_company.get(deal_id) or row.get(*_p("associatedcompanyid"))
        created = self.conv.date(row.get(*_p("createdate")), "createdate")
        problems = [what for what, value in (("dealname", name), ("stage", stage_id), ("owner", owner),
                                            ("associated company", account), ("createdate", created)) if not value]
        if problems:
            raise ValueError(f"no {', '.join(problems)}")
        assert stage_id is not None
        label, rank, _, _, stage_probability = self.stages.get(stage_id, (stage_id, None, None, None, None))
        status = self._stage_status(stage_id, row)
        close = self.conv.date(row.get(*_p("closedate")), "closedate")
        score = percentage(parse_number(row.get(*_p("hs_deal_stage_probability"))), fraction=True)
        if score is None:
            score = percentage(stage_probability, fraction=True)
        return {
            "opportunity_id": deal_id,
            "account_id": account,
            "owner_user_id": owner,
            "name": name,
            "stage": label,
            "stage_rank": rank,
            "amount": parse_number(row.get(*_p("amount"))),
            "currency": row.get(*_p("deal_currency_code")),
            "status": status,
            "created_date": created,
            "expected_close_date": close,
            "closed_date": close if status != "open" else None,
            "external_score": score,
        }

    def _stage_history(self) -> None:
        seen: dict[tuple[str, dt.datetime], int] = {}
        for row in self.conv.rows(self.t["deal_stage"]):
            deal_id, stage_id = row.get("deal_id"), row.get("value")
            if not deal_id or not stage_id:
                self.conv.reject(row.ref, "deal_stage row without deal_id or value")
                continue
            try:
                entered = self.conv.timestamp(row.get("date_entered"), "date_entered")
            except ValueError as exc:
                self.conv.reject(row.ref, f"deal {deal_id}: {exc}")
                continue
            if entered is None:
                self.conv.reject(row.ref, f"deal {deal_id}: no date_entered")
                continue
            if (deal_id, entered) in seen:
                self.conv.reject(row.ref, f"deal {deal_id} entered a stage at {entered.isoformat()} already (row {seen[(deal_id, entered)]})")
                continue
            seen[(deal_id, entered)] = row.index
            label, rank, *_ = self.stages.get(stage_id, (stage_id, None, None, None, None))
            self.conv.add("opportunity_stage_history", {
                "opportunity_id": deal_id,
                "changed_at": entered,
                "stage": label,
                "stage_rank": rank,
                "status": self._stage_status(stage_id),
            })

    # ----------------------------------------------------------------- engagements

    def _collect_engagements(self) -> dict[str, _Engagement]:
        """Every engagement once, with its rows; counts inputs, duplicates and id-less rows."""
        report = self.conv.report
        found: dict[str, _Engagement] = {}
        sources = [("engagement", "id")] + [(name, "engagement_id") for name in DETAIL_TABLES]
        for table_name, id_column in sources:
            is_header = table_name == "engagement"
            table = self.t[table_name]
            for row in table.rows if table is not None else ():
                engagement_id = row.get(id_column)
                if row.problem or not engagement_id:
                    report.inputs_read += 1
                    self.conv.reject(row.ref, row.problem or f"{table_name} row without {id_column}", activity=True)
                    continue
                item = found.get(engagement_id)
                if item is not None and (item.header if is_header else item.detail) is not None:
                    report.inputs_read += 1
                    self.conv.duplicate()
                    continue
                if item is None:
                    item = found[engagement_id] = _Engagement(engagement_id)
                    report.inputs_read += 1
                # else: the detail row of an engagement read from the engagement table: the same input.
                if is_header:
                    item.header = row
                else:
                    item.detail, item.detail_table = row, table_name
        return found

    def _associations(self, table_name: str, column: str) -> dict[str, list[tuple[str, Row]]]:
        out: dict[str, list[tuple[str, Row]]] = defaultdict(list)
        for row in self.conv.rows(self.t[table_name]):
            engagement_id, target = row.get("engagement_id"), row.get(column)
            if engagement_id and target:
                out[engagement_id].append((target, row))
            else:
                self.conv.reject(row.ref, f"{table_name} row without engagement_id or {column}")
        return out

    def engagements(self) -> None:
        items = self._collect_engagements()
        self.contacts_of = self._associations("engagement_contact", "contact_id")
        deals_of = self._associations("engagement_deal", "deal_id")
        companies_of = self._associations("engagement_company", "company_id")
        for role in ("to", "cc", "bcc"):
            for row in self.conv.rows(self.t[f"engagement_email_{role}"]):
                address = normalize_email(row.get("email"))
                if row.get("engagement_id") and address:
                    name = full_name(row.get("first_name"), row.get("last_name"))
                    self.recipients[(row.get("engagement_id") or "", role)].append((name, address))
                else:
                    self.conv.reject(row.ref, f"{role} recipient without engagement_id or e-mail address")
        rows = [r for item in items.values() for r in (item.header, item.detail) if r is not None]
        export_time = latest_timestamp(rows, ("_fivetran_synced", "last_updated", *_p("hs_lastmodifieddate"), "created_at", *_p("hs_createdate")),
                                       self.conv.naive_zone)
        engagements = self.conv.first_claims((item, engagement_id) for engagement_id, item in items.items())
        self.conv.convert_each(engagements, lambda item, _: self._add_engagement(item, export_time, deals_of, companies_of),
                               what="engagement", activity=True)

    def _add_engagement(self, item: _Engagement, export_time: dt.datetime | None,
                        deals_of: dict[str, list[tuple[str, Row]]], companies_of: dict[str, list[tuple[str, Row]]]) -> None:
        activity = self._engagement(item, export_time)
        if activity is None:
            return
        deals = [d for d, _ in deals_of.get(item.id, [])]
        companies = [c for c, _ in companies_of.get(item.id, [])]
        activity.regarding_opportunity_id = deals[0] if deals else None
        activity.regarding_account_id = companies[0] if companies else self.deal_company.get(activity.regarding_opportunity_id or "")
        self._parties(activity, item)
        self.conv.add_activity(activity)

    def _engagement(self, item: _Engagement, export_time: dt.datetime | None) -> Activity | None:
        kind = item.kind()
        mapped = ENGAGEMENT_TYPES.get(kind, "exclude:unsupported_channel")
        activity_type = None if mapped.startswith("exclude:") else mapped
        if activity_type == "meeting":
            started = self.conv.timestamp(item.get("start_time", *_p("hs_meeting_start_time")), "meeting start")
        else:
            started = None
        started = started or self.conv.timestamp(item.get(*_p("hs_timestamp"), "timestamp", "occurred_timestamp"), "timestamp")
        started = started or self.conv.timestamp(item.get(*_p("hs_createdate"), "created_at"), "createdate")
        if started is None:
            raise ValueError("no timestamp")
        subject = item.get("subject", *_p("hs_email_subject", "hs_meeting_title", "hs_call_title"), "title")
        deleted = item.flag("_fivetran_deleted") or item.flag("active") is False
        if deleted or activity_type is None:
            rule = "deleted_in_crm" if deleted else mapped.split(":", 1)[1]
            self.conv.exclude(item.id, rule, detail=f"engagement type {kind}", activity_type=activity_type,
                              started_at=started, subject=subject, ref=item.ref)
            return None

        ended = None
        source = "manual"
        direction = "out"
        if activity_type == "email":
            status = EMAIL_STATUS.get((item.get("status", *_p("hs_email_status")) or "").upper(), "completed")
            if status.startswith("exclude:"):
                self.conv.exclude(item.id, status.split(":", 1)[1], detail=f"e-mail status {item.get('status', *_p('hs_email_status'))}",
                                  activity_type="email", started_at=started,
                                  sender=item.get("from_email", *_p("hs_email_from_email")), subject=subject, ref=item.ref)
                return None
            incoming = "INCOMING_EMAIL" in (kind, (item.get(*_p("hs_email_direction")) or "").upper())
            direction = "in" if incoming else "out"
            origin = (item.get("logged_from", *_p("hs_email_logged_from", "hs_engagement_source")) or "SYNCED").upper()
            source = "manual" if origin in MANUAL_SOURCES else "synced"
        elif activity_type == "meeting":
            ended = self.conv.timestamp(item.get("end_time", *_p("hs_meeting_end_time")), "meeting end")
            outcome = (item.get("meeting_outcome", *_p("hs_meeting_outcome")) or "").upper()
            status = MEETING_OUTCOMES.get(outcome) or meeting_status(ended or started, export_time)
            origin = (item.get("source", *_p("hs_meeting_source", "hs_engagement_source")) or "").upper()
            source = "manual" if origin in MANUAL_SOURCES else "synced"
        else:
            millis = parse_number(item.get("duration_milliseconds", *_p("hs_call_duration")))
            if millis:
                ended = started + dt.timedelta(milliseconds=millis)
            status = CALL_STATUS.get((item.get("status", *_p("hs_call_status")) or "").upper(), "completed")
            direction = "in" if (item.get(*_p("hs_call_direction")) or "").upper() == "INBOUND" else "out"
            origin = (item.get(*_p("hs_call_source", "hs_engagement_source")) or "").upper()
            dialer = origin not in MANUAL_SOURCES or item.get("external_id", "external_account_id")
            source = "dialer" if dialer else "manual"
        if ended is not None and ended < started:
            ended = None
        body = item.get("text", *_p("hs_email_text")) or html_to_text(item.get("html", *_p("hs_email_html")))
        return Activity(
            activity_id=item.id, activity_type=activity_type, started_at=started, ended_at=ended,
            status=status, source=source, ref=item.ref, subject=subject,
            thread_id=item.get("thread_id", *_p("hs_email_thread_id")) if activity_type == "email" else None,
            internet_message_id=item.get("message_id", *_p("hs_email_message_id")) if activity_type == "email" else None,
            owner_user_id=item.get(*_p("hubspot_owner_id"), "owner_id"),
            body_text=body if activity_type == "email" else None,
            direction=direction,
        )

    def _parties(self, activity: Activity, item: _Engagement) -> None:
        """Participants from the engagement's own address fields, else its associations and owner."""
        owner_email = self.owner_email.get(activity.owner_user_id or "")
        contacts = self.contacts_of.get(activity.activity_id, [])
        if activity.activity_type == "email":
            sender_name = full_name(item.get("from_first_name", *_p("hs_email_from_firstname")),
                                    item.get("from_last_name", *_p("hs_email_from_lastname")))
            activity.add_party("sender", item.get("from_email", *_p("hs_email_from_email")), sender_name)
            for role in ("to", "cc", "bcc"):
                listed = split_addresses(item.get(*_p(f"hs_email_{role}_email")))
                for name, address in listed + self.recipients.get((activity.activity_id, role), []):
                    activity.add_party(role, address, name)
            customer_role = "sender" if activity.direction == "in" else "to"
            if activity.direction == "in" and len(contacts) > 1:
                contacts = []  # several associated contacts: which one wrote it is unknown
            if not activity.has_role(*(("sender",) if customer_role == "sender" else ("to", "cc", "bcc"))):
                self._add_contacts(activity, customer_role, contacts)
        elif activity.activity_type == "meeting":
            self._add_contacts(activity, "attendee", contacts)
            for owner_id in (item.get(*_p("hs_attendee_owner_ids")) or "").replace(",", ";").split(";"):
                if owner_id.strip() in self.owner_email:
                    activity.add_party("attendee", self.owner_email[owner_id.strip()])
        else:
            self._add_contacts(activity, "caller" if activity.direction == "in" else "callee", contacts)
        activity.fill_owner_side(owner_email)

    def _add_contacts(self, activity: Activity, role: str, contacts: list[tuple[str, Row]]) -> None:
        for contact_id, row in contacts:
            address = self.contact_email.get(contact_id)
            if address is None:
                self.conv.reject(row.ref, f"contact {contact_id} of engagement {activity.activity_id} has no known e-mail address",
                                 detail="the engagement is kept without this participant")
                continue
            activity.add_party(role, address, self.contact_name.get(contact_id))

    # ----------------------------------------------------------------- e-mail events

    def email_events(self) -> None:
        """Marketing e-mail events; each sent message they belong to is recorded as excluded mail."""
        details = {name: {r.get("id"): r for r in self.conv.rows(self.t[f"email_event_{name}"]) if r.get("id")}
                   for name in ("open", "click", "sent")}
        campaigns = {r.get("id"): r for r in self.conv.rows(self.t["email_campaign"]) if r.get("id")}
        seen: dict[str, int] = {}
        sends: dict[str, dict] = {}
        for row in self.conv.rows(self.t["email_event"]):
            event_id = row.get("id")
            kind = (row.get("type") or "").upper()
            if not event_id:
                self.conv.reject(row.ref, "e-mail event without id")
                continue
            if event_id in seen:
                self.conv.reject(row.ref, f"e-mail event {event_id} appears again (first in row {seen[event_id]})")
                continue
            seen[event_id] = row.index
            try:
                occurred = self.conv.timestamp(row.get("created"), "created")
                sent_at = self.conv.timestamp(row.get("sent_by_created"), "sent_by_created")
            except ValueError as exc:
                self.conv.reject(row.ref, f"e-mail event {event_id}: {exc}")
                continue
            if occurred is None:
                self.conv.reject(row.ref, f"e-mail event {event_id} has no time (created)")
                continue
            event_type = EVENT_TYPES.get(kind)
            if event_type is None:
                self.conv.reject(row.ref, f"e-mail event type {kind or 'missing'} has no equivalent in email_events")
                continue
            send_id = event_id if kind == "SENT" else row.get("sent_by_id")
            if not send_id:
                self.conv.reject(row.ref, f"e-mail event {event_id}: no sent_by_id, so the e-mail it belongs to is unknown")
                continue
            send = sends.setdefault(send_id, {"ref": row.ref, "started_at": None, "campaign": None})
            send["started_at"] = occurred if kind == "SENT" else send["started_at"] or sent_at
            send["campaign"] = send["campaign"] or row.get("email_campaign_id")
            extra = details.get(kind.lower(), {}).get(event_id)
            filtered = row.flag("filtered_event") if event_type in ("open", "click") else None
            self.conv.add("email_events", {
                "event_id": event_id,
                "activity_id": send_id,
                "event_type": event_type,
                "occurred_at": occurred,
                "recipient_email": normalize_email(row.get("recipient")),
                # HubSpot filters opens and clicks it judges machine-made (scanners, privacy proxies).
                "is_machine_open": filtered,
                "user_agent": extra.get("user_agent") if extra is not None and kind in ("OPEN", "CLICK") else None,
                "link_url": extra.get("url") if extra is not None and kind == "CLICK" else None,
            })
        for name, rows in details.items():
            for event_id, row in rows.items():
                if event_id not in seen:
                    self.conv.reject(row.ref, f"e-mail {name} event {event_id} has no row in email_event (no type or time)")
        # Marketing sends are bulk mail: counted as inputs and excluded, so their events stay traceable.
        self.conv.report.inputs_read += len(sends)
        for send, send_id in self.conv.first_claims((send, send_id) for send_id, send in sends.items()):
            campaign = campaigns.get(send["campaign"])
            sent = details["sent"].get(send_id)
            detail = f"campaign {send['campaign']}" if send["campaign"] else "no campaign id"
            if campaign is not None and (campaign.get("name") or campaign.get("type")):
                detail += f" ({campaign.get('name') or campaign.get('type')})"
            self.conv.exclude(
                send_id, "marketing_email", detail=detail, activity_type="email", started_at=send["started_at"],
                sender=sent.get("from") if sent is not None else None,
                subject=(sent.get("subject") if sent is not None else None) or (campaign.get("subject") if campaign is not None else None),
                ref=send["ref"],
            )
