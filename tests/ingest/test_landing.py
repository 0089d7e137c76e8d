"""Landing: good rows land, every bad one is quarantined with a reason, counts are conserved."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingest import contract
from ingest.extract_writer import write_batch
from ingest.landing import QUARANTINE_DIR, discover_batches, land_all, land_batch
from ingest.sentiment import sentiment

ACTIVITY_HEADER = "activity_id,activity_type,started_at,status,source,subject"


def _write(root: Path, entity: str, name: str, content: bytes | str) -> Path:
    path = root / entity / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def _land_one(tmp_path: Path, entity: str, name: str, content: bytes | str):
    extracts, landed = tmp_path / "extracts", tmp_path / "landed"
    _write(extracts, entity, name, content)
    (batch,) = discover_batches(extracts, entity)
    result = land_batch(batch, landed)
    good = pq.read_table(landed / entity / f"{batch.batch_id}.parquet")
    quarantine = pq.read_table(landed / QUARANTINE_DIR / entity / f"{batch.batch_id}.parquet").to_pylist()
    assert result.rows_landed + result.rows_quarantined == result.rows_read
    assert good.num_rows == result.rows_landed
    return result, good, quarantine


def test_corrupted_batch_lands_good_rows_and_quarantines_each_bad_one(tmp_path: Path) -> None:
    content = "\n".join(
        [
            ACTIVITY_HEADER,
            "a1,email,2025-01-02T09:00:00-05:00,completed,synced,ok",
            "a2,fax,2025-01-02T09:00:00-05:00,completed,synced,unknown enum",
            "a3,email,2025-01-02 09:00:00,completed,synced,no offset",
            "a4,email,yesterday,completed,synced,unparseable",
            "a1,email,2025-01-03T09:00:00Z,completed,synced,duplicate id",
            ",call,2025-01-03T09:00:00Z,completed,dialer,missing id",
            "a5,meeting,2025-01-03T09:00:00+01:00,completed",
            "a6,Meeting,2025-01-03T09:00:00+01:00,Completed,SYNCED,case-insensitive enums",
        ]
    )
    result, good, quarantine = _land_one(tmp_path, "activities", "2025-01.csv", content)
    assert result.rows_read == 8
    assert good.column("activity_id").to_pylist() == ["a1", "a6"]
    assert good.column("activity_type").to_pylist() == ["email", "meeting"]
    assert good.column("started_at_offset_minutes").to_pylist() == [-300, 60]
    by_row = {q["row_number"]: q for q in quarantine}
    assert sorted(by_row) == [2, 3, 4, 5, 6, 7]
    assert by_row[2]["field"] == "activity_type" and "'fax'" in by_row[2]["reason"]
    assert by_row[3]["field"] == "started_at" and "no UTC offset" in by_row[3]["reason"]
    assert by_row[4]["field"] == "started_at" and "'yesterday'" in by_row[4]["reason"]
    assert "duplicate key (activity_id=a1) already at row 1" in by_row[5]["reason"]
    assert by_row[6]["field"] == "activity_id" and "required value missing" in by_row[6]["reason"]
    assert "4 fields" in by_row[7]["reason"] and "the header has 6" in by_row[7]["reason"]
    assert all(q["source_file"] == "activities/2025-01.csv" for q in quarantine)


def test_wrong_type_in_numeric_and_date_columns(tmp_path: Path) -> None:
    content = "\n".join(
        [
            "opportunity_id,account_id,owner_user_id,name,stage,stage_rank,amount,status,created_date,closed_date",
            "o1,a1,u1,Deal,Propose,3,210000,open,2025-06-02,",
            "o2,a1,u1,Deal,Propose,three,1000,open,2025-06-02,",
            "o3,a1,u1,Deal,Propose,3,lots,open,2025-06-02,",
            "o4,a1,u1,Deal,Propose,3,1e3,won,2025-02-30,2025-07-01",
        ]
    )
    result, good, quarantine = _land_one(tmp_path, "opportunities", "b.csv", content)
    assert good.column("opportunity_id").to_pylist() == ["o1"]
    assert good.schema.field("amount").type == pa.float64()
    assert [(q["row_number"], q["field"]) for q in quarantine] == [(2, "stage_rank"), (3, "amount"), (4, "created_date")]


def test_missing_required_column_quarantines_every_row(tmp_path: Path) -> None:
    content = "activity_id,activity_type,status,source\na1,email,completed,synced\na2,call,completed,dialer\n"
    result, good, quarantine = _land_one(tmp_path, "activities", "b.csv", content)
    assert (result.rows_read, result.rows_landed, result.rows_quarantined) == (2, 0, 2)
    assert all("missing required column(s): started_at" in q["reason"] for q in quarantine)
    assert '"activity_id": "a1"' in quarantine[0]["raw_record"]


def test_empty_file_is_recorded_not_lost(tmp_path: Path) -> None:
    result, good, quarantine = _land_one(tmp_path, "users", "b.csv", b"")
    assert (result.rows_read, result.rows_landed, result.rows_quarantined) == (0, 0, 0)
    assert len(quarantine) == 1 and quarantine[0]["row_number"] is None
    assert "empty file" in quarantine[0]["reason"]


def test_header_only_file_lands_nothing_and_quarantines_nothing(tmp_path: Path) -> None:
    result, good, quarantine = _land_one(tmp_path, "users", "b.csv", "user_id,full_name,email\n")
    assert (result.rows_read, result.rows_landed, len(quarantine)) == (0, 0, 0)


def test_wrong_delimiter_is_named(tmp_path: Path) -> None:
    content = "user_id;full_name;email\nu1;Avery;a@x.io\nu2;Blake;b@x.io\n"
    result, good, quarantine = _land_one(tmp_path, "users", "b.csv", content)
    assert (result.rows_read, result.rows_quarantined) == (2, 2)
    assert all("delimited by ';'" in q["reason"] for q in quarantine)


def test_wrong_encoding_quarantines_only_undecodable_rows(tmp_path: Path) -> None:
    content = "user_id,full_name,email\nu1,Ren\xe9e,r@x.io\nu2,Blake,b@x.io\n".encode("latin-1")
    content = b"\xef\xbb\xbf" + content  # a BOM must not break the header
    result, good, quarantine = _land_one(tmp_path, "users", "b.csv", content)
    assert good.column("user_id").to_pylist() == ["u2"]
    assert quarantine[0]["row_number"] == 1 and quarantine[0]["field"] == "full_name"
    assert "not valid UTF-8" in quarantine[0]["reason"] and "Renée" in quarantine[0]["raw_record"]


def test_parquet_batches_land_like_csv(tmp_path: Path) -> None:
    extracts, landed = tmp_path / "extracts", tmp_path / "landed"
    rows = [
        {"activity_id": "a1", "activity_type": "email", "status": "completed", "source": "synced",
         "started_at": dt.datetime(2025, 3, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=2)))},
        {"activity_id": "a2", "activity_type": "telex", "status": "completed", "source": "synced",
         "started_at": dt.datetime(2025, 3, 1, 9, tzinfo=dt.timezone.utc)},
    ]
    write_batch(extracts, "activities", "2025-03", rows, fmt="parquet")
    summary = land_all(extracts, landed)
    assert summary.totals()["activities"] == {"rows_read": 2, "rows_landed": 1, "rows_quarantined": 1, "batches": 1, "landed": 1}
    good = pq.read_table(landed / "activities" / "2025-03.parquet")
    assert good.column("started_at_offset_minutes").to_pylist() == [120]
    assert good.column("started_at").to_pylist()[0] == dt.datetime(2025, 3, 1, 7, tzinfo=dt.timezone.utc)


def test_typed_parquet_values_are_accepted(tmp_path: Path) -> None:
    extracts, landed = tmp_path / "extracts", tmp_path / "landed"
    (extracts / "accounts").mkdir(parents=True)
    pq.write_table(
        pa.table({"account_id": ["a1"], "name": ["Blue Ridge"], "domains": [["brh.com", "blueridge.com"]], "created_date": [dt.date(2025, 1, 1)]}),
        extracts / "accounts" / "b.parquet",
    )
    land_all(extracts, landed)
    good = pq.read_table(landed / "accounts" / "b.parquet").to_pylist()[0]
    assert good["domains"] == ["brh.com", "blueridge.com"] and good["created_date"] == dt.date(2025, 1, 1)


def test_message_bodies_become_sentiment_and_are_not_kept(tmp_path: Path) -> None:
    content = ACTIVITY_HEADER + ",body_text\n" + "\n".join(
        [
            'a1,email,2025-01-02T09:00:00Z,completed,synced,hi,"Thanks, this is great news!"',
            'a2,email,2025-01-02T09:00:00Z,completed,synced,re,"This is terrible and we are very unhappy.\n\nOn Mon, Avery wrote:\n> great news, wonderful"',
            "a3,email,2025-01-02T09:00:00Z,completed,synced,bad,[not-a-date-row]",
        ]
    )
    content = content.replace("a3,email,2025-01-02T09:00:00Z", "a3,email,nope")
    result, good, quarantine = _land_one(tmp_path, "activities", "b.csv", content)
    assert "body_text" not in good.column_names
    sentiment = good.column("body_sentiment").to_pylist()
    assert sentiment[0] > 0.3 and sentiment[1] < -0.3  # the quoted praise does not count
    assert "body_text" not in quarantine[0]["raw_record"]


def _tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_relanding_the_same_batches_changes_nothing(tmp_path: Path) -> None:
    extracts, landed = tmp_path / "extracts", tmp_path / "landed"
    _write(extracts, "activities", "2025-01.csv", ACTIVITY_HEADER + "\na1,email,2025-01-02T09:00:00Z,completed,synced,x\na2,fax,2025-01-02T09:00:00Z,completed,synced,y\n")
    _write(extracts, "users", "b.csv", "user_id,full_name,email\nu1,Avery,a@x.io\n")
    first = land_all(extracts, landed)
    before = _tree_digest(landed)
    second = land_all(extracts, landed)
    assert _tree_digest(landed) == before
    assert {b.status for b in second.batches} == {"unchanged"}
    assert second.totals()["activities"]["rows_quarantined"] == first.totals()["activities"]["rows_quarantined"] == 1


def test_a_changed_file_replaces_its_batch(tmp_path: Path) -> None:
    extracts, landed = tmp_path / "extracts", tmp_path / "landed"
    _write(extracts, "users", "b.csv", "user_id,full_name,email\nu1,Avery,a@x.io\n")
    land_all(extracts, landed)
    _write(extracts, "users", "b.csv", "user_id,full_name,email\nu1,Avery Quinn,a@x.io\nu2,Blake,b@x.io\n")
    summary = land_all(extracts, landed)
    assert [b.status for b in summary.batches] == ["replaced"]
    assert pq.read_table(landed / "users" / "b.parquet").column("full_name").to_pylist() == ["Avery Quinn", "Blake"]


def test_every_entity_has_a_schema_file(tmp_path: Path) -> None:
    land_all(tmp_path / "none", tmp_path / "landed")
    for ent in contract.ENTITIES.values():
        schema = pq.read_schema(tmp_path / "landed" / ent.name / "_schema.parquet")
        assert schema == ent.landed_schema()


def test_hidden_and_foreign_files_are_not_batches(tmp_path: Path) -> None:
    _write(tmp_path, "users", ".b.csv.tmp", "partial")
    _write(tmp_path, "users", "notes.txt", "hello")
    _write(tmp_path, "users", "b.csv", "user_id,full_name,email\n")
    assert [b.batch_id for b in discover_batches(tmp_path)] == ["b"]


@pytest.mark.parametrize("entity", sorted(contract.ENTITIES))
def test_contract_example_rows_land_cleanly(tmp_path: Path, entity: str) -> None:
    ent = contract.entity(entity)
    header = ",".join(c.name for c in ent.columns)
    row = ",".join(f'"{c.example}"' if "," in c.example else c.example for c in ent.columns)
    result, good, quarantine = _land_one(tmp_path, entity, "b.csv", f"{header}\n{row}\n")
    assert quarantine == [] and result.rows_landed == 1


def test_contract_page_is_up_to_date() -> None:
    page = Path(__file__).resolve().parents[2] / "docs" / "extract-contract.md"
    assert page.read_text() == contract.to_markdown(), "regenerate: python -m ingest.contract > docs/extract-contract.md"


def test_row_accounting_check_catches_a_lost_row(tmp_path: Path) -> None:
    from data_quality.landing_checks import row_accounting

    extracts, landed = tmp_path / "extracts", tmp_path / "landed"
    _write(extracts, "users", "b.csv", "user_id,full_name,email\nu1,Avery,a@x.io\nu2,Blake,b@x.io\n,,\n")
    land_all(extracts, landed)
    assert row_accounting(landed, "users").passed
    table = pq.read_table(landed / "users" / "b.parquet")
    pq.write_table(table.slice(0, 1), landed / "users" / "b.parquet")  # a row vanishes
    result = row_accounting(landed, "users")
    assert not result.passed and "read 3, landed 1, quarantined 1" in result.mismatches[0]


def test_an_untouched_batch_is_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest import landing

    extracts, landed = tmp_path / "extracts", tmp_path / "landed"
    _write(extracts, "users", "b.csv", "user_id,full_name,email\nu1,Avery,a@x.io\n")
    land_all(extracts, landed)
    hashed: list[Path] = []
    monkeypatch.setattr(landing, "_sha256", lambda path: hashed.append(path) or "")
    (batch,) = discover_batches(extracts)
    assert not landing.is_pending(batch, landed)
    assert hashed == []  # same size and mtime: no need to read the file


def test_sentiment_is_derived_for_the_customers_emails_only(tmp_path: Path) -> None:
    extracts, landed = tmp_path / "extracts", tmp_path / "landed"
    _write(extracts, "users", "2025-01.csv", "user_id,full_name,email,email_aliases\n"
           "u-avery,Avery Quinn,Avery.Quinn@harborline.io,avery.private@gmail.com\n"
           "u-moved,Moved,moved@previous.example,\n")
    # a later batch gives u-moved another address: the earlier one (and its domain) is no longer ours
    _write(extracts, "users", "2025-02.csv", "user_id,full_name,email\nu-moved,Moved,moved@harborline.io\n")
    body = "Thanks, this is great news!"
    senders = {
        "e-ours": ["avery.quinn@harborline.io"],
        "e-alias": ["Avery Quinn <AVERY.private@gmail.com>"],  # a user's alias, cleaned up as dbt does
        "e-subdomain": ["ops@mail.harborline.io"],  # on our domain, no user's address
        "e-former": ["moved@previous.example"],
        "e-theirs": ["jordan@blueridgehotels.com"],
        "e-freemail": ["pat@gmail.com"],  # a free-mail domain is nobody's
        "e-nosender": [],
        "e-both": ["avery.quinn@harborline.io", "jordan@blueridgehotels.com"],
    }
    lines = [f'{a},email,2025-03-03T09:00:00Z,completed,synced,hi,"{body}",0.1' for a in senders]
    lines.append(f'm-1,meeting,2025-03-03T09:00:00Z,completed,synced,review,"{body}",0.1')
    _write(extracts, "activities", "2025-03.csv", ACTIVITY_HEADER + ",body_text,body_sentiment\n" + "\n".join(lines) + "\n")
    parties = ["activity_id,party_role,email_address"]
    parties += [f'{a},sender,"{s}"' for a, ss in senders.items() for s in ss]
    parties += [f"{a},to,someone@blueridgehotels.com" for a in senders] + ["m-1,organizer,jordan@blueridgehotels.com"]
    _write(extracts, "activity_parties", "2025-03.csv", "\n".join(parties) + "\n")
    land_all(extracts, landed)
    good = pq.read_table(landed / "activities" / "2025-03.parquet").to_pylist()
    got = {r["activity_id"]: r["body_sentiment"] for r in good}
    derived = sentiment(body)
    assert derived is not None and derived > 0.5
    assert got == {
        "e-ours": 0.1, "e-alias": 0.1, "e-subdomain": 0.1,  # ours: the given value stays
        "e-former": derived, "e-theirs": derived, "e-freemail": derived, "e-nosender": derived, "e-both": derived,
        "m-1": 0.1,  # only e-mails have an author
    }


def test_without_parties_every_email_body_is_read(tmp_path: Path) -> None:
    content = ACTIVITY_HEADER + ",body_text\n" + 'a1,email,2025-01-02T09:00:00Z,completed,synced,hi,"Wonderful, thanks!"\n'
    _write(tmp_path / "extracts", "users", "b.csv", "user_id,full_name,email\nu1,Avery,a1@x.io\n")
    _, good, _ = _land_one(tmp_path, "activities", "b.csv", content)
    assert good.column("body_sentiment").to_pylist() == [sentiment("Wonderful, thanks!")]


def _offset_minutes_per_row(text: str | None) -> int | None:
    """The per-row parser landing used before offsets were read column-wise: the reference."""
    if not text:
        return None
    match = re.search(r"(Z|[+-]\d{2}:?\d{2})$", text.strip())
    if not match:
        return None
    token = match.group(1)
    if token == "Z":
        return 0
    sign = -1 if token[0] == "-" else 1
    digits = token[1:].replace(":", "")
    return sign * (int(digits[:2]) * 60 + int(digits[2:]))


def test_time_zone_offsets_parse_as_before_and_bad_ones_are_quarantined(tmp_path: Path) -> None:
    good_values = [
        "2025-01-02T09:00:00Z", "2025-01-02T09:00:00+05:30", "2025-01-02T09:00:00-0800", "2025-01-02 09:00+00:00",
        "2025-01-02T09:00:00.123456789-03:30", " 2025-01-02T09:00:00+01:00\t", "2025-01-02T09:00:00+14:00",
        "2025-01-02T09:00:00-12:00", "2025-01-02T09:00:00-00:00", "2025-01-02T23:59:59.5+0545",
    ]
    bad_values = {
        "2025-02-30T09:00:00+01:00": "is not an ISO 8601 timestamp",  # no such day
        "2025-01-02T25:00:00Z": "is not an ISO 8601 timestamp",
        "2025-01-02T09:00:00+1:00": "is not an ISO 8601 timestamp",
        "2025-01-02T09:00:00z": "is not an ISO 8601 timestamp",
        "2025-01-02T09:00:00": "has no UTC offset",
        "1970-01-01T00:00:00Z": "outside the accepted years",
    }
    values = good_values + list(bad_values)
    lines = [f"a{i},email,{v},completed,synced,s" for i, v in enumerate(values)]
    result, good, quarantine = _land_one(tmp_path, "activities", "2025-01.csv", ACTIVITY_HEADER + "\n" + "\n".join(lines) + "\n")
    assert good.column("activity_id").to_pylist() == [f"a{i}" for i in range(len(good_values))]
    assert good.column("started_at_offset_minutes").to_pylist() == [_offset_minutes_per_row(v) for v in good_values]
    assert good.column("started_at_offset_minutes").to_pylist()[:4] == [0, 330, -480, 0]
    micro = [re.sub(r"(\.\d{6})\d+", r"\1", v.strip()) for v in good_values]  # nanoseconds are truncated
    utc = [dt.datetime.fromisoformat(v).astimezone(dt.timezone.utc) for v in micro]
    assert good.column("started_at").to_pylist() == utc
    by_row = {q["row_number"]: q for q in quarantine}
    assert sorted(by_row) == list(range(len(good_values) + 1, len(values) + 1))
    for row, (value, why) in enumerate(bad_values.items(), start=len(good_values) + 1):
        entry = by_row[row]
        assert entry["source_file"] == "activities/2025-01.csv" and entry["field"] == "started_at"
        assert entry["reason"].startswith(f"started_at: {value!r}") and why in entry["reason"], entry


def test_casting_finds_every_unparsable_value_among_many(tmp_path: Path) -> None:
    from ingest.validation import _cast_where

    rng = random.Random(3)
    days = [f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 31):02d}" for _ in range(5000)]  # some do not exist
    days[0], days[-1] = "2025-02-29", "2024-02-29"
    text = pa.array(days)
    candidates = np.array([rng.random() > 0.1 for _ in days])
    values, failed = _cast_where(text, candidates, pa.date32())

    def one(day: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(day)
        except ValueError:
            return None

    expected = [one(d) if c else None for d, c in zip(days, candidates)]
    assert values.to_pylist() == expected
    assert failed.tolist() == [bool(c) and one(d) is None for d, c in zip(days, candidates)]
    assert 50 < failed.sum() < 500
    # all of them bad: each is still found, and the good neighbours of none are lost
    values, failed = _cast_where(pa.array(["2025-02-30"] * 300 + ["2025-03-01"]), np.ones(301, bool), pa.date32())
    assert failed.sum() == 300 and values.to_pylist() == [None] * 300 + [dt.date(2025, 3, 1)]
