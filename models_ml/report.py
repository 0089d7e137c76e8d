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
from models_ml.train import BASELINES


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
             "Held-out later period: the as-of dates after each card's `holdout_start`, with outcomes known by the "
             "run's as-of date, walked forward in blocks. Each block is scored by a model trained only on the rows "
             "whose as-of date and outcome were known when the block starts, as the weekly training works in "
             "production; the figures pool the blocks. Baselines get probabilities by isotonic calibration on the "
             "same training rows as the model of their block.", "",
             "ECE is the expected calibration error over 10 equal-width bins. Even a perfectly calibrated scorer "
             "shows some on a finite sample: the *sampling floor* is the ECE it would show on the same rows, with "
             "outcomes drawn from its own probabilities (median and 90th percentile of 200 draws, one draw per deal "
             "for opportunities).", ""]
    for entity, card in cards.items():
        window = card["window"]
        lines += [f"## {entity} — {card['version']}", "",
                  f"Method: {card['method']}" + (f" ({card['fallback_reason']})" if card.get("fallback_reason") else ""),
                  f"Label: {card['label']}. Held out from {window['holdout_start']}, a refit every "
                  f"{window.get('refit_every_days')} days; held-out rows {card['rows']['holdout']}, rows behind the "
                  f"published model {card['rows']['train']}.", ""]
        if not card["metrics"]:
            lines += ["No held-out block could be evaluated.", ""]
        lines += _scorer_table(card)
        blocks = card.get("evaluation_blocks", [])
        if blocks:
            lines += ["", "Blocks:", "", "| trained until | scores to | training outcomes (neg / pos) | held-out rows | "
                      "held-out entities | model ROC AUC | model ECE |", "|---|---|---|---|---|---|---|"]
            lines += [f"| {b['trained_until']} | {b['scores_to']} | {b['train_outcomes']['negative']} / "
                      f"{b['train_outcomes']['positive']} | {b['test_rows']} | {b['test_entities']} | "
                      f"{b.get('model_roc_auc', '')} | {b.get('model_ece', b.get('skipped', ''))} |" for b in blocks]
        cal = card.get("calibration_tables", {}).get("model")
        if cal:
            lines += ["", "Calibration (model, held out):", "", "| bin | rows | mean predicted | observed |", "|---|---|---|---|"]
            lines += [f"| {r['bin']} | {r['rows']} | {r['mean_predicted']} | {r['observed_rate']} |" for r in cal]
        lines.append("")
    if truth.get("available"):
        lines += ["## Against the simulator's ground truth", ""]
        lines += [f"- {k}: {v}" for k, v in truth.items() if k != "available"]
    return "\n".join(lines) + "\n"


def _scorer_table(card: dict[str, Any]) -> list[str]:
    metrics = card["metrics"]
    floor = metrics.get("model", {}).get("ece_noise_floor")
    lines = ["| scorer | ROC AUC | Brier | ECE | top-decile lift |", "|---|---|---|---|---|"]
    lines += [f"| {name} | {m['roc_auc']} | {m['brier']} | {m['ece']} | {m['top_decile_lift']} |"
              for name in ("model", *BASELINES) if (m := metrics.get(name))]
    if floor:
        lines += ["", f"Sampling floor of the model's ECE on these rows: median {floor['median']}, 90th percentile {floor['p90']}."]
    weighted = [(n, metrics[n]) for n in ("model", *BASELINES) if "ece_per_group_weighted" in metrics.get(n, {})]
    if weighted:
        lines += ["", "Every deal weighted equally (one outcome per deal):", "",
                  "| scorer | deals | ROC AUC | Brier | ECE |", "|---|---|---|---|---|"]
        lines += [f"| {n} | {m['groups']} | {m['roc_auc_per_group_weighted']} | {m['brier_per_group_weighted']} | "
                  f"{m['ece_per_group_weighted']} |" for n, m in weighted]
    return lines
