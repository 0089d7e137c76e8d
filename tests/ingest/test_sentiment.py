"""Sentiment for a whole column gives every body the value the one-body function gives it."""

from __future__ import annotations

import random

import pyarrow as pa

from ingest.sentiment import own_words, sentiment, sentiments

# Fragments a body is made of: words with a tone, every kind of line break and white space, quoted
# lines, reply and forward headers in any case (and with the letters Python folds specially).
FRAGMENTS = [
    "Thanks", "great", "terrible", "not good", "love it", "!!!", "?", " ", "\t", "\n", "\r\n", "\r", "\x0b", "\x0c",
    "\x1c", "\x1e", "\x85", "\xa0", "\u2028", "\u3000", ">", "> quoted praise, wonderful", "  >", "\u3000> no",
    "On Mon, Avery wrote:", "on tue jo WROTE:", "On " + "x" * 199 + "wrote:", "On " + "x" * 201 + "wrote:",
    "-----Original Message-----", "-- Forwarded message --", "From: a@b.c", "FROM: x", "Begin forwarded message:",
    "Be\u0131gin forwarded me\u017f\u017fage:", "Ok \U0001f600", "\u00e9t\u00e9",
]


def _bodies(n: int, seed: int) -> list[str | None]:
    rng = random.Random(seed)
    made = ["".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(0, 12))) for _ in range(n)]
    return made + made[: n // 4] + [None, "", "   ", "> all quoted", "Great!\n\nOn Mon, Avery wrote:\n> awful"]


def test_a_column_scores_like_each_body_alone() -> None:
    bodies = _bodies(3000, seed=11)
    assert sentiments(pa.array(bodies)).to_pylist() == [sentiment(b) for b in bodies]


def test_a_chunked_or_empty_column() -> None:
    bodies = _bodies(50, seed=5)
    chunked = pa.chunked_array([pa.array(bodies[:20]), pa.array(bodies[20:])])
    assert sentiments(chunked).to_pylist() == [sentiment(b) for b in bodies]
    assert sentiments(pa.array([], pa.string())).to_pylist() == []
    assert sentiments(pa.nulls(3, pa.string())).to_pylist() == [None, None, None]


def test_quoted_text_is_not_the_authors() -> None:
    body = "This is terrible.\r\n\r\nOn Mon, 3 Mar 2025 at 09:00, Avery <a@x.io> wrote:\r\n> great, wonderful"
    assert own_words(body) == "This is terrible."
    assert sentiments(pa.array([body])).to_pylist() == [sentiment("This is terrible.")]
