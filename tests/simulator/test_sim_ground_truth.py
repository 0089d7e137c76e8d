"""Ground-truth files are written, complete and consistent with the extracts."""

from __future__ import annotations

import json

import pandas as pd

TRUTH_FILES = {
    "latent_health": ["contact_id", "date", "latent_health"],
    "account_latent_health": ["account_id", "date", "value"],
    "opportunity_latent_health": ["opportunity_id", "date", "value"],
    "opportunity_outcomes": ["opportunity_id", "account_id", "status", "created_date", "closed_date",
                             "won_probability_true", "decision_maker_latent_health", "slips", "stage_rank", "amount"],
    "defects": ["defect_type", "entity_type", "entity_id", "detail", "start_date", "end_date"],
    "contacts_truth": ["contact_id", "person_contact_id", "true_account_id", "true_role", "timezone",
                       "primary_user_id", "secondary_user_id"],
    "activity_truth": ["activity_id", "generator", "account_id", "contact_id"],
    "relationship_ties": ["contact_id", "user_id", "tie_strength", "tie_kind", "active_until", "is_strongest",
                          "is_strongest_non_owner"],
}


def test_files_and_columns(sample):
    for name, columns in TRUTH_FILES.items():
        assert pd.read_parquet(sample.truth / f"{name}.parquet").columns.tolist() == columns, name
    scenario = json.loads((sample.truth / "scenario.json").read_text())
    assert {"seller", "manager", "colleague", "account", "opportunity", "primary_contact", "engaged_contact"} <= set(scenario)


def test_latent_health_covers_every_contact_and_day(sample):
    lh = sample.truth_table("latent_health")
    assert lh.latent_health.between(0, 1).all()
    assert set(lh.contact_id) == set(sample["contacts"].contact_id)
    days = pd.to_datetime(lh.date)
    assert days.min() == pd.Timestamp("2025-01-01") and days.max() == pd.Timestamp("2026-03-31")
    assert (lh.groupby("contact_id").size() == 455).all()
    alh = sample.truth_table("account_latent_health")
    assert set(alh.account_id) == set(sample["accounts"].account_id)
    # Relationships move: some contacts gain and some lose a lot over the window.
    first = lh[days == days.min()].set_index("contact_id").latent_health
    last = lh[days == days.max()].set_index("contact_id").latent_health
    change = last - first
    assert (change > 0.25).any() and (change < -0.25).any()


def test_manifest_and_outcomes_match_extracts(sample):
    manifest = json.loads((sample.truth / "manifest.json").read_text())
    assert manifest["parameters"]["seed"] == 7
    for entity, rows in manifest["extract_rows"].items():
        assert len(sample[entity]) == rows, entity
    outcomes = sample.truth_table("opportunity_outcomes").set_index("opportunity_id")
    opp = sample["opportunities"].set_index("opportunity_id")
    assert (outcomes.loc[opp.index, "status"] == opp.status).all()
    assert outcomes.won_probability_true.between(0, 1).all()
    truth = sample.truth_table("activity_truth")
    assert set(truth.activity_id) == set(sample["activities"].activity_id)
