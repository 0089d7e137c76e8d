"""Read one CSV batch (plain or gzip-compressed) into text columns, every row accounted for.

Structure is checked before parsing: the encoding (UTF-8, a BOM allowed; UTF-16/32 named and
refused), the header (required columns, a contract column named twice, control characters), and
quotes (an unterminated quote would otherwise swallow every following line into one field).
Any line ending (LF, CRLF, CR) is accepted; only an empty field is null.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import zlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from ingest import contract
from ingest.raw_batch import RawBatch, RejectedRow, all_rows_rejected, decode_binary_columns, drop_rows, duplicate_names

_OTHER_DELIMITERS = (";", "\t", "|")
_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32 (big-endian)", "utf-32"),
    (b"\xff\xfe\x00\x00", "UTF-32 (little-endian)", "utf-32"),
    (b"\xfe\xff", "UTF-16 (big-endian)", "utf-16"),
    (b"\xff\xfe", "UTF-16 (little-endian)", "utf-16"),
)
_CONTROL = {chr(c) for c in (*range(0, 32), 127)}
_CONTROL_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)  # bytes.translate deletes these
_LONG_FRACTION = re.compile(rb"\.\d{7}")
_MIN_BLOCK = 1 << 20
_MAX_BLOCK = (1 << 31) - 1


def read_csv(raw_bytes: bytes, ent: contract.Entity, compressed: bool = False) -> RawBatch:
    if compressed:
        try:
            raw_bytes = gzip.decompress(raw_bytes)
        except (OSError, EOFError, zlib.error) as exc:
            return all_rows_rejected(0, None, f"not a readable gzip file: {exc}")
    data = raw_bytes[3:] if raw_bytes.startswith(b"\xef\xbb\xbf") else raw_bytes
    for bom, name, codec in _BOMS:
        if data.startswith(bom):
            records = _records(_decode(data, codec), contract.CSV_DELIMITER)
            return all_rows_rejected(
                len(records), None, f"file is encoded as {name} (byte-order mark {bom.hex(' ').upper()}); the contract requires UTF-8", records
            )
    if not data.strip():
        return all_rows_rejected(0, None, "empty file: no header row and no data")

    header_end = _line_end(data, 0)
    # latin-1 maps every byte to one character, so the structure can be read whatever the encoding.
    header_line = data[:header_end].decode("latin-1")
    header = [h.strip() for h in _split_header(header_line)]
    refusal = _header_refusal(ent, header, header_line)
    if refusal is not None:
        reason, field_name, delimiter = refusal
        records = _records(data.decode("utf-8", errors="replace"), delimiter)
        return all_rows_rejected(len(records), field_name, reason, records)

    body_start = _skip_newline(data, header_end)
    tail_rejected: list[RejectedRow] = []
    body_end = _unterminated_quote_start(data, body_start)
    if body_end is not None:
        tail = data[body_end:]
        data = data[:body_end]
    malformed: list[RejectedRow] = []
    try:
        table = _parse(data, header, ent, malformed)
    except pa.ArrowInvalid:
        # pyarrow cannot hand a malformed row with invalid UTF-8 to the handler: parse as Latin-1
        # (every byte one character) and turn the values back into their original bytes.
        malformed.clear()
        table = _parse(data, header, ent, malformed, latin1=True)
    total = table.num_rows + len(malformed)
    skipped = np.array([r.row_number for r in malformed if r.row_number is not None], dtype=np.int64)
    row_numbers = np.setdiff1d(np.arange(1, total + 1, dtype=np.int64), skipped, assume_unique=True)
    if body_end is not None:
        tail_rejected = _tail_rows(tail, header, total)

    names = [n for n in header if n in ent.column_names]
    columns, row_numbers = decode_binary_columns(
        table, ent, names, row_numbers, malformed,
        lambda n, i: _latin1(table.column(n)[i].as_py()),
    )
    if len(data) > contract.MAX_FIELD_BYTES:  # a smaller file cannot hold a field over the cap
        columns, row_numbers = _drop_oversized(columns, row_numbers, malformed)
    rejected = sorted(malformed + tail_rejected, key=lambda r: r.row_number or 0)
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    return RawBatch(
        columns, row_numbers, rejected,
        may_hold_controls=len(data.translate(None, _NOT_CONTROL_BYTES)) > 0,
        may_hold_line_breaks=b"\r" in data or lines != 1 + total,
        may_hold_long_fractions=any(c.type == contract.TIMESTAMP for c in ent.columns) and _LONG_FRACTION.search(data) is not None,
    )


def _parse(data: bytes, header: list[str], ent: contract.Entity, malformed: list[RejectedRow], latin1: bool = False) -> pa.Table:
    def on_invalid(row: pcsv.InvalidRow) -> str:
        # row.number counts the header as record 1.
        number = None if row.number is None else row.number - 1
        malformed.append(
            RejectedRow(
                number,
                None,
                f"row has {row.actual_columns} fields, the header has {row.expected_columns}",
                json.dumps({"text": row.text}, ensure_ascii=False),
            )
        )
        return "skip"

    # Unknown columns get private names: they are not converted and may repeat freely.
    names = [h if h in ent.column_names else f"\x00unknown{i}" for i, h in enumerate(header)]
    wanted = [h for h in names if h in ent.column_names]
    block = min(max(_MIN_BLOCK, len(data) + 1), _MAX_BLOCK)  # no field ever straddles two blocks
    table = pcsv.read_csv(
        io.BytesIO(data),
        read_options=pcsv.ReadOptions(
            use_threads=False, column_names=names, skip_rows=1, block_size=block, encoding="latin1" if latin1 else "utf8"
        ),
        parse_options=pcsv.ParseOptions(
            delimiter=contract.CSV_DELIMITER, newlines_in_values=True, invalid_row_handler=on_invalid
        ),
        convert_options=pcsv.ConvertOptions(
            column_types={name: pa.string() if latin1 else pa.binary() for name in wanted},
            include_columns=wanted,
            null_values=list(contract.NULL_TOKENS),
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )
    if not latin1:
        return table
    return pa.table(
        {n: pa.array([None if v is None else v.encode("latin-1") for v in table.column(n).to_pylist()], pa.binary()) for n in wanted}
    )


def _header_refusal(ent: contract.Entity, header: list[str], header_line: str) -> tuple[str, str | None, str] | None:
    """(reason, field, delimiter to split the records with) when the file cannot land at all."""
    for i, name in enumerate(header, start=1):
        bad = sorted({c for c in name if c in _CONTROL})
        if bad:
            shown = ", ".join("NUL" if c == "\x00" else f"U+{ord(c):04X}" for c in bad)
            return (
                f"header column {i} ({name!r}) contains control character(s) {shown}: binary data or a wrong "
                "encoding; the header must be plain UTF-8 text", None, contract.CSV_DELIMITER,
            )
    missing = [c for c in ent.required_columns if c not in set(header)]
    if missing:
        delimiter = _guess_other_delimiter(header_line) if len(header) == 1 else None
        if delimiter:
            reason = (
                f"file is delimited by {delimiter!r}; the contract requires ',' "
                f"(required columns not found: {', '.join(missing)})"
            )
        else:
            reason = f"missing required column(s): {', '.join(missing)}"
        return reason, ",".join(missing), delimiter or contract.CSV_DELIMITER
    dup = duplicate_names(ent, header)
    if dup:
        return dup, None, contract.CSV_DELIMITER
    return None


def _drop_oversized(columns: dict[str, pa.Array], row_numbers: np.ndarray, rejected: list[RejectedRow]):
    cap = contract.MAX_FIELD_BYTES
    too_big = np.zeros(len(row_numbers), dtype=bool)
    reasons: dict[int, list[tuple[str, int]]] = {}
    for name, arr in columns.items():
        lengths = pc.binary_length(arr)
        over = np.asarray(pc.fill_null(pc.greater(lengths, cap), False).to_numpy(zero_copy_only=False), dtype=bool)
        for i in np.flatnonzero(over):
            reasons.setdefault(int(i), []).append((name, lengths[int(i)].as_py()))
        too_big |= over
    for i, found in sorted(reasons.items()):
        rejected.append(
            RejectedRow(
                int(row_numbers[i]),
                ",".join(n for n, _ in found),
                "; ".join(f"{n}: value of {size:,} bytes is over the {cap:,}-byte field cap" for n, size in found),
                None,
            )
        )
    return drop_rows(columns, row_numbers, too_big)


def _line_end(data: bytes, start: int) -> int:
    ends = [i for i in (data.find(b"\n", start), data.find(b"\r", start)) if i >= 0]
    return min(ends) if ends else len(data)


def _skip_newline(data: bytes, pos: int) -> int:
    if data[pos : pos + 2] == b"\r\n":
        return pos + 2
    return pos + 1 if pos < len(data) else pos


def _unterminated_quote_start(data: bytes, body_start: int) -> int | None:
    """Start of the line holding a quote that never closes, or None.

    Quotes pair up in a well-formed file (an escaped quote is doubled), so an odd count means one
    opened and never closed: the last quote. Only a quote at the start of a field opens one (a quote
    inside an unquoted value is a literal character)."""
    if data.count(b'"', body_start) % 2 == 0:
        return None
    last = data.rfind(b'"')
    if last < body_start:
        return None
    before = data[last - 1 : last] if last > 0 else b"\n"
    if before not in (b",", b"\n", b"\r"):
        return None
    start = max(data.rfind(b"\n", body_start, last), data.rfind(b"\r", body_start, last))
    return body_start if start < 0 else start + 1


def _tail_rows(tail: bytes, header: list[str], rows_before: int) -> list[RejectedRow]:
    """Every non-blank line from an unterminated quote to the end of the file, as quarantined rows."""
    lines = [ln for ln in tail.decode("utf-8", errors="replace").splitlines() if ln.strip()]
    if not lines:
        return []
    first = lines[0]
    quote_at = first.rfind('"') if first.count('"') % 2 else first.find('"')
    column = first[: max(quote_at, 0)].count(contract.CSV_DELIMITER)
    field_name = header[column] if column < len(header) else None
    opened = rows_before + 1
    return [
        RejectedRow(
            opened + k,
            field_name,
            (f"{field_name or 'a field'}: " if k == 0 else "")
            + f"unterminated quote opened at row {opened}"
            + (f" (field {field_name})" if k and field_name else "")
            + f"; the {len(lines)} line(s) from there to the end of the file cannot be split into rows, each is quarantined",
            json.dumps({"text": line}, ensure_ascii=False),
        )
        for k, line in enumerate(lines)
    ]


def _split_header(header_line: str) -> list[str]:
    try:
        csv.field_size_limit(_MAX_BLOCK)
        return next(csv.reader([header_line], delimiter=contract.CSV_DELIMITER), [])
    except csv.Error:
        return header_line.split(contract.CSV_DELIMITER)


def _decode(data: bytes, codec: str) -> str:
    return data.decode(codec, errors="replace")


def _latin1(raw: bytes | None) -> str | None:
    return None if raw is None else raw.decode("latin-1")


def _guess_other_delimiter(header_line: str) -> str | None:
    counts = {d: header_line.count(d) for d in _OTHER_DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else None


def _records(text: str, delimiter: str) -> list[str]:
    """Data records of a file that cannot land, as JSON text, so nothing is lost."""
    csv.field_size_limit(_MAX_BLOCK)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        rows = [[line] for line in text.splitlines()]
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    return [
        json.dumps(dict(zip(header, r)) if len(r) == len(header) else {"fields": r}, ensure_ascii=False)
        for r in body
        if r
    ]
