"""model_evaluation.md / .json: the held-out comparison of every scorer against the baselines, and,
on the simulator's sample, agreement with the ground truth."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from models_ml import warehouse
from models_ml.entities import BASELINES, SPECS
from targets.warehouse import Warehouse

if TYPE_CHECKING:
    import pandas as pd

# The dbt model of closed deals and how early their health declined (models/scoring).
DECLINE_LEADS_MODEL = "eval_closed_deal_decline_leads"


def ground_truth_checks(con: Warehouse, truth_dir: Path, since: dt.date,
                        minimum_rows_per_day: int) -> dict[str, Any]:
    """Rank correlation of scores with latent health, and how early a sustained decline shows before a lost deal."""
    from models_ml.evaluation import spearman

    latent = truth_dir / "latent_health.parquet"
    if not latent.exists():
        return {"available": False}
    out: dict[str, Any] = {"available": True, "since": since.isoformat()}
    truth = _truth(latent, "contact_id", since)
    scored = _scored(con, "contact", since)
    # The published snapshots are point in time: each scored by the version current on its date.
    out["contact_snapshots_by_method"] = {str(k): int(v) for k, v in scored["scoring_method"].value_counts().sort_index().items()}
    joined = scored.merge(
        truth.rename(columns={"date": "snapshot_date"}), on=["contact_id", "snapshot_date"])
    if len(joined):
        per_day = [spearman(g["score"].to_numpy(), g["latent_health"].to_numpy())
                   for _, g in joined.groupby("snapshot_date") if len(g) > minimum_rows_per_day]
        out["contact_latent_spearman_pooled"] = round(spearman(joined["score"].to_numpy(), joined["latent_health"].to_numpy()), 4)
        out["contact_latent_spearman_mean_per_day"] = round(float(np.nanmean(per_day)), 4) if per_day else None
        out["contact_rows_compared"] = int(len(joined))
    opp_latent = truth_dir / "opportunity_latent_health.parquet"
    if opp_latent.exists():
        o = _scored(con, "opportunity", since).merge(
            _truth(opp_latent, "opportunity_id", since).rename(columns={"date": "snapshot_date"}),
            on=["opportunity_id", "snapshot_date"])
        if len(o):
            out["opportunity_latent_spearman_pooled"] = round(spearman(o["score"].to_numpy(), o["value"].to_numpy()), 4)
    account_latent = truth_dir / "account_latent_health.parquet"
    if account_latent.exists():
        out.update(account_agreement(warehouse.read_snapshots(con, "account", ACCOUNT_AGREEMENT_COLUMNS, since),
                                     account_latent))
    leads = warehouse.read_model(con, DECLINE_LEADS_MODEL, ("opportunity_id",),
                                 columns=("opportunity_id", "opportunity_status", "lead_days"))
    lead = leads[leads["opportunity_status"] == "lost"]
    if len(lead):
        flagged = lead["lead_days"].dropna()
        out["lost_deals_scored"] = int(len(lead))
        out["lost_deals_with_sustained_decline_in_prior_90d"] = int(len(flagged))
        out["decline_lead_days_median"] = float(flagged.median()) if len(flagged) else None
        out["decline_lead_days_p25_p75"] = [float(flagged.quantile(0.25)), float(flagged.quantile(0.75))] if len(flagged) else None
    won = leads[leads["opportunity_status"] == "won"]
    if len(won):
        # the same flag on deals that were won: how often it cries wolf
        out["won_deals_with_sustained_decline_in_prior_90d_share"] = round(float(won["lead_days"].notna().mean()), 4)
        out["lost_deals_with_sustained_decline_in_prior_90d_share"] = round(float(lead["lead_days"].notna().mean()), 4) if len(lead) else None
    return out


ACCOUNT_AGREEMENT_COLUMNS = ("account_id", "snapshot_date", "score", "rating", "training_cutoff",
                             "threshold_excellent", "threshold_good", "threshold_fair")


def account_agreement(scored: pd.DataFrame, truth_path: Path) -> dict[str, Any]:
    """Account scores against the simulator's latent account health (its role-weighted mean of the
    account's people's latent health), on the snapshots a trained version scored on or after its
    training cut-off: rank correlation, and the share of each rating beside the share the latent
    health x 100 would get under the same row's cut-offs. `scored` holds ACCOUNT_AGREEMENT_COLUMNS."""
    import pandas as pd

    from models_ml.evaluation import spearman
    from models_ml.scoring import RATINGS

    cutoff = pd.to_datetime(scored["training_cutoff"])
    scored = scored[scored["score"].notna() & cutoff.notna() & (pd.to_datetime(scored["snapshot_date"]) >= cutoff)]
    scored = scored.assign(snapshot_date=pd.to_datetime(scored["snapshot_date"]), account_id=scored["account_id"].astype(str))
    if scored.empty:
        return {}
    truth = _truth(truth_path, "account_id", scored["snapshot_date"].min().date())
    joined = scored.merge(truth.rename(columns={"date": "snapshot_date"}), on=["account_id", "snapshot_date"])
    if joined.empty:
        return {}
    latent = joined["value"].to_numpy() * 100.0
    latent_rating = np.select([latent >= joined["threshold_excellent"], latent >= joined["threshold_good"],
                               latent >= joined["threshold_fair"]], list(RATINGS[:3]), RATINGS[3])
    published = joined["rating"].value_counts(normalize=True)
    truth = pd.Series(latent_rating).value_counts(normalize=True)
    shares = {r: {"published": round(float(published.get(r, 0.0)), 4), "latent": round(float(truth.get(r, 0.0)), 4)}
              for r in RATINGS}
    per_day = [spearman(g["score"].to_numpy(), g["value"].to_numpy()) for _, g in joined.groupby("snapshot_date")]
    return {
        "account_rows_after_training_cutoff": int(len(joined)),
        "account_dates_after_training_cutoff": [joined["snapshot_date"].min().date().isoformat(),
                                                 joined["snapshot_date"].max().date().isoformat()],
        "account_latent_spearman_pooled": round(spearman(joined["score"].to_numpy(), joined["value"].to_numpy()), 4),
        "account_latent_spearman_mean_per_day": round(float(np.nanmean(per_day)), 4),
        "account_band_shares_vs_latent": shares,
        "account_band_share_max_difference": round(max(abs(v["published"] - v["latent"]) for v in shares.values()), 4),
    }


def _scored(con: Warehouse, entity: str, since: dt.date) -> pd.DataFrame:
    """key, snapshot_date, score of an entity type's scored snapshots from `since` on."""
    import pandas as pd

    key = SPECS[entity].key
    frame = warehouse.read_snapshots(con, entity, (key, "snapshot_date", "score", "scoring_method"), since)
    frame = frame[frame["score"].notna()]
    return frame.assign(snapshot_date=pd.to_datetime(frame["snapshot_date"]), **{key: frame[key].astype(str)})


def _truth(path: Path, key: str, since: dt.date) -> pd.DataFrame:
    """A ground-truth file of the simulator from `since` on, with its key as text and its dates as
    timestamps. The file holds every entity on every day simulated (43 million contact days at ten
    million activities); the snapshots compared with it start at `since`, so only those days are read."""
    import pandas as pd

    frame = pd.read_parquet(path, filters=[("date", ">=", since)])
    return frame.assign(date=pd.to_datetime(frame["date"]), **{key: frame[key].astype(str)})


def band_shares(con: Warehouse, day: dt.date) -> dict[str, Any]:
    """Per entity type, the share of each rating among the scored snapshots of `day`, per segment."""
    out: dict[str, Any] = {}
    for entity in SPECS:
        frame = warehouse.read_snapshots(con, entity, ("segment", "rating"), day, day)
        frame = frame[frame["rating"].notna()]
        if frame.empty:
            continue
        segments = {}
        for segment, rows in frame.groupby(frame["segment"].fillna("unknown").astype(str), sort=True):
            shares = rows["rating"].value_counts(normalize=True)
            segments[segment] = {"scored": int(len(rows)), **{str(k): round(float(v), 4) for k, v in shares.items()}}
        out[entity] = {"date": day.isoformat(), "segments": segments}
    return out


def markdown(cards: dict[str, dict[str, Any]], truth: dict[str, Any], bands: dict[str, Any] | None = None) -> str:
    from models_ml.scoring import RATINGS

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
        by_segment = card.get("metrics_by_segment", {})
        if by_segment:
            lines += ["", "Per segment (held out; one model serves every segment):", "",
                      "| segment | held-out rows | outcome rate | model ROC AUC | rule ROC AUC | model ECE | rule ECE |",
                      "|---|---|---|---|---|---|---|"]
            lines += [f"| {seg} | {m['rows']} | {m['positive_rate']} | {m['model_roc_auc']} | {m['weighted_rule_roc_auc']} | "
                      f"{m['model_ece']} | {m['weighted_rule_ece']} |" for seg, m in by_segment.items()]
        derived = {k: v for k, v in card.get("derived_thresholds", {}).items() if k != "pooled"}
        if derived:
            pooled = card["derived_thresholds"]["pooled"]["healthy_share_at_or_above"]
            lines += ["", "Cut-offs that would rate this entity type's healthy held-out outcomes alike in every segment "
                      f"(models_ml/cutoffs.py; at the default cut-offs {pooled['excellent']:.0%} of them are Excellent, "
                      f"{pooled['good']:.0%} Good or better, {pooled['fair']:.0%} Fair or better):", "",
                      "| segment | healthy held-out rows | Excellent ≥ | Good ≥ | Fair ≥ |", "|---|---|---|---|---|"]
            lines += [f"| {seg} | {d['healthy_rows']} | {d['excellent']:g} | {d['good']:g} | {d['fair']:g}"
                      + (" (too few rows: default kept)" if d.get("kept_default") else "") + " |" for seg, d in derived.items()]
        entity_bands = (bands or {}).get(entity, {})
        if entity_bands:
            lines += ["", f"Ratings on {entity_bands['date']} per segment (share of scored rows):", "",
                      "| segment | scored | Excellent | Good | Fair | Poor |", "|---|---|---|---|---|---|"]
            lines += [f"| {seg} | {b['scored']} | " + " | ".join(f"{b.get(r, 0.0):.0%}" for r in RATINGS) + " |"
                      for seg, b in entity_bands["segments"].items()]
        cal = card.get("calibration_tables", {}).get("model")
        if cal:
            lines += ["", "Calibration (model, held out):", "", "| bin | rows | mean predicted | observed |", "|---|---|---|---|"]
            lines += [f"| {r['bin']} | {r['rows']} | {r['mean_predicted']} | {r['observed_rate']} |" for r in cal]
        lines.append("")
    if truth.get("available"):
        lines += ["## Against the simulator's ground truth", "",
                  "The published snapshots as they were written: each date scored by the model version current on "
                  "it (trained only on outcomes known by then), or by the weighted rule before the first training — "
                  "never re-scored with a later model.", ""]
        lines += [f"- {k}: {v}" for k, v in truth.items() if k not in ("available", "account_band_shares_vs_latent")]
        shares = truth.get("account_band_shares_vs_latent")
        if shares:
            lines += ["", "Account ratings against the latent account health (role-weighted mean of the account's people's "
                      "latent health x 100, rated with the same row's cut-offs), on the snapshots a trained version "
                      "scored on or after its training cut-off:", "",
                      "| rating | published share | latent share |", "|---|---|---|"]
            lines += [f"| {r} | {v['published']:.1%} | {v['latent']:.1%} |" for r, v in shares.items()]
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
