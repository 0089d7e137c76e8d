"""Mail and calendar extracts obey ingest.contract: entities, columns, required values, enums, keys, links.

Nothing is landed here; the files are read back as written and checked against the contract.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ingest import contract
from ingest.connectors import ics
from ingest.connectors.base import ConnectorConfig
from ingest.connectors.mail import convert_eml, convert_maildir, convert_mbox

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_CALENDARS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "calendars" / "icalendar"
NOW = dt.datetime(2025, 3, 20, tzinfo=dt.timezone.utc)


def read_batch(path: Path) -> list[dict[str, str | None]]:
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: (v if v != "" else None) for k, v in row.items()} for row in csv.DictReader(fh)]


def check_value(col: contract.Column, value: str) -> None:
    if col.type == contract.TIMESTAMP:
        assert dt.datetime.fromisoformat(value).tzinfo is not None, f"{col.name}: {value} has no offset"
    elif col.type == contract.DATE:
        dt.date.fromisoformat(value)
    elif col.type == contract.ENUM:
        assert value.lower() in col.values, f"{col.name}: {value!r} not in {col.values}"
    elif col.type == contract.BOOL:
        assert value.lower() in contract.TRUE_WORDS | contract.FALSE_WORDS
    elif col.type == contract.STRING_LIST:
        assert all(item for item in value.split(contract.LIST_SEPARATOR)), f"{col.name}: empty list item in {value!r}"
    elif col.type in (contract.INT, contract.FLOAT):
        float(value)


def check_extract(out: Path) -> dict[str, list[dict[str, str | None]]]:
    """Check every batch under an extract folder; returns the rows per entity."""
    data: dict[str, list[dict[str, str | None]]] = {}
    for folder in sorted(p for p in out.iterdir() if p.is_dir()):
        entity = contract.entity(folder.name)  # an unknown entity folder fails here
        files = sorted(folder.iterdir())
        assert len(files) == 1 and not files[0].name.startswith(".")  # no half-written temporary files
        rows = read_batch(files[0])
        assert rows, f"{folder.name}: empty batch written"
        assert list(rows[0]) == entity.column_names
        keys = set()
        for row in rows:
            for col in entity.columns:
                value = row[col.name]
                if value is None:
                    assert not col.required, f"{entity.name}.{col.name} is required"
                    continue
                check_value(col, value)
            key = tuple(row[k] for k in entity.primary_key)
            assert key not in keys, f"{entity.name}: duplicate key {key}"
            keys.add(key)
        data[entity.name] = rows
    return data


def check_links(data: dict[str, list[dict[str, str | None]]]) -> None:
    activities = {r["activity_id"] for r in data.get("activities", [])}
    users = {r["user_id"] for r in data.get("users", [])}
    accounts = {r["account_id"] for r in data.get("accounts", [])}
    assert {r["activity_id"] for r in data.get("activity_parties", [])} <= activities
    assert {r["parent_activity_id"] for r in data.get("activities", []) if r["parent_activity_id"]} <= activities
    assert {r["owner_user_id"] for r in data.get("activities", []) if r["owner_user_id"]} <= users
    assert {r["account_id"] for r in data.get("contacts", []) if r["account_id"]} <= accounts
    excluded = {r["activity_id"] for r in data.get("excluded_activities", [])}
    assert not excluded & activities  # an item is excluded or an activity, never both


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.parametrize(
    ("name", "run"),
    [
        ("eml", lambda out, cfg: convert_eml(FIXTURES / "mail" / "eml", out, batch_name="b", config=cfg, now=NOW)),
        ("mbox", lambda out, cfg: convert_mbox(FIXTURES / "mail" / "mbox", out, batch_name="b", config=cfg, now=NOW)),
        ("maildir", lambda out, cfg: convert_maildir(FIXTURES / "mail" / "maildir", out, batch_name="b", config=cfg, now=NOW)),
        ("ics", lambda out, cfg: ics.convert(FIXTURES / "ics", out, batch_name="b", config=cfg, now=NOW)),
    ],
)
def test_fixture_extracts_follow_the_contract(name: str, run, fmt: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    report = run(tmp_path, ConnectorConfig(internal_domains=("harborline.io",), extract_format=fmt))
    assert all(Path(f).suffix == f".{fmt}" for f in report.files_written)
    data = check_extract(tmp_path)
    check_links(data)
    assert {e: len(r) for e, r in data.items()} == report.rows_written


def test_body_text_is_the_only_transient_column_and_only_mail_carries_it(tmp_path: Path) -> None:
    transient = [(e.name, c.name) for e in contract.ENTITIES.values() for c in e.columns if c.transient]
    assert transient == [("activities", "body_text")]
    mbox = FIXTURES / "mail" / "mbox" / "thread.mbox"
    convert_mbox(mbox, tmp_path / "mail", batch_name="b", config=ConnectorConfig(), now=NOW)
    convert_mbox(mbox, tmp_path / "kept", batch_name="b", config=ConnectorConfig(keep_bodies=True), now=NOW)
    ics.convert(FIXTURES / "ics" / "utc_event.ics", tmp_path / "ics", batch_name="b", config=ConnectorConfig(), now=NOW)
    # By default only the sentiment read from a body is written; --keep-bodies writes the body too.
    default, kept = check_extract(tmp_path / "mail")["activities"], check_extract(tmp_path / "kept")["activities"]
    assert not any(r["body_text"] for r in default)
    assert all(r["body_sentiment"] for r in default)
    assert all(r["body_text"] for r in kept)
    assert [r["body_sentiment"] for r in kept] == [r["body_sentiment"] for r in default]
    assert not any(r["body_text"] or r["body_sentiment"] for r in check_extract(tmp_path / "ics")["activities"])
    # Bodies never leak into the audit entities.
    for entity in ("excluded_activities", "source_rejections"):
        assert "body_text" not in contract.entity(entity).column_names


@pytest.mark.skipif(not SHARED_CALENDARS.is_dir(), reason=f"shared sample data not present: {SHARED_CALENDARS}")
def test_calendar_corpus_extract_follows_the_contract(tmp_path: Path) -> None:
    ics.convert(SHARED_CALENDARS, tmp_path, batch_name="b", config=ConnectorConfig(disabled_rules=("no_recipients",), extract_format="parquet"))
    check_links(check_extract(tmp_path))
