"""Entry point of the code location: every module under defs/ contributes its own definitions.

Loading it imports no heavy library (scikit-learn, scipy, pandas, skops, Great Expectations): the steps
import them when they run, and tests/orchestration/test_startup_imports.py holds that."""

from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    return dg.components.load_from_defs_folder(path_within_project=Path(__file__).parent)
