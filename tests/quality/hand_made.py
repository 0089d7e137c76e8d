"""Hand-made report inputs: a handful of findings, gap days, checks and two nights of history."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data_quality.report import ReportData

AS_OF = dt.date(2025, 3, 31)
UTC = dt.UTC


def findings() -> pd.DataFrame:
    rows = [
        ("f1", "capture_gap_rep", "capture_gaps", "high", "user", "u-avery", "Avery Quinn", None, "u-avery",
         dt.date(2025, 3, 3), dt.date(2025, 3, 9), "no e-mail synced from the mailbox for 7 days", "Check the sync.", 60.0),
        ("f2", "contact_personal_domain", "contact_links", "low", "contact", "c-pat", "Pat Kim", "a-acme", "u-avery",
         None, None, "primary address pat@gmail.com is on gmail.com", "Ask for a business address.", None),
        ("f3", "account_no_decision_maker", "role_coverage", "medium", "account", "a-acme", "Acme <Corp>", "a-acme",
         "u-avery", None, None, "no decision-maker among 1 contacts", "Record the decision-maker.", 0.0),
    ]
    columns = ["finding_id", "rule", "rule_group", "severity", "entity_type", "entity_id", "entity_name", "account_id",
               "user_id", "start_date", "end_date", "evidence", "suggested_fix", "metric_value"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["user_name"] = "Avery Quinn"
    frame["as_of_date"] = AS_OF
    return frame


def report_data() -> ReportData:
    rules = pd.DataFrame(
        [("capture_gap_rep", "capture_gaps", "high", "Rep capture gap", "..."),
         ("contact_personal_domain", "contact_links", "low", "Contact with a personal address", "..."),
         ("account_no_decision_maker", "role_coverage", "medium", "No decision-maker known", "..."),
         ("gaming_burst", "capture_discipline", "high", "Burst of identical logged activities", "...")],
        columns=["rule", "rule_group", "severity", "title", "description"])
    found = findings()
    gap_days = pd.DataFrame({"user_id": "u-avery", "gap_date": pd.date_range("2025-03-03", "2025-03-09").date,
                             "gap_kind": "mailbox"})
    coverage = pd.DataFrame(
        [("a-blue", "Blue Ridge Hotel Group", "u-avery", 1, 2, 2, 1, 0, 1.0, True),
         ("a-acme", "Acme <Corp>", "u-avery", 0, 1, 1, 0, 1, 1.0, False)],
        columns=["account_id", "account_name", "owner_user_id", "open_opportunity_count", "contact_count",
                 "contacts_with_role", "decision_maker_count", "champion_count", "role_coverage", "has_decision_maker"])
    discipline = pd.DataFrame(
        [("u-avery", "Avery Quinn", "seller", 100, 10, 80, 10, 0.1, 8, 2, 0.25),
         ("u-morgan", "Morgan Lee", "manager", 20, 0, 20, 0, 0.0, 0, 0, None)],
        columns=["user_id", "full_name", "job_role", "activity_count", "manual_count", "synced_count", "dialer_count",
                 "manual_share", "manual_with_contact_count", "manual_unanswered_count", "manual_unanswered_share"])
    history = pd.concat([found.assign(as_of_date=AS_OF - dt.timedelta(days=1)).iloc[:2], found.assign(as_of_date=AS_OF)])
    checks = pd.DataFrame(
        [("r1", "landed.activities", "started_at_plausible", dt.datetime(2025, 3, 30, 2, tzinfo=UTC), "critical", True,
          None, 0, None),
         ("r2", "landed.activities", "started_at_plausible", dt.datetime(2025, 3, 31, 2, tzinfo=UTC), "critical", False,
          '{"unexpected_percent": 100.0}', 20, '["1970"]'),
         ("r2", "landed.users", "has_rows", dt.datetime(2025, 3, 31, 2, tzinfo=UTC), "critical", True,
          "2", None, None)],
        columns=["run_id", "suite", "check_name", "checked_at", "severity", "success", "observed_value",
                 "unexpected_count", "failure_sample"])
    evaluation = pd.DataFrame([{"defect_type": "capture_gap_rep", "injected": 1, "found": 1, "true_findings": 1,
                                "recalled": 1, "precision": 1.0, "recall": 1.0, "passed": True}])
    return ReportData(
        as_of_date=AS_OF, rules=rules, findings=found, gap_days=gap_days, role_coverage=coverage,
        discipline=discipline, users=pd.DataFrame({"user_id": ["u-avery", "u-morgan"],
                                                   "full_name": ["Avery Quinn", "Morgan Lee"]}),
        quarantine=pd.DataFrame({"entity": ["activities"], "rows": [1]}),
        exclusions=pd.DataFrame({
            "exclusion_rule": ["bulk_body_markers", "bulk_body_markers", "no_reply_sender"],
            "sender_domain": ["sharperimage.com", "cbinet.com", "sharperimage.com"],
            "activity_count": [6, 3, 2], "sender_count": [2, 1, 1],
            "first_activity_date": [dt.date(2025, 3, 1), dt.date(2025, 3, 2), dt.date(2025, 3, 3)],
            "last_activity_date": [dt.date(2025, 3, 20), dt.date(2025, 3, 12), dt.date(2025, 3, 3)],
        }),
        findings_history=history, check_results=checks, evaluation=evaluation,
    )
