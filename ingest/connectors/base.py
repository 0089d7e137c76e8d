"""What every connector shares: its configuration, its report, and a buffer that writes batches."""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ingest import contract
from ingest.extract_writer import write_batch

# Mail providers whose addresses belong to people, not companies: such contacts get no account.
PERSONAL_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "hotmail.com", "outlook.com", "live.com", "msn.com",
        "yahoo.com", "ymail.com", "aol.com", "icloud.com", "me.com", "mac.com", "proton.me",
        "protonmail.com", "gmx.com", "gmx.de", "web.de", "mail.com", "zoho.com", "comcast.net",
        "verizon.net", "att.net", "earthlink.net", "juno.com", "compuserve.com", "prodigy.net",
        # Residential internet providers: their addresses are people, not the provider's staff.
        "rr.com", "charter.net", "cox.net", "sbcglobal.net", "bellsouth.net", "mindspring.com",
        "mediaone.net", "pacbell.net", "swbell.net", "optonline.net", "netzero.net", "netscape.net",
        "excite.com", "lycos.com", "btinternet.com", "t-online.de", "orange.fr", "free.fr", "wanadoo.fr",
    }
)


@dataclass(frozen=True)
class ConnectorConfig:
    """Settings a data engineer gives a connector; everything else is derived from the input."""

    internal_domains: tuple[str, ...] = ()
    personal_domains: frozenset[str] = PERSONAL_MAIL_DOMAINS
    # Addresses or domains always kept / always excluded, whatever the noise rules say.
    allow_senders: tuple[str, ...] = ()
    deny_senders: tuple[str, ...] = ()
    # Write message bodies into the extract (`--keep-bodies`); by default only their sentiment is written.
    keep_bodies: bool = False
    # Recurring calendar events are expanded within this window (ISO dates, end inclusive); None = a
    # bounded default span per series (see ingest.connectors.ics).
    window_start: str | None = None
    window_end: str | None = None
    # IANA zone for times that carry none (floating calendar times, mail dates without an offset).
    default_timezone: str = "UTC"
    # Noise rules (by name, see ingest.connectors.noise) switched off for this conversion.
    disabled_rules: tuple[str, ...] = ()
    # File format of the written batches: "csv" or "parquet" (pass it to ExtractBuffer.write).
    extract_format: str = "csv"


@dataclass
class ConversionReport:
    """What a conversion did with every input item; the counts must add up to what was read."""

    connector: str
    inputs_read: int = 0
    activities: int = 0
    duplicates: int = 0
    excluded: int = 0
    rejected: int = 0
    rows_written: dict[str, int] = field(default_factory=dict)
    files_written: list[str] = field(default_factory=list)
    # Connector-specific figures (counts per rule or reason, inferred settings), for the audit trail.
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def accounted(self) -> int:
        return self.activities + self.duplicates + self.excluded + self.rejected

    def check_accounted(self) -> None:
        """Raise when some input item was neither converted, a duplicate, excluded nor rejected."""
        if self.accounted != self.inputs_read:
            raise RuntimeError(
                f"{self.connector}: {self.inputs_read} items read but {self.accounted} accounted for "
                f"({self.activities} activities, {self.duplicates} duplicates, {self.excluded} excluded, {self.rejected} rejected)"
            )

    def count_detail(self, group: str, key: str, n: int = 1) -> None:
        """Add n to details[group][key] (e.g. excluded_by_rule / no_reply_sender)."""
        bucket = self.details.setdefault(group, {})
        bucket[key] = bucket.get(key, 0) + n

    def as_dict(self) -> dict[str, Any]:
        """Every field in declaration order; written rows and files sorted, so reports compare across runs."""
        return {
            **dataclasses.asdict(self),
            "rows_written": dict(sorted(self.rows_written.items())),
            "files_written": sorted(self.files_written),
        }


class Progress(Protocol):
    """What a connector may call to show progress (a tqdm bar fits; so does a no-op)."""

    def reset(self, total: int | None = None) -> None: ...

    def update(self, n: int = 1) -> object: ...


class NoProgress:
    """A progress sink that shows nothing."""

    def reset(self, total: int | None = None) -> None:
        return None

    def update(self, n: int = 1) -> object:
        return None


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def printable_text(value: str | None) -> str | None:
    """Control characters (NUL, ESC, ...) shown as \\xNN, so a rejection's own text always lands."""
    return None if value is None else _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", value)


def record_rejection(
    buffer: ExtractBuffer, report: ConversionReport, *, source_ref: str, reason: str, detail: str | None = None
) -> None:
    """An input item that could not be converted: one source_rejections row, counted by reason."""
    buffer.add(
        "source_rejections",
        {
            "connector": report.connector,
            "source_ref": printable_text(source_ref),
            "reason": printable_text(reason),
            "detail": printable_text(detail) or None,
        },
    )
    report.rejected += 1
    report.count_detail("rejected_by_reason", reason)


def record_exclusion(buffer: ExtractBuffer, report: ConversionReport, row: Mapping[str, Any]) -> None:
    """An item kept out of scoring by a noise rule: one excluded_activities row, counted by rule."""
    buffer.add("excluded_activities", row)
    report.excluded += 1
    report.count_detail("excluded_by_rule", str(row["rule"]))


class ExtractBuffer:
    """Collects contract rows per entity and writes each entity as one batch, in a stable order."""

    def __init__(self) -> None:
        self._rows: dict[str, list[Mapping[str, Any]]] = defaultdict(list)

    def add(self, entity_name: str, row: Mapping[str, Any]) -> None:
        contract.entity(entity_name)  # fail fast on a typo
        self._rows[entity_name].append(row)

    def count(self, entity_name: str) -> int:
        return len(self._rows.get(entity_name, ()))

    def write(self, out_dir: str | Path, batch_name: str, report: ConversionReport, fmt: str = "csv", *, keep_bodies: bool = False) -> None:
        """Write every non-empty entity, rows sorted by primary key so re-runs give identical files."""
        for name in sorted(self._rows):
            rows = self._rows[name]
            if not rows:
                continue
            key = contract.entity(name).primary_key
            ordered = sorted(rows, key=lambda r: tuple(str(r.get(k) or "") for k in key))
            path = write_batch(out_dir, name, batch_name, ordered, fmt=fmt, keep_bodies=keep_bodies)
            report.rows_written[name] = len(ordered)
            report.files_written.append(str(path))
