"""CSV files people open in a spreadsheet: a text cell starting like a formula is neutralised.

Excel, LibreOffice and Google Sheets run a cell beginning with `=`, `+`, `-` or `@` (and a tab or
carriage return ahead of one) as a formula, so an account name such as `=HYPERLINK(...)` from a CRM
export would run on the RevOps laptop that opens the report. Such text cells get a leading
apostrophe, which spreadsheets show as text and hide; numbers are left alone.
"""

from __future__ import annotations

import pandas as pd

from ingest import contract

# The contract's formula prefixes, and the same hidden behind a leading tab or carriage return.
FORMULA_PREFIXES = (*contract.FORMULA_PREFIXES, "\t", "\r")


def neutralise(value: object) -> object:
    """`'=1+1` for `=1+1`; anything not text, or not formula-like, unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def spreadsheet_safe_csv(frame: pd.DataFrame) -> str:
    """The frame as CSV text, every formula-like text cell neutralised."""
    text_columns = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    safe = frame.assign(**{c: frame[c].map(neutralise) for c in text_columns})
    return safe.to_csv(index=False)
