"""The scoring assets, checks and weekly schedule are part of the code location."""

from __future__ import annotations

from orchestration.definitions import defs


def test_scoring_assets_checks_and_schedule_load() -> None:
    definitions = defs()
    keys = {k.to_user_string() for k in definitions.resolve_all_asset_keys()}
    assert {"ml/models", "ml/contact_scores", "ml/account_scores", "ml/opportunity_scores",
            "reports/model_evaluation", "serving/contact_health", "serving/account_health",
            "serving/opportunity_health"} <= keys
    checks = {(c.asset_key.to_user_string(), c.name) for c in definitions.resolve_asset_graph().asset_check_keys}
    for entity in ("contact", "account", "opportunity"):
        for name in ("score_range", "coverage", "no_leakage"):
            assert (f"ml/{entity}_scores", name) in checks
    assert definitions.get_schedule_def("weekly_training_schedule").cron_schedule == "0 3 * * 1"
    assert definitions.resolve_job_def("weekly_training") is not None
