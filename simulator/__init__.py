"""A deterministic simulator of a B2B sales organisation: canonical extracts plus ground truth."""

from simulator.config import SimulationConfig
from simulator.pipeline import SimulationResult, simulate

__all__ = ["SimulationConfig", "SimulationResult", "simulate"]
