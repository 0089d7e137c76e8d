"""The canonical extract contract: every entity, column, type and rule, in one place.

Everything that writes extracts (the simulator, the connectors) and everything that reads them
(landing, the dbt sources, the docs page) derives from these definitions, so they cannot drift
apart. `python -m ingest.contract` prints the Markdown page kept in docs/extract-contract.md.

File layout: ``<extract_dir>/<entity>/<batch>.csv`` or ``.parquet``, one file per extract batch.
Batches are ordered by file name; a row whose key reappears in a later batch supersedes the
earlier one (re-extracts and updates), so batch names should sort by time (e.g. ``2025-03-01``).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import pyarrow as pa

from runtime.dbt_vars import project_var

# Logical column types and their landed (Parquet) representation.
STRING = "string"
INT = "int"
FLOAT = "float"
BOOL = "bool"
TIMESTAMP = "timestamp"  # ISO 8601 with a UTC offset; landed as UTC, original offset kept where noted
DATE = "date"  # YYYY-MM-DD
ENUM = "enum"  # one of a fixed list, case-insensitive, landed lower-case
STRING_LIST = "string_list"  # ';'-separated in CSV, list<string> in Parquet

ARROW_TYPES: dict[str, pa.DataType] = {
    STRING: pa.string(),
    INT: pa.int64(),
    FLOAT: pa.float64(),
    BOOL: pa.bool_(),
    TIMESTAMP: pa.timestamp("us", tz="UTC"),
    DATE: pa.date32(),
    ENUM: pa.string(),
    STRING_LIST: pa.list_(pa.string()),
}

LIST_SEPARATOR = ";"
CSV_DELIMITER = ","
TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0"})

# Landing rules (documented on the contract page; part of every entity's fingerprint, so a change
# re-lands every batch once).
NULL_TOKENS = ("",)  # only an empty field is null: "NA", "NULL", "N/A", "nan", "#N/A" are values
# The plausible years of any date or timestamp: the one range shared by the connectors (a mail dated
# earlier is rejected), landing (such a value is quarantined) and the quality suites. 1980 keeps
# epoch-zero (1970) export bugs out while admitting real archives (e-mail from the 1980s on).
MIN_YEAR, MAX_YEAR = 1980, 2100
MAX_FIELD_BYTES = 16 * 1024 * 1024  # a CSV field above this size quarantines its row
TIMESTAMP_DIGITS = 6  # fractional seconds beyond microseconds (7-9 digits, Parquet ns) are truncated
# Free text starting with one of these is landed but counted (CSV injection); written once, as the
# var `formula_prefixes` in dbt_project.yml, which the hygiene finding formula_prefixed_text uses too.
FORMULA_PREFIXES = tuple(project_var("formula_prefixes"))
ALLOWED_CONTROLS = "\t"  # in any text value; newlines only in multi-line text (bodies, details)
LANDING_RULES = ("v2", NULL_TOKENS, MIN_YEAR, MAX_YEAR, MAX_FIELD_BYTES, TIMESTAMP_DIGITS, FORMULA_PREFIXES, ALLOWED_CONTROLS)

# Columns landing adds to every landed row (lineage); never present in extracts.
BATCH_COLUMN = "_batch_id"
SOURCE_ROW_COLUMN = "_source_row"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool
    description: str
    example: str = ""
    values: tuple[str, ...] = ()  # allowed values of an ENUM
    keep_offset: bool = False  # TIMESTAMP: also land `<name>_offset_minutes` (local time matters)
    transient: bool = False  # read at landing to derive signals, then discarded (privacy)
    free_text: bool = False  # names, titles, subjects: a leading = + - @ is counted as formula-like
    multiline: bool = False  # may hold line breaks (message bodies, details)

    @property
    def arrow_type(self) -> pa.DataType:
        return ARROW_TYPES[self.type]


@dataclass(frozen=True)
class Entity:
    name: str
    description: str
    primary_key: tuple[str, ...]
    columns: tuple[Column, ...]
    optional: bool = False  # an organisation may deliver no batches of this entity at all
    notes: tuple[str, ...] = field(default=())
    # (later, earlier) column pairs: a row whose later value is before the earlier one is quarantined.
    not_before: tuple[tuple[str, str], ...] = ()

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def landed_schema(self) -> pa.Schema:
        """Schema of the typed Parquet that landing writes for this entity."""
        fields: list[pa.Field] = []
        for col in self.columns:
            if col.transient:
                continue
            fields.append(pa.field(col.name, col.arrow_type, nullable=not col.required))
            if col.keep_offset:
                fields.append(pa.field(f"{col.name}_offset_minutes", pa.int32()))
        fields.append(pa.field(BATCH_COLUMN, pa.string(), nullable=False))
        fields.append(pa.field(SOURCE_ROW_COLUMN, pa.int64(), nullable=False))
        return pa.schema(fields)


CONTACT_ROLES = ("decision_maker", "influencer", "champion", "user", "unknown")
ACTIVITY_TYPES = ("email", "meeting", "call")
ACTIVITY_STATUSES = ("completed", "scheduled", "cancelled", "no_show")
ACTIVITY_SOURCES = ("synced", "manual", "dialer")
PARTY_ROLES = ("sender", "to", "cc", "bcc", "organizer", "attendee", "caller", "callee")
PARTICIPATION = ("accepted", "declined", "tentative", "no_response", "attended", "no_show")
OPPORTUNITY_STATUSES = ("open", "won", "lost")
EMAIL_EVENT_TYPES = ("sent", "delivered", "open", "click", "reply", "bounce")
USER_ROLES = ("seller", "manager", "other")

USERS = Entity(
    name="users",
    description="Internal people: sellers, their managers and anyone else whose mailbox or calendar is captured.",
    primary_key=("user_id",),
    columns=(
        Column("user_id", STRING, True, "Stable identifier of the user in the source system.", "u-avery"),
        Column("full_name", STRING, True, "Display name.", "Avery Quinn", free_text=True),
        Column("email", STRING, True, "Primary e-mail address (matched case-insensitively).", "avery.quinn@harborline.io"),
        Column("email_aliases", STRING_LIST, False, "Further addresses of the same person.", "aquinn@harborline.io"),
        Column("manager_user_id", STRING, False, "user_id of the user's manager.", "u-morgan"),
        Column("team", STRING, False, "Team or region the user belongs to.", "Hospitality East"),
        Column("title", STRING, False, "Job title.", "Account Executive", free_text=True),
        Column("job_role", ENUM, False, "What the user does in the sales process.", "seller", values=USER_ROLES),
        Column("timezone", STRING, False, "IANA time zone of the user's working hours.", "America/New_York"),
        Column("is_active", BOOL, False, "False once the user has left; defaults to true.", "true"),
    ),
)

ACCOUNTS = Entity(
    name="accounts",
    description="Customer and prospect organisations.",
    primary_key=("account_id",),
    columns=(
        Column("account_id", STRING, True, "Stable identifier of the account.", "a-0001"),
        Column("name", STRING, True, "Legal or trading name.", "Blue Ridge Hotel Group", free_text=True),
        Column("aliases", STRING_LIST, False, "Other names the account is known by (trading names, abbreviations).", "Blue Ridge Hotels;BRHG"),
        Column("domains", STRING_LIST, False, "Web and e-mail domains of the account.", "blueridgehotels.com"),
        Column("segment", STRING, False, "Segment used for fair thresholds (enterprise, mid_market, smb or your own).", "enterprise"),
        Column("industry", STRING, False, "Industry.", "Hospitality"),
        Column("owner_user_id", STRING, False, "user_id of the account owner.", "u-avery"),
        Column("created_date", DATE, False, "Date the account was created in the CRM.", "2024-11-02"),
    ),
)

CONTACTS = Entity(
    name="contacts",
    description="People at accounts (or without one, e.g. personal addresses).",
    primary_key=("contact_id",),
    columns=(
        Column("contact_id", STRING, True, "Stable identifier of the contact.", "c-000123"),
        Column("account_id", STRING, False, "Account the contact belongs to; empty for orphans.", "a-0001"),
        Column("full_name", STRING, True, "Display name.", "Jordan Ellis", free_text=True),
        Column("email", STRING, False, "Primary e-mail address (matched case-insensitively).", "jordan.ellis@blueridgehotels.com"),
        Column("email_aliases", STRING_LIST, False, "Further addresses of the same person.", "j.ellis@blueridgehotels.com"),
        Column("title", STRING, False, "Job title.", "Director of Procurement", free_text=True),
        Column("role", ENUM, False, "Buying role; empty means unknown.", "decision_maker", values=CONTACT_ROLES),
        Column("created_date", DATE, False, "Date the contact was created in the CRM.", "2024-11-05"),
    ),
)

OPPORTUNITIES = Entity(
    name="opportunities",
    description="Deals, open and closed, as of the extract.",
    primary_key=("opportunity_id",),
    columns=(
        Column("opportunity_id", STRING, True, "Stable identifier of the opportunity.", "o-000042"),
        Column("account_id", STRING, True, "Account the deal is with.", "a-0001"),
        Column("owner_user_id", STRING, True, "user_id of the seller who owns the deal.", "u-avery"),
        Column("name", STRING, True, "Deal name.", "Blue Ridge - property management suite", free_text=True),
        Column("stage", STRING, True, "Current sales stage as named in the CRM.", "Propose"),
        Column("stage_rank", INT, False, "Position of the stage in the sales process (1 = first); enables stage momentum.", "3"),
        Column("amount", FLOAT, False, "Deal value.", "210000"),
        Column("currency", STRING, False, "ISO 4217 currency of amount.", "USD"),
        Column("status", ENUM, True, "Open, won or lost.", "open", values=OPPORTUNITY_STATUSES),
        Column("created_date", DATE, True, "Date the deal was created.", "2025-06-02"),
        Column("expected_close_date", DATE, False, "Currently expected close date.", "2025-12-15"),
        Column("closed_date", DATE, False, "Date the deal was won or lost; required once closed.", ""),
        Column("external_score", FLOAT, False, "The CRM's own opportunity score, 0-100, when it has one.", "64"),
    ),
)

OPPORTUNITY_CONTACTS = Entity(
    name="opportunity_contacts",
    description="Contacts involved in an opportunity, with their role in that deal.",
    primary_key=("opportunity_id", "contact_id"),
    columns=(
        Column("opportunity_id", STRING, True, "The opportunity.", "o-000042"),
        Column("contact_id", STRING, True, "The contact.", "c-000123"),
        Column("role", ENUM, False, "The contact's role in this deal.", "decision_maker", values=CONTACT_ROLES),
        Column("is_primary", BOOL, False, "True for the deal's primary contact.", "true"),
    ),
)

OPPORTUNITY_STAGE_HISTORY = Entity(
    name="opportunity_stage_history",
    description="Every change of an opportunity's stage, amount or expected close date (CRM field history), so features can be computed as of any past date.",
    primary_key=("opportunity_id", "changed_at"),
    optional=True,
    columns=(
        Column("opportunity_id", STRING, True, "The opportunity.", "o-000042"),
        Column("changed_at", TIMESTAMP, True, "When the change was made.", "2025-09-18T15:02:00-04:00"),
        Column("stage", STRING, True, "Stage after the change.", "Propose"),
        Column("stage_rank", INT, False, "Position of that stage in the process.", "3"),
        Column("amount", FLOAT, False, "Amount after the change.", "210000"),
        Column("expected_close_date", DATE, False, "Expected close date after the change.", "2025-12-15"),
        Column("status", ENUM, False, "Status after the change.", "open", values=OPPORTUNITY_STATUSES),
    ),
)

ACTIVITIES = Entity(
    name="activities",
    description="E-mails, meetings and phone calls. Who took part is in activity_parties.",
    primary_key=("activity_id",),
    columns=(
        Column("activity_id", STRING, True, "Stable identifier of the activity.", "e-00012345"),
        Column("activity_type", ENUM, True, "Channel.", "email", values=ACTIVITY_TYPES),
        Column("started_at", TIMESTAMP, True, "Sent time (e-mail) or start time, with UTC offset.", "2025-10-02T09:14:00-04:00", keep_offset=True),
        Column("ended_at", TIMESTAMP, False, "End time of a meeting or call, with UTC offset.", ""),
        Column("status", ENUM, True, "Completed, scheduled, cancelled or no-show.", "completed", values=ACTIVITY_STATUSES),
        Column("source", ENUM, True, "How it reached the CRM: synced from a mailbox/calendar, logged by hand, or from a dialer.", "synced", values=ACTIVITY_SOURCES),
        Column("subject", STRING, False, "Subject line or title.", "Re: proposal follow-up", free_text=True),
        Column("thread_id", STRING, False, "Conversation the activity belongs to.", "t-0009876"),
        Column("parent_activity_id", STRING, False, "activity_id of the message this one replies to.", "e-00012301"),
        Column("internet_message_id", STRING, False, "RFC 5322 Message-ID of an e-mail, for de-duplication.", "<abc123@mail.harborline.io>"),
        Column("regarding_opportunity_id", STRING, False, "Opportunity the activity was logged against.", "o-000042"),
        Column("regarding_account_id", STRING, False, "Account the activity was logged against.", "a-0001"),
        Column("owner_user_id", STRING, False, "user_id whose mailbox, calendar or log this came from.", "u-avery"),
        Column("body_text", STRING, False, "Plain-text body, only when the writer was asked to keep bodies (`--keep-bodies`). Read at landing to derive `body_sentiment` of the customer's e-mails (see below), then discarded unless RI_STORE_BODIES=1.", "Thanks, the pricing works for us.", transient=True, multiline=True),
        Column("body_sentiment", FLOAT, False, "Sentiment of the author's own words (VADER compound score, quoted and forwarded text removed, -1..1), derived from the body by whoever read it; the body itself is not written. Only the customer's e-mails' sentiment is used downstream.", "0.4404"),
    ),
    not_before=(("ended_at", "started_at"),),
    notes=(
        "Connectors and the simulator read message bodies only to derive signals: they write `body_sentiment` and no `body_text` unless asked. When a `body_text` is given, landing reads it only for the customer's e-mails and derives their `body_sentiment` from it (it wins over a given value); it does not keep the text. An e-mail is ours when every `sender` of it in the `activity_parties` batch of the same name is ours: a user's address (`email`, `email_aliases`) or an address on a user's mail domain (free-mail providers excepted) or one of its subdomains. Every other e-mail counts as the customer's. Meetings, calls and our e-mails keep the `body_sentiment` they were given (or none), which the warehouse does not use.",
    ),
)

ACTIVITY_PARTIES = Entity(
    name="activity_parties",
    description="Who took part in each activity and how, by e-mail address.",
    primary_key=("activity_id", "party_role", "email_address"),
    columns=(
        Column("activity_id", STRING, True, "The activity.", "e-00012345"),
        Column("party_role", ENUM, True, "Sender, recipient (to/cc/bcc), organizer, attendee, caller or callee.", "to", values=PARTY_ROLES),
        Column("email_address", STRING, True, "Address of the party (matched case-insensitively).", "Jordan.Ellis@BlueRidgeHotels.com"),
        Column("display_name", STRING, False, "Name shown with the address.", "Jordan Ellis", free_text=True),
        Column("participation_status", ENUM, False, "Meeting response or attendance.", "accepted", values=PARTICIPATION),
    ),
)

EMAIL_EVENTS = Entity(
    name="email_events",
    description="E-mail tracking events of outbound e-mails.",
    primary_key=("event_id",),
    optional=True,
    columns=(
        Column("event_id", STRING, True, "Stable identifier of the event.", "ev-0000001"),
        Column("activity_id", STRING, True, "The tracked e-mail.", "e-00012345"),
        Column("event_type", ENUM, True, "What happened.", "open", values=EMAIL_EVENT_TYPES),
        Column("occurred_at", TIMESTAMP, True, "When, with UTC offset.", "2025-10-02T09:15:02-04:00"),
        Column("recipient_email", STRING, False, "Recipient the event belongs to.", "jordan.ellis@blueridgehotels.com"),
        Column("is_machine_open", BOOL, False, "True when an open looks machine-made (privacy-proxy or scanner pre-fetch).", "false"),
        Column("user_agent", STRING, False, "User agent reported with an open or click.", "Mozilla/5.0"),
        Column("link_url", STRING, False, "Clicked link.", ""),
    ),
)

EXCLUDED_ACTIVITIES = Entity(
    name="excluded_activities",
    description="Activities a connector kept out of scoring (automated, bulk or one-sided mail), each with the rule that excluded it, so the filtering can be audited and tuned with allow and deny lists.",
    primary_key=("activity_id",),
    optional=True,
    columns=(
        Column("activity_id", STRING, True, "Identifier the activity would have had.", "e-5f1c2a"),
        Column("rule", STRING, True, "Name of the rule that excluded it.", "list_id_header"),
        Column("detail", STRING, False, "What the rule saw.", "List-Id: <deals.lists.example.com>", multiline=True),
        Column("activity_type", ENUM, False, "Channel.", "email", values=ACTIVITY_TYPES),
        Column("started_at", TIMESTAMP, False, "Sent or start time.", "2001-05-14T16:39:00-07:00"),
        Column("sender_address", STRING, False, "Sender or organizer address.", "noreply@example.com"),
        Column("subject", STRING, False, "Subject line.", "Weekly digest", free_text=True),
        Column("source_ref", STRING, False, "Where the item came from (file path, Message-ID).", "buy-r/inbox/12."),
    ),
)

SOURCE_REJECTIONS = Entity(
    name="source_rejections",
    description="Input items a connector could not convert (unparseable message, broken calendar), with the reason; nothing is dropped silently.",
    primary_key=("connector", "source_ref"),
    optional=True,
    columns=(
        Column("connector", STRING, True, "Connector that rejected the item.", "ics"),
        Column("source_ref", STRING, True, "File path, and position within it where known.", "calendars/broken_dtstart.ics#VEVENT[0]"),
        Column("reason", STRING, True, "Why it could not be converted.", "DTSTART is not a valid date-time", multiline=True),
        Column("detail", STRING, False, "Further context.", "", multiline=True),
    ),
)

ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in (
        USERS,
        ACCOUNTS,
        CONTACTS,
        OPPORTUNITIES,
        OPPORTUNITY_CONTACTS,
        OPPORTUNITY_STAGE_HISTORY,
        ACTIVITIES,
        ACTIVITY_PARTIES,
        EMAIL_EVENTS,
        EXCLUDED_ACTIVITIES,
        SOURCE_REJECTIONS,
    )
}

def entity(name: str) -> Entity:
    try:
        return ENTITIES[name]
    except KeyError:
        raise KeyError(f"unknown entity {name!r}; the contract has {', '.join(ENTITIES)}") from None


def to_markdown() -> str:
    """The contract as one Markdown page (docs/extract-contract.md is generated from this)."""
    out = [
        "# Canonical extract contract",
        "",
        "<!-- Generated by `python -m ingest.contract`; edit ingest/contract.py, not this page. -->",
        "",
        "Every source (the simulator, mail, calendar and CRM connectors, your own export job) delivers",
        "the same entities in the same shape; everything downstream reads only this.",
        "",
        "## Files",
        "",
        "- One folder per entity, one file per extract batch: `<extract_dir>/<entity>/<batch>.csv`, `.csv.gz`",
        "  (gzip-compressed CSV) or `.parquet`; suffixes in any case (`.CSV`).",
        "- Batches are processed in file-name order. A row whose key reappears in a later batch supersedes the",
        "  earlier one, so name batches so that they sort by time (`2025-03-01.csv`, `20250301T0200.parquet`).",
        "- The batch id (`_batch_id`) is the file name without its format suffix (`2025-03-01`); when two files",
        "  share that name in one folder (`b1.csv`, `b1.parquet`) both ids keep the suffix (`b1.csv`, `b1.parquet`).",
        "- Hidden files (name starting with `.`) are batches still being written: reported as skipped, not landed.",
        "  Any other file, and every symbolic link (never followed), is refused with a file-level quarantine entry.",
        "- CSV: UTF-8 (a byte-order mark is allowed; UTF-16/UTF-32 files are refused, naming the encoding),",
        "  comma-delimited, a header row, RFC 4180 quoting, any line ending (LF, CRLF or CR);",
        "  column order is free, unknown columns are ignored.",
        "- Nulls: only an empty field (or a Parquet null) is null. `NA`, `NULL`, `N/A`, `nan`, `#N/A` are ordinary",
        "  values and land as written (an account id `NA` is an account id).",
        f"- A field may hold up to {MAX_FIELD_BYTES:,} bytes; a row with a larger field is quarantined.",
        "- Parquet: the same column names; values may already be typed or be strings in the CSV formats below.",
        "  Nested columns (structs, maps) are refused; binary columns must hold UTF-8.",
        f"- Lists (`{STRING_LIST}`): `{LIST_SEPARATOR}`-separated in CSV, `list<string>` in Parquet.",
        "- Timestamps: ISO 8601 with a UTC offset (`2025-10-02T09:14:00-04:00` or `...Z`); landed as UTC, to the",
        f"  microsecond: more fractional digits (up to 9, and Parquet `timestamp[ns]`) are truncated to {TIMESTAMP_DIGITS}.",
        f"- Dates and timestamps must fall in the years {MIN_YEAR}-{MAX_YEAR}; others (e.g. 0001-01-01, 9999-12-31) are quarantined.",
        "- Dates: `YYYY-MM-DD`. Booleans: true/false, yes/no, 1/0 (any case). Enums: any case, landed lower-case.",
        "- Numbers must be finite: `inf`, `NaN` in a numeric column are quarantined.",
        "- Text must not hold control characters (NUL, ESC, ...): tab is allowed everywhere, line breaks only in",
        "  multi-line text (message bodies, details); a row breaking this is quarantined.",
        f"- Free text (names, titles, subjects) starting with {' '.join(f'`{p}`' for p in FORMULA_PREFIXES)} lands as written but is counted",
        "  (`formula_prefixed` in the landing result and manifest): a spreadsheet would run it as a formula, so",
        "  CSV exports must neutralise it (e.g. prefix a `'`). Phone numbers and numeric columns are not free text.",
        "",
        "## Landing rules",
        "",
        "- Each row is checked against the contract. A row that breaks it (missing required value, wrong type,",
        "  unparseable timestamp, unknown enum value, a key already seen in the same batch, undecodable text,",
        "  a date out of range, a control character, an end before its start) goes to the quarantine table with",
        "  file, row, field and reason; the rest land. `landed + quarantined = read`, always.",
        "- A file that cannot be read as a whole (empty, missing required columns, wrong delimiter or encoding,",
        "  a contract column named twice, a control character in the header) is recorded as one file-level",
        "  quarantine entry per row it holds (or one entry if it holds none).",
        "- An unterminated quote never swallows rows silently: every line from the row that opened it to the end",
        "  of the file is quarantined as a row of its own.",
        "- Every batch is isolated: a file that cannot be landed for any other reason gets one file-level",
        "  quarantine entry naming the error (status `failed`) and every other batch still lands.",
        "- Re-landing an unchanged batch adds nothing; a changed file under the same name replaces its batch.",
        "",
    ]
    for ent in ENTITIES.values():
        out += [f"## `{ent.name}`" + (" (optional)" if ent.optional else ""), "", ent.description, ""]
        out += [f"Key: {', '.join(f'`{k}`' for k in ent.primary_key)}.", ""]
        out += ["| column | type | required | meaning | example |", "|---|---|---|---|---|"]
        for col in ent.columns:
            typ = col.type if not col.values else f"enum: {', '.join(col.values)}"
            typ += " (free text)" if col.free_text else ""
            typ += " (multi-line)" if col.multiline else ""
            out.append(
                f"| `{col.name}` | {typ} | {'yes' if col.required else 'no'} | {col.description} | `{col.example}` |"
                if col.example
                else f"| `{col.name}` | {typ} | {'yes' if col.required else 'no'} | {col.description} | |"
            )
        for later, earlier in ent.not_before:
            out += ["", f"A row whose `{later}` is before its `{earlier}` is quarantined."]
        for note in ent.notes:
            out += ["", note]
        out.append("")
        header = ",".join(col.name for col in ent.columns)
        row = ",".join(_csv_quote(col.example) for col in ent.columns)
        out += ["Example CSV:", "", "```csv", header, row, "```", ""]
    return "\n".join(out)


def _csv_quote(value: str) -> str:
    return f'"{value}"' if any(ch in value for ch in ',"\n') else value


if __name__ == "__main__":
    sys.stdout.write(to_markdown())
