"""model_evaluation.md / .json: the held-out comparison of every scorer against the baselines, and,
on the simulator's sample, agreement with the ground truth."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from models_ml.evaluation import spearman

BASELINES = ("recency_only", "activity_count_90d", "weighted_rule")


def ground_truth_checks(con: duckdb.DuckDBPyConnection, truth_dir: Path, since: dt.date) -> dict[str, Any]:
    """Rank correlation of scores with latent health, and how early a sustained decline shows before a lost deal."""
    latent = truth_dir / "latent_health.parquet"
    if not latent.exists():
        return {"available": False}
    out: dict[str, Any] = {"available": True, "since": since.isoformat()}
    joined = con.sql(f"""
        select s.snapshot_date, s.score, t.latent_health
        from ml.contact_scores as s
        inner join read_parquet('{latent}') as t
            on s.contact_id = cast(t.contact_id as varchar) and s.snapshot_date = t.date
        where s.score is not null and s.snapshot_date >= date '{since}'
    """).df()
    if len(joined):
        per_day = [spearman(g["score"].to_numpy(), g["latent_health"].to_numpy())
                   for _, g in joined.groupby("snapshot_date") if len(g) > 10]
        out["contact_latent_spearman_pooled"] = round(spearman(joined["score"].to_numpy(), joined["latent_health"].to_numpy()), 4)
        out["contact_latent_spearman_mean_per_day"] = round(float(np.nanmean(per_day)), 4) if per_day else None
        out["contact_rows_compared"] = int(len(joined))
    opp_latent = truth_dir / "opportunity_latent_health.parquet"
    if opp_latent.exists():
        o = con.sql(f"""
            select s.score, t.value from ml.opportunity_scores as s
            inner join read_parquet('{opp_latent}') as t
                on s.opportunity_id = t.opportunity_id and s.snapshot_date = t.date
            where s.score is not null and s.snapshot_date >= date '{since}'
        """).df()
        if len(o):
            out["opportunity_latent_spearman_pooled"] = round(spearman(o["score"].to_numpy(), o["value"].to_numpy()), 4)
    lead = _decline_lead(con, "lost")
    if len(lead):
        flagged = lead["lead_days"].dropna()
        out["lost_deals_scored"] = int(len(lead))
        out["lost_deals_with_sustained_decline_in_prior_90d"] = int(len(flagged))
        out["decline_lead_days_median"] = float(flagged.median()) if len(flagged) else None
        out["decline_lead_days_p25_p75"] = [float(flagged.quantile(0.25)), float(flagged.quantile(0.75))] if len(flagged) else None
    won = _decline_lead(con, "won")
    if len(won):
        # the same flag on deals that were won: how often it cries wolf
        out["won_deals_with_sustained_decline_in_prior_90d_share"] = round(float(won["lead_days"].notna().mean()), 4)
        out["lost_deals_with_sustained_decline_in_prior_90d_share"] = round(float(lead["lead_days"].notna().mean()), 4) if len(lead) else None
    return out


def _decline_lead(con: duckdb.DuckDBPyConnection, status: str) -> pd.DataFrame:
    """Per closed deal of `status` scored up to its close: days from its first sustained-decline flag
    in the 90 days before closing to the close (null when never flagged)."""
    return con.sql(f"""
        with lost as (
            select opportunity_id, closed_date from main.dim_opportunities where opportunity_status = '{status}'
        ),
        first_decline as (
            select s.opportunity_id, min(s.snapshot_date) as first_decline_date
            from ml.opportunity_scores as s
            inner join lost on s.opportunity_id = lost.opportunity_id
            where s.is_sustained_decline and s.snapshot_date >= lost.closed_date - 90
            group by 1
        )
        select lost.opportunity_id, lost.closed_date - f.first_decline_date as lead_days
        from lost left join first_decline as f on lost.opportunity_id = f.opportunity_id
        where lost.closed_date in (select snapshot_date + 1 from ml.opportunity_scores)
    """).df()


def markdown(cards: dict[str, dict[str, Any]], truth: dict[str, Any]) -> str:
    lines = ["# Model evaluation", "",
             "Held-out later period (as-of dates after each card's `holdout_start`, outcomes known by the run's "
             "as-of date). Baselines get probabilities by isotonic calibration on the same training rows as the model.", ""]
    for entity, card in cards.items():
        lines += [f"## {entity} — {card['version']}", "",
                  f"Method: {card['method']}" + (f" ({card['fallback_reason']})" if card.get("fallback_reason") else ""),
                  f"Label: {card['label']}. Held out from {card['window']['holdout_start']}; rows {card['rows']}.", "",
                  "| scorer | ROC AUC | Brier | ECE | top-decile lift |", "|---|---|---|---|---|"]
        for name in ("model", *BASELINES):
            m = card["metrics"].get(name)
            if m:
                lines.append(f"| {name} | {m['roc_auc']} | {m['brier']} | {m['ece']} | {m['top_decile_lift']} |")
        weighted = {n: m for n, m in card["metrics"].items() if "ece_per_group_weighted" in m}
        if weighted:
            lines += ["", "Every deal weighted equally (one outcome per deal):", "",
                      "| scorer | deals | ROC AUC | Brier | ECE |", "|---|---|---|---|---|"]
            lines += [f"| {n} | {m['groups']} | {m['roc_auc_per_group_weighted']} | {m['brier_per_group_weighted']} | "
                      f"{m['ece_per_group_weighted']} |" for n, m in weighted.items()]
        cal = card.get("calibration_tables", {}).get("model")
        if cal:
            lines += ["", "Calibration (model, held out):", "", "| bin | rows | mean predicted | observed |", "|---|---|---|---|"]
            lines += [f"| {r['bin']} | {r['rows']} | {r['mean_predicted']} | {r['observed_rate']} |" for r in cal]
        lines.append("")
    if truth.get("available"):
        lines += ["## Against the simulator's ground truth", ""]
        lines += [f"- {k}: {v}" for k, v in truth.items() if k != "available"]
    return "\n".join(lines) + "\n"
