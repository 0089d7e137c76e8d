"""Point in time: activities added after an as-of date change nothing as of that date."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ingest.extract_writer import write_batch
from models_ml import warehouse
from runtime import relations
from models_ml.config import ScoringConfig
from models_ml.scoring import score_frame
from tests.scoring.conftest import build_features
from tests.tiny_org import UTC, at, write_tiny_org

AS_OF = dt.date(2025, 3, 10)
BUILD_TO = dt.date(2025, 3, 31)
TABLES = ("feat_contact_daily_signals", "feat_account_daily_signals", "feat_opportunity_daily_signals")


def later_activities(extract_dir: Path) -> None:
    """Jordan replies and meets after AS_OF; Avery logs e-mails; the deal moves."""
    write_batch(extract_dir, "activities", "2025-03-late", [
        {"activity_id": "late1", "activity_type": "email", "started_at": at(2025, 3, 15, 9, 0, UTC), "status": "completed",
         "source": "synced", "subject": "Next steps", "thread_id": "t9", "owner_user_id": "u-avery"},
        {"activity_id": "late2", "activity_type": "email", "started_at": at(2025, 3, 15, 11, 0, UTC), "status": "completed",
         "source": "synced", "subject": "RE: Next steps", "thread_id": "t9", "parent_activity_id": "late1",
         "owner_user_id": "u-avery", "body_text": "Great, let's sign."},
        {"activity_id": "late3", "activity_type": "meeting", "started_at": at(2025, 3, 18, 15, 0, UTC),
         "ended_at": at(2025, 3, 18, 16, 0, UTC), "status": "completed", "source": "synced", "subject": "Signing",
         "regarding_account_id": "a-blue", "owner_user_id": "u-avery"},
    ])
    write_batch(extract_dir, "activity_parties", "2025-03-late", [
        {"activity_id": "late1", "party_role": "sender", "email_address": "avery.quinn@harborline.io"},
        {"activity_id": "late1", "party_role": "to", "email_address": "jordan.ellis@blueridgehotels.com"},
        {"activity_id": "late2", "party_role": "sender", "email_address": "jordan.ellis@blueridgehotels.com"},
        {"activity_id": "late2", "party_role": "to", "email_address": "avery.quinn@harborline.io"},
        {"activity_id": "late3", "party_role": "organizer", "email_address": "avery.quinn@harborline.io"},
        {"activity_id": "late3", "party_role": "attendee", "email_address": "jordan.ellis@blueridgehotels.com",
         "participation_status": "attended"},
    ])


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    before_root = tmp_path_factory.mktemp("pit_before")
    write_tiny_org(before_root / "extracts")
    after_root = tmp_path_factory.mktemp("pit_after")
    shutil.copytree(before_root / "extracts", after_root / "extracts")
    later_activities(after_root / "extracts")
    return build_features(before_root / "extracts", before_root, BUILD_TO), build_features(after_root / "extracts", after_root, BUILD_TO)


def rows_as_of(build, table: str) -> pd.DataFrame:
    with build.connect() as con:
        df = warehouse.read_model(con, table, end=AS_OF).drop(columns=[relations.WRITER_COLUMN])  # which build wrote a row
    return df.sort_values(list(df.columns[:2])).reset_index(drop=True)


def test_later_activities_change_no_feature_as_of_earlier_dates(builds: tuple) -> None:
    before, after = builds
    for table in TABLES:
        pd.testing.assert_frame_equal(rows_as_of(before, table), rows_as_of(after, table), check_dtype=False)
    # ... while they do show up after the as-of date, so the test would notice a leak.
    with before.connect() as b, after.connect() as a:
        sql = f"select max(last_meaningful_date) from {relations.load().model('feat_contact_daily_signals').sql}"
        assert a.sql(sql).fetchall()[0][0] > b.sql(sql).fetchall()[0][0]


def test_later_activities_change_no_score_as_of_earlier_dates(builds: tuple, config: ScoringConfig) -> None:
    frames = []
    for build in builds:
        with build.connect() as con:
            features = warehouse.load_features(con, "contact", end=AS_OF)
        frames.append(score_frame("contact", features, config, None, "rule").reset_index(drop=True))
    pd.testing.assert_frame_equal(frames[0], frames[1])
