"""Plain values as CRMs export them: booleans, numbers, scores, names and HTML descriptions."""

from __future__ import annotations

import html
import re

from ingest import contract


def parse_bool(text: str | None) -> bool | None:
    """True / False for the words the extract contract accepts; None for anything else."""
    if text is None:
        return None
    word = text.strip().lower()
    if word in contract.TRUE_WORDS:
        return True
    if word in contract.FALSE_WORDS:
        return False
    return None


def parse_number(text: str | None) -> float | None:
    """A plain decimal number; raises ValueError for anything else."""
    if text is None:
        return None
    try:
        return float(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None


def percentage(value: float | None, *, fraction: bool = False) -> float | None:
    """A 0-100 score, or None outside that range (a fraction 0-1 is scaled when asked)."""
    if value is None:
        return None
    if fraction:
        value *= 100.0
    return value if 0.0 <= value <= 100.0 else None


def full_name(*parts: str | None) -> str | None:
    name = " ".join(p.strip() for p in parts if p and p.strip())
    return name or None


def html_to_text(body: str | None) -> str | None:
    """Plain text of an HTML body (CRMs store e-mail descriptions as HTML); plain text passes through."""
    if not body:
        return None
    if "<" not in body or ">" not in body:
        return body
    text = re.sub(r"(?is)<(script|style|head)\b.*?</\1\s*>", " ", body)
    text = re.sub(r"(?i)<br\s*/?>|</p\s*>|</div\s*>", "\n", text)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = "\n".join(re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip() or None
