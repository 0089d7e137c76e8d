"""Calibration: the one rate multiplier that makes a run produce the requested activity volume."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.manual import MANUAL_RATE, NO_RESPONSE_RATE, manual_scale
from simulator.rates import build_context, day_weights, expected_month, thread_length
from simulator.relationships import p_reply

if TYPE_CHECKING:
    from simulator.activities import TrafficInputs


def calibrate(target_activities: int, inp: TrafficInputs) -> float:
    """The rate multiplier that makes the expected activity count meet the requested one.

    Rate-driven traffic scales with the multiplier; deal follow-ups, gaming and the scenario do
    not, and hand-logging only within bounds, so they are counted apart. Injected defects remove
    some traffic; the target is raised by the share they are expected to remove.
    """
    org, health = inp.org, inp.health
    cal = org.calendar
    variable = 0.0
    for _name, d0, d1 in cal.months():
        variable += expected_month(build_context(org, inp.deals, health, d0, d1, 1.0, inp.mute_day))
    hb_person = inp.primary_person[inp.heartbeat_deal]
    fixed = float(thread_length(health[hb_person, inp.heartbeat_day].astype(np.float64), True).sum())
    fixed += sum(len(b.persons) for b in inp.plan.bursts) + 30
    weekdays = float((day_weights(org, cal.window_offset, cal.n_days) >= 1).sum())
    n_sellers = org.users.sellers.size
    mean_h = float(health[:, cal.window_offset :].mean())
    reply_len = 1.0 + float(p_reply(np.array([mean_h]))[0]) * float(thread_length(np.array([mean_h]), False)[0])
    one_sided = len(inp.plan.no_response)
    target = target_activities / (1.0 - _defect_share(inp))
    mult = 1.0
    for _ in range(4):  # hand-logging depends on the multiplier within bounds: iterate to a fixed point
        scale = manual_scale(mult)
        manual = ((n_sellers - one_sided) * MANUAL_RATE * reply_len + one_sided * NO_RESPONSE_RATE) * weekdays * scale
        mult = max(0.02, (target - fixed - manual) / variable)
    return mult


def _defect_share(inp: TrafficInputs) -> float:
    """Expected share of traffic that capture gaps, collapsed days and silent accounts remove."""
    org, plan = inp.org, inp.plan
    cal = org.calendar
    days = cal.n_days - cal.window_offset
    synced = 0.85  # e-mail and meetings; dialer calls and hand-logged ones are not synced
    people = org.user_traffic_share()
    gaps = sum(people[u] * (last - first + 1) / days for u, first, last in plan.capture_gaps) * synced
    collapse = len(plan.collapse_days) * 0.9 * synced * 1.3 / days  # weekdays carry ~1.3x the mean day
    accounts = org.account_traffic_share()
    # Silent accounts all have live deals, which roughly double an account's traffic.
    silent = 2.0 * sum(accounts[a] * (cal.n_days - first) / days for a, first in plan.silent.items())
    return min(0.5, gaps + collapse + silent)
