"""Calendar, time zones and local business hours, all as vectorised integer arithmetic.

Times are carried as integer seconds since the Unix epoch (UTC) plus the author's UTC offset in
minutes. Offsets come from zoneinfo, tabulated once per zone on a 15-minute grid, so DST changes
(including half-hour zones) are exact without a per-row zoneinfo call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

DAY = 86_400
HOUR = 3_600
_SLOT = 900  # seconds per grid slot of the offset table
_EPOCH = dt.date(1970, 1, 1)


def epoch_day(day: dt.date) -> int:
    """Days since 1970-01-01."""
    return (day - _EPOCH).days


@dataclass(frozen=True)
class Calendar:
    """The simulated span: burn-in history, then the captured window [start, end]."""

    start: dt.date
    end: dt.date
    burn_in: int

    @property
    def first_day(self) -> dt.date:
        return self.start - dt.timedelta(days=self.burn_in)

    @property
    def n_days(self) -> int:
        """Days simulated for latent health (burn-in + window)."""
        return (self.end - self.first_day).days + 1

    @property
    def window_offset(self) -> int:
        """Index of the window's first day in the simulated day axis."""
        return self.burn_in

    @property
    def base_utc(self) -> int:
        """UTC seconds of the first simulated day's midnight (index 0)."""
        return epoch_day(self.first_day) * DAY

    @property
    def start_utc(self) -> int:
        return epoch_day(self.start) * DAY

    @property
    def end_utc(self) -> int:
        """First second after the window (midnight UTC after the end date)."""
        return (epoch_day(self.end) + 1) * DAY

    def day_index(self, day: dt.date) -> int:
        return (day - self.first_day).days

    def date_of(self, index: int) -> dt.date:
        return self.first_day + dt.timedelta(days=int(index))

    def months(self) -> list[tuple[str, int, int]]:
        """(YYYY-MM, first day index, last day index + 1) for every month touching the window."""
        out: list[tuple[str, int, int]] = []
        day = self.start
        while day <= self.end:
            nxt = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
            last = min(nxt - dt.timedelta(days=1), self.end)
            out.append((f"{day.year:04d}-{day.month:02d}", self.day_index(day), self.day_index(last) + 1))
            day = nxt
        return out


class ZoneTable:
    """UTC offsets (minutes) of a fixed list of IANA zones over a span, looked up in bulk."""

    def __init__(self, zones: list[str], first_utc: int, last_utc: int) -> None:
        self.zones = list(zones)
        self.first_utc = first_utc - 2 * DAY
        n_slots = (last_utc + 2 * DAY - self.first_utc) // _SLOT + 1
        table = np.zeros((len(zones), n_slots), dtype=np.int16)
        for zi, name in enumerate(zones):
            table[zi] = _offsets_on_grid(name, self.first_utc, n_slots)
        self.table = table

    def index(self, zone: str) -> int:
        return self.zones.index(zone)

    def offset_at(self, zone_idx: np.ndarray, utc: np.ndarray) -> np.ndarray:
        """Offset in minutes of each zone at each UTC instant."""
        slot = np.clip((np.asarray(utc) - self.first_utc) // _SLOT, 0, self.table.shape[1] - 1)
        return self.table[np.asarray(zone_idx), slot]

    def local_to_utc(self, zone_idx: np.ndarray, local_seconds: np.ndarray) -> np.ndarray:
        """UTC instants of local wall-clock times (seconds since the epoch on the local clock).

        Uses the offset valid a few hours later first and corrects once, which is exact for the
        business hours simulated here (DST switches happen at night).
        """
        local_seconds = np.asarray(local_seconds, dtype=np.int64)
        guess = local_seconds - self.offset_at(zone_idx, local_seconds).astype(np.int64) * 60
        return local_seconds - self.offset_at(zone_idx, guess).astype(np.int64) * 60


def _offsets_on_grid(zone: str, first_utc: int, n_slots: int) -> np.ndarray:
    """Offset per 15-minute slot, computed at day resolution and refined around the changes."""
    tz = ZoneInfo(zone)
    out = np.empty(n_slots, dtype=np.int16)
    slots_per_day = DAY // _SLOT

    def off(utc: int) -> int:
        moment = dt.datetime.fromtimestamp(utc, tz=dt.timezone.utc).astimezone(tz)
        return int(moment.utcoffset().total_seconds() // 60)

    for day_start in range(0, n_slots, slots_per_day):
        stop = min(day_start + slots_per_day, n_slots)
        a, b = off(first_utc + day_start * _SLOT), off(first_utc + (stop - 1) * _SLOT)
        if a == b:
            out[day_start:stop] = a
        else:  # a change inside this day: resolve slot by slot
            for s in range(day_start, stop):
                out[s] = off(first_utc + s * _SLOT)
    return out


def weekday(local_seconds: np.ndarray) -> np.ndarray:
    """Monday = 0 ... Sunday = 6 of local wall-clock seconds (1970-01-01 was a Thursday)."""
    return ((np.asarray(local_seconds) // DAY) + 3) % 7


def business_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds after local midnight for n work messages: mostly 8:00-18:00, some early or late."""
    core = 8 * HOUR + rng.beta(2.0, 2.2, n) * 10 * HOUR
    late = np.where(rng.random(n) < 0.5, 6.5 * HOUR + rng.random(n) * 1.5 * HOUR, 18 * HOUR + rng.random(n) * 4 * HOUR)
    return np.where(rng.random(n) < 0.9, core, late).astype(np.int64)


def meeting_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Meeting start times: on the hour or half hour between 8:30 and 16:30 local."""
    return (8 * HOUR + 1800 * rng.integers(1, 18, n)).astype(np.int64)


def defer_to_working_time(rng: np.random.Generator, zones: ZoneTable, zone_idx: np.ndarray, utc: np.ndarray) -> np.ndarray:
    """Move instants that fall at night or (mostly) at weekends to the next working morning.

    Replies are drawn as continuous delays; people do not answer at 3 a.m., so the delay runs
    until their next working morning instead.
    """
    utc = np.asarray(utc, dtype=np.int64)
    n = utc.size
    local = utc + zones.offset_at(zone_idx, utc).astype(np.int64) * 60
    sod = local % DAY
    day = local - sod
    morning = 7 * HOUR + 1800 + (rng.random(n) * 2 * HOUR).astype(np.int64)
    night_late = sod >= 21 * HOUR
    night_early = sod < 7 * HOUR
    new_local = np.where(night_late, day + DAY + morning, np.where(night_early, day + morning, local))
    wd = weekday(new_local)
    keep_weekend = rng.random(n) < 0.15
    shift = np.where(wd == 5, 2, np.where(wd == 6, 1, 0)) * DAY
    shift = np.where(keep_weekend, 0, shift)
    moved = shift > 0
    new_local = np.where(moved, (new_local - new_local % DAY) + shift + morning, new_local)
    changed = new_local != local
    out = utc.copy()
    out[changed] = zones.local_to_utc(zone_idx[changed] if np.ndim(zone_idx) else zone_idx, new_local[changed])
    return out


@lru_cache(maxsize=None)
def fixed_zone(offset_minutes: int) -> dt.timezone:
    """A fixed-offset tzinfo (cached: the same few offsets recur millions of times)."""
    return dt.timezone(dt.timedelta(minutes=int(offset_minutes)))


def to_datetimes(utc: np.ndarray, offset_minutes: np.ndarray) -> list[dt.datetime | None]:
    """Timezone-aware datetimes showing each instant in its own offset; negative utc means None."""
    utc = np.asarray(utc, dtype=np.int64)
    offs = np.asarray(offset_minutes, dtype=np.int64)
    local = (utc + offs * 60).astype("datetime64[s]").astype(object)
    return [
        None if u < 0 else d.replace(tzinfo=fixed_zone(o))
        for d, o, u in zip(local, offs.tolist(), utc.tolist())
    ]


def iso_timestamps(utc: np.ndarray, offset_minutes: np.ndarray) -> list[str | None]:
    """The same text as `to_datetimes(...)[i].isoformat()` (None for negative utc), for whole columns.

    Writing millions of rows, a datetime object per value costs more than the rest of the row.
    The text is the local date, `THH:MM:SS` and the offset `+HH:MM`: each of the three parts
    comes from a small table, so a value costs one concatenation.
    """
    utc = np.asarray(utc, dtype=np.int64)
    offs = np.asarray(offset_minutes, dtype=np.int64)
    known = utc >= 0
    if not known.any():
        return [None] * utc.size
    local = utc + offs * 60
    # Rows without a time borrow a known row's, so they do not widen the table of dates.
    day, second = np.divmod(np.where(known, local, local[known][0]), DAY)
    first_day = int(day.min())
    dates = [f"{d}T" for d in np.arange(first_day, int(day.max()) + 1).astype("datetime64[D]").tolist()]
    distinct_offsets, offset_index = np.unique(offs, return_inverse=True)
    suffixes = [_offset_text(o) for o in distinct_offsets.tolist()]
    clock = _clock_texts()
    return [
        dates[d] + clock[s] + suffixes[o] if k else None
        for d, s, o, k in zip((day - first_day).tolist(), second.tolist(), offset_index.ravel().tolist(), known.tolist())
    ]


@lru_cache(maxsize=1)
def _clock_texts() -> list[str]:
    """HH:MM:SS of every second of a day, by second."""
    return [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]


def _offset_text(offset_minutes: int) -> str:
    sign = "-" if offset_minutes < 0 else "+"
    hours, minutes = divmod(abs(offset_minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"
