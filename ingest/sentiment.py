"""Sentiment of an author's own words, derived wherever a body is read so the body need not be kept."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

# Everything from a reply header or forwarded block on is someone else's text.
_QUOTE_START = re.compile(
    r"^(On .{0,200}wrote:\s*$|-{2,}\s*(Original|Forwarded) Message\s*-{2,}|From: .+$|Begin forwarded message:)",
    re.IGNORECASE | re.MULTILINE,
)


def own_words(body: str) -> str:
    """The author's own text: quoted '>' lines and anything after a reply/forward header removed."""
    match = _QUOTE_START.search(body)
    if match:
        body = body[: match.start()]
    return "\n".join(line for line in body.splitlines() if not line.lstrip().startswith(">")).strip()


@lru_cache(maxsize=1)
def _analyzer() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def sentiment(body: str | None) -> float | None:
    """VADER compound score (-1..1) of the author's own words; None when there are none."""
    if not body:
        return None
    text = own_words(body)
    if not text:
        return None
    return _compound(text)


@lru_cache(maxsize=65_536)
def _compound(text: str) -> float:
    # Generated and templated mail repeats the same own words many times: score each text once.
    return float(_analyzer().polarity_scores(text)["compound"])


def without_body(row: Mapping[str, Any], *, keep_body: bool = False) -> Mapping[str, Any]:
    """An activity row with `body_sentiment` derived from its `body_text`, and the body dropped unless kept."""
    body = row.get("body_text")
    if body is None:
        return row
    out = dict(row)
    out["body_sentiment"] = sentiment(body)
    if not keep_body:
        del out["body_text"]
    return out
