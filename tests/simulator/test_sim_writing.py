"""The fast writing paths produce exactly what the plain ones do: whole-column text, table-built
reply stamps, and truth tables written one row group at a time."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ingest import contract
from ingest.extract_writer import format_value, write_batch, write_text_columns
from simulator import ground_truth
from simulator.text import quote_stamps
from simulator.timeutil import iso_timestamps, to_datetimes

# Whole, half and quarter hours on both sides of UTC, as the simulated zones have.
OFFSETS = np.array([-600, -570, -480, -300, -240, -210, 0, 60, 330, 345, 540, 570, 765, 840])


def random_instants(n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    utc = rng.integers(946_684_800, 4_102_444_800, n)  # 2000 to 2100
    return utc, rng.choice(OFFSETS, n)


def test_iso_timestamps_are_datetime_isoformat():
    utc, offsets = random_instants(20_000)
    utc[::7] = -1  # no time (a call's missing end)
    expected = [None if d is None else d.isoformat() for d in to_datetimes(utc, offsets)]
    assert iso_timestamps(utc, offsets) == expected
    assert iso_timestamps(np.array([-1]), np.array([60])) == [None]
    assert iso_timestamps(np.zeros(0, np.int64), np.zeros(0, np.int64)) == []


def test_quote_stamps_are_the_strftime_form():
    utc, offsets = random_instants(20_000)
    expected = [f"{t:%a}, {t.day} {t:%b %Y} at {t:%H:%M}" for t in to_datetimes(utc, offsets)]
    assert quote_stamps(utc, offsets) == expected


def test_text_columns_write_what_write_batch_writes(tmp_path):
    # Empty and missing values, separators, quotes, line breaks and a lone carriage return (whose row
    # is written fully quoted).
    subjects = ["plain", "", None, "a,b", 'say "hi"', "two\nlines", "cr\rinside", "=1+1"]
    rows = [{"user_id": f"u-{i}", "full_name": s, "email": f"u{i}@x.io"} for i, s in enumerate(subjects)]
    ent = contract.entity("users")
    columns = {c.name: [format_value(c, r.get(c.name)) for r in rows] for c in ent.columns if c.name in rows[0]}
    for fmt in ("csv", "parquet"):
        by_rows = write_batch(tmp_path / "rows", "users", "b", rows, fmt)
        by_columns = write_text_columns(tmp_path / "columns", "users", "b", columns, len(rows), fmt)
        assert by_rows.read_bytes() == by_columns.read_bytes()
    text = (tmp_path / "columns" / "users" / "b.csv").read_bytes().decode()
    assert '\n"u-6","cr\rinside","u6@x.io",' in text and "\nu-5,\"two\nlines\",u5@x.io," in text


def test_long_truth_tables_written_by_row_group_are_one_write(tmp_path, monkeypatch):
    monkeypatch.setattr(ground_truth, "_ROW_GROUP_ROWS", 1_000)
    rng = np.random.default_rng(5)
    matrix = rng.random((60, 120)).astype(np.float32)
    rows = np.array([4, 0, 59, 4, 17] * 9)  # duplicates share their person's series
    ids = [f"c-{i:03d}" for i in range(rows.size)]
    dates = pa.array(np.arange(np.datetime64("2025-01-01"), np.datetime64("2025-01-01") + 100), pa.date32())
    path, n = ground_truth._write_long(tmp_path / "streamed.parquet", ids, matrix, rows, slice(20, 120), dates,
                                       "contact_id", "latent_health")
    index = pa.array(np.repeat(np.arange(rows.size, dtype=np.int32), 100))
    whole = pa.table({
        "contact_id": pa.DictionaryArray.from_arrays(index, pa.array(ids, pa.string())),
        "date": pa.array(np.tile(dates.to_numpy(zero_copy_only=False), rows.size), pa.date32()),
        "latent_health": pa.array(np.round(matrix[rows, 20:120].ravel().astype(np.float64), 4)),
    })
    pq.write_table(whole, tmp_path / "whole.parquet", row_group_size=1_000)
    assert n == whole.num_rows and pq.ParquetFile(path).metadata.num_row_groups == 5
    assert path.read_bytes() == (tmp_path / "whole.parquet").read_bytes()
