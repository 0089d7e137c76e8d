"""The simulation pipeline: org, health, deals, defects, then traffic month by month."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from simulator import scenario_traffic
from simulator.activities import build_traffic_inputs, generate_month
from simulator.batches import ActivityWriter, write_stage_history
from simulator.config import BURN_IN_DAYS, SimulationConfig, org_size
from simulator.defects import (
    apply_master_defects, eligible_for_deals, opportunity_contact_defects, plan_activity_defects, role_findings,
)
from simulator.ground_truth import scenario_document, write_ground_truth, write_news_labels
from simulator.master_data import write_master_data
from simulator.news import write_news
from simulator.opportunities import build_deals
from simulator.org import build_org
from simulator.relationships import simulate_health
from simulator.rng import stream
from simulator.timeutil import DAY, Calendar


@dataclass
class SimulationResult:
    """What a run produced: row counts per extract entity and truth file, and where they are."""

    config: SimulationConfig
    extract_rows: dict[str, int]
    truth_rows: dict[str, int]
    defect_counts: dict[str, int]
    extract_files: list[Path] = field(default_factory=list)
    truth_files: list[Path] = field(default_factory=list)
    feed_files: list[Path] = field(default_factory=list)
    news_counts: dict[str, int] = field(default_factory=dict)  # label rows per kind (and event type)
    rate_multiplier: float = 1.0
    elapsed_seconds: float = 0.0

    def summary(self) -> str:
        lines = [f"extracts in {self.config.out_dir} ({self.config.fmt}), ground truth in {self.config.truth_dir}"]
        lines += [f"  {k:26s} {v:>10,d}" for k, v in self.extract_rows.items()]
        lines.append(f"  defects: {sum(self.defect_counts.values())} rows, {len(self.defect_counts)} types")
        if self.feed_files:
            lines.append(f"  news: {self.truth_rows.get('news_labels', 0)} feed items in {self.feed_files[0].parent}")
        lines.append(f"  took {self.elapsed_seconds:.1f} s")
        return "\n".join(lines)


def simulate(config: SimulationConfig) -> SimulationResult:
    """Run the whole simulation and write extracts and ground truth."""
    began = time.perf_counter()
    seed = config.seed
    cal = Calendar(config.start, config.end, BURN_IN_DAYS)
    org = build_org(org_size(config), cal, stream(seed, "org"))
    records, truth = apply_master_defects(org, stream(seed, "master-defects"), config.defects)
    org.attach_ties(stream(seed, "ties"))  # once misfiled people have moved to their real account
    health = simulate_health(stream(seed, "health"), org.persons.account, org.accounts.n, cal.n_days)
    scenario_traffic.override_health(health, org, stream(seed, "scenario"))
    deals = build_deals(org, health, eligible_for_deals(org), stream(seed, "deals"))
    extra_oc, oc_truth = opportunity_contact_defects(org, deals, records, stream(seed, "opportunity-defects"), config.defects)
    plan = plan_activity_defects(org, deals, stream(seed, "activity-defects"), config.defects)
    findings = role_findings(org, records)
    if not config.defects and findings:
        raise RuntimeError(f"a clean org must have no role findings, got {findings[:3]}")
    defects = truth + oc_truth + plan.truth + findings

    inputs = build_traffic_inputs(config.seed, config.activities, org, deals, health, plan)
    batch = config.end.isoformat()
    out = config.out_dir
    master_files, master_counts = write_master_data(out, config.fmt, batch, org, deals, records, extra_oc)
    record_of_person = [r.contact_id for r in records[: org.persons.n]]
    writer = ActivityWriter(out, config.fmt, org, deals, record_of_person,
                            truth_path=config.truth_dir / "activity_truth.parquet", keep_bodies=config.keep_bodies)
    next_thread = 1
    months = cal.months()
    for m, (name, d0, d1) in enumerate(months):
        last = m == len(months) - 1
        part, next_thread = generate_month(inputs, m, d0, d1, last, next_thread)
        writer.add(part, plan, stream(seed, "defect-drops", m))
        del part  # at scale a month's traffic is large: not kept through the flush and the next month
        writer.flush(name, None if last else cal.base_utc + d1 * DAY)
    writer.close()
    history_files, history_rows = write_stage_history(out, config.fmt, org, deals, stream(seed, "stage-history"))

    extract_rows = {**master_counts, "opportunity_stage_history": history_rows, **writer.counts}
    truth_files, truth_rows = write_ground_truth(
        config.truth_dir, org, deals, health, records, defects, writer.truth_rows, scenario_document(org, deals, records),
        {**config.parameters(), "rate_multiplier": round(inputs.mult, 6)}, extract_rows,
    )
    # The news comes last and from its own stream: every file above is the same with or without it.
    # (The manifest, written above, describes the extract run and does not count the news labels.)
    assert config.feeds_dir is not None  # set by SimulationConfig
    news = write_news(config.feeds_dir, org, records, inputs.mute_day, stream(seed, "news"))
    labels_path, label_rows = write_news_labels(config.truth_dir, news.labels)
    truth_files.append(labels_path)
    truth_rows["news_labels"] = label_rows
    counts: dict[str, int] = {}
    for row in defects:
        counts[str(row["defect_type"])] = counts.get(str(row["defect_type"]), 0) + 1
    return SimulationResult(
        config=config, extract_rows=extract_rows, truth_rows=truth_rows, defect_counts=dict(sorted(counts.items())),
        extract_files=master_files + writer.files + history_files, truth_files=truth_files,
        feed_files=news.feed_files, news_counts=news.counts,
        rate_multiplier=inputs.mult, elapsed_seconds=time.perf_counter() - began,
    )
