"""Hygiene findings on two small simulated organisations, one with injected defects and one clean.

The volume-independent rules (links, duplicates, roles, bursts) must find the injected defects
with precision and recall of at least 0.9 even on a small org; the rules that compare a rep or a
day with its own normal volume (capture gaps, collapsed extract days, silent accounts, unanswered
hand-logged activity) may miss defects that small volumes hide, but must not raise false alarms.
The clean org must have no high-severity finding. Building again gives identical findings."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from data_quality.evaluate_findings import load_defects, score
from ingest.landing import land_all
from runtime import relations, settings
from simulator import SimulationConfig, simulate

PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
DBT = str(Path(sys.executable).parent / "dbt")
ACTIVITIES = 15_000
VOLUME_DEPENDENT = {"capture_gap_rep", "extract_volume_collapse", "open_opportunity_no_activity", "manual_no_response"}


@dataclass
class Org:
    root: Path
    dbt_arguments: list[str]  # the --vars of this org's settings

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    def table(self, model: str) -> pd.DataFrame:
        """A whole model, found where this org's dbt build put it (its own manifest)."""
        relation_sql = relations.load(self.root / "target" / "manifest.json").model(model).sql
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.sql(f"select * from {relation_sql}").to_arrow_table().to_pandas()


def dbt(org: Org, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RI_", "DBT_"))}
    return subprocess.run(
        [DBT, *args, *org.dbt_arguments, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
         "--target-path", str(org.root / "target"), "--log-path", str(org.root / "logs")],
        env=env | {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}, capture_output=True, text=True, timeout=600,
        check=False,
    )


def build_org(root: Path, defects: bool) -> Org:
    simulate(SimulationConfig(out_dir=root / "extracts", truth_dir=root / "truth", activities=ACTIVITIES,
                              defects=defects))
    cfg = settings.load({"RI_DATA_DIR": str(root)})  # landed/ and warehouse.duckdb under root
    land_all(root / "extracts", cfg.landed_dir)
    org = Org(root, cfg.dbt_arguments())
    # Only the hygiene models and what they read; their own data tests run afterwards.
    for step in (("run", "--select", "+path:models/hygiene"), ("test", "--select", "path:models/hygiene")):
        result = dbt(org, *step)
        assert result.returncode == 0, result.stdout[-4000:]
    return org


@pytest.fixture(scope="module")
def orgs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Org]:
    roots = {"defects": tmp_path_factory.mktemp("org_defects"), "clean": tmp_path_factory.mktemp("org_clean")}
    # Two cores: the two organisations build side by side.
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(build_org, root, name == "defects") for name, root in roots.items()}
        return {name: f.result() for name, f in futures.items()}


def findings(org: Org) -> pd.DataFrame:
    return org.table("hygiene_findings")


def test_injected_defects_are_found(orgs: dict[str, Org]) -> None:
    org = orgs["defects"]
    scores = {s.defect_type: s for s in score(findings(org), load_defects(org.root / "truth"), org.table("hygiene_rules"))}
    for kind, s in scores.items():
        if not s.injected:
            continue
        if s.found:
            assert (s.precision or 0) >= 0.9, (kind, s)
        if kind not in VOLUME_DEPENDENT:
            assert (s.recall or 0) >= 0.9, (kind, s)


def test_clean_org_has_no_high_severity_findings(orgs: dict[str, Org]) -> None:
    found = findings(orgs["clean"])
    assert (found["severity"] == "high").sum() == 0, found[found["severity"] == "high"][["rule", "entity_id", "evidence"]]
    assert load_defects(orgs["clean"].root / "truth").empty


def test_findings_carry_evidence_and_a_fix(orgs: dict[str, Org]) -> None:
    found = findings(orgs["defects"])
    assert found["finding_id"].is_unique
    assert found[["rule", "severity", "entity_type", "entity_id", "evidence", "suggested_fix"]].notna().all().all()
    rules = orgs["defects"].table("hygiene_rules")
    assert set(found["rule"]) <= set(rules["rule"])


def test_capture_gap_days_cover_every_gap(orgs: dict[str, Org]) -> None:
    org = orgs["defects"]
    days = org.table("hygiene_capture_gap_days")
    assert not days.duplicated(["user_id", "gap_date"]).any()
    assert set(days["gap_kind"]) <= {"mailbox", "calendar", "org_extract"}
    gaps = findings(org)
    for gap in gaps[gaps["rule"] == "capture_gap_rep"].itertuples():
        mine = days[(days["user_id"] == gap.entity_id) & (days["gap_kind"].isin(["mailbox", "calendar"]))]
        covered = set(pd.to_datetime(mine["gap_date"]).dt.date)
        wanted = set(pd.date_range(gap.start_date, gap.end_date).date)
        assert wanted <= covered
    for day in gaps[gaps["rule"] == "extract_volume_collapse"].itertuples():
        assert (pd.to_datetime(days["gap_date"]).dt.date == day.start_date).any()


def _digest(frame: pd.DataFrame) -> str:
    return hashlib.sha256("\n".join(sorted(map(repr, frame.itertuples(index=False)))).encode()).hexdigest()


def test_rebuilding_gives_identical_findings(orgs: dict[str, Org]) -> None:
    org = orgs["defects"]
    before = findings(org)
    result = dbt(org, "run", "--select", "path:models/hygiene")
    assert result.returncode == 0, result.stdout[-4000:]
    after = findings(org)
    assert len(after) == len(before) and _digest(after) == _digest(before)
