"""The registry of what is scored: contacts, accounts and opportunities.

Everything that differs between the three entity types is written here once — key, the dbt models
the scorer reads (inputs, labels), the table it writes, the published health table, its factors,
the signals a snapshot carries, the model's features — and every other module derives from it.

Each model feature carries the direction its effect is known to have (+1: more is healthier,
-1: more is worse, 0: unknown), which becomes a monotonic constraint of the model, so the model
can never reward, say, a longer unanswered streak.
"""

from __future__ import annotations

from dataclasses import dataclass

# Reply times in working hours (F10), carried by every entity's snapshot.
RESPONSE_TIME_SIGNALS = ("their_response_hours_90d", "our_response_hours_90d",
                         "their_response_business_hours_90d", "our_response_business_hours_90d")


@dataclass(frozen=True)
class EntitySpec:
    name: str  # contact, account, opportunity
    key: str  # id column
    features: dict[str, int]  # model feature -> monotonic direction
    factors: tuple[str, ...]  # the factor sub-scores it has (models_ml/factors.py)
    carried: tuple[str, ...]  # signals copied into each snapshot, so a reader sees what reasons are about
    label_text: str  # the outcome its model predicts, in words (model cards, report)
    recency_column: str  # the recency baseline's input
    history_column: str = "interactions_90d"  # interactions in the last 90 days, for the history minimum
    # True when an entity has one outcome however many rows it has (a deal is won or lost once):
    # outcomes are counted per entity, training weighs each entity as one, and the evaluation
    # reports entity-weighted figures.
    one_outcome_per_entity: bool = False
    # True when its health blends the health of its contacts (config: contact_rollup).
    rolls_up_contacts: bool = False
    # (unanswered streak, days since the customer's last touch): the signals of the silence cap
    # (config: silence) — a customer who stopped answering cannot be rated Good, whatever else says.
    silence_columns: tuple[str, str] | None = None

    @property
    def feature_model(self) -> str:
        """dbt model of its point-in-time signals (models/features)."""
        return f"feat_{self.name}_daily_signals"

    @property
    def inputs_model(self) -> str:
        """dbt model the scorer reads: the signals with names, segment and owner (models/scoring)."""
        return f"scoring_{self.name}_inputs"

    @property
    def label_model(self) -> str:
        """dbt model of its outcomes and when each became known (models/scoring)."""
        return f"label_{self.name}_outcomes"

    @property
    def snapshot_table(self) -> str:
        """Table of the dbt source `ml` the scorer writes its daily snapshots to."""
        return f"{self.name}_scores"

    @property
    def health_model(self) -> str:
        """The published health table built over the snapshots (models/serving)."""
        return f"{self.name}_health"


CONTACT = EntitySpec(
    name="contact",
    key="contact_id",
    factors=("recency", "frequency", "reciprocity", "response_time", "activity_mix", "sentiment"),
    carried=("account_id", "owner_user_id", "contact_role", "days_since_meaningful", "last_meaningful_date",
             "days_since_customer_touch", "unanswered_streak", "reply_rate_90d", *RESPONSE_TIME_SIGNALS,
             "emails_human_opened_90d", "emails_machine_opened_only_90d", "interactions_90d", "is_going_quiet"),
    label_text="the contact reaches out or replies within the next 30 days",
    recency_column="days_since_meaningful",
    silence_columns=("unanswered_streak", "days_since_customer_touch"),
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
    key="account_id",
    factors=("recency", "frequency", "reciprocity", "response_time", "activity_mix", "sentiment", "breadth",
             "pipeline"),
    carried=("owner_user_id", "days_since_meaningful", "contacts_engaged_90d", "decision_makers_engaged_90d",
             "role_coverage_90d", "is_single_threaded", "open_opportunity_count", "reply_rate_90d",
             *RESPONSE_TIME_SIGNALS, "interactions_90d", "is_going_quiet", "days_since_customer_touch"),
    label_text="the account's contacts answer at least 40 % of our e-mails to them in the next 60 days, or a deal is won in them",
    recency_column="days_since_meaningful",
    rolls_up_contacts=True,
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
    key="opportunity_id",
    factors=("recency", "frequency", "reciprocity", "sentiment", "breadth", "pipeline"),
    carried=("account_id", "owner_user_id", "primary_contact_id", "stage_rank", "days_in_stage",
             "days_to_expected_close", "close_date_slips", "contacts_engaged_90d", "decision_makers_engaged_90d",
             "primary_days_since_meaningful", "primary_unanswered_streak", *RESPONSE_TIME_SIGNALS,
             "interactions_90d", "is_going_quiet", "days_since_customer_touch"),
    label_text="the deal is won (vs lost)",
    recency_column="best_days_since_meaningful",
    one_outcome_per_entity=True,
    rolls_up_contacts=True,
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
ENTITIES = tuple(SPECS)
ROLLED_UP = tuple(name for name, spec in SPECS.items() if spec.rolls_up_contacts)
# Accounts and deals roll up their contacts' health, so contacts are scored first.
SCORING_ORDER = tuple(sorted(ENTITIES, key=lambda name: SPECS[name].rolls_up_contacts))
# The scorers every model is compared against on held-out rows (training/walk_forward.py).
BASELINES = ("recency_only", "activity_count_90d", "weighted_rule")
