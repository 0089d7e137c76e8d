"""Report CSVs opened in a spreadsheet never run a formula from the data."""

from __future__ import annotations

import pandas as pd

from data_quality.csv_export import spreadsheet_safe_csv


def test_formula_like_text_is_neutralised_and_numbers_are_not() -> None:
    frame = pd.DataFrame({
        "entity_name": ["=HYPERLINK(\"http://x\",\"click\")", "+44 20 7946 0000", "-rm", "@SUM(A1)", "\t=1", "Acme"],
        "metric_value": [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0],
    })
    lines = spreadsheet_safe_csv(frame).splitlines()
    assert lines[1].startswith("\"'=HYPERLINK(") and lines[1].endswith(",-1.5")
    assert lines[2].startswith("'+44") and lines[3].startswith("'-rm") and lines[4].startswith("'@SUM")
    assert lines[5].startswith("\"'\t=1\"") or lines[5].startswith("'\t=1")
    assert lines[6] == "Acme,6.0"
