"""What is scored: per entity type, its feature table, key and the model's features.

Each model feature carries the direction its effect is known to have (+1: more is healthier,
-1: more is worse, 0: unknown), which becomes a monotonic constraint of the model, so the model
can never reward, say, a longer unanswered streak.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EntitySpec:
    name: str  # contact, account, opportunity
    feature_table: str  # dbt model in schema main_features
    key: str  # id column
    features: dict[str, int]  # model feature -> monotonic direction
    history_column: str  # interactions in the last 90 days, for the history minimum
    # True when an entity has one outcome however many rows it has (a deal is won or lost once):
    # outcomes are counted per entity, training weighs each entity as one, and the evaluation
    # reports entity-weighted figures.
    one_outcome_per_entity: bool = False


CONTACT = EntitySpec(
    name="contact",
    feature_table="feat_contact_daily_signals",
    key="contact_id",
    history_column="interactions_90d",
    features={
        "days_since_meaningful": -1,
        "days_since_customer_touch": -1,
        "unanswered_streak": -1,
        "customer_touch_days_30d": 1,
        "customer_touch_days_90d": 1,
        "meaningful_days_30d": 1,
        "meaningful_days_90d": 1,
        "emails_inbound_90d": 1,
        "meetings_90d": 1,
        "calls_90d": 0,
        "emails_outbound_30d": 0,
        "reply_rate_90d": 1,
        "two_way_exchanges_90d": 1,
        "their_response_hours_90d": -1,
        "our_response_hours_90d": 0,
        "channel_count_90d": 1,
        "sentiment_90d": 1,
        "meetings_missed_90d": -1,
        "emails_human_opened_90d": 0,
        "tenure_days": 0,
    },
)

ACCOUNT = EntitySpec(
    name="account",
    feature_table="feat_account_daily_signals",
    key="account_id",
    history_column="interactions_90d",
    features={
        "days_since_meaningful": -1,
        "days_since_customer_touch": -1,
        "max_unanswered_streak": -1,
        "customer_touch_days_30d": 1,
        "customer_touch_days_90d": 1,
        "meaningful_days_90d": 1,
        "meetings_90d": 1,
        "reply_rate_90d": 1,
        "two_way_exchanges_90d": 1,
        "channel_count_90d": 1,
        "sentiment_90d": 1,
        "their_response_hours_90d": -1,
        "contacts_engaged_90d": 1,
        "decision_makers_engaged_90d": 1,
        "role_coverage_90d": 1,
        "open_opportunity_count": 0,
        "close_date_slips": 0,
        "won_last_365d": 0,
        "emails_outbound_30d": 0,
    },
)

OPPORTUNITY = EntitySpec(
    name="opportunity",
    feature_table="feat_opportunity_daily_signals",
    key="opportunity_id",
    history_column="interactions_90d",
    one_outcome_per_entity=True,
    features={
        "stage_rank": 0,
        "stage_change_30d": 0,
        "days_in_stage": 0,
        "days_to_expected_close": 0,
        "close_date_slips": -1,
        "contact_count": 0,
        "contacts_engaged_90d": 1,
        "decision_makers_engaged_90d": 1,
        "best_days_since_meaningful": -1,
        "max_unanswered_streak": -1,
        "customer_touch_days_30d": 1,
        "customer_touch_days_90d": 1,
        "meetings_90d": 1,
        "reply_rate_90d": 1,
        "sentiment_90d": 1,
        "primary_days_since_meaningful": -1,
        "primary_unanswered_streak": -1,
        "primary_customer_touch_days_30d": 1,
        "primary_reply_rate_90d": 1,
        "decision_maker_days_since_meaningful": -1,
        "decision_maker_touch_days_30d": 1,
        "age_days": 0,
    },
)

SPECS = {s.name: s for s in (CONTACT, ACCOUNT, OPPORTUNITY)}
