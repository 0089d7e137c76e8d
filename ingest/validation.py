"""Check a batch's text columns against the contract and type them, one column at a time.

Validation is vectorised with Arrow compute, so a month of activities checks in seconds; only
values that already failed a cheap pattern test are looked at one by one, to word the reason.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingest import contract
from ingest.raw_batch import RawBatch, RejectedRow
from ingest.sentiment import sentiments

_INT = r"^[+-]?\d+$"
_FLOAT = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
_DATE = r"^\d{4}-\d{2}-\d{2}$"
_TIMESTAMP = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$"
_NAIVE_TIMESTAMP = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$"
_OFFSET = r"(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2})$"  # or a final Z: UTC
_EXTRA_DIGITS = rf"(\.\d{{{contract.TIMESTAMP_DIGITS}}})\d+"
_CONTROL_ONE_LINE = r"[\x00-\x08\x0a-\x1f\x7f]"
_CONTROL_MULTILINE = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_FORMULA = "^[" + re.escape("".join(contract.FORMULA_PREFIXES)) + "]"
_CAST_ONE_BY_ONE = 64  # a failing cast of at most this many values is retried value by value


@dataclass
class ValidatedBatch:
    table: pa.Table  # good rows in the landed schema
    rejected: list[RejectedRow]
    formula_prefixed: int = 0  # landed free-text values starting with a spreadsheet formula prefix


@dataclass
class _Checked:
    values: pa.Array  # typed; null where invalid
    invalid: np.ndarray  # bool per row
    why: str  # reason template; {value} is replaced with the offending value, quoted
    special: dict[int, str] | None = None  # row index -> a more specific reason template


def _flag(c: _Checked, rows: np.ndarray, why: str) -> _Checked:
    """c with the given rows also invalid, for the given reason."""
    if not rows.any():
        return c
    special = dict(c.special or {})
    for i in np.flatnonzero(rows & ~c.invalid):
        special[int(i)] = why
    return _Checked(c.values, c.invalid | rows, c.why, special)


# activity ids -> which of them we sent (ingest.authorship); None: nobody is known to be ours.
SentByUs = Callable[[pa.Array], np.ndarray]


def validate(
    raw: RawBatch, ent: contract.Entity, batch_id: str, *, keep_bodies: bool = False, sent_by_us: SentByUs | None = None
) -> ValidatedBatch:
    """Type every contract column, quarantine rows that break the contract, derive signals.

    Sentiment is derived from the bodies of e-mails the customer wrote: those sent_by_us does not
    claim for us."""
    n = len(raw.row_numbers)
    checked: dict[str, _Checked] = {}
    for col in ent.columns:
        text = raw.columns.get(col.name)
        text = pa.nulls(n, pa.string()) if text is None else pc.utf8_trim_whitespace(text)
        text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
        checked[col.name] = _check(col, text, raw.may_hold_long_fractions)
        if col.type in (contract.STRING, contract.STRING_LIST, contract.ENUM) and (
            raw.may_hold_controls or (raw.may_hold_line_breaks and not col.multiline)
        ):
            controls = _mask(pc.match_substring_regex(text, _CONTROL_MULTILINE if col.multiline else _CONTROL_ONE_LINE))
            checked[col.name] = _flag(checked[col.name], controls, "{value} contains a control character (" + ("NUL, ESC, ..." if col.multiline else "NUL, line break, ESC, ...") + ")")
        if col.required:
            missing = _mask(pc.is_null(text))
            if missing.any():
                c = checked[col.name]
                checked[col.name] = _Checked(c.values, c.invalid | missing, c.why)

    for later, earlier in ent.not_before:
        before = _mask(pc.less(checked[later].values, checked[earlier].values))
        checked[later] = _flag(checked[later], before, f"{{value}} is before {earlier}")

    bad = np.zeros(n, dtype=bool)
    for c in checked.values():
        bad |= c.invalid
    rejected = list(raw.rejected)
    for i in np.flatnonzero(bad):
        rejected.append(_rejected_row(raw, ent, checked, int(i)))

    duplicate = _duplicate_keys(ent, checked, ~bad)
    for i, first in duplicate.items():
        key = ", ".join(f"{k}={checked[k].values[i].as_py()}" for k in ent.primary_key)
        rejected.append(
            RejectedRow(
                int(raw.row_numbers[i]),
                ",".join(ent.primary_key),
                f"duplicate key ({key}) already at row {int(raw.row_numbers[first])} of this batch",
                _raw_json(raw, ent, i),
            )
        )
        bad[i] = True

    keep = pa.array(~bad)
    table = _landed_table(ent, raw, checked, keep, batch_id, keep_bodies, sent_by_us)
    formula = sum(
        int(pc.sum(pc.match_substring_regex(table.column(c.name), _FORMULA)).as_py() or 0)
        for c in ent.columns
        if c.free_text and not c.transient
    )
    return ValidatedBatch(table, sorted(rejected, key=lambda r: (r.row_number or 0, r.field or "")), formula)


def _mask(arr: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def _check(col: contract.Column, text: pa.Array, long_fractions: bool = True) -> _Checked:
    present = _mask(pc.is_valid(text))
    if col.type in (contract.STRING,):
        return _Checked(text, np.zeros(len(text), bool), "")
    if col.type == contract.ENUM:
        lowered = pc.utf8_lower(text)
        ok = _mask(pc.is_in(lowered, value_set=pa.array(col.values)))
        return _Checked(lowered, present & ~ok, f"unknown value {{value}} (allowed: {', '.join(col.values)})")
    if col.type == contract.BOOL:
        lowered = pc.utf8_lower(text)
        is_true = pc.fill_null(pc.is_in(lowered, value_set=pa.array(sorted(contract.TRUE_WORDS))), False)
        is_false = pc.fill_null(pc.is_in(lowered, value_set=pa.array(sorted(contract.FALSE_WORDS))), False)
        values = pc.if_else(is_true, True, pc.if_else(is_false, False, pa.scalar(None, pa.bool_())))
        return _Checked(values, present & ~_mask(pc.or_(is_true, is_false)), "{value} is not a boolean (true/false, yes/no, 1/0)")
    if col.type == contract.STRING_LIST:
        parts = pc.split_pattern(text, contract.LIST_SEPARATOR)
        items = [[p.strip() for p in v if p.strip()] if v is not None else None for v in parts.to_pylist()]
        values = pa.array([v if v else None for v in items], pa.list_(pa.string()))
        return _Checked(values, np.zeros(len(text), bool), "")
    pattern, target, why = {
        contract.INT: (_INT, pa.int64(), "{value} is not a whole number"),
        contract.FLOAT: (_FLOAT, pa.float64(), "{value} is not a number"),
        contract.DATE: (_DATE, pa.date32(), "{value} is not a date (YYYY-MM-DD)"),
        contract.TIMESTAMP: (_TIMESTAMP, col.arrow_type, "{value} is not an ISO 8601 timestamp with a UTC offset"),
    }[col.type]
    looks_right = _mask(pc.match_substring_regex(text, pattern))
    if col.type == contract.TIMESTAMP and long_fractions:
        text = pc.replace_substring_regex(text, _EXTRA_DIGITS, r"\1")  # to microseconds
    values, unparsable = _cast_where(text, looks_right, target)
    checked = _Checked(values, present & (~looks_right | unparsable), why)
    if col.type == contract.FLOAT:
        infinite = ~_mask(pc.is_finite(values)) & _mask(pc.is_valid(values))
        checked = _flag(checked, infinite, "{value} is not a finite number")
    if col.type in (contract.DATE, contract.TIMESTAMP):
        years = pc.year(values)
        outside = _mask(pc.or_(pc.less(years, contract.MIN_YEAR), pc.greater(years, contract.MAX_YEAR)))
        checked = _flag(checked, outside, f"{{value}} is outside the accepted years {contract.MIN_YEAR}-{contract.MAX_YEAR}")
    return checked


def _cast_where(text: pa.Array, candidates: np.ndarray, target: pa.DataType) -> tuple[pa.Array, np.ndarray]:
    """Cast the candidate values; values that still fail (e.g. 2025-02-30) become null and are
    flagged. The column is cast in one go; when a value fails, its halves are cast, and so on down
    to slices of _CAST_ONE_BY_ONE values, which are cast value by value: a few bad values cost a
    few dozen casts, and many never cost more than casting every value alone."""
    masked = pc.if_else(pa.array(candidates), text, pa.scalar(None, pa.string()))
    failed = np.zeros(len(text), bool)
    parts: list[tuple[int, pa.Array]] = []
    pending = [(0, len(masked))]
    while pending:
        start, stop = pending.pop()
        piece = masked.slice(start, stop - start)
        try:
            parts.append((start, pc.cast(piece, target)))
            continue
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
        if stop - start > _CAST_ONE_BY_ONE:
            middle = (start + stop) // 2
            pending += [(middle, stop), (start, middle)]
            continue
        for i in range(start, stop):
            try:
                parts.append((i, pc.cast(masked.slice(i, 1), target)))
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                parts.append((i, pa.nulls(1, target)))
                failed[i] = True
    parts.sort(key=lambda p: p[0])
    return pa.concat_arrays([values for _, values in parts]), failed


def _rejected_row(raw: RawBatch, ent: contract.Entity, checked: dict[str, _Checked], i: int) -> RejectedRow:
    fields, reasons = [], []
    for col in ent.columns:
        c = checked[col.name]
        if not c.invalid[i]:
            continue
        fields.append(col.name)
        text = raw.columns.get(col.name)
        value = None if text is None else text[i].as_py()
        if value is None or not value.strip():
            reasons.append(f"{col.name}: required value missing")
        else:
            shown = value if len(value) <= 80 else value[:77] + "..."
            why = (c.special or {}).get(i, c.why)
            if col.type == contract.TIMESTAMP and i not in (c.special or {}) and re.match(_NAIVE_TIMESTAMP, value.strip()):
                why = "{value} has no UTC offset, so the moment it names is ambiguous"
            reasons.append(f"{col.name}: " + why.format(value=repr(shown)))
    return RejectedRow(int(raw.row_numbers[i]), ",".join(fields), "; ".join(reasons), _raw_json(raw, ent, i))


def _raw_json(raw: RawBatch, ent: contract.Entity, i: int) -> str:
    # Transient columns (message bodies) never reach the quarantine either.
    record = {
        name: arr[i].as_py() for name, arr in raw.columns.items() if not ent.column(name).transient
    }
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


def _duplicate_keys(ent: contract.Entity, checked: dict[str, _Checked], valid: np.ndarray) -> dict[int, int]:
    """Rows (index -> index of first occurrence) whose key was already seen earlier in the batch."""
    import pandas as pd

    keys = {}
    for k in ent.primary_key:
        values = checked[k].values
        if "email" in k:  # addresses are compared case-insensitively everywhere
            values = pc.utf8_lower(values)
        keys[k] = pc.cast(values, pa.string()).to_pandas()
    frame = pd.DataFrame(keys)[valid]
    if frame.empty:
        return {}
    dup = frame.duplicated(keep="first")
    if not dup.any():
        return {}
    first_index = frame.reset_index().groupby(list(ent.primary_key), sort=False)["index"].transform("first")
    first_index.index = frame.index
    return {int(i): int(first_index[i]) for i in frame.index[dup]}


def _landed_table(
    ent: contract.Entity,
    raw: RawBatch,
    checked: dict[str, _Checked],
    keep: pa.Array,
    batch_id: str,
    keep_bodies: bool,
    sent_by_us: SentByUs | None = None,
) -> pa.Table:
    schema = ent.landed_schema()
    arrays: dict[str, pa.Array] = {}
    from_bodies: pa.Array | None = None
    for col in ent.columns:
        values = checked[col.name].values.filter(keep)
        if col.transient:
            if col.name == "body_text":
                from_bodies = _customer_sentiment(values, checked, keep, sent_by_us)
            if keep_bodies:
                arrays[col.name] = values
            continue
        if col.name == "body_sentiment" and from_bodies is not None:
            values = pc.coalesce(from_bodies, values.cast(pa.float64()))  # a body read here wins
        arrays[col.name] = values
        if col.keep_offset:
            text = raw.columns.get(col.name)
            if text is None:
                arrays[f"{col.name}_offset_minutes"] = pa.nulls(len(values), pa.int32())
            else:
                arrays[f"{col.name}_offset_minutes"] = _offset_minutes(text.filter(keep))
    n_kept = len(next(iter(arrays.values()))) if arrays else 0
    arrays[contract.BATCH_COLUMN] = pa.repeat(pa.scalar(batch_id, pa.string()), n_kept)
    arrays[contract.SOURCE_ROW_COLUMN] = pa.array(raw.row_numbers[np.asarray(keep.to_numpy(zero_copy_only=False))], pa.int64())
    if keep_bodies and "body_text" in arrays:
        schema = schema.append(pa.field("body_text", pa.string()))
    return pa.table({f.name: arrays[f.name].cast(f.type) for f in schema}, schema=schema)


def _customer_sentiment(bodies: pa.Array, checked: dict[str, _Checked], keep: pa.Array, sent_by_us: SentByUs | None) -> pa.Array:
    """body_sentiment derived from the bodies of the customer's e-mails (null for every other row):
    an e-mail's author is its sender, and only the customer's words say something about the
    relationship (the warehouse keeps sentiment for those alone)."""
    derive = _mask(pc.is_valid(bodies)) & _mask(pc.equal(checked["activity_type"].values.filter(keep), "email"))
    if sent_by_us is not None and derive.any():
        derive &= ~sent_by_us(checked["activity_id"].values.filter(keep))
    if not derive.any():
        return pa.nulls(len(bodies), pa.float64())
    scores = sentiments(bodies.filter(pa.array(derive)))
    position = np.cumsum(derive) - 1  # row -> its place among the derived rows
    return scores.take(pa.array(position, pa.int64(), mask=~derive))


def _offset_minutes(text: pa.Array) -> pa.Array:
    """The UTC offset each timestamp was written with, in minutes (`Z`: 0); null where it has none."""
    text = pc.utf8_trim_whitespace(text)
    parts = pc.extract_regex(text, _OFFSET)
    hours = pc.cast(pc.struct_field(parts, "hours"), pa.int32())
    minutes = pc.cast(pc.struct_field(parts, "minutes"), pa.int32())
    size = pc.add(pc.multiply(hours, 60), minutes)
    signed = pc.if_else(pc.equal(pc.struct_field(parts, "sign"), "-"), pc.negate(size), size)
    zulu = pc.fill_null(pc.ends_with(text, "Z"), False)
    return pc.if_else(zulu, pa.scalar(0, pa.int32()), signed)
