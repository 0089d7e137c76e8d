"""Entry point of the code location: every module under defs/ contributes its own definitions."""

from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    return dg.components.load_from_defs_folder(path_within_project=Path(__file__).parent)
