"""Subjects and short e-mail bodies whose wording follows the author's sentiment.

Customer wording tracks latent health with noise: healthy contacts write warm, engaged replies;
decaying ones write terse or negative ones. Seller wording is polite whatever the relationship
(it is not a signal of the customer's health). Replies quote the previous message below an
"On ... wrote:" line, as mail clients do, so landing must strip quoted text before sentiment.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from simulator.timeutil import DAY

DEAL_SUBJECTS = (
    "{deal}: next steps", "Proposal for {account}", "Pricing for the {product}", "{account} / Harborline follow-up",
    "Contract redlines", "Implementation timeline", "Security questionnaire", "Updated quote for {account}",
)
GENERAL_SUBJECTS = (
    "Quarterly check-in", "Quick question", "Catching up", "Onboarding questions", "Product roadmap update",
    "Invitation: customer webinar", "Usage report", "Renewal timing", "Introductions",
)
INBOUND_SUBJECTS = (
    "Question about our invoice", "Support issue", "Adding more users", "Renewal question", "Request for a demo",
    "Feedback on the rollout", "Access problem", "Training for the new team",
)
RESPONSE_SUBJECTS = ("Following our conversation", "After our call", "Notes from today")
MEETING_SUBJECTS = (
    "{account} - discovery call", "Demo: {product}", "Proposal review", "Quarterly business review",
    "Implementation kickoff", "Weekly sync", "Pricing discussion", "Executive briefing",
)
CALL_SUBJECTS = ("Call with {first}", "Follow-up call", "Intro call", "Check-in call")
MANUAL_SUBJECTS = ("Call with {first}", "Lunch with {first}", "Site visit at {account}", "Coffee with {first}", "Phone call: {first}")

_SELLER_OPEN = (
    "Hi {first}, following up on our last conversation. Would {day} work for a quick call?",
    "Hi {first}, I have attached the updated proposal. Happy to walk you through it {day}.",
    "Hi {first}, sharing a short summary of where we are. Let me know your thoughts.",
    "Hi {first}, checking in to see how the team is getting on and whether you need anything from us.",
    "Hi {first}, could we find 30 minutes {day} to review the next steps?",
)
_SELLER_CHASE = (
    "Hi {first}, just bumping this up in case it got buried. Any thoughts?",
    "Hi {first}, following up on my note below. Is this still a priority for you?",
    "Hi {first}, circling back on this one. Happy to adjust if the timing is off.",
)
_SELLER_REPLY = (
    "Thanks {first}, that is helpful. I will send the details by {day}.",
    "Thanks {first}, noted. I will get back to you shortly.",
    "Great, thank you {first}. I will set that up.",
    "Understood, {first}. Let me check with our team and come back to you.",
)
# Customer replies by tone: positive, neutral, negative.
_CUSTOMER_REPLY = (
    (
        "Thanks {sfirst}, this looks great. {day} works for us.",
        "Really appreciate the quick turnaround, the team is excited about this.",
        "Perfect, thank you! Happy to move forward.",
        "Great news, thanks {sfirst}. Looking forward to it.",
        "Love it. Let's keep the momentum going.",
    ),
    (
        "Received. We will discuss internally this week.",
        "Noted. Can you send the latest pricing?",
        "Let me check my calendar and come back to you.",
        "OK. I will review it with the team.",
    ),
    (
        "We cannot continue right now. Too many problems on our side.",
        "This is taking too long and the pricing is a problem for us.",
        "Not interested at the moment. Please stop following up.",
        "Unfortunately this does not work for us.",
        "We are disappointed with the delays.",
        "No time for this now, sorry.",
    ),
)
_CUSTOMER_OPEN = (
    (
        "Hi {sfirst}, the rollout is going really well and we would love to add more users.",
        "Hi {sfirst}, great session yesterday, thank you! Can we book the next one?",
        "Hi {sfirst}, the team is happy with the results so far. Could you share the expansion options?",
    ),
    (
        "Hi {sfirst}, can you send the invoice for last month?",
        "Hi {sfirst}, quick question about the renewal date.",
        "Hi {sfirst}, who should we contact about access for two new colleagues?",
    ),
    (
        "Hi {sfirst}, we had another outage this week. This is a serious problem for us.",
        "Hi {sfirst}, we are very unhappy with the poor support response times lately.",
        "Hi {sfirst}, the results you promised have not happened and we are disappointed.",
    ),
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "next week", "tomorrow")


def tone(rng: np.random.Generator, h: np.ndarray) -> np.ndarray:
    """0 positive, 1 neutral, 2 negative: health plus noise, so wording is a noisy signal."""
    score = np.asarray(h) + rng.normal(0.0, 0.12, np.size(h))
    return np.where(score >= 0.62, 0, np.where(score >= 0.4, 1, 2))


def customer_bodies(rng: np.random.Generator, h: np.ndarray, initial: np.ndarray, seller_first: list[str]) -> list[str]:
    """A customer's own words for each message (initial = starts a thread)."""
    t = tone(rng, h).tolist()
    pick = rng.integers(0, 1_000_000, len(t)).tolist()
    days = rng.integers(0, len(_DAYS), len(t)).tolist()
    out = []
    for tn, ini, p, d, sf in zip(t, np.asarray(initial).tolist(), pick, days, seller_first):
        options = _CUSTOMER_OPEN[tn] if ini else _CUSTOMER_REPLY[tn]
        out.append(options[p % len(options)].format(sfirst=sf, day=_DAYS[d]))
    return out


def seller_bodies(rng: np.random.Generator, kind: np.ndarray, person_first: list[str]) -> list[str]:
    """A seller's own words: kind 0 opens a thread, 1 chases an unanswered one, 2 replies."""
    pick = rng.integers(0, 1_000_000, len(person_first)).tolist()
    days = rng.integers(0, len(_DAYS), len(person_first)).tolist()
    groups = (_SELLER_OPEN, _SELLER_CHASE, _SELLER_REPLY)
    return [
        groups[k][p % len(groups[k])].format(first=f, day=_DAYS[d])
        for k, p, d, f in zip(np.asarray(kind).tolist(), pick, days, person_first)
    ]


def with_quote(own: str, parent_own: str, parent_name: str, parent_addr: str, parent_stamp: str) -> str:
    """A reply body: own words, then the quoted previous message (sent at `quote_stamps`' time)."""
    return f"{own}\n\nOn {parent_stamp}, {parent_name} <{parent_addr}> wrote:\n> {parent_own}"


def quote_stamps(utc: np.ndarray, offset_minutes: np.ndarray) -> list[str]:
    """How a reply header shows each send time on the sender's clock: `Mon, 3 Feb 2025 at 09:15`.

    Built from a table of the days and one of the minutes (half a million replies a month at
    scale; formatting a datetime each costs more than the rest of the body).
    """
    local = np.asarray(utc, dtype=np.int64) + np.asarray(offset_minutes, dtype=np.int64) * 60
    day, second = np.divmod(local, DAY)
    if day.size == 0:
        return []
    first_day = int(day.min())
    dates = np.arange(first_day, int(day.max()) + 1).astype("datetime64[D]").tolist()
    day_texts = [f"{d:%a}, {d.day} {d:%b %Y} at " for d in dates]
    clock = _minute_texts()
    return [day_texts[d] + clock[m] for d, m in zip((day - first_day).tolist(), (second // 60).tolist())]


@lru_cache(maxsize=1)
def _minute_texts() -> list[str]:
    """HH:MM of every minute of a day."""
    return [f"{h:02d}:{m:02d}" for h in range(24) for m in range(60)]


def pick_subjects(rng: np.random.Generator, templates: tuple[str, ...], fields: list[dict[str, str]]) -> list[str]:
    """One subject per row, formatted with that row's fields."""
    idx = rng.integers(0, len(templates), len(fields)).tolist()
    return [templates[i].format(**f) for i, f in zip(idx, fields)]
