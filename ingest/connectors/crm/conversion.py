"""Collecting a CRM conversion's canonical rows while accounting for every input row.

Each activity row ends up converted, excluded (with the rule), a duplicate, or rejected (with the
reason); `Conversion` keeps those counts and refuses to write a batch where they do not add up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol, TypeVar

from ingest.connectors.base import ConnectorConfig, ConversionReport, ExtractBuffer, printable_text
from ingest.connectors.crm.activity import Activity
from ingest.connectors.crm.addresses import normalize_email
from ingest.connectors.crm.export_files import ExportLayout, Row, SourceTable, Tables
from ingest.connectors.crm.timestamps import midday, parse_date, parse_timestamp, zone
from ingest.connectors.identity import InternalPolicy
from ingest.connectors.noise import Exclusion, ItemFacts, classify

# Noise rules that do not fit CRM activities: a CRM activity always has an internal owner, and one
# whose customer side could not be resolved to an address still counts for its account or deal.
CRM_SKIPPED_RULES = frozenset({"no_recipients", "no_internal_party"})


class _Traceable(Protocol):
    @property
    def ref(self) -> str: ...


T = TypeVar("T")
Item = TypeVar("Item", bound=_Traceable)


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

    def identified_rows(self, table: SourceTable | None, id_column: str, without_id: Callable[[Row], str]) -> Iterator[tuple[Row, str]]:
        """The activity rows of a table with their id; a row without one is rejected with `without_id(row)`."""
        for row in self.rows(table, activity=True):
            activity_id = row.get(id_column)
            if not activity_id:
                self.reject(row.ref, without_id(row), activity=True)
                continue
            yield row, activity_id

    def first_claims(
        self, items: Iterable[tuple[T, str]], *, is_copy: Callable[[T, str], bool] | None = None
    ) -> Iterator[tuple[T, str]]:
        """Items whose activity id is seen for the first time; repeats, and copies `is_copy` spots, are duplicates."""
        for item, activity_id in items:
            if (is_copy is not None and is_copy(item, activity_id)) or not self.claim(activity_id):
                self.duplicate()
                continue
            yield item, activity_id

    def convert_each(
        self, items: Iterable[tuple[Item, str]], convert: Callable[[Item, str], object], *, what: str, activity: bool = False
    ) -> None:
        """Run `convert` on every (item, id); a ValueError it raises rejects the item as `<what> <id>: <problem>`.

        `convert` adds the item's rows itself (or rejects or excludes it with a reason of its own).
        """
        for item, item_id in items:
            try:
                convert(item, item_id)
            except ValueError as exc:
                self.reject(item.ref, f"{what} {item_id}: {exc}", activity=activity)

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
            self.buffer.add("source_rejections", {k: printable_text(v) if isinstance(v, str) else v for k, v in rejection.items()})
        self.buffer.write(out_dir, batch_name, self.report, fmt=self.config.extract_format, keep_bodies=self.config.keep_bodies)
        return self.report


class ExportConverter(Protocol):
    """A connector's conversion of the tables it read: built per export, `run` adds every row to `conv`."""

    def __init__(self, conv: Conversion, tables: Tables) -> None: ...

    def run(self) -> None: ...


def convert_export(
    layout: ExportLayout, connector: str, converter: type[ExportConverter], input_dir: Path, out_dir: Path, *, batch_name: str, config: ConnectorConfig
) -> ConversionReport:
    """Read an export folder, convert its tables and write them as one canonical extract batch."""
    tables = layout.read(Path(input_dir))
    conv = Conversion(connector, config)
    converter(conv, tables).run()
    return conv.finish(Path(out_dir), batch_name)
