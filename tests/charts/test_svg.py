"""The shared SVG charts: valid XML, accessible (role, title, description, unique ids), only the
colour-blind-safe palette, deterministic, self-contained, and each chart drawing what it promises."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest

from charts import svg

NS = "http://www.w3.org/2000/svg"
START = dt.date(2026, 1, 1)
BANDS = {"Excellent": 80, "Good": 60, "Fair": 40}
RATINGS = ("Excellent", "Good", "Fair", "Poor")


def tag(name: str) -> str:
    return f"{{{NS}}}{name}"


def parse(chart: str) -> ET.Element:
    root = ET.fromstring(chart)
    assert root.tag == tag("svg")
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(tag("text"))]


def weekly(n: int) -> list[dt.date]:
    return [START + dt.timedelta(days=7 * i) for i in range(n)]


def daily(n: int) -> list[dt.date]:
    return [START + dt.timedelta(days=i) for i in range(n)]


def trend(**kwargs: object) -> str:
    scores = [70, 68, 66, None, 63, 61, 58, 55, 54, None, None, 52, 52]
    return svg.trend_chart("Health score", weekly(13), scores, BANDS, [(dt.date(2026, 2, 12), "Good", "Fair")],
                           **kwargs)  # type: ignore[arg-type]


def timeline(**kwargs: object) -> str:
    series = {
        "email (theirs)": [i % 3 for i in range(90)],
        "email (ours)": [(i + 1) % 2 for i in range(90)],
        "meeting (theirs)": [1 if i % 10 == 0 else 0 for i in range(90)],
        "meeting (ours)": [1 if i % 10 == 0 else None for i in range(90)],
        "call (ours)": [1 if i % 7 == 0 else 0 for i in range(90)],
    }
    return svg.timeline_chart("Interactions, last 90 days", daily(90), series, **kwargs)  # type: ignore[arg-type]


QUADRANT_POINTS = [("Acme", 20.0, 80.0), ("Globex", 70.0, 75.0), ("Initech", 30.0, 20.0), ("Blue Ridge", 72.0, 35.0),
                   ("Umbrella", None, 50.0)]


def quadrant(**kwargs: object) -> str:
    return svg.quadrant_chart("Deals by engagement and health", QUADRANT_POINTS, 50, 60, "Engagement", "Health",
                              highlight="Blue Ridge", **kwargs)  # type: ignore[arg-type]


BOOK = [("Avery Quinn", {"Excellent": 3, "Good": 12, "Fair": 5, "Poor": 2}), ("Sam <Lee>", {"Good": 4, "Poor": 9}),
        ("Nobody", {})]


def book(**kwargs: object) -> str:
    return svg.band_bars("Book by rating", BOOK, RATINGS, **kwargs)  # type: ignore[arg-type]


def lines(**kwargs: object) -> str:
    return svg.line_chart("Findings per night", ["2025-03-01", "2025-03-02", "2025-03-03"],
                          {"high": [1, 2, 3], "medium": [2, None, 1], "low": [0, 1, 1]}, y_label="findings",
                          **kwargs)  # type: ignore[arg-type]


def columns(**kwargs: object) -> str:
    return svg.stacked_columns("Checks per run", ["a", "b"], {"passed": [3, 4], "failed": [1, 0]},
                               **kwargs)  # type: ignore[arg-type]


def bars(**kwargs: object) -> str:
    return svg.horizontal_bars("Findings by rule", [("gap", 3, svg.SEVERITY_COLOURS["high"]),
                                                    ("role", 1, svg.SEVERITY_COLOURS["low"])],
                               **kwargs)  # type: ignore[arg-type]


CHARTS: dict[str, Callable[..., str]] = {"trend": trend, "timeline": timeline, "quadrant": quadrant, "book": book,
                                         "lines": lines, "columns": columns, "bars": bars}
EMPTY: dict[str, Callable[[], str]] = {
    "trend": lambda: svg.trend_chart("Health score", [], [], BANDS),
    "trend, all gaps": lambda: svg.trend_chart("Health score", weekly(3), [None, None, None], BANDS),
    "timeline": lambda: svg.timeline_chart("Interactions", [], {}),
    "quadrant": lambda: svg.quadrant_chart("Deals", [], 50, 50, "Engagement", "Health"),
    "book": lambda: svg.band_bars("Book", [], RATINGS),
    "lines": lambda: svg.line_chart("Findings", [], {}),
    "columns": lambda: svg.stacked_columns("Checks", [], {}),
    "bars": lambda: svg.horizontal_bars("Rules", []),
}


@pytest.mark.parametrize("make", [*CHARTS.values(), *EMPTY.values()], ids=[*CHARTS, *(f"empty {k}" for k in EMPTY)])
def test_every_chart_is_an_accessible_image(make: Callable[[], str]) -> None:
    root = parse(make())
    assert root.get("role") == "img"
    title, desc = list(root)[:2]  # the name and description come first, as screen readers expect
    assert title.tag == tag("title") and desc.tag == tag("desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert (title.text or "").strip() and (desc.text or "").strip()
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    assert all(i.startswith(root.get("id", "")) for i in ids), "every id is prefixed by the chart's"


def test_charts_on_one_page_have_distinct_ids_and_chart_id_overrides() -> None:
    assert parse(trend()).get("id") != parse(timeline()).get("id")
    assert parse(trend()).get("id") == parse(trend()).get("id")
    a, b = parse(trend(chart_id="opp-1-trend")), parse(trend(chart_id="opp-2-trend"))
    assert a.get("aria-labelledby") == "opp-1-trend-title opp-1-trend-desc"
    assert {e.get("id") for e in a.iter() if e.get("id")}.isdisjoint({e.get("id") for e in b.iter() if e.get("id")})
    # titles that make the same slug still differ
    assert parse(svg.horizontal_bars("A/B", [])).get("id") != parse(svg.horizontal_bars("A B", [])).get("id")
    with pytest.raises(ValueError, match="chart_id"):
        trend(chart_id="1 bad'id")


@pytest.mark.parametrize("make", CHARTS.values(), ids=CHARTS.keys())
def test_the_source_is_a_footnote_and_told_in_the_description(make: Callable[..., str]) -> None:
    root = parse(make(source="serving.opportunity_health.score"))
    assert "Source: serving.opportunity_health.score" in texts(root)
    assert root.find(tag("desc")).text.endswith("Source: serving.opportunity_health.score.")  # type: ignore[union-attr]
    assert "Source:" not in make()


def test_a_given_description_replaces_the_generated_one() -> None:
    root = parse(trend(desc="Acme's renewal is slipping", source="serving.opportunity_health.score"))
    assert root.find(tag("desc")).text == \
        "Acme's renewal is slipping. Source: serving.opportunity_health.score."  # type: ignore[union-attr]


@pytest.mark.parametrize(("name", "make"), EMPTY.items(), ids=EMPTY.keys())
def test_empty_inputs_say_nothing_to_show(name: str, make: Callable[[], str]) -> None:
    root = parse(make())
    assert "nothing to show" in texts(root)
    assert "nothing to show" in root.find(tag("desc")).text  # type: ignore[operator,union-attr]


@pytest.mark.parametrize("make", [*CHARTS.values(), *EMPTY.values()], ids=[*CHARTS, *(f"empty {k}" for k in EMPTY)])
def test_same_input_same_bytes(make: Callable[[], str]) -> None:
    assert make().encode() == make().encode()


def _paints(root: ET.Element) -> list[tuple[str, str, str]]:
    return [(e.tag, attr, e.get(attr, "")) for e in root.iter() for attr in ("fill", "stroke", "stop-color", "color")
            if e.get(attr)]


ALL = {**CHARTS, **{f"empty {k}": v for k, v in EMPTY.items()},
       "sparkline": lambda: svg.sparkline([1, 3, None, 2, 5], label="Score")}


@pytest.mark.parametrize("make", ALL.values(), ids=ALL.keys())
def test_only_the_palette_yellow_only_as_fill_text_near_black(make: Callable[[], str]) -> None:
    root = parse(make())
    allowed = {c.upper() for c in (*svg.PALETTE, *svg.NEUTRALS)} | {"NONE"}
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    for element, attr, value in _paints(root):
        reference = re.fullmatch(r"url\(#([\w-]+)\)", value)
        assert value.upper() in allowed or (reference and reference.group(1) in ids), (element, attr, value)
        if attr == "stroke" and element != tag("text"):  # a text's white halo is a stroke
            assert value != svg.YELLOW, "yellow is too pale for lines"
    assert {t.get("fill") for t in root.iter(tag("text"))} <= {svg.INK, svg.BLACK}
    assert not re.search(r"\sstyle=|<style|font-face", make()), "colours and fonts are attributes, nothing to load"


def _luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    digits = "".join(c * 2 for c in digits) if len(digits) == 3 else digits
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_text_contrast() -> None:
    assert contrast(svg.INK, svg.WHITE) >= 4.5
    assert contrast(svg.AXIS, svg.WHITE) >= 4.5
    # counts are written in black on the band segments
    assert min(contrast(svg.BLACK, colour) for colour in svg.BAND_COLOURS) >= 4.5
    assert set(svg.BAND_COLOURS) | set(svg.SERIES_COLOURS) <= set(svg.PALETTE)
    assert svg.YELLOW not in svg.SERIES_COLOURS


@pytest.mark.parametrize("make", ALL.values(), ids=ALL.keys())
def test_self_contained(make: Callable[[], str]) -> None:
    chart = make()
    assert re.findall(r"https?://[^'\" ]*", chart) == [NS]
    assert not re.search(r"<script|href|<image|<foreignObject|\son\w+=", chart)


# --- the trend ----------------------------------------------------------------------------------

def _y_of(line: ET.Element) -> float:
    assert line.get("y1") == line.get("y2")
    return float(line.get("y1", "nan"))


def test_trend_draws_the_thresholds_the_line_with_gaps_and_the_transition() -> None:
    root = parse(trend(source="serving.opportunity_health.score"))
    thresholds = [e for e in root.iter(tag("line")) if e.get("class") == "threshold"]
    assert len(thresholds) == 3 and all(e.get("stroke-dasharray") for e in thresholds)
    excellent, good, fair = (_y_of(e) for e in thresholds)
    assert excellent < good < fair  # higher scores are higher up
    assert {"Excellent", "Good", "Fair"} <= set(texts(root))
    tints = [r for r in root.iter(tag("rect")) if r.get("fill-opacity") == svg.BAND_TINT]
    assert len(tints) == 4  # three bands and the one below Fair
    assert len(list(root.iter(tag("polyline")))) == 3  # two gaps split the line in three
    assert {"2026-01-01", "2026-03-26", "0", "20", "40", "60", "80", "100"} <= set(texts(root))

    marks = [g for g in root.iter(tag("g")) if g.get("class") == "transition"]
    assert len(marks) == 1
    assert "Good → Fair" in texts(marks[0])
    assert marks[0].find(tag("title")).text == "2026-02-12: Good → Fair"  # type: ignore[union-attr]
    circle = marks[0].find(tag("circle"))
    assert good < float(circle.get("cy", "nan")) < fair  # type: ignore[union-attr] # on the line, 58 on that day
    assert root.find(tag("desc")).text == ("Health score from 2026-01-01 to 2026-03-26, now 52 (Fair); "  # type: ignore[union-attr]
                                           "Good → Fair on 2026-02-12. Source: serving.opportunity_health.score.")


def test_trend_with_one_point_and_a_score_below_every_band() -> None:
    root = parse(svg.trend_chart("Health score", [START], [31.0], BANDS))
    assert len(list(root.iter(tag("polyline")))) == 0 and len(list(root.iter(tag("circle")))) >= 1
    assert root.find(tag("desc")).text == \
        "Health score from 2026-01-01 to 2026-01-01, now 31 (below Fair)."  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="dates"):
        svg.trend_chart("Health score", [START], [], BANDS)


# --- the timeline -------------------------------------------------------------------------------

def test_timeline_mirrors_theirs_above_and_ours_below_the_zero_line() -> None:
    root = parse(timeline())
    zero = _y_of(next(e for e in root.iter(tag("line")) if e.get("class") == "zero"))
    columns = [g for g in root.iter(tag("g")) if g.find(tag("title")) is not None and g.find(tag("rect")) is not None]
    assert len(columns) == 77  # a day without interactions has no column
    up = down = 0
    for column in columns:
        for rect in column.iter(tag("rect")):
            top, bottom = float(rect.get("y", "nan")), float(rect.get("y", "nan")) + float(rect.get("height", "nan"))
            if rect.get("fill", "").startswith("url(#"):  # ours: hatched
                assert top >= zero - 0.05
                down += 1
            else:
                assert bottom <= zero + 0.05
                up += 1
    assert up and down
    fills = {r.get("fill") for r in root.iter(tag("rect"))}
    assert svg.CHANNEL_COLOURS["email"] in fills and svg.CHANNEL_COLOURS["meeting"] in fills
    # ours are hatched in their channel's colour
    patterns = {p.get("id"): p for p in root.iter(tag("pattern"))}
    assert len(patterns) == 3
    assert all({e.get("fill") or e.get("stroke") for e in p} - {None} <= set(svg.CHANNEL_COLOURS.values())
               for p in patterns.values())
    legend = set(texts(root))
    assert {"email (theirs)", "email (ours)", "meeting (theirs)", "meeting (ours)", "call (ours)"} <= legend
    assert {"2026-01-01", "2026-03-31"} <= legend
    first = columns[0].find(tag("title")).text  # type: ignore[union-attr]
    assert first == "2026-01-01: email (ours) 1, meeting (theirs) 1, meeting (ours) 1, call (ours) 1"


def test_timeline_of_a_quiet_window_and_of_mismatched_series() -> None:
    root = parse(svg.timeline_chart("Interactions", daily(30), {"email (theirs)": [0] * 30, "email (ours)": [None] * 30}))
    assert "no interactions in this window" in texts(root)
    with pytest.raises(ValueError, match="29 counts for 30 days"):
        svg.timeline_chart("Interactions", daily(30), {"email (theirs)": [0] * 29})


# --- the quadrant -------------------------------------------------------------------------------

def test_quadrant_highlights_the_named_point_and_names_the_corners() -> None:
    root = parse(quadrant())
    highlight = [g for g in root.iter(tag("g")) if g.get("class") == "highlight"]
    assert len(highlight) == 1 and texts(highlight[0]) == ["Blue Ridge"]
    big = highlight[0].find(tag("circle"))
    others = [c for c in root.iter(tag("circle")) if c is not big]
    assert len(others) == 3  # Umbrella has no engagement: not drawn
    assert all(float(c.get("r", "0")) < float(big.get("r", "0")) for c in others)  # type: ignore[union-attr]
    assert [c.find(tag("title")).text for c in others] == ["Acme: 20, 80", "Globex: 70, 75", "Initech: 30, 20"]  # type: ignore[union-attr]
    assert not {"Acme", "Globex", "Initech"} & set(texts(root))  # small points are unlabelled
    assert len([e for e in root.iter(tag("line")) if e.get("class") == "cut"]) == 2
    assert [t for t in texts(root) if "/" in t] == [
        "high Health / low Engagement", "high Health / high Engagement", "low Health / low Engagement",
        "low Health / high Engagement"]
    assert "Blue Ridge is at 72, 35, in low Health / high Engagement" in root.find(tag("desc")).text  # type: ignore[operator,union-attr]

    named = parse(quadrant(quadrant_names=("Watch", "Strong", "At risk", "Busy, not healthy")))
    assert {"Watch", "Strong", "At risk", "Busy, not healthy"} <= set(texts(named))


# --- the book by band ---------------------------------------------------------------------------

def test_band_bars_stack_the_bands_with_their_counts() -> None:
    root = parse(book())
    segments = [r for r in root.iter(tag("rect")) if r.find(tag("title")) is not None]
    assert [r.find(tag("title")).text for r in segments] == [  # type: ignore[union-attr]
        "Avery Quinn: Excellent 3", "Avery Quinn: Good 12", "Avery Quinn: Fair 5", "Avery Quinn: Poor 2",
        "Sam <Lee>: Good 4", "Sam <Lee>: Poor 9"]
    assert [r.get("fill") for r in segments[:4]] == list(svg.BAND_COLOURS[:4])
    assert {"3", "12", "5", "9", "22", "13", "0", "Sam <Lee>", "Nobody", *RATINGS} <= set(texts(root))
    first, second = float(segments[0].get("x", "nan")), float(segments[1].get("x", "nan"))
    assert second == pytest.approx(first + float(segments[0].get("width", "nan")), abs=0.11)
    assert root.find(tag("desc")).text == \
        "Book by rating: 3 rows, 35 in all: Excellent 3, Good 16, Fair 5, Poor 11."  # type: ignore[union-attr]
    assert "Sam &lt;Lee&gt;" in book()
    with pytest.raises(ValueError, match="Unrated"):
        svg.band_bars("Book", [("Avery", {"Unrated": 1})], RATINGS)


# --- the sparkline ------------------------------------------------------------------------------

def test_sparkline() -> None:
    root = parse(svg.sparkline([50, 52, None, 48, 55], label="Health, 5 weeks"))
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Health, 5 weeks: 5 values from 50 to 55, lowest 48, highest 55"
    assert root.get("width") == "120" and root.get("height") == "28"
    assert len(list(root.iter(tag("polyline")))) == 2  # the gap splits it
    empty = parse(svg.sparkline([]))
    assert empty.get("aria-label") == "no values" and not list(empty.iter(tag("polyline")))
    flat = parse(svg.sparkline([3, 3, 3]))
    assert {p.get("points") for p in flat.iter(tag("polyline"))} == {"3.0,14.0 60.0,14.0 117.0,14.0"}
