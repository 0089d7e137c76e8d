"""Sentiment of an author's own words, derived at landing so message bodies need not be kept."""

from __future__ import annotations

import re
from functools import lru_cache

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
    return float(_analyzer().polarity_scores(text)["compound"])
