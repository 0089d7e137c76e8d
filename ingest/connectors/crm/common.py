"""What the three CRM connectors share.

- finding one file per CRM object in an export folder and reading it (CSV or Parquet) with
  normalised column names, so ``AccountId`` and ``account_id`` are the same column;
- parsing the values CRMs export (timestamps in UTC, dates, booleans, addresses, web sites);
- collecting canonical rows while accounting for every input row: each activity row ends up
  converted, excluded (with the rule), a duplicate, or rejected (with the reason).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from email.utils import getaddresses
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pyarrow as pa
import pyarrow.parquet as pq

from ingest import contract
from ingest.connectors.base import ConnectorConfig, ConversionReport, ExtractBuffer
from ingest.connectors.crm.errors import ConnectorInputError
from ingest.connectors.identity import InternalPolicy, normalize_address
from ingest.connectors.noise import Exclusion, ItemFacts, classify

Normalizer = Callable[[str], str]

FILE_SUFFIXES = (".csv", ".parquet")
CSV_FIELD_LIMIT = 64 * 1024 * 1024
# Prefixes and suffixes of the object files written by common sync tools (e.g. the dbt seed files
# `sf_task_data.csv`, `engagement_email_data.csv`); stripped so `Task.csv` and `sf_task_data.csv` match.
_FILE_PREFIXES = ("sf_", "salesforce_", "hubspot_", "dynamics_", "dataverse_")
_FILE_SUFFIX = "_data"

# Flags sync tools and CRMs use for deleted records and for superseded versions of a record.
DELETED_FLAGS = ("IsDeleted", "is_deleted", "_fivetran_deleted")
ACTIVE_VERSION_FLAG = "_fivetran_active"


# --------------------------------------------------------------------------- files and rows


def object_key(stem: str) -> str:
    """Canonical object name of a file stem: lower case, no separators, sync-tool affixes removed."""
    key = stem.strip().lower()
    for prefix in _FILE_PREFIXES:
        if key.startswith(prefix):
            key = key[len(prefix) :]
            break
    if key.endswith(_FILE_SUFFIX):
        key = key[: -len(_FILE_SUFFIX)]
    return re.sub(r"[\s_\-]", "", key)


def find_object_files(input_dir: Path) -> dict[str, Path]:
    """Map canonical object names to the CSV or Parquet files of an export folder."""
    if not input_dir.is_dir():
        raise ConnectorInputError(f"{input_dir}: not a folder")
    found: dict[str, Path] = {}
    for path in sorted(input_dir.iterdir()):
        if path.name.startswith(".") or not path.is_file() or path.suffix.lower() not in FILE_SUFFIXES:
            continue
        key = object_key(path.stem)
        if key in found:
            raise ConnectorInputError(
                f"{input_dir}: two files hold the same object ({found[key].name} and {path.name}); keep one"
            )
        found[key] = path
    return found


class Row:
    """One input row: values by normalised column name; empty fields are None."""

    __slots__ = ("table", "index", "values", "problem")

    def __init__(self, table: SourceTable, index: int, values: dict[str, str | None], problem: str | None = None):
        self.table = table
        self.index = index  # 1-based position among the data rows (the header is not counted)
        self.values = values
        self.problem = problem  # set when the row itself is malformed (e.g. too many fields)

    def get(self, *names: str) -> str | None:
        """The first non-empty value among the given columns (any spelling the table normalises)."""
        for name in names:
            value = self.values.get(self.table.key(name))
            if value:
                return value
        return None

    def flag(self, *names: str) -> bool | None:
        """The first of the given boolean columns that holds a recognisable value."""
        for name in names:
            value = parse_bool(self.values.get(self.table.key(name)))
            if value is not None:
                return value
        return None

    @property
    def ref(self) -> str:
        return f"{self.table.name}#row{self.index}"


class SourceTable:
    """The rows of one object file, with column names normalised by the connector's rule."""

    def __init__(self, path: Path, header: Sequence[str], records: Iterable[Sequence[Any]], normalize: Normalizer):
        self.path = path
        self.name = path.name
        self._normalize = normalize
        self._keys: dict[str, str] = {}
        keys = [self.key(h) for h in header]
        self.columns = frozenset(k for k in keys if k)
        self.rows: list[Row] = []
        for i, record in enumerate(records, start=1):
            values: dict[str, str | None] = {}
            for key, raw in zip(keys, record):
                text = _text(raw)
                # Two spellings of one column (e.g. `parentcustomerid` and `_parentcustomerid_value`):
                # the first non-empty value wins.
                if key and (values.get(key) is None):
                    values[key] = text
            problem = None
            if len(record) > len(header):
                extra = [v for v in record[len(header) :] if _text(v)]
                if extra:
                    problem = f"row has {len(record)} fields but the header has {len(header)} (broken quoting?)"
            self.rows.append(Row(self, i, values, problem))

    def key(self, name: str) -> str:
        cached = self._keys.get(name)
        if cached is None:
            cached = self._keys[name] = self._normalize(name.strip())
        return cached

    def has(self, *names: str) -> bool:
        return any(self.key(n) in self.columns for n in names)

    def require(self, *specs: str | tuple[str, ...]) -> None:
        """Raise ConnectorInputError naming the file and column when a required column is absent.

        A tuple means "at least one of these columns".
        """
        for spec in specs:
            names = (spec,) if isinstance(spec, str) else spec
            if not self.has(*names):
                if len(names) == 1:
                    raise ConnectorInputError(f"{self.path}: required column {names[0]!r} is missing")
                raise ConnectorInputError(
                    f"{self.path}: required column missing: needs one of {', '.join(repr(n) for n in names)}"
                )

    def __len__(self) -> int:
        return len(self.rows)


def read_table(path: Path, normalize: Normalizer) -> SourceTable:
    """Read a CSV (UTF-8, optional BOM) or Parquet object file."""
    try:
        if path.suffix.lower() == ".parquet":
            table = pq.read_table(path)
            header = table.column_names
            records = [[rec.get(c) for c in header] for rec in table.to_pylist()]
            return SourceTable(path, header, records, normalize)
        # E-mail descriptions with inline HTML exceed the csv module's default 128 KiB field limit.
        previous_limit = csv.field_size_limit(CSV_FIELD_LIMIT)
        try:
            with path.open(newline="", encoding="utf-8-sig") as fh:
                reader = csv.reader(fh)
                header = next(reader, None) or []
                records = [r for r in reader if any(cell.strip() for cell in r)]
        finally:
            csv.field_size_limit(previous_limit)
        return SourceTable(path, header, records, normalize)
    except (OSError, UnicodeDecodeError, csv.Error, pa.ArrowException) as exc:
        raise ConnectorInputError(f"{path}: cannot be read: {exc}") from exc


def load_objects(
    input_dir: Path, objects: dict[str, tuple[str, ...]], normalize: Normalizer, *, connector_label: str
) -> dict[str, SourceTable | None]:
    """Read the files of the named objects (each with its accepted file names) from an export folder."""
    files = find_object_files(Path(input_dir))
    tables: dict[str, SourceTable | None] = {}
    for name, aliases in objects.items():
        path = next((files[object_key(a)] for a in aliases if object_key(a) in files), None)
        tables[name] = read_table(path, normalize) if path is not None else None
    if not any(t is not None for t in tables.values()):
        expected = ", ".join(f"{aliases[0]}.csv" for aliases in objects.values())
        raise ConnectorInputError(f"{input_dir}: no {connector_label} export files found (expected e.g. {expected})")
    return tables


def _text(value: Any) -> str | None:
    """A raw CSV or Parquet value as trimmed text; empty becomes None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # ids and counts typed as float by a Parquet writer
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, (list, tuple)):
        value = ";".join(str(v) for v in value)
    text = str(value).strip()
    return text or None


# --------------------------------------------------------------------------- values

_TIMESTAMP = re.compile(
    r"""^(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})
        (?:[T\s]+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d+))?)?)?
        \s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$""",
    re.VERBOSE | re.IGNORECASE,
)
_EPOCH = re.compile(r"^\d{9,14}$")


def parse_timestamp(text: str, *, naive_zone: dt.tzinfo | None = None) -> dt.datetime:
    """Parse an exported date-time; raise ValueError when it is not one.

    Accepts ISO 8601 with `T` or a space, any fraction of seconds, `Z`, `UTC`, `+0000` or
    `+00:00`, and epoch seconds or milliseconds. A value without an offset is taken in
    `naive_zone`, UTC by default: Dataverse, Salesforce and HubSpot all store and export UTC.
    A date without a time stands for midday of that day in that zone (see `midday`).
    """
    raw = text.strip()
    if _EPOCH.match(raw):
        seconds = int(raw) / (1000 if len(raw) > 11 else 1)
        return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)
    m = _TIMESTAMP.match(raw)
    if not m:
        raise ValueError(f"cannot parse {text!r} as a date-time")
    try:
        day = dt.date(int(m["y"]), int(m["mo"]), int(m["d"]))
        if m["h"] is None:
            return midday(day, naive_zone)
        tz = _offset(m["tz"]) if m["tz"] else naive_zone or dt.timezone.utc
        micro = int((m["f"] or "0")[:6].ljust(6, "0"))
        return dt.datetime(day.year, day.month, day.day, int(m["h"]), int(m["mi"]), int(m["s"] or 0), micro, tzinfo=tz)
    except ValueError as exc:  # month 13, hour 25, offset +25:00 ...
        raise ValueError(f"cannot parse {text!r} as a date-time ({exc})") from None


def _offset(token: str) -> dt.tzinfo:
    if token.upper() in {"Z", "UTC", "GMT"}:
        return dt.timezone.utc
    digits = token[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
    if minutes == 0:
        return dt.timezone.utc
    return dt.timezone(dt.timedelta(minutes=minutes if token[0] == "+" else -minutes))


def parse_date(text: str) -> dt.date:
    """Parse a date; a date-time keeps its calendar date as written (no zone conversion)."""
    raw = text.strip()
    if _EPOCH.match(raw):
        return parse_timestamp(raw).date()
    m = _TIMESTAMP.match(raw)
    if not m:
        raise ValueError(f"cannot parse {text!r} as a date")
    try:
        return dt.date(int(m["y"]), int(m["mo"]), int(m["d"]))
    except ValueError as exc:
        raise ValueError(f"cannot parse {text!r} as a date ({exc})") from None


def midday(day: dt.date, zone: dt.tzinfo | None) -> dt.datetime:
    """Noon of a calendar day in the given zone (UTC when unknown).

    Used for activities that carry only a date: noon keeps the calendar date the same in every
    zone from UTC-11 to UTC+11, so the activity is counted on the day it was logged for.
    """
    return dt.datetime.combine(day, dt.time(12), tzinfo=zone or dt.timezone.utc)


def zone(name: str | None) -> dt.tzinfo | None:
    """An IANA time zone by name, or None when the name is empty or unknown."""
    if not name:
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


def parse_bool(text: str | None) -> bool | None:
    if text is None:
        return None
    word = text.strip().lower()
    if word in contract.TRUE_WORDS:
        return True
    if word in contract.FALSE_WORDS:
        return False
    return None


def parse_number(text: str | None) -> float | None:
    """A plain decimal number; raises ValueError for anything else."""
    if text is None:
        return None
    try:
        return float(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None


def percentage(value: float | None, *, fraction: bool = False) -> float | None:
    """A 0-100 score, or None outside that range (a fraction 0-1 is scaled when asked)."""
    if value is None:
        return None
    if fraction:
        value *= 100.0
    return value if 0.0 <= value <= 100.0 else None


def normalize_email(text: str | None) -> str | None:
    """The canonical address (shared with the mail connectors), or None when the value is not one.

    Accepts `Name <address>` as CRMs store some sender fields.
    """
    if not text:
        return None
    m = re.search(r"<([^<>]+@[^<>]+)>", text)
    return normalize_address(m.group(1) if m else text)


def split_addresses(text: str | None) -> list[tuple[str | None, str]]:
    """(display name, address) pairs from a `;`- or `,`-separated recipient field; non-addresses skipped."""
    if not text:
        return []
    out: list[tuple[str | None, str]] = []
    for name, addr in getaddresses([text.replace(";", ",")]):
        email = normalize_email(addr)
        if email:
            out.append((name.strip() or None, email))
    return out


def domain_of_url(url: str | None) -> str | None:
    """Host of a web site without `www.`: `https://www.Example.com/x` -> `example.com`."""
    if not url:
        return None
    host = re.sub(r"^[a-z][a-z0-9+.\-]*://", "", url.strip().lower())
    host = re.split(r"[/?#:\s]", host, maxsplit=1)[0].strip(".")
    host = host.removeprefix("www.")
    return host if "." in host and re.fullmatch(r"[a-z0-9.\-]+", host) else None


def company_domain(email: str | None, config: ConnectorConfig) -> str | None:
    """Domain of an address unless it is a personal mail provider's."""
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1]
    return None if domain in config.personal_domains else domain


def html_to_text(body: str | None) -> str | None:
    """Plain text of an HTML body (CRMs store e-mail descriptions as HTML); plain text passes through."""
    if not body:
        return None
    if "<" not in body or ">" not in body:
        return body
    text = re.sub(r"(?is)<(script|style|head)\b.*?</\1\s*>", " ", body)
    text = re.sub(r"(?i)<br\s*/?>|</p\s*>|</div\s*>", "\n", text)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = "\n".join(re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip() or None


def full_name(*parts: str | None) -> str | None:
    name = " ".join(p.strip() for p in parts if p and p.strip())
    return name or None


def latest_timestamp(rows: Iterable[Row], columns: Sequence[str], naive_zone: dt.tzinfo | None = None) -> dt.datetime | None:
    """The latest parseable value of the given columns: the moment the export reflects."""
    latest: dt.datetime | None = None
    for row in rows:
        for column in columns:
            value = row.get(column)
            if not value:
                continue
            try:
                stamp = parse_timestamp(value, naive_zone=naive_zone)
            except ValueError:
                continue
            if latest is None or stamp > latest:
                latest = stamp
    return latest


def meeting_status(end_or_start: dt.datetime, export_time: dt.datetime | None) -> str:
    """Status of a meeting the CRM leaves open: held once it ended before the export was taken.

    Calendar-synced meetings are rarely marked complete in a CRM, so "open" in the CRM says
    nothing about whether the meeting happened; its time relative to the export does.
    """
    if export_time is None or end_or_start <= export_time:
        return "completed"
    return "scheduled"


# --------------------------------------------------------------------------- activities


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
        return {
            "activity_id": self.activity_id,
            "activity_type": self.activity_type,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "status": self.status,
            "source": self.source,
            "subject": self.subject,
            "thread_id": self.thread_id,
            "parent_activity_id": self.parent_activity_id,
            "internet_message_id": self.internet_message_id,
            "regarding_opportunity_id": self.regarding_opportunity_id,
            "regarding_account_id": self.regarding_account_id,
            "owner_user_id": self.owner_user_id,
            "body_text": self.body_text,
        }


# Noise rules that do not fit CRM activities: a CRM activity always has an internal owner, and one
# whose customer side could not be resolved to an address still counts for its account or deal.
CRM_SKIPPED_RULES = frozenset({"no_recipients", "no_internal_party"})


class Conversion:
    """Collects canonical rows and keeps the report's counts honest.

    For activity files every row read counts as an input and ends in exactly one of: an activity,
    an exclusion, a duplicate or a rejection. Rows of other files that cannot be converted go to
    `source_rejections` as well, without counting as activity inputs.
    """

    def __init__(self, connector: str, config: ConnectorConfig):
        self.connector = connector
        self.config = config
        self.report = ConversionReport(connector=connector)
        self.buffer = ExtractBuffer()
        # Zone of timestamps exported without an offset (UTC unless configured otherwise).
        self.naive_zone: dt.tzinfo = zone(config.default_timezone) or dt.timezone.utc
        self.internal_addresses: set[str] = set()
        self._names: dict[str, str] = {}  # address -> display name, from the users and contacts read
        self._rejections: dict[str, dict[str, Any]] = {}
        self._claimed: set[str] = set()

    # ------------------------------------------------------------- values

    def timestamp(self, value: str | None, column: str) -> dt.datetime | None:
        """A parsed date-time, None when empty; ValueError naming the column when unparseable."""
        if not value:
            return None
        try:
            return parse_timestamp(value, naive_zone=self.naive_zone)
        except ValueError as exc:
            raise ValueError(f"{column}: {exc}") from None

    def first_timestamp(self, row: Row, *columns: str) -> dt.datetime | None:
        """The first of the columns that holds a value, parsed."""
        for column in columns:
            value = row.get(column)
            if value:
                return self.timestamp(value, column)
        return None

    @staticmethod
    def date(value: str | None, column: str) -> dt.date | None:
        if not value:
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            raise ValueError(f"{column}: {exc}") from None

    def day_at_noon(self, value: str | None, column: str, owner_zone: dt.tzinfo | None = None) -> dt.datetime | None:
        """A date-only field as an activity time: noon in the owner's zone, else the configured zone."""
        day = self.date(value, column)
        return midday(day, owner_zone or self.naive_zone) if day is not None else None

    def know(self, address: str | None, name: str | None, *, internal: bool = False) -> None:
        """Remember a person's name (and whether they are an internal user) by address."""
        if not address:
            return
        if name and address not in self._names:
            self._names[address] = name
        if internal:
            self.internal_addresses.add(address)

    # ------------------------------------------------------------- rows

    def rows(self, table: SourceTable | None, *, activity: bool = False) -> Iterator[Row]:
        """Iterate a table's well-formed rows (malformed ones are rejected); counts activity inputs."""
        if table is None:
            return
        for row in table.rows:
            if activity:
                self.report.inputs_read += 1
            if row.problem:
                self.reject(row.ref, row.problem, activity=activity)
                continue
            yield row

    def reject(self, ref: str, reason: str, detail: str | None = None, *, activity: bool = False) -> None:
        existing = self._rejections.get(ref)
        if existing is not None:
            # A second problem with the same item: keep one rejection, mention both.
            existing["detail"] = "; ".join(x for x in (existing.get("detail"), reason) if x)
            return
        self._rejections[ref] = {"connector": self.connector, "source_ref": ref, "reason": reason, "detail": detail}
        self.report.count_detail("rejected_by_file", ref.split("#", 1)[0])
        if activity:
            self.report.rejected += 1

    def claim(self, activity_id: str) -> bool:
        """Record an activity id; False when it was already converted or excluded (a duplicate)."""
        if activity_id in self._claimed:
            return False
        self._claimed.add(activity_id)
        return True

    def claimed(self, activity_id: str) -> bool:
        """True when the id was already converted, excluded or rejected as a duplicate."""
        return activity_id in self._claimed

    def duplicate(self) -> None:
        self.report.duplicates += 1

    def exclude(
        self,
        activity_id: str,
        rule: str,
        *,
        detail: str | None = None,
        activity_type: str | None = None,
        started_at: dt.datetime | None = None,
        sender: str | None = None,
        subject: str | None = None,
        ref: str | None = None,
    ) -> None:
        """Keep an activity out of scoring, with the rule that did it (auditable in excluded_activities)."""
        self.buffer.add(
            "excluded_activities",
            {
                "activity_id": activity_id,
                "rule": rule,
                "detail": detail,
                "activity_type": activity_type,
                "started_at": started_at,
                "sender_address": normalize_email(sender),
                "subject": subject,
                "source_ref": ref,
            },
        )
        self.report.excluded += 1
        self.report.count_detail("excluded_by_rule", rule)

    def add_activity(self, activity: Activity) -> None:
        """Write an activity and its parties, unless a noise rule or the deny list excludes it."""
        noise = self._noise(activity)
        if noise is not None:
            sender = next((p.email for p in activity.parties if p.role in ("sender", "organizer")), None)
            self.exclude(activity.activity_id, noise.rule, detail=noise.detail, activity_type=activity.activity_type,
                         started_at=activity.started_at, sender=sender, subject=activity.subject, ref=activity.ref)
            return
        self.buffer.add("activities", activity.row())
        for party in activity.parties:
            party.name = party.name or self._names.get(party.email)
            self.buffer.add(
                "activity_parties",
                {
                    "activity_id": activity.activity_id,
                    "party_role": party.role,
                    "email_address": party.email,
                    "display_name": party.name,
                    "participation_status": party.status,
                },
            )
        self.report.activities += 1

    def _noise(self, activity: Activity) -> Exclusion | None:
        """The shared noise rules (ingest.connectors.noise) for e-mails and meetings; calls are kept."""
        if activity.activity_type == "call":
            return None
        lead_role = "sender" if activity.activity_type == "email" else "organizer"
        sender = next((p.email for p in activity.parties if p.role == lead_role), None)
        others = tuple(dict.fromkeys(p.email for p in activity.parties if p.role != lead_role and p.email != sender))
        disabled = set(self.config.disabled_rules) | CRM_SKIPPED_RULES
        if not others:
            disabled.add("no_external_party")  # one-sided: nothing shows the activity was internal only
        policy = InternalPolicy(domains=tuple(self.config.internal_domains), addresses=frozenset(self.internal_addresses))
        facts = ItemFacts(sender=sender, recipients=others, kind=activity.activity_type)
        return classify(facts, policy, allow=self.config.allow_senders, deny=self.config.deny_senders, disabled=disabled)

    def add(self, entity_name: str, row: dict[str, Any]) -> None:
        self.buffer.add(entity_name, row)

    def finish(self, out_dir: Path, batch_name: str) -> ConversionReport:
        """Write every entity as one batch; refuses to write when an activity input is unaccounted for."""
        self.report.check_accounted()
        for rejection in self._rejections.values():
            self.buffer.add("source_rejections", rejection)
        self.buffer.write(out_dir, batch_name, self.report, fmt=self.config.extract_format)
        return self.report


def current_records(conv: Conversion, table: SourceTable | None, id_columns: Sequence[str], what: str) -> Iterator[tuple[Row, str]]:
    """Rows of a master-data file that are the current version of a live record, with their id.

    Deleted records, superseded versions (history-mode syncs keep every version) and repeated
    ids are recorded in source_rejections with the reason.
    """
    first_seen: dict[str, int] = {}
    for row in conv.rows(table):
        record_id = row.get(*id_columns)
        if not record_id:
            conv.reject(row.ref, f"{what} without an id ({id_columns[0]} is empty)")
            continue
        if any(parse_bool(row.get(flag)) for flag in DELETED_FLAGS):
            conv.reject(row.ref, f"{what} {record_id} is deleted in the CRM")
            continue
        if parse_bool(row.get(ACTIVE_VERSION_FLAG)) is False:
            conv.reject(row.ref, f"{what} {record_id}: an earlier version of the record ({ACTIVE_VERSION_FLAG} = false)")
            continue
        if record_id in first_seen:
            conv.reject(row.ref, f"{what} {record_id} appears again (first in row {first_seen[record_id]}); the first is kept")
            continue
        first_seen[record_id] = row.index
        yield row, record_id


def is_deleted(row: Row) -> bool:
    return any(parse_bool(row.get(flag)) for flag in DELETED_FLAGS)
