"""What every connector shares: its configuration, its report, and a buffer that writes batches."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest import contract
from ingest.extract_writer import write_batch

# Mail providers whose addresses belong to people, not companies: such contacts get no account.
PERSONAL_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "hotmail.com", "outlook.com", "live.com", "msn.com",
        "yahoo.com", "ymail.com", "aol.com", "icloud.com", "me.com", "mac.com", "proton.me",
        "protonmail.com", "gmx.com", "gmx.de", "web.de", "mail.com", "zoho.com", "comcast.net",
        "verizon.net", "att.net", "earthlink.net", "juno.com", "compuserve.com", "prodigy.net",
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
    store_bodies: bool = False
    # Recurring calendar events are expanded within this window (ISO dates); None = the events' own span.
    window_start: str | None = None
    window_end: str | None = None


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

    @property
    def accounted(self) -> int:
        return self.activities + self.duplicates + self.excluded + self.rejected

    def as_dict(self) -> dict[str, Any]:
        return {
            "connector": self.connector,
            "inputs_read": self.inputs_read,
            "activities": self.activities,
            "duplicates": self.duplicates,
            "excluded": self.excluded,
            "rejected": self.rejected,
            "rows_written": dict(sorted(self.rows_written.items())),
            "files_written": sorted(self.files_written),
        }


class ExtractBuffer:
    """Collects contract rows per entity and writes each entity as one batch, in a stable order."""

    def __init__(self) -> None:
        self._rows: dict[str, list[Mapping[str, Any]]] = defaultdict(list)

    def add(self, entity_name: str, row: Mapping[str, Any]) -> None:
        contract.entity(entity_name)  # fail fast on a typo
        self._rows[entity_name].append(row)

    def count(self, entity_name: str) -> int:
        return len(self._rows.get(entity_name, ()))

    def write(self, out_dir: str | Path, batch_name: str, report: ConversionReport, fmt: str = "csv") -> None:
        """Write every non-empty entity, rows sorted by primary key so re-runs give identical files."""
        for name in sorted(self._rows):
            rows = self._rows[name]
            if not rows:
                continue
            key = contract.entity(name).primary_key
            ordered = sorted(rows, key=lambda r: tuple(str(r.get(k) or "") for k in key))
            path = write_batch(out_dir, name, batch_name, ordered, fmt=fmt)
            report.rows_written[name] = len(ordered)
            report.files_written.append(str(path))
