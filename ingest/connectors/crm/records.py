"""Master-data records (users, accounts, contacts, deals): which rows are live, current and first.

Sync tools keep deleted records and, in history mode, every version of a record; only the current
version of a live record is converted, the others are recorded in source_rejections with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from ingest.connectors.crm.conversion import Conversion
from ingest.connectors.crm.export_files import Row, SourceTable
from ingest.connectors.crm.values import parse_bool

# Flags sync tools and CRMs use for deleted records and for superseded versions of a record.
DELETED_FLAGS = ("IsDeleted", "is_deleted", "_fivetran_deleted")
ACTIVE_VERSION_FLAG = "_fivetran_active"


def is_deleted(row: Row) -> bool:
    return any(parse_bool(row.get(flag)) for flag in DELETED_FLAGS)


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
        if is_deleted(row):
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


def convert_records(
    conv: Conversion, table: SourceTable | None, id_columns: Sequence[str], what: str, convert: Callable[[Row, str], object]
) -> None:
    """Convert the current record of every live id; a ValueError rejects the record (see Conversion.convert_each)."""
    conv.convert_each(current_records(conv, table, id_columns, what), convert, what=what)
