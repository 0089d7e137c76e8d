"""Precision and recall of the hygiene findings against the simulator's injected defects.

A finding matches an injected defect when its rule is the defect type, its entity is the defect's
entity and, when both carry a period, the periods overlap (a capture gap found from the 3rd to the
16th matches one injected from the 3rd to the 16th, or from the 4th to the 15th). A rule that reads
only the last days of activity (hygiene_rules.lookback_days) is not asked for the defects that
ended before them.

    python -m data_quality.evaluate_findings [--findings FILE.parquet] [--truth DIR] [--out FILE.csv]

Defaults: the published `hygiene_findings` Parquet of the current serving release and the ground
truth folder of the settings (`Settings.ground_truth_dir`).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from runtime import settings
from simulator.defects import DEFECT_TYPES  # each gets a row even with no findings (recall 0)

DEFECTS_FILE = "defects.parquet"
TARGET = 0.9  # acceptance: precision and recall of every defect type at least this


@dataclass(frozen=True)
class TypeScore:
    defect_type: str
    injected: int
    found: int
    true_findings: int  # findings that match an injected defect
    recalled: int  # injected defects matched by a finding

    @property
    def precision(self) -> float | None:
        return self.true_findings / self.found if self.found else (None if self.injected else 1.0)

    @property
    def recall(self) -> float | None:
        return self.recalled / self.injected if self.injected else None

    @property
    def passed(self) -> bool:
        """Both at least TARGET; a type with nothing injected passes when nothing is found."""
        if not self.injected:
            return self.found == 0
        return (self.precision or 0.0) >= TARGET and (self.recall or 0.0) >= TARGET


def _as_date(value: object) -> pd.Timestamp | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).normalize()


def _overlaps(a_start: object, a_end: object, b_start: object, b_end: object) -> bool:
    """True when both periods are known and overlap, or when either has no period."""
    a0, a1, b0, b1 = _as_date(a_start), _as_date(a_end), _as_date(b_start), _as_date(b_end)
    if a0 is None or b0 is None:
        return True
    return a0 <= (b1 or b0) and b0 <= (a1 or a0)


def expected(defects: pd.DataFrame, findings: pd.DataFrame, rules: pd.DataFrame | None) -> pd.DataFrame:
    """The injected defects the findings can be asked to find: of a rule that reads only the last
    `lookback_days` days of activity (hygiene_rules), not those whose period ended before that
    window (up to the findings' as-of date): a burst logged years ago is no longer reported."""
    if rules is None or findings.empty or "lookback_days" not in rules:
        return defects
    as_of = pd.Timestamp(findings["as_of_date"].max())
    lookbacks = {rule: int(days) for rule, days in zip(rules["rule"], rules["lookback_days"]) if pd.notna(days)}
    window_start = defects["defect_type"].map(lambda rule: as_of - pd.Timedelta(days=lookbacks[rule] - 1)
                                               if rule in lookbacks else pd.NaT)
    period_end = pd.to_datetime(defects["end_date"].fillna(defects["start_date"]))
    before_window = window_start.notna() & period_end.notna() & (period_end < window_start)
    return defects[~before_window]


def score(findings: pd.DataFrame, defects: pd.DataFrame, rules: pd.DataFrame | None = None) -> list[TypeScore]:
    """One TypeScore per defect type (those injected, plus the simulator's full list); with the
    rules' catalogue (hygiene_rules), of the defects the rules can be asked to find (expected)."""
    types = sorted(set(DEFECT_TYPES) | set(defects["defect_type"]))
    defects = expected(defects, findings, rules)
    out = []
    for kind in types:
        truth = defects[defects["defect_type"] == kind].reset_index(drop=True)
        found = findings[findings["rule"] == kind].reset_index(drop=True)
        by_entity: dict[str, list[int]] = {}
        for i, entity in enumerate(found["entity_id"].astype(str)):
            by_entity.setdefault(entity, []).append(i)
        matched_findings: set[int] = set()
        recalled = 0
        for t in truth.itertuples(index=False):
            hits = [
                i for i in by_entity.get(str(t.entity_id), [])
                if _overlaps(t.start_date, t.end_date, found.at[i, "start_date"], found.at[i, "end_date"])
            ]
            matched_findings.update(hits)
            recalled += bool(hits)
        out.append(TypeScore(kind, len(truth), len(found), len(matched_findings), recalled))
    return out


def to_frame(scores: list[TypeScore]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "defect_type": s.defect_type,
                "injected": s.injected,
                "found": s.found,
                "true_findings": s.true_findings,
                "recalled": s.recalled,
                "precision": s.precision,
                "recall": s.recall,
                "passed": s.passed,
            }
            for s in scores
        ]
    )


def to_markdown(frame: pd.DataFrame) -> str:
    def pct(v: object) -> str:
        return "n/a" if v is None or pd.isna(v) else f"{float(v):.2f}"

    lines = ["| defect type | injected | found | precision | recall | ≥ 0.9 |", "|---|---:|---:|---:|---:|:---:|"]
    for r in frame.itertuples(index=False):
        lines.append(f"| {r.defect_type} | {r.injected} | {r.found} | {pct(r.precision)} | {pct(r.recall)} | "
                     f"{'yes' if r.passed else 'NO'} |")
    return "\n".join(lines)


def load_defects(truth_dir: Path) -> pd.DataFrame | None:
    path = truth_dir / DEFECTS_FILE
    return pd.read_parquet(path) if path.exists() else None


def default_findings_path(serving_dir: Path) -> Path:
    return serving_dir / "current" / "parquet" / "hygiene_findings.parquet"


def rules_beside(findings_path: Path) -> pd.DataFrame | None:
    """The rules' catalogue published with the findings (hygiene_rules.parquet in the same folder)."""
    path = findings_path.with_name("hygiene_rules.parquet")
    return pd.read_parquet(path) if path.exists() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=Path, default=None, help="hygiene_findings Parquet")
    parser.add_argument("--truth", type=Path, default=None, help="simulator ground-truth folder")
    parser.add_argument("--out", type=Path, default=None, help="write the table as CSV here too")
    args = parser.parse_args(argv)
    cfg = settings.load()
    findings_path = args.findings or default_findings_path(cfg.serving_dir)
    findings = pd.read_parquet(findings_path)
    defects = load_defects(args.truth or cfg.ground_truth_dir)
    if defects is None:
        print("no ground truth (defects.parquet) found", file=sys.stderr)
        return 2
    frame = to_frame(score(findings, defects, rules_beside(findings_path)))
    if args.out:
        frame.to_csv(args.out, index=False)
    print(to_markdown(frame))
    return 0 if frame["passed"].all() else 1


if __name__ == "__main__":
    raise SystemExit(main())
