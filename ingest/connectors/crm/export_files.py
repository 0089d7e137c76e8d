"""Reading a CRM export folder: one CSV or Parquet file per CRM object, with normalised column names.

Column names are normalised by each connector's rule, so `AccountId` and `account_id` are the same
column; file names are matched after stripping the affixes sync tools add.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ingest.connectors.crm.errors import ConnectorInputError
from ingest.connectors.crm.values import parse_bool

Normalizer = Callable[[str], str]
# A required column, or a tuple meaning "at least one of these columns".
ColumnSpec = str | tuple[str, ...]
Tables = dict[str, "SourceTable | None"]

FILE_SUFFIXES = (".csv", ".parquet")
CSV_FIELD_LIMIT = 64 * 1024 * 1024
# Prefixes and suffixes of the object files written by common sync tools (e.g. the dbt seed files
# `sf_task_data.csv`, `engagement_email_data.csv`); stripped so `Task.csv` and `sf_task_data.csv` match.
_FILE_PREFIXES = ("sf_", "salesforce_", "hubspot_", "dynamics_", "dataverse_")
_FILE_SUFFIX = "_data"


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

    def require(self, *specs: ColumnSpec) -> None:
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


def load_objects(input_dir: Path, objects: Mapping[str, tuple[str, ...]], normalize: Normalizer, *, connector_label: str) -> Tables:
    """Read the files of the named objects (each with its accepted file names) from an export folder."""
    files = find_object_files(Path(input_dir))
    tables: Tables = {}
    for name, aliases in objects.items():
        path = next((files[object_key(a)] for a in aliases if object_key(a) in files), None)
        tables[name] = read_table(path, normalize) if path is not None else None
    if not any(t is not None for t in tables.values()):
        expected = ", ".join(f"{aliases[0]}.csv" for aliases in objects.values())
        raise ConnectorInputError(f"{input_dir}: no {connector_label} export files found (expected e.g. {expected})")
    return tables


@dataclass(frozen=True)
class ExportLayout:
    """How one CRM's export folder looks: which objects, how columns are spelt, what must be there."""

    label: str  # the CRM's name in messages ("Salesforce")
    objects: Mapping[str, tuple[str, ...]]  # object -> accepted file names, the first one shown in messages
    normalize_column: Normalizer
    required_columns: Mapping[str, tuple[ColumnSpec, ...]]
    # Column rules that depend on which columns a file has (e.g. two layouts of one object).
    check: Callable[[Tables], None] | None = None

    def read(self, input_dir: Path) -> Tables:
        """Every object file of the export, checked for its required columns (None: no such file)."""
        tables = load_objects(Path(input_dir), self.objects, self.normalize_column, connector_label=self.label)
        for name, specs in self.required_columns.items():
            table = tables.get(name)
            if table is not None:
                table.require(*specs)
        if self.check is not None:
            self.check(tables)
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
