"""A corpus of bad extract files, generated here: landing never raises, never loses a row silently.

Every case writes one or more files into an entity folder and lands the whole extract folder.
For each case: no exception escapes; for every batch rows read = landed + quarantined; the rows the
generator wrote are all counted (`expected_rows`, None where the file cannot be split into rows);
every quarantine entry names its file, and a row entry its row number and (where one applies) field.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import random
from collections.abc import Callable
import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingest import contract
from ingest.landing import QUARANTINE_DIR, land_all

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # pyarrow reports a handler it could not call

U = "user_id,full_name,email\n"
A = "activity_id,activity_type,started_at,ended_at,status,source,subject,body_text\n"
ACC = "account_id,name,segment,created_date\n"
OPP = "opportunity_id,account_id,owner_user_id,name,stage,amount,status,created_date\n"


def users(n: int, sep: str = "\n") -> str:
    return sep.join(f"u{i},Person {i},p{i}@x.io" for i in range(n))


def act(i: int, started: str = "2025-01-02T09:00:00Z", ended: str = "", subject: str = "hi", body: str = "") -> str:
    return f"a{i},email,{started},{ended},completed,synced,{subject},{body}"


@dataclass
class Case:
    id: str
    entity: str
    files: dict[str, bytes | str | Callable[[Path], None]]  # name -> content, or a writer given the path
    expected_rows: int | None  # data rows written; None: not countable (file-level entry expected)
    landed: int | None = None  # rows that must land (None: not checked)
    field: str | None = None  # field every row entry must name
    reason: str | None = None  # text every quarantine entry's reason must hold
    check: Callable[[Path, list], None] | None = None  # further checks on the landed folder, results
    patch: dict = dataclasses.field(default_factory=dict)  # contract constants to override


def parquet(table: pa.Table) -> Callable[[Path], None]:
    return lambda path: pq.write_table(table, path)


def landed_rows(landed: Path, entity: str) -> list[dict]:
    return pq.read_table(landed / entity, schema=contract.entity(entity).landed_schema()).to_pylist()


def quarantine(landed: Path, entity: str) -> list[dict]:
    folder = landed / QUARANTINE_DIR / entity
    return [r for p in sorted(folder.glob("*.parquet")) for r in pq.read_table(p).to_pylist()]


def _value_is(entity: str, column: str, expected: object) -> Callable[[Path, list], None]:
    def check(landed: Path, results: list) -> None:
        assert [r[column] for r in landed_rows(landed, entity)] == expected

    return check


def _statuses(*expected: str) -> Callable[[Path, list], None]:
    def check(landed: Path, results: list) -> None:
        assert sorted(r.status for r in results) == sorted(expected)

    return check


def _junk(seed: int, n: int) -> bytes:
    return random.Random(seed).randbytes(n)


def _symlink_to(target_content: bytes) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        target = path.parent.parent.parent / "secret.csv"
        target.write_bytes(target_content)
        path.symlink_to(target)

    return write


def _symlink_dangling(path: Path) -> None:
    path.symlink_to(path.parent / "nowhere.csv")


def _subfolder(path: Path) -> None:
    path.mkdir()
    (path / "x.csv").write_text(U + users(1))


def _no_secret(landed: Path, results: list) -> None:
    entries = quarantine(landed, "users")
    assert any("symlink refused" in q["reason"] for q in entries)
    assert all(q["raw_record"] is None for q in entries)
    assert not any("SECRET" in str(q) for q in entries)
    assert landed_rows(landed, "users") == []


def _two_batches(landed: Path, results: list) -> None:
    ids = sorted(r[contract.BATCH_COLUMN] for r in landed_rows(landed, "users"))
    assert ids == ["b1.csv", "b1.parquet"]


def _truncated_us(landed: Path, results: list) -> None:
    (row,) = landed_rows(landed, "activities")
    assert row["started_at"] == dt.datetime(2025, 1, 2, 9, 0, 0, 123456, tzinfo=dt.timezone.utc)


def _formula_counted(landed: Path, results: list) -> None:
    assert sum(r.formula_prefixed for r in results) == 2
    names = sorted(r["full_name"] for r in landed_rows(landed, "users"))
    assert names == ["+cmd|' /C calc'!A0", "=HYPERLINK(\"http://x\")", "Plain"]


SCHEMA_U = pa.schema([("user_id", pa.string()), ("full_name", pa.string()), ("email", pa.string())])
NS = pa.timestamp("ns", tz="UTC")

CASES = [
    # --- size, line endings, compression, names -------------------------------------------
    Case("field_3mb_lands", "users", {"b.csv": U + "u1,\"" + "x" * 3_000_000 + "\",a@x.io\nu2,B,b@x.io\n"}, 2, landed=2),
    Case("field_over_cap_quarantined", "users", {"b.csv": U + "u1," + "x" * 5000 + ",a@x.io\nu2,B,b@x.io\n"}, 2, landed=1,
         field="full_name", reason="field cap", patch={"MAX_FIELD_BYTES": 1000}),
    Case("cr_only_line_endings", "users", {"b.csv": U.replace("\n", "\r") + users(3, "\r") + "\r"}, 3, landed=3),
    Case("crlf_line_endings", "users", {"b.csv": U.replace("\n", "\r\n") + users(3, "\r\n")}, 3, landed=3),
    Case("mixed_line_endings", "users", {"b.csv": U + "u1,A,a@x.io\r\nu2,B,b@x.io\ru3,C,c@x.io\n"}, 3, landed=3),
    Case("bom_and_crlf", "users", {"b.csv": b"\xef\xbb\xbf" + (U + users(2)).replace("\n", "\r\n").encode()}, 2, landed=2),
    Case("upper_case_suffix", "users", {"B.CSV": U + users(2)}, 2, landed=2),
    Case("gzip_csv", "users", {"b.csv.gz": gzip.compress((U + users(4)).encode())}, 4, landed=4),
    Case("gzip_upper_case", "users", {"b.CSV.GZ": gzip.compress((U + users(1)).encode())}, 1, landed=1),
    Case("corrupt_gzip", "users", {"b.csv.gz": b"\x1f\x8b\x08\x00garbage"}, None, reason="gzip"),
    Case("gzip_of_junk", "users", {"b.csv.gz": gzip.compress(_junk(7, 4000))}, None),
    Case("long_file_name", "users", {"x" * 247 + ".csv": U + users(2)}, 2, landed=2),
    Case("long_gz_file_name", "users", {"y" * 240 + ".csv.gz": gzip.compress((U + users(1)).encode())}, 1, landed=1),
    Case("sql_and_quotes_in_name", "users", {"x'; DROP TABLE users; --\".csv": U + users(2)}, 2, landed=2,
         check=lambda landed, results: _value_is("users", contract.BATCH_COLUMN, ["x'; DROP TABLE users; --\""] * 2)(landed, results)),
    Case("unicode_name", "users", {"батч-☃ 2025.csv": U + users(1)}, 1, landed=1),
    Case("glob_chars_in_name", "users", {"b[1]*?.csv": U + users(1)}, 1, landed=1),
    Case("name_like_schema_file", "users", {"_schema.csv": U + users(2)}, 2, landed=2,
         check=lambda landed, results: pq.read_schema(landed / "users" / "_schema.parquet") == contract.entity("users").landed_schema()),
    Case("same_stem_csv_and_parquet", "users", {
        "b1.csv": U + "u1,A,a@x.io\n",
        "b1.parquet": parquet(pa.table({"user_id": ["u2"], "full_name": ["B"], "email": ["b@x.io"]})),
    }, 2, landed=2, check=_two_batches),
    # --- other files in the folder ----------------------------------------------------------
    Case("foreign_file_refused", "users", {"notes.txt": "hello", "b.csv": U + users(1)}, 1, landed=1, check=_statuses("landed", "refused")),
    Case("hidden_file_reported", "users", {".b.csv.tmp": "partial", "b.csv": U + users(1)}, 1, landed=1, check=_statuses("landed", "skipped")),
    Case("subfolder_reported", "users", {"sub": _subfolder, "b.csv": U + users(1)}, 1, landed=1, check=_statuses("landed", "skipped")),
    Case("symlink_refused", "users", {"b.csv": _symlink_to(b"user_id,full_name,email\nu9,SECRET,s@x.io\n")}, None, landed=0,
         reason="symlink refused", check=_no_secret),
    Case("dangling_symlink_refused", "users", {"b.csv": _symlink_dangling}, None, landed=0, reason="symlink refused"),
    # --- encodings and junk -----------------------------------------------------------------
    Case("utf16_le_bom", "users", {"b.csv": "\ufeff".encode("utf-16-le") + (U + users(2)).encode("utf-16-le")}, 2, landed=0, reason="UTF-16"),
    Case("utf16_be_bom", "users", {"b.csv": (U + users(2)).encode("utf-16")[:0] + b"\xfe\xff" + (U + users(2)).encode("utf-16-be")}, 2,
         landed=0, reason="UTF-16"),
    Case("utf32_bom", "users", {"b.csv": (U + users(1)).encode("utf-32")}, 1, landed=0, reason="UTF-32"),
    Case("binary_junk", "users", {"b.csv": _junk(1, 5000)}, None, landed=0),
    Case("binary_junk_after_header", "users", {"b.csv": U.encode() + _junk(2, 5000)}, None),
    Case("junk_with_nuls", "users", {"b.csv": b"\x00" * 100 + _junk(3, 200)}, None, landed=0),
    Case("latin1_row", "users", {"b.csv": (U + "u1,Ren\xe9e,r@x.io\nu2,B,b@x.io\n").encode("latin-1")}, 2, landed=1, field="full_name"),
    Case("empty_file", "users", {"b.csv": b""}, None, reason="empty file"),
    Case("blank_lines_only", "users", {"b.csv": "\n\r\n  \n"}, None, reason="empty file"),
    Case("header_only_cr", "users", {"b.csv": U.replace("\n", "\r")}, 0, landed=0),
    Case("wrong_delimiter", "users", {"b.csv": "user_id;full_name;email\nu1;A;a@x.io\n"}, 1, landed=0, reason="delimited by ';'"),
    # --- header problems --------------------------------------------------------------------
    Case("duplicate_contract_column", "users", {"b.csv": "user_id,full_name,email,email\nu1,A,a@x.io,b@x.io\nu2,B,b@x.io,c@x.io\n"}, 2,
         landed=0, reason="duplicate column name(s) in the header: 'email' (columns 3, 4)"),
    Case("duplicate_unknown_columns", "users", {"b.csv": "user_id,full_name,email,x,x,,\nu1,A,a@x.io,1,2,,\n"}, 1, landed=1),
    Case("nul_in_header_name", "users", {"b.csv": "user_id,full_name,email\x00,team\nu1,A,a@x.io,T\n"}, 1, landed=0, reason="NUL"),
    Case("missing_required_column", "users", {"b.csv": "user_id,full_name\nu1,A\n"}, 1, landed=0, field="email"),
    Case("ten_thousand_columns", "users", {"b.csv": U.strip() + "," + ",".join(f"c{i}" for i in range(10_000)) + "\n"
         + "u1,A,a@x.io" + ",v" * 10_000 + "\n"}, 1, landed=1),
    # --- quoting ----------------------------------------------------------------------------
    Case("unterminated_quote_mid_file", "users", {"b.csv": U + 'u1,A,a@x.io\nu2,"Broken,b@x.io\nu3,C,c@x.io\nu4,D,d@x.io\nu5,E,e@x.io\n'}, 5,
         landed=1, reason="unterminated quote"),
    Case("unterminated_quote_last_column", "users", {"b.csv": U + 'u1,A,a@x.io\nu2,B,"b@x.io\nu3,C,c@x.io\n'}, 3, landed=1, reason="unterminated quote"),
    Case("unterminated_quote_first_row", "users", {"b.csv": U + '"u1,A,a@x.io\nu2,B,b@x.io\n'}, 2, landed=0, field="user_id"),
    Case("literal_quote_inside_value", "users", {"b.csv": U + 'u1,5" monitor,a@x.io\nu2,B,b@x.io\n'}, 2, landed=2),
    Case("escaped_quotes", "users", {"b.csv": U + 'u1,"A ""the"" B",a@x.io\n'}, 1, landed=1,
         check=_value_is("users", "full_name", ['A "the" B'])),
    Case("ragged_row_with_latin1_bytes", "users", {"b.csv": (U + "u1,Ren\xe9e\nu2,B,b@x.io\nu3,Z\xe9,z@x.io\n").encode("latin-1")}, 3, landed=1),
    Case("ragged_rows", "users", {"b.csv": U + "u1,A\nu2,B,b@x.io,extra\nu3,C,c@x.io\n"}, 3, landed=1),
    Case("commas_only_row", "users", {"b.csv": U + ",,\nu1,A,a@x.io\n"}, 2, landed=1, field="user_id,full_name,email"),
    # --- null tokens --------------------------------------------------------------------------
    Case("na_tokens_are_values", "accounts", {"b.csv": ACC + "NA,Acme,N/A,\nNULL,Beta,nan,\n#N/A,Gamma,NULL,\n"}, 3, landed=3,
         check=_value_is("accounts", "segment", ["N/A", "nan", "NULL"])),
    Case("empty_is_null", "accounts", {"b.csv": ACC + 'a1,Acme,,\na2,Beta,"",\n'}, 2, landed=2, check=_value_is("accounts", "segment", [None, None])),
    # --- values -------------------------------------------------------------------------------
    Case("nul_in_value", "users", {"b.csv": U + "u1,A\x00B,a@x.io\nu2,B,b@x.io\n"}, 2, landed=1, field="full_name", reason="control character"),
    Case("escape_char_in_value", "users", {"b.csv": U + "u1,A\x1b[31mB,a@x.io\n"}, 1, landed=0, field="full_name", reason="control character"),
    Case("newline_in_name", "users", {"b.csv": U + 'u1,"A\nB",a@x.io\n'}, 1, landed=0, field="full_name"),
    Case("newline_and_tab_in_body", "activities", {"b.csv": A + act(1, body='"line1\n\tline2"') + "\n"}, 1, landed=1),
    Case("tab_in_name", "users", {"b.csv": U + "u1,A\tB,a@x.io\n"}, 1, landed=1),
    Case("ns_timestamp_string", "activities", {"b.csv": A + act(1, "2025-01-02T09:00:00.123456789Z") + "\n"}, 1, landed=1, check=_truncated_us),
    Case("seven_digit_timestamp", "activities", {"b.csv": A + act(1, "2025-01-02T10:00:00.1234567+01:00") + "\n"}, 1, landed=1, check=_truncated_us),
    Case("year_0001_timestamp", "activities", {"b.csv": A + act(1, "0001-01-01T00:00:00Z") + "\n" + act(2) + "\n"}, 2, landed=1,
         field="started_at", reason=f"{contract.MIN_YEAR}-{contract.MAX_YEAR}"),
    Case("year_9999_date", "accounts", {"b.csv": ACC + "a1,Acme,,9999-12-31\na2,Beta,,2025-01-01\n"}, 2, landed=1, field="created_date"),
    Case("year_1970_epoch_date", "accounts", {"b.csv": ACC + "a1,Acme,,1970-01-01\n"}, 1, landed=0, field="created_date"),
    Case("negative_duration", "activities", {"b.csv": A + act(1, "2025-01-02T09:00:00Z", "2025-01-02T08:00:00Z") + "\n"
         + act(2, "2025-01-02T09:00:00Z", "2025-01-02T10:00:00Z") + "\n"}, 2, landed=1, field="ended_at", reason="before started_at"),
    Case("infinite_amounts", "opportunities", {"b.csv": OPP + "".join(
        f"o{i},a1,u1,Deal,Propose,{v},open,2025-06-02\n" for i, v in enumerate(["inf", "-Infinity", "NaN", "1e999", "-5", "12.5"]))},
         6, landed=2, field="amount"),
    Case("formula_prefixes_flagged", "users", {"b.csv": U + 'u1,"=HYPERLINK(""http://x"")",a@x.io\nu2,+cmd|\' /C calc\'!A0,b@x.io\nu3,Plain,c@x.io\n'},
         3, landed=3, check=_formula_counted),
    Case("duplicate_keys", "users", {"b.csv": U + "u1,A,a@x.io\nu1,B,b@x.io\n"}, 2, landed=1, field="user_id"),
    # --- Parquet ------------------------------------------------------------------------------
    Case("parquet_zero_bytes", "users", {"b.parquet": b""}, None, reason="Parquet"),
    Case("parquet_junk", "users", {"b.parquet": _junk(4, 3000)}, None, reason="Parquet"),
    Case("parquet_truncated", "users", {"b.parquet": lambda p: (pq.write_table(pa.table({"user_id": ["u1"] * 100}), p),
                                                                 p.write_bytes(p.read_bytes()[:-20]))}, None),
    Case("parquet_struct_contract_column", "users", {"b.parquet": parquet(pa.table({
        "user_id": ["u1", "u2"], "full_name": pa.array([{"first": "A"}, {"first": "B"}]), "email": ["a@x.io", "b@x.io"]}))},
         2, landed=0, field="full_name"),
    Case("parquet_struct_unknown_column", "users", {"b.parquet": parquet(pa.table({
        "user_id": ["u1"], "full_name": ["A"], "email": ["a@x.io"], "meta": pa.array([{"k": 1}])}))}, 1, landed=1),
    Case("parquet_map_column", "accounts", {"b.parquet": parquet(pa.table({
        "account_id": ["a1"], "name": ["A"], "domains": pa.array([[("k", "v")]], pa.map_(pa.string(), pa.string()))}))}, 1, landed=0, field="domains"),
    Case("parquet_invalid_utf8_binary", "users", {"b.parquet": parquet(pa.table({
        "user_id": ["u1", "u2"], "full_name": pa.array([b"Ren\xe9e", b"Blake"], pa.binary()), "email": ["a@x.io", "b@x.io"]}))},
         2, landed=1, field="full_name"),
    Case("parquet_ns_timestamps", "activities", {"b.parquet": parquet(pa.table({
        "activity_id": ["a1"], "activity_type": ["email"], "status": ["completed"], "source": ["synced"],
        "started_at": pa.array([1735808400123456789], NS)}))}, 1, landed=1,
         check=lambda landed, results: _truncated_us_at(landed, dt.datetime(2025, 1, 2, 9, 0, 0, 123456, tzinfo=dt.timezone.utc))),
    Case("parquet_year_1_timestamp", "activities", {"b.parquet": parquet(pa.table({
        "activity_id": ["a1"], "activity_type": ["email"], "status": ["completed"], "source": ["synced"],
        "started_at": pa.array([dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc)], pa.timestamp("us", tz="UTC"))}))}, 1, landed=0, field="started_at"),
    Case("parquet_infinite_float", "opportunities", {"b.parquet": parquet(pa.table({
        "opportunity_id": ["o1", "o2"], "account_id": ["a1"] * 2, "owner_user_id": ["u1"] * 2, "name": ["D"] * 2, "stage": ["P"] * 2,
        "amount": [float("inf"), float("nan")], "status": ["open"] * 2, "created_date": [dt.date(2025, 1, 1)] * 2}))}, 2, landed=0, field="amount"),
    Case("parquet_duplicate_columns", "users", {"b.parquet": parquet(pa.Table.from_arrays(
        [pa.array(["u1"]), pa.array(["A"]), pa.array(["a@x.io"]), pa.array(["b@x.io"])], names=["user_id", "full_name", "email", "email"]))},
         1, landed=0, reason="duplicate column"),
    Case("parquet_missing_required", "users", {"b.parquet": parquet(pa.table({"user_id": ["u1"], "full_name": ["A"]}))}, 1, landed=0, field="email"),
    Case("parquet_dictionary_strings", "users", {"b.parquet": parquet(pa.table({
        "user_id": pa.array(["u1", "u2"]).dictionary_encode(), "full_name": ["A", "B"], "email": ["a@x.io", "b@x.io"]}))}, 2, landed=2),
    Case("parquet_null_type_column", "users", {"b.parquet": parquet(pa.table({
        "user_id": ["u1"], "full_name": ["A"], "email": ["a@x.io"], "team": pa.nulls(1)}))}, 1, landed=1),
    Case("parquet_na_tokens", "accounts", {"b.parquet": parquet(pa.table({"account_id": ["NA"], "name": ["N/A"], "segment": ["NULL"]}))}, 1, landed=1,
         check=_value_is("accounts", "account_id", ["NA"])),
    Case("parquet_list_of_ints", "accounts", {"b.parquet": parquet(pa.table({"account_id": ["a1"], "name": ["A"], "domains": [[1, 2]]}))}, 1, landed=1),
    Case("parquet_upper_case_suffix", "users", {"b.PARQUET": parquet(pa.table({"user_id": ["u1"], "full_name": ["A"], "email": ["a@x.io"]}))}, 1, landed=1),
    Case("parquet_control_chars", "users", {"b.parquet": parquet(pa.table({"user_id": ["u1", "u2"], "full_name": ["A\x07", "B"], "email": ["a@x.io", "b@x.io"]}))},
         2, landed=1, field="full_name"),
]


def _truncated_us_at(landed: Path, expected: dt.datetime) -> None:
    (row,) = landed_rows(landed, "activities")
    assert row["started_at"] == expected


def _write_case(case: Case, extracts: Path) -> None:
    folder = extracts / case.entity
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in case.files.items():
        path = folder / name
        if callable(content):
            content(path)
        else:
            path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_never_raises_and_every_row_is_accounted_for(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in case.patch.items():
        monkeypatch.setattr(contract, name, value)
    extracts, landed = tmp_path / "extracts", tmp_path / "landed"
    _write_case(case, extracts)
    summary = land_all(extracts, landed)  # must not raise
    results = [r for r in summary.batches if r.entity == case.entity]
    batches = [r for r in results if r.status != "skipped"]
    assert batches, "every file must be reported"
    for r in results:
        assert r.rows_landed + r.rows_quarantined == r.rows_read, r
        if r.status in ("failed", "refused", "skipped"):
            assert r.reason
    entries = quarantine(landed, case.entity)
    sources = {r.source_file for r in batches}
    for q in entries:
        assert q["source_file"] in sources and q["reason"]
        if q["row_number"] is not None and case.field is not None:
            assert q["field"] == case.field, q
        if case.reason is not None:
            assert case.reason in q["reason"], q
    rows_read = sum(r.rows_read for r in batches)
    rows_landed = sum(r.rows_landed for r in batches)
    assert rows_landed == len(landed_rows(landed, case.entity))
    assert rows_read - rows_landed == sum(1 for q in entries if q["row_number"] is not None)
    if case.expected_rows is None:
        assert entries, "a file that cannot be split into rows gets a file-level entry"
    else:
        assert rows_read == case.expected_rows
    if case.landed is not None:
        assert rows_landed == case.landed
    if case.check is not None:
        case.check(landed, results)


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 60


def test_a_batch_that_raises_is_isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest import landing

    extracts, landed = tmp_path / "extracts", tmp_path / "landed"
    _write_case(Case("x", "users", {"a.csv": U + users(2), "b.csv": U + users(3)}, 5), extracts)
    _write_case(Case("y", "accounts", {"c.csv": ACC + "a1,A,,\n"}, 1), extracts)
    real = landing.validate

    def explode(raw, ent, batch_id, **kw):  # type: ignore[no-untyped-def]
        if batch_id == "a":
            raise RuntimeError("boom in validation")
        return real(raw, ent, batch_id, **kw)

    monkeypatch.setattr(landing, "validate", explode)
    summary = land_all(extracts, landed)
    by_file = {r.source_file: r for r in summary.batches}
    assert by_file["users/a.csv"].status == "failed" and "RuntimeError: boom in validation" in by_file["users/a.csv"].reason
    assert by_file["users/b.csv"].rows_landed == 3 and by_file["accounts/c.csv"].rows_landed == 1
    (entry,) = [q for q in quarantine(landed, "users") if q["source_file"] == "users/a.csv"]
    assert entry["row_number"] is None and "boom" in entry["reason"]
    from data_quality.landing_checks import row_accounting

    assert row_accounting(landed, "users").passed
    # Fixed code, same file: the failed batch stays recorded until the file (or contract) changes.
    monkeypatch.setattr(landing, "validate", real)
    assert {r.status for r in land_all(extracts, landed).batches} == {"unchanged"}


def test_a_new_same_stem_file_does_not_leave_the_old_batch_behind(tmp_path: Path) -> None:
    extracts, landed = tmp_path / "extracts", tmp_path / "landed"
    _write_case(Case("x", "users", {"b1.csv": U + users(2)}, 2), extracts)
    land_all(extracts, landed)
    assert {r[contract.BATCH_COLUMN] for r in landed_rows(landed, "users")} == {"b1"}
    pq.write_table(pa.table({"user_id": ["u9"], "full_name": ["Z"], "email": ["z@x.io"]}), extracts / "users" / "b1.parquet")
    land_all(extracts, landed)
    rows = landed_rows(landed, "users")
    assert sorted(r[contract.BATCH_COLUMN] for r in rows) == ["b1.csv", "b1.csv", "b1.parquet"]


def test_undecodable_file_name_lands(tmp_path: Path) -> None:
    extracts, landed = tmp_path / "extracts", tmp_path / "landed"
    (extracts / "users").mkdir(parents=True)
    with open(os.path.join(os.fsencode(extracts / "users"), b"b\xff\xfe.csv"), "wb") as fh:
        fh.write((U + users(1)).encode())
    summary = land_all(extracts, landed)
    (result,) = [r for r in summary.batches if r.entity == "users"]
    assert result.rows_landed == 1 and "\\xff" in result.batch_id
