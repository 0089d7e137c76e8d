"""The nightly hygiene report: one static HTML page (inline SVG charts, no scripts, nothing fetched)
and one CSV per finding type, for RevOps to read and act on.

    <report dir>/index.html
    <report dir>/findings/<rule>.csv      every rule of the catalogue, header only when clean
    <report dir>/evaluation.csv           precision/recall against the simulator's truth, when present

(the report dir is `Settings.hygiene_report_dir`, <data>/reports/hygiene by default).

`load_report_data` reads the warehouse and the quality history; `write_report` only formats, so it
can be tested on hand-made frames.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from html import escape
from pathlib import Path

import pandas as pd

from data_quality import history
from data_quality.csv_export import spreadsheet_safe_csv
from charts.svg import BLUE, SEVERITY_COLOURS, horizontal_bars, line_chart, stacked_columns
from runtime.relations import Relations
from targets.warehouse import Warehouse

SEVERITIES = ("high", "medium", "low")
CSV_COLUMNS = (
    "finding_id", "rule", "severity", "entity_type", "entity_id", "entity_name", "account_id", "user_id", "user_name",
    "start_date", "end_date", "evidence", "suggested_fix", "as_of_date",
)
TOP = 15  # rows in the "top" tables


@dataclass
class ReportData:
    as_of_date: dt.date
    rules: pd.DataFrame  # hygiene_rules
    findings: pd.DataFrame  # hygiene_findings
    gap_days: pd.DataFrame  # hygiene_capture_gap_days
    role_coverage: pd.DataFrame  # hygiene_role_coverage
    discipline: pd.DataFrame  # hygiene_rep_capture_discipline
    users: pd.DataFrame  # user_id, full_name
    quarantine: pd.DataFrame  # entity, rows
    exclusions: pd.DataFrame  # hygiene_exclusions_by_sender_domain
    findings_history: pd.DataFrame  # history.findings_history
    check_results: pd.DataFrame  # history.check_results
    evaluation: pd.DataFrame | None = None  # evaluate_findings.to_frame


def load_report_data(con: Warehouse, relations: Relations, history_file: Path, as_of_date: dt.date,
                     evaluation: pd.DataFrame | None = None) -> ReportData:
    """Read what the report needs from the warehouse (`con`: targets.warehouse.connect; the caller
    holds its lock) and the quality history."""
    def table(name: str, query: str = "select * from {t}") -> pd.DataFrame:
        return con.sql(query.format(t=relations.model(name).sql)).to_arrow_table().to_pandas()

    data = ReportData(
        as_of_date=as_of_date,
        rules=table("hygiene_rules"),
        findings=table("hygiene_findings", "select * from {t} order by rule, entity_id, start_date nulls first"),
        gap_days=table("hygiene_capture_gap_days"),
        role_coverage=table("hygiene_role_coverage"),
        discipline=table("hygiene_rep_capture_discipline"),
        users=table("dim_users", "select user_id, full_name from {t}"),
        quarantine=table("landing_quarantine",
                         "select entity, count(*) as rows from {t} group by entity order by entity"),
        exclusions=table("hygiene_exclusions_by_sender_domain"),
        findings_history=pd.DataFrame(),
        check_results=pd.DataFrame(),
        evaluation=evaluation,
    )
    data.findings_history = history.read_table("findings_history", history_file)
    data.check_results = history.read_table("check_results", history_file)
    return data


def _write_text(path: Path, text: str) -> None:
    # Written aside and renamed, so a browser or BI tool never reads half a file.
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _table(frame: pd.DataFrame, columns: dict[str, str], table_id: str = "", numeric: tuple[str, ...] = ()) -> str:
    """An HTML table of the given columns (source -> header), values escaped."""
    if frame.empty:
        return "<p class='empty'>None.</p>"
    head = "".join(f"<th>{escape(h)}</th>" for h in columns.values())
    body = []
    for row in frame.itertuples(index=False):
        values = row._asdict()
        cells = []
        for col in columns:
            v = values.get(col)
            text = "" if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NaT else str(v)
            if isinstance(v, float) and not pd.isna(v):
                text = f"{v:.0%}" if col.endswith("share") or col.endswith("coverage") else f"{v:,.2f}"
            cls = " class='num'" if col in numeric or isinstance(v, (int, float)) and not isinstance(v, bool) else ""
            cells.append(f"<td{cls}>{escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    ident = f" id='{table_id}'" if table_id else ""
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _severity_counts(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Findings per key and severity, worst first."""
    if frame.empty:
        return pd.DataFrame(columns=[key, *SEVERITIES, "total"])
    counts = frame.pivot_table(index=key, columns="severity", values="finding_id", aggfunc="count", fill_value=0)
    counts = counts.reindex(columns=list(SEVERITIES), fill_value=0).astype(int)
    counts["total"] = counts.sum(axis=1)
    counts = counts.reset_index().sort_values(["high", "medium", "total", key], ascending=[False, False, False, True])
    return counts


def _weekly_gap_days(gap_days: pd.DataFrame) -> tuple[list[str], dict[str, list[float]]]:
    if gap_days.empty:
        return [], {}
    frame = gap_days.copy()
    frame["week"] = pd.to_datetime(frame["gap_date"]).dt.to_period("W-SUN").dt.start_time.dt.date
    weeks = pd.date_range(min(frame["week"]), max(frame["week"]), freq="7D").date
    pivot = frame.pivot_table(index="week", columns="gap_kind", values="user_id", aggfunc="count", fill_value=0)
    pivot = pivot.reindex(weeks, fill_value=0)
    kinds = [k for k in ("mailbox", "calendar", "org_extract") if k in pivot.columns]
    return [w.isoformat() for w in weeks], {k: [float(v) for v in pivot[k]] for k in kinds}


def _findings_trend(findings_history: pd.DataFrame) -> tuple[list[str], dict[str, list[float]]]:
    if findings_history.empty:
        return [], {}
    pivot = findings_history.pivot_table(index="as_of_date", columns="severity", values="finding_id",
                                         aggfunc="count", fill_value=0)
    pivot = pivot.reindex(columns=list(SEVERITIES), fill_value=0).sort_index()
    return [str(pd.Timestamp(d).date()) for d in pivot.index], {s: [float(v) for v in pivot[s]] for s in SEVERITIES}


def _check_trend(check_results: pd.DataFrame) -> tuple[list[str], dict[str, list[float]]]:
    if check_results.empty:
        return [], {}
    runs = check_results.groupby("run_id").agg(first=("checked_at", "min"),
                                               passed=("success", "sum"), total=("success", "size"))
    runs = runs.sort_values(["first"]).tail(30)
    labels = [f"{pd.Timestamp(t).strftime('%m-%d %H:%M')}" for t in runs["first"]]
    return labels, {"passed": [float(v) for v in runs["passed"]],
                    "failed": [float(t - p) for t, p in zip(runs["total"], runs["passed"], strict=True)]}


def _latest_checks(check_results: pd.DataFrame) -> pd.DataFrame:
    """Each suite's expectations from the last run that checked it, failures first, with when each
    expectation first failed in its current streak of failures."""
    if check_results.empty:
        return check_results
    frame = check_results.sort_values("checked_at")
    last_run = frame.groupby("suite")["run_id"].last()
    latest = frame[frame.apply(lambda r: last_run[r["suite"]] == r["run_id"], axis=1)].copy()
    since = []
    for r in latest.itertuples(index=False):
        runs = frame[(frame["suite"] == r.suite) & (frame["check_name"] == r.check_name)]
        if r.success:
            since.append("")
            continue
        passed = runs[runs["success"]]
        failing = runs[runs["checked_at"] > passed["checked_at"].max()] if len(passed) else runs
        since.append(str(pd.Timestamp(failing["checked_at"].min()).strftime("%Y-%m-%d %H:%M")))
    latest["failing_since"] = since
    latest["result"] = latest["success"].map({True: "pass", False: "FAIL"})
    return latest.sort_values(["success", "severity", "suite", "check_name"])


def _card(label: str, value: object, css: str = "") -> str:
    return f"<div class='card {css}'><div class='value'>{escape(str(value))}</div><div class='label'>{escape(label)}</div></div>"


STYLE = """
body{font-family:sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:22px;margin-bottom:4px} h2{font-size:17px;margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub{color:#666;font-size:13px} .cards{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}
.card{border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:120px}
.card .value{font-size:22px;font-weight:bold} .card .label{font-size:12px;color:#555}
/* severity as text: darker tones of the charts' vermillion and orange, at least 4.5:1 on white */
.card.high .value{color:#a33b00} .card.medium .value{color:#855600} .card.low .value{color:#555}
table{border-collapse:collapse;font-size:12px;margin:8px 0} th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f4f4f4} td.num{text-align:right} .charts{display:flex;flex-wrap:wrap;gap:16px}
.sev-high{color:#a33b00;font-weight:bold} .sev-medium{color:#855600} .empty{color:#666;font-style:italic}
"""


def _exclusion_tables(exclusions: pd.DataFrame) -> tuple[str, str]:
    """The noise filter's exclusions per rule, and the sender domains it excluded most from."""
    if exclusions.empty:
        return _table(exclusions, {}), _table(exclusions, {})
    by_rule = exclusions.groupby("exclusion_rule").agg(
        activities=("activity_count", "sum"), domains=("sender_domain", "nunique"), senders=("sender_count", "sum"),
        first=("first_activity_date", "min"), last=("last_activity_date", "max"),
    ).reset_index().sort_values(["activities", "exclusion_rule"], ascending=[False, True])
    with_domain = exclusions[exclusions["sender_domain"].notna()]
    by_domain = with_domain.groupby("sender_domain").agg(
        activities=("activity_count", "sum"), senders=("sender_count", "sum"),
        rules=("exclusion_rule", lambda r: ", ".join(sorted(r))),
    ).reset_index().sort_values(["activities", "sender_domain"], ascending=[False, True])
    return (
        _table(by_rule, {"exclusion_rule": "rule", "activities": "activities", "domains": "sender domains",
                         "senders": "senders", "first": "first", "last": "last"}, "exclusions-by-rule"),
        _table(by_domain.head(TOP), {"sender_domain": "sender domain", "activities": "activities",
                                     "senders": "senders", "rules": "rules"}, "exclusions-by-domain"),
    )


def render_html(data: ReportData) -> str:
    """The whole page as one string (deterministic for the same data)."""
    findings = data.findings
    rules = data.rules.set_index("rule") if not data.rules.empty else pd.DataFrame()
    by_sev = findings["severity"].value_counts() if not findings.empty else pd.Series(dtype=int)
    gap_users = findings.loc[findings["rule"] == "capture_gap_rep", "entity_id"].nunique() if not findings.empty else 0
    accounts_no_dm = int((~data.role_coverage["has_decision_maker"]).sum()) if not data.role_coverage.empty else 0
    contacts = int(data.role_coverage["contact_count"].sum()) if not data.role_coverage.empty else 0
    with_role = int(data.role_coverage["contacts_with_role"].sum()) if not data.role_coverage.empty else 0
    coverage = f"{with_role / contacts:.0%}" if contacts else "n/a"
    latest_checks = _latest_checks(data.check_results)
    failed_checks = int((~latest_checks["success"]).sum()) if not latest_checks.empty else 0
    quarantined = int(data.quarantine["rows"].sum()) if not data.quarantine.empty else 0

    cards = "".join([
        _card("findings", len(findings)),
        *(_card(f"{s} severity", int(by_sev.get(s, 0)), s) for s in SEVERITIES),
        _card("reps with capture gaps", gap_users),
        _card("capture-gap user-days", len(data.gap_days)),
        _card("accounts without a decision-maker", accounts_no_dm),
        _card("contacts with a buying role", coverage),
        _card("failing data checks (latest)", failed_checks, "high" if failed_checks else ""),
        _card("quarantined rows", quarantined),
    ])

    # Findings per rule, every rule of the catalogue, worst severity first.
    per_rule = findings.groupby("rule").size() if not findings.empty else pd.Series(dtype=int)
    rule_rows = []
    for rule, meta in (rules.iterrows() if not rules.empty else []):
        rule_rows.append({"rule": rule, "title": meta["title"], "severity": meta["severity"],
                          "count": int(per_rule.get(rule, 0)), "csv": f"findings/{rule}.csv",
                          "order": SEVERITIES.index(meta["severity"])})
    rule_frame = pd.DataFrame(rule_rows).sort_values(["order", "count", "rule"], ascending=[True, False, True]) \
        if rule_rows else pd.DataFrame(columns=["rule", "title", "severity", "count", "csv"])
    rule_chart = horizontal_bars(
        "Findings by rule", [(r.title, float(r.count), SEVERITY_COLOURS[r.severity]) for r in rule_frame.itertuples()])
    rule_table_rows = "".join(
        f"<tr><td>{escape(r.title)}</td><td><code>{escape(r.rule)}</code></td>"
        f"<td class='sev-{r.severity}'>{r.severity}</td><td class='num'>{r.count}</td>"
        f"<td><a href='{escape(r.csv)}'>{escape(r.csv)}</a></td></tr>"
        for r in rule_frame.itertuples()
    )
    rule_table = ("<table id='rules'><thead><tr><th>rule</th><th>id</th><th>severity</th><th>findings</th><th>CSV</th>"
                  f"</tr></thead><tbody>{rule_table_rows}</tbody></table>")

    weeks, weekly = _weekly_gap_days(data.gap_days)
    nights, nightly = _findings_trend(data.findings_history)
    runs, run_checks = _check_trend(data.check_results)
    trends = "".join([
        line_chart("Capture-gap user-days per week", weeks, weekly, y_label="user-days"),
        line_chart("Findings per night, by severity", nights, nightly, y_label="findings"),
        stacked_columns("Data checks per run (expectations)", runs, run_checks),
    ])

    names = dict(zip(data.users["user_id"], data.users["full_name"], strict=False)) if not data.users.empty else {}
    reps = _severity_counts(findings[findings["user_id"].notna()], "user_id") if not findings.empty else \
        _severity_counts(findings, "user_id")
    reps["rep"] = reps["user_id"].map(lambda u: names.get(u, u))
    gap_per_rep = data.gap_days.groupby("user_id").size() if not data.gap_days.empty else pd.Series(dtype=int)
    reps["gap_days"] = reps["user_id"].map(lambda u: int(gap_per_rep.get(u, 0)))
    discipline = data.discipline.set_index("user_id") if not data.discipline.empty else pd.DataFrame()
    reps["manual_share"] = reps["user_id"].map(
        lambda u: discipline["manual_share"].get(u) if not discipline.empty else None)
    rep_table = _table(reps.head(TOP), {"rep": "rep", "user_id": "user", "high": "high", "medium": "medium",
                                        "low": "low", "total": "total", "gap_days": "capture-gap days",
                                        "manual_share": "manual share"}, "top-reps")

    account_findings = findings[findings["account_id"].notna()] if not findings.empty else findings
    accounts = _severity_counts(account_findings, "account_id")
    if not data.role_coverage.empty:
        cov = data.role_coverage.set_index("account_id")
        accounts["account"] = accounts["account_id"].map(cov["account_name"])
        accounts["owner"] = accounts["account_id"].map(cov["owner_user_id"]).map(lambda u: names.get(u, u))
        accounts["role_coverage"] = accounts["account_id"].map(cov["role_coverage"])
    account_table = _table(accounts.head(TOP), {"account": "account", "account_id": "id", "owner": "owner",
                                                "high": "high", "medium": "medium", "low": "low", "total": "total",
                                                "role_coverage": "role coverage"}, "top-accounts")

    disc = data.discipline.sort_values(["manual_share", "user_id"], ascending=[False, True]) \
        if not data.discipline.empty else data.discipline
    manual_chart = horizontal_bars(
        "Share of activity logged by hand, per rep (top 15)",
        [(f"{r.full_name or r.user_id}", float(r.manual_share or 0) * 100, BLUE) for r in disc.head(TOP).itertuples()],
        value_format="{:.1f}%")
    disc_table = _table(
        data.discipline.sort_values(["manual_unanswered_count", "user_id"], ascending=[False, True]).head(TOP)
        if not data.discipline.empty else data.discipline,
        {"full_name": "rep", "activity_count": "activities", "synced_count": "synced", "dialer_count": "dialer",
         "manual_count": "manual", "manual_share": "manual share", "manual_unanswered_count": "manual, unanswered",
         "manual_unanswered_share": "unanswered share"}, "discipline")

    if not data.role_coverage.empty:
        rc = data.role_coverage.groupby("owner_user_id").agg(
            accounts=("account_id", "count"), contacts=("contact_count", "sum"),
            with_role=("contacts_with_role", "sum"),
            without_dm=("has_decision_maker", lambda s: int((~s).sum()))).reset_index()
        rc["rep"] = rc["owner_user_id"].map(lambda u: names.get(u, u))
        rc["role_coverage"] = rc["with_role"] / rc["contacts"].where(rc["contacts"] > 0)
        rc = rc.sort_values(["without_dm", "role_coverage", "owner_user_id"], ascending=[False, True, True])
    else:
        rc = pd.DataFrame()
    coverage_table = _table(rc.head(TOP), {"rep": "rep", "accounts": "accounts", "without_dm": "without decision-maker",
                                           "contacts": "contacts", "with_role": "with role",
                                           "role_coverage": "role coverage"}, "role-coverage-by-rep")

    top_findings = findings.assign(order=findings["severity"].map({s: i for i, s in enumerate(SEVERITIES)})) \
        .sort_values(["order", "rule", "metric_value", "entity_id"], ascending=[True, True, False, True]) \
        if not findings.empty else findings
    top_table = _table(top_findings[top_findings["severity"] == "high"].head(50) if not findings.empty else findings,
                       {"rule": "rule", "entity_name": "entity", "entity_id": "id", "user_name": "rep",
                        "start_date": "from", "end_date": "to", "evidence": "evidence", "suggested_fix": "fix"},
                       "top-findings")

    check_table = _table(latest_checks, {"result": "result", "suite": "suite", "check_name": "expectation",
                                         "severity": "severity", "observed_value": "observed",
                                         "unexpected_count": "unexpected", "failure_sample": "sample of failures",
                                         "failing_since": "failing since"}, "checks") \
        if not latest_checks.empty else "<p class='empty'>No data checks recorded yet.</p>"
    quarantine_table = _table(data.quarantine, {"entity": "entity", "rows": "quarantined entries"}, "quarantine")
    exclusions_by_rule, exclusions_by_domain = _exclusion_tables(data.exclusions)

    evaluation = ""
    if data.evaluation is not None:
        ev = data.evaluation.copy()
        ev["passed"] = ev["passed"].map({True: "yes", False: "NO"})
        evaluation = ("<h2 id='evaluation'>Against the simulation's injected defects</h2>"
                      "<p class='sub'>Precision and recall per injected defect type (target: both at least 0.9); "
                      "also in <a href='evaluation.csv'>evaluation.csv</a>.</p>"
                      + _table(ev, {"defect_type": "defect type", "injected": "injected", "found": "found",
                                    "precision": "precision", "recall": "recall", "passed": "≥ 0.9"}, "evaluation-table"))

    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Hygiene report {data.as_of_date.isoformat()}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{STYLE}</style></head>
<body>
<h1>Data hygiene report</h1>
<p class="sub">As of {data.as_of_date.isoformat()}. Findings come from the dbt models in the <code>hygiene</code> folder;
each CSV lists one finding type with evidence and a suggested fix.</p>
<section id="summary"><h2>Summary</h2><div class="cards">{cards}</div></section>
<section id="trends"><h2>Trends</h2><div class="charts">{trends}</div></section>
<section id="by-rule"><h2>Findings by rule</h2><div class="charts">{rule_chart}</div>{rule_table}</section>
<section id="by-rep"><h2>Top reps by findings</h2>{rep_table}
<h2>Capture discipline</h2><div class="charts">{manual_chart}</div>{disc_table}</section>
<section id="by-account"><h2>Top accounts by findings</h2>{account_table}</section>
<section id="roles"><h2>Contact-role coverage by rep</h2>{coverage_table}</section>
<section id="high"><h2>High-severity findings (first 50)</h2>{top_table}</section>
<section id="checks-section"><h2>Data checks (Great Expectations, latest run per suite)</h2>{check_table}</section>
<section id="quarantine-section"><h2>Quarantine</h2>{quarantine_table}</section>
<section id="exclusions"><h2>Kept out of scoring by the connectors' noise filter</h2>
<p class="sub">Every excluded item, with the rule's evidence and its source file, is in the published table
<code>excluded_activities</code>; an allow or deny list entry changes the outcome (docs/connectors.md).</p>
<h3>By rule</h3>{exclusions_by_rule}<h3>Top sender domains</h3>{exclusions_by_domain}</section>
{evaluation}
</body></html>
"""


def write_report(data: ReportData, target: Path) -> Path:
    """Write index.html, a CSV per rule and the evaluation CSV into target; returns the index path."""
    rule_names = list(data.rules["rule"]) if not data.rules.empty else sorted(set(data.findings["rule"]))
    for rule in rule_names:
        rows = data.findings[data.findings["rule"] == rule] if not data.findings.empty else data.findings
        frame = rows.reindex(columns=list(CSV_COLUMNS)).sort_values(["entity_id", "start_date"], na_position="first")
        _write_text(target / "findings" / f"{rule}.csv", spreadsheet_safe_csv(frame))
    if data.evaluation is not None:
        _write_text(target / "evaluation.csv", spreadsheet_safe_csv(data.evaluation))
    index = target / "index.html"
    _write_text(index, render_html(data))
    return index
