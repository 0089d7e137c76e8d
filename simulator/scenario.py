"""The seed's scenario: Avery's $210,000 Blue Ridge deal whose key contact goes quiet.

Avery Quinn owns Blue Ridge Hotel Group. The Director of Procurement (the deal's primary contact)
stops answering in the last 30 days: three and more e-mails unanswered, one meeting declined and
one missed, while the Regional Operations Manager stays engaged. The relationship's latent health
falls from Good to Fair over those 30 days. Avery's colleague Riley used to own the account and
knows the Director well, which is what an "ask a colleague for an introduction" recommendation needs.
The scenario is present in every run, with or without injected defects.
"""

from __future__ import annotations

from dataclasses import dataclass

# Fixed people and records (index positions are fixed by the org builder).
MANAGER = {"user_id": "u-morgan", "first": "Morgan", "last": "Reyes", "title": "Regional Sales Director"}
AVERY = {"user_id": "u-avery", "first": "Avery", "last": "Quinn", "title": "Enterprise Account Executive", "alias": "aquinn"}
COLLEAGUE = {"user_id": "u-riley", "first": "Riley", "last": "Chen", "title": "Senior Account Executive", "alias": ""}
TEAM = "Hospitality East"
ACCOUNT = {
    "name": "Blue Ridge Hotel Group",
    "aliases": ["Blue Ridge Hotels", "BRHG"],
    "domains": ["blueridgehotels.com"],
    "industry": "Hospitality",
    "zone": "America/New_York",
}
DIRECTOR = {"first": "Jordan", "last": "Ellis", "title": "Director of Procurement", "alias": "j.ellis"}
OPERATIONS = {"first": "Dana", "last": "Whitfield", "title": "Regional Operations Manager", "alias": ""}
DEAL_NAME = "Blue Ridge - property management suite"
DEAL_AMOUNT = 210_000.0
DEAL_STAGE_RANK = 3  # Propose
EXTERNAL_SCORE = 72.0  # the CRM still rates the deal highly: a vulnerable deal

# Relative days (0 = the last day of the window).
QUIET_DAYS = 30
UNANSWERED_EMAIL_DAYS = (-28, -19, -11, -4)
DECLINED_MEETING_DAY = -21
MISSED_MEETING_DAY = -8
FUTURE_MEETING_DAY = 6
UNANSWERED_CALL_DAY = -14
OPERATIONS_REPLY_DAYS = (-25, -16, -10, -3)
OPERATIONS_INBOUND_DAYS = (-13, -2)
# Riley's exchanges with the Director stop some weeks before the end (they used to be frequent).
COLLEAGUE_QUIET_DAYS = 45
HEALTH_GOOD = 0.72
HEALTH_DIRECTOR_END = 0.36
HEALTH_OPERATIONS = 0.78


@dataclass(frozen=True)
class ScenarioIds:
    """Indices of the scenario's records inside the simulated org."""

    manager: int
    avery: int
    colleague: int
    account: int
    director: int
    operations: int
