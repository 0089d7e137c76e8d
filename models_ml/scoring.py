"""Daily snapshots: score, rating, percentile, unscored reason, sub-scores and reasons per row."""

from __future__ import annotations

import numpy as np
import pandas as pd

from models_ml.config import ScoringConfig
from models_ml.entities import SPECS
from models_ml.factors import FACTORS, factor_scores, weighted_rule
from models_ml.reasons import top_reasons
from models_ml.training.estimator import predict

RATINGS = ("Excellent", "Good", "Fair", "Poor")
THREE_BANDS = {"Excellent": "Healthy", "Good": "Healthy", "Fair": "Fair", "Poor": "Poor"}
METHOD_MODEL = "model"
METHOD_RULE = "weighted_rule"

def cutoffs(entity: str, segment: pd.Series, config: ScoringConfig) -> pd.DataFrame:
    """Each row's excellent / good / fair cut-offs (config.thresholds_for); no rows is fine. Looked up
    once per distinct segment: a first run rates millions of rows of a handful of segments."""
    codes, segments = pd.factorize(segment.astype(object).where(segment.notna(), None), use_na_sentinel=False)
    per_segment = pd.DataFrame([vars(config.thresholds_for(entity, s if isinstance(s, str) else None)) for s in segments],
                               columns=["excellent", "good", "fair"], dtype="float64")
    return per_segment.take(codes).set_axis(segment.index)


def rate(entity: str, score: pd.Series, segment: pd.Series, config: ScoringConfig) -> pd.Series:
    """Four-band rating with the entity type's and segment's cut-offs; null where there is no score."""
    t = cutoffs(entity, segment, config)
    out = np.select([score >= t["excellent"], score >= t["good"], score >= t["fair"], score.notna()],
                    list(RATINGS), default=None)
    return pd.Series(out, index=score.index, dtype=object).where(score.notna(), None)


def unscored_reason(df: pd.DataFrame, entity: str, config: ScoringConfig) -> pd.Series:
    n = pd.to_numeric(df[SPECS[entity].history_column], errors="coerce").fillna(0).astype("int64")
    minimum = config.history_minimum[entity]
    plural = np.where(n == 1, "interaction", "interactions")
    text = "insufficient data: " + n.astype(str) + " " + pd.Series(plural, index=df.index) + " in 90 days"
    return text.where(n < minimum, None)


# A silent customer's score stays at least this far below the Good cut-off: its rating is at most Fair.
SILENCE_MARGIN = 0.1


def squeeze_into_fair(score: pd.Series, silent: pd.Series, t: pd.DataFrame) -> pd.Series:
    """Silent rows' scores above the Fair cut-off mapped linearly from [fair, 100] onto [fair, just
    under good]: Fair at best, their order among themselves kept (no pile-up on one value)."""
    top = t["good"] - SILENCE_MARGIN
    squeezed = (t["fair"] + (score - t["fair"]) * (top - t["fair"]) / (100.0 - t["fair"])).round(1)
    return score.where(~silent | (score <= t["fair"]), squeezed)


def silence(entity: str, df: pd.DataFrame, config: ScoringConfig) -> tuple[pd.Series, pd.Series]:
    """(silent, the reason in words) per row: at least `silence.unanswered_streak` of our outreach in a
    row unanswered and no customer touch for `silence.days_since_customer_touch` days (or ever).

    "Use customer-side response data heavily": however recent and frequent our own activity, such a
    relationship is not Good. The cap is documented (docs/scoring.md) and its hits are checked
    against the simulator's ground truth in the evaluation report."""
    columns = SPECS[entity].silence_columns
    if columns is None or not len(df):
        return pd.Series(False, index=df.index), pd.Series("", index=df.index, dtype=object)
    streak = pd.to_numeric(df[columns[0]], errors="coerce").fillna(0)
    quiet_days = pd.to_numeric(df[columns[1]], errors="coerce")
    rule = config.silence
    silent = (streak >= rule["unanswered_streak"]) & (quiet_days.isna() | (quiet_days >= rule["days_since_customer_touch"]))
    since = np.where(quiet_days.isna(), "never answered", "no word from them for " + quiet_days.fillna(0).astype(int).astype(str) + " days")
    text = ("silent: our last " + streak.astype(int).astype(str) + " e-mails and calls unanswered, " + pd.Series(since, index=df.index)
            + " (rated Fair at best)")
    return silent, text.where(silent, "")


def score_frame(entity: str, df: pd.DataFrame, config: ScoringConfig, model: object | None,
                model_version: str, method_reason: str | None = None) -> pd.DataFrame:
    """One snapshot row per input row. `model` None means the weighted rule scores, and
    `method_reason` (the model card's) says why; every snapshot row carries it."""
    spec = SPECS[entity]
    factors = factor_scores(entity, df, config.factors)
    rule = pd.Series(weighted_rule(factors, config.weights), index=df.index)
    if model is not None:
        raw = pd.Series(np.round(predict(model, df, spec) * 100.0, 1), index=df.index)
        method = METHOD_MODEL
    else:
        raw, method = rule, METHOD_RULE
    reason = unscored_reason(df, entity, config)
    silent, silence_text = silence(entity, df, config)
    score = squeeze_into_fair(raw, silent, cutoffs(entity, df["segment"].fillna("unknown"), config)).where(reason.isna())
    up, down = top_reasons(entity, df, factors, config.weights, config.factors)
    down = (silence_text + np.where(down != "", "; ", "") + down).where(silent, down)
    out = pd.DataFrame({
        "snapshot_date": pd.to_datetime(df["as_of_date"]).dt.date,
        spec.key: df[spec.key].astype(str),
        "entity_name": df["entity_name"],
        "segment": df["segment"].fillna("unknown"),
        "score": score,
        "rule_score": rule.where(reason.isna()),
        "scoring_method": method,
        "scoring_method_reason": method_reason if model is None else None,
        "model_version": model_version,
        "unscored_reason": reason,
        "reasons_up": up.where(reason.isna(), None),
        "reasons_down": down.where(reason.isna(), None),
    }, index=df.index)
    for f in FACTORS:
        out[f"{f}_score"] = factors[f] if f in spec.factors else np.nan
    for c in spec.carried:
        out[c] = df[c].to_numpy()
    return out


def finish(entity: str, out: pd.DataFrame, config: ScoringConfig) -> pd.DataFrame:
    """Rating, three-band rating, cut-offs and within-segment percentile from the final score."""
    out = out.copy()
    out["rating"] = rate(entity, out["score"], out["segment"], config)
    out["rating_three_band"] = out["rating"].map(THREE_BANDS).where(out["rating"].notna(), None)
    cut = cutoffs(entity, out["segment"], config)
    out["threshold_good"], out["threshold_fair"], out["threshold_excellent"] = cut["good"], cut["fair"], cut["excellent"]
    pct = out.groupby(["snapshot_date", "segment"])["score"].rank(method="average", pct=True)
    out["segment_percentile"] = (pct * 100).round(1)
    return out


def account_contact_links(contacts: pd.DataFrame, config: ScoringConfig) -> pd.DataFrame:
    """account_id, contact_id, weight: every contact of an account, weighted by its role."""
    # Sorted, so each day's weighted sum adds its contacts in one order whatever range was scored
    # (one day at night or a whole history at once): the same last bits, the same rounding.
    links = contacts.loc[contacts["account_id"].notna(), ["account_id", "contact_id", "contact_role"]].drop_duplicates(
        ["account_id", "contact_id"]).sort_values(["account_id", "contact_id"], kind="stable")
    weight = links["contact_role"].map(config.role_weights).fillna(1.0).astype("float64")
    return links[["account_id", "contact_id"]].assign(weight=weight)


def key_contact_links(contacts: pd.DataFrame, deal_contacts: pd.DataFrame) -> pd.DataFrame:
    """account_id, contact_id of each account's key relationships: its decision-makers, and the
    primary contact and decision-makers of its deals."""
    accounts = contacts[["contact_id", "account_id", "contact_role"]].dropna(subset=["account_id"]).drop_duplicates("contact_id")
    on_deals = deal_contacts.loc[(deal_contacts["deal_role"] == "decision_maker")
                                 | deal_contacts["is_primary"].fillna(False).astype(bool), ["contact_id"]]
    key = pd.concat([accounts.loc[accounts["contact_role"] == "decision_maker", ["contact_id"]], on_deals])
    return accounts.merge(key.drop_duplicates(), on="contact_id")[["account_id", "contact_id"]]


def weakest_key_pull(snap: pd.DataFrame, contacts: pd.DataFrame, key_links: pd.DataFrame, share: float) -> pd.DataFrame:
    """Pull each account's score towards its weakest scored key relationship that day, by `share`
    of the gap (only ever down), and name that relationship first among the reasons down: an
    account is as healthy as the relationship that could lose it, not the average that hides it."""
    scored = contacts.loc[contacts["score"].notna(), ["contact_id", "snapshot_date", "score", "entity_name", "contact_role"]]
    keyed = key_links.merge(scored, on="contact_id").sort_values(["account_id", "snapshot_date", "score", "contact_id"])
    weakest = keyed.drop_duplicates(["account_id", "snapshot_date"]).rename(
        columns={"score": "weakest_score", "entity_name": "weakest_name", "contact_role": "weakest_role"})
    out = snap.merge(weakest[["account_id", "snapshot_date", "weakest_score", "weakest_name", "weakest_role"]],
                     on=["account_id", "snapshot_date"], how="left")
    gap = (out["score"] - out["weakest_score"]).clip(lower=0)
    pulled = (out["score"] - share * gap).round(1)
    pulls = out["score"].notna() & (gap * share >= 1.0)
    out["score"] = pulled.where(pulls, out["score"])
    role = out["weakest_role"].fillna("key contact").astype(str).str.replace("_", "-")
    reason = ("weakest key relationship: " + out["weakest_name"].astype(str) + " (" + role + ") at "
              + out["weakest_score"].round(0).astype("Int64").astype(str))
    down = out["reasons_down"].fillna("")
    out["reasons_down"] = (reason + np.where(down != "", "; ", "") + down).where(pulls, out["reasons_down"])
    return out.drop(columns=["weakest_score", "weakest_name", "weakest_role"])


def deal_contact_links(deal_contacts: pd.DataFrame, config: ScoringConfig) -> pd.DataFrame:
    """opportunity_id, contact_id, weight: every contact of a deal by its deal role, the primary more."""
    weight = deal_contacts["deal_role"].map(config.role_weights).fillna(1.0).astype("float64")
    weight = weight * np.where(deal_contacts["is_primary"].fillna(False).astype(bool), config.primary_contact_weight, 1.0)
    return deal_contacts[["opportunity_id", "contact_id"]].assign(weight=weight)


def contact_rollup(snap: pd.DataFrame, key: str, contacts: pd.DataFrame, links: pd.DataFrame,
                   share: float) -> pd.DataFrame:
    """Blend each row's own score with the weighted mean of its scored contacts' scores that day.

    `links` holds (key, contact_id, weight). Rows with no scored contact keep their own score;
    unscored rows stay unscored. Adds `own_score`, `contact_rollup_score` and `scored_contacts`.
    """
    scored = contacts.loc[contacts["score"].notna(), ["contact_id", "snapshot_date", "score"]]
    joined = links.merge(scored, on="contact_id")
    # Explicit floats: with no scored contacts pandas would infer object columns.
    agg = (joined.assign(ws=joined["weight"] * joined["score"].astype("float64"))
           .groupby([key, "snapshot_date"], sort=True)
           .agg(ws=("ws", "sum"), w=("weight", "sum"), scored_contacts=("score", "size")).reset_index())
    agg["contact_rollup_score"] = (agg["ws"] / agg["w"]).astype("float64").round(1)
    merged = snap.merge(agg[[key, "snapshot_date", "contact_rollup_score", "scored_contacts"]],
                        on=[key, "snapshot_date"], how="left")
    own = merged["score"]
    blended = (share * merged["contact_rollup_score"] + (1 - share) * own).round(1)
    merged["own_score"] = own
    merged["score"] = blended.where(merged["contact_rollup_score"].notna(), own).where(own.notna())
    merged["scored_contacts"] = merged["scored_contacts"].fillna(0).astype("int64")
    return merged
