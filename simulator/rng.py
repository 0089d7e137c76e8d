"""Independent, named random streams derived from the seed.

Each part of the simulation draws from its own stream, so changing how much one part draws does
not shift the numbers every later part sees, and the output never depends on call order.
"""

from __future__ import annotations

import zlib

import numpy as np


def _key(part: int | str) -> int:
    # str hashes are salted per process; crc32 is stable across runs and machines.
    return part if isinstance(part, int) else zlib.crc32(part.encode("utf-8"))


def stream(seed: int, *parts: int | str) -> np.random.Generator:
    """A generator for (seed, parts...), e.g. stream(7, "activities", 3) for the fourth month."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, *(_key(p) for p in parts)])))
