"""Published history is point in time and immutable: the pipeline run as of D, then as of D+7 with
a week of new activity, leaves every snapshot of D (and before) byte for byte as it was, each
scored by the model version that was current on its date."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from ingest.extract_writer import write_batch
from orchestration.run import run_job
from tests.tiny_org import write_tiny_org

D = dt.date(2025, 3, 31)
LATER = D + dt.timedelta(days=7)
UTC = dt.timezone.utc


def _published(root: Path, until: dt.date) -> list[tuple[object, ...]]:
    release = root / "serving" / "current" / "relintel.duckdb"
    with duckdb.connect(str(release), read_only=True) as con:
        return con.execute("select * from serving.contact_health where snapshot_date <= ? order by all", [until]).fetchall()


def _new_week(extracts: Path) -> None:
    """Jordan writes again and meets Avery in the week after D."""
    at = lambda day, hour: dt.datetime(2025, 4, day, hour, tzinfo=UTC)  # noqa: E731
    write_batch(extracts, "activities", "2025-04", [
        {"activity_id": "e9", "activity_type": "email", "started_at": at(2, 15), "status": "completed",
         "source": "synced", "subject": "Next steps", "thread_id": "t9", "owner_user_id": "u-avery"},
        {"activity_id": "m9", "activity_type": "meeting", "started_at": at(4, 14), "ended_at": at(4, 15),
         "status": "completed", "source": "synced", "subject": "Contract", "owner_user_id": "u-avery"},
    ])
    write_batch(extracts, "activity_parties", "2025-04", [
        {"activity_id": "e9", "party_role": "sender", "email_address": "jordan.ellis@blueridgehotels.com"},
        {"activity_id": "e9", "party_role": "to", "email_address": "avery.quinn@harborline.io"},
        {"activity_id": "m9", "party_role": "organizer", "email_address": "avery.quinn@harborline.io"},
        {"activity_id": "m9", "party_role": "attendee", "email_address": "jordan.ellis@blueridgehotels.com",
         "participation_status": "accepted"},
    ])


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("point_in_time")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RI_DATA_DIR", str(root))
        for var in ("RI_EXTRACT_DIR", "RI_LANDED_DIR", "RI_WAREHOUSE", "RI_SERVING_DIR", "RI_AS_OF_DATE", "DAGSTER_HOME"):
            mp.delenv(var, raising=False)
        write_tiny_org(root / "extracts")
        yield root


def test_a_later_run_leaves_earlier_snapshots_as_they_were(root: Path) -> None:
    assert run_job("daily_pipeline", D.isoformat()).success
    before = _published(root, D)
    assert before
    _new_week(root / "extracts")
    assert run_job("daily_pipeline", LATER.isoformat(), (D + dt.timedelta(days=1)).isoformat()).success
    assert _published(root, D) == before
    with duckdb.connect(str(root / "serving" / "current" / "relintel.duckdb"), read_only=True) as con:
        rows = con.execute("select snapshot_date, model_version, training_cutoff from serving.contact_health "
                           "where snapshot_date in (?, ?) group by all order by all", [D, LATER]).fetchall()
    versions = {json.loads(p.read_text())["as_of_date"]: p.parent.name
                for p in (root / "models" / "contact").glob("*/model_card.json")}
    assert rows == [(D, versions[D.isoformat()], D), (LATER, versions[LATER.isoformat()], LATER)]


def test_dates_before_the_first_training_say_no_model_existed(root: Path) -> None:
    with duckdb.connect(str(root / "serving" / "current" / "relintel.duckdb"), read_only=True) as con:
        early = con.execute("select distinct model_version, training_cutoff, scoring_method, scoring_method_reason "
                            "from serving.contact_health where snapshot_date < ?", [D]).fetchall()
    assert early == [("contact-untrained", None, "weighted_rule", "no contact model had been trained by this date")]
