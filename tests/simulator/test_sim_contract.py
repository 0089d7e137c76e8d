"""Every extract file the simulator writes conforms to the canonical contract."""

from __future__ import annotations

import re

import pandas as pd
import pyarrow.parquet as pq
import pytest

from ingest import contract
from simulator.cli import main

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WRITTEN = ("users", "accounts", "contacts", "opportunities", "opportunity_contacts", "opportunity_stage_history",
           "activities", "activity_parties", "email_events")


def check_values(ent: contract.Entity, frame: pd.DataFrame) -> None:
    for col in ent.columns:
        values = frame[col.name]
        present = values[values != ""]
        if col.required:
            assert len(present) == len(values), f"{ent.name}.{col.name} has empty required values"
        if col.type == contract.ENUM:
            bad = set(present.str.lower()) - set(col.values)
            assert not bad, f"{ent.name}.{col.name}: values outside the enum {bad}"
        elif col.type == contract.TIMESTAMP:
            bad = present[~present.str.match(TIMESTAMP)]
            assert bad.empty, f"{ent.name}.{col.name}: not ISO 8601 with an offset: {bad.head(3).tolist()}"
            pd.to_datetime(present, utc=True, format="ISO8601")
        elif col.type == contract.DATE:
            assert present.str.match(DATE).all(), f"{ent.name}.{col.name}: bad dates"
            pd.to_datetime(present, format="%Y-%m-%d")
        elif col.type == contract.BOOL:
            assert set(present.str.lower()) <= contract.TRUE_WORDS | contract.FALSE_WORDS
        elif col.type == contract.INT:
            present.astype("int64")
        elif col.type == contract.FLOAT:
            present.astype("float64")


@pytest.mark.parametrize("entity", WRITTEN)
def test_columns_values_and_keys(sample, entity):
    ent = contract.entity(entity)
    files = sorted((sample.out / entity).glob("*.csv"))
    assert files
    for f in files:
        assert pd.read_csv(f, dtype=str, nrows=0).columns.tolist() == ent.column_names
    frame = sample[entity]
    assert len(frame) > 0
    check_values(ent, frame)
    assert not frame.duplicated(list(ent.primary_key)).any(), f"{entity}: duplicate keys"


def test_references_resolve(sample):
    acts = set(sample["activities"].activity_id)
    assert set(sample["activity_parties"].activity_id) <= acts
    assert set(sample["email_events"].activity_id) <= acts
    opps = set(sample["opportunities"].opportunity_id)
    accounts = set(sample["accounts"].account_id)
    users = set(sample["users"].user_id)
    assert set(sample["opportunity_contacts"].opportunity_id) <= opps
    assert set(sample["opportunity_contacts"].contact_id) <= set(sample["contacts"].contact_id)
    assert set(sample["opportunity_stage_history"].opportunity_id) == opps
    a = sample["activities"]
    assert set(a.regarding_opportunity_id) - {""} <= opps
    assert set(a.regarding_account_id) - {""} <= accounts
    assert set(a.owner_user_id) <= users
    assert set(sample["users"].manager_user_id) - {""} <= users
    # Replies point at an earlier message of the same thread (some parents fall into capture gaps).
    by_id = a.set_index("activity_id")
    replies = a[(a.parent_activity_id != "") & a.parent_activity_id.isin(by_id.index)]
    parents = by_id.loc[replies.parent_activity_id]
    assert (parents.thread_id.to_numpy() == replies.thread_id.to_numpy()).all()
    assert (pd.to_datetime(parents.started_at, utc=True, format="ISO8601").to_numpy()
            <= pd.to_datetime(replies.started_at, utc=True, format="ISO8601").to_numpy()).all()


def test_activities_fall_in_the_window(sample):
    a = sample["activities"]
    when = pd.to_datetime(a.started_at, utc=True, format="ISO8601")
    assert when.min() >= pd.Timestamp("2025-01-01", tz="UTC")
    late = a[when >= pd.Timestamp("2026-04-01", tz="UTC")]
    assert (late.status == "scheduled").all() and (late.activity_type == "meeting").all()


def test_cli_writes_parquet(tmp_path):
    assert main(["--out", str(tmp_path / "x"), "--truth", str(tmp_path / "t"), "--activities", "3000",
                 "--format", "parquet", "--no-defects", "--seed", "3"]) == 0
    for entity in WRITTEN:
        files = sorted((tmp_path / "x" / entity).glob("*.parquet"))
        assert files, entity
        table = pq.read_table(files[0])
        assert table.column_names == contract.entity(entity).column_names
    assert (tmp_path / "t" / "manifest.json").exists()
