"""Parameters of a simulation run and the organisation size derived from them."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SEED = 7
DEFAULT_ACTIVITIES = 200_000
DEFAULT_START = dt.date(2025, 1, 1)
DEFAULT_END = dt.date(2026, 3, 31)
# Relationships and deals exist before the captured window starts; simulating this much history
# first means the window opens on a settled state instead of every relationship starting fresh.
BURN_IN_DAYS = 300
# The default organisation (about 40 sellers, 320 accounts) produces DEFAULT_ACTIVITIES.
_BASE_SELLERS = 40
_BASE_ACCOUNTS = 320
# Below these the mechanisms (peer comparisons, several defect instances) stop making sense.
_MIN_SELLERS = 8
_MIN_ACCOUNTS = 40


@dataclass(frozen=True)
class SimulationConfig:
    """Everything that determines a run's output; the same config always gives the same bytes."""

    out_dir: Path  # where the extracts go (the pipeline's extract folder)
    truth_dir: Path  # where the ground truth goes, apart from the extracts
    seed: int = DEFAULT_SEED
    activities: int = DEFAULT_ACTIVITIES
    start: dt.date = DEFAULT_START
    end: dt.date = DEFAULT_END
    fmt: str = "csv"
    defects: bool = True
    keep_bodies: bool = False  # write e-mail bodies too (by default only their sentiment)
    # Where the news feeds go; None: next to the extract folder (out_dir.parent / "feeds").
    feeds_dir: Path | None = None

    def __post_init__(self) -> None:
        if self.end < self.start + dt.timedelta(days=59):
            raise ValueError("the sample window must cover at least 60 days (the scenario needs them)")
        if self.activities < 1_000:
            raise ValueError("--activities must be at least 1000")
        if self.fmt not in ("csv", "parquet"):
            raise ValueError(f"unknown format {self.fmt!r} (csv or parquet)")
        object.__setattr__(self, "out_dir", Path(self.out_dir))
        object.__setattr__(self, "truth_dir", Path(self.truth_dir))
        feeds = self.out_dir.parent / "feeds" if self.feeds_dir is None else Path(self.feeds_dir)
        object.__setattr__(self, "feeds_dir", feeds)

    @property
    def window_days(self) -> int:
        return (self.end - self.start).days + 1

    def parameters(self) -> dict[str, object]:
        """The parameters as plain values (for the manifest; paths excluded so outputs do not depend on them)."""
        return {
            "seed": self.seed,
            "activities": self.activities,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "format": self.fmt,
            "defects": self.defects,
            "keep_bodies": self.keep_bodies,
        }


@dataclass(frozen=True)
class OrgSize:
    """How big the simulated organisation is; grows with the requested activity volume."""

    sellers: int
    managers: int
    engineers: int
    accounts: int


def org_size(config: SimulationConfig) -> OrgSize:
    """Scale the organisation linearly with the activity target (and the window length).

    The per-contact activity rates are calibrated afterwards so the target is met; scaling the org
    rather than only the rates keeps per-relationship volumes realistic at every size.
    """
    window_factor = 455 / max(config.window_days, 60)
    scale = config.activities / DEFAULT_ACTIVITIES * window_factor
    sellers = max(_MIN_SELLERS, round(_BASE_SELLERS * scale))
    managers = max(2, math.ceil(sellers / 7))
    engineers = max(1, round(sellers / 9))
    accounts = max(_MIN_ACCOUNTS, round(_BASE_ACCOUNTS * scale))
    return OrgSize(sellers=sellers, managers=managers, engineers=engineers, accounts=accounts)
