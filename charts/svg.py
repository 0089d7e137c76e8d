"""Small inline-SVG charts for the static pages (the hygiene report, Relationship Analytics).

Every chart is a pure function returning one `<svg>` string:

- no JavaScript, no fonts or files to fetch; the same input always gives the same bytes;
- accessible: `role='img'`, labelled by its `<title>` and `<desc>` (a one-sentence description the
  caller passes, or one generated from the data), ids unique on a page (`chart_id`, by default
  derived from the title), text in near-black on white;
- colour-blind safe: only the Okabe-Ito colours below, and series differ in more than colour
  where lines are concerned (dash patterns, hatching, labels);
- an optional `source` (the table and column plotted) is printed as a footnote and told in the
  description.

Dates are `datetime.date`; `None` values are gaps.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from itertools import cycle

# Okabe & Ito (2008): colours that stay distinct under the common colour-vision deficiencies.
BLUE = "#0072B2"
VERMILLION = "#D55E00"
ORANGE = "#E69F00"
GREEN = "#009E73"
PURPLE = "#CC79A7"
SKY = "#56B4E9"
YELLOW = "#F0E442"  # too pale on white for thin lines or text: fills only
PALETTE = (BLUE, VERMILLION, ORANGE, GREEN, PURPLE, SKY, YELLOW)

# Neutrals. Text is INK (15.9:1 on white) or BLACK on a coloured fill (at least 5.4:1 on every band
# colour); axes are AXIS grey (4.5:1 on white); gridlines are decorative.
INK = "#222"
BLACK = "#000"
AXIS = "#767676"
GRID = "#ddd"
WHITE = "#fff"
NEUTRALS = (INK, BLACK, AXIS, GRID, WHITE)

SERIES_COLOURS = (BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY)  # no yellow: series are lines too
SEVERITY_COLOURS = {"high": VERMILLION, "medium": ORANGE, "low": BLUE}
OUTCOME_COLOURS = {"passed": GREEN, "failed": VERMILLION}
CHANNEL_COLOURS = {"email": BLUE, "meeting": ORANGE, "call": GREEN}
# Rating bands, best first (Excellent, Good, Fair, Poor, then any others): the same band has the
# same colour in the trend's shading and in the book's bars.
BAND_COLOURS = (GREEN, SKY, YELLOW, VERMILLION, PURPLE, ORANGE)
BAND_TINT = "0.12"  # opacity of a band's shading behind a line: light enough to read the line
DASHES = ("", "6 3", "2 3", "8 3 2 3")  # line styles by series, so lines differ in more than colour

FONT = f"font-family='sans-serif' font-size='11' fill='{INK}'"
SMALL = f"font-family='sans-serif' font-size='10' fill='{INK}'"
HALO = f"stroke='{WHITE}' stroke-width='3' paint-order='stroke'"  # a label stays legible over lines
FOOTNOTE = 14  # the height a source footnote takes at the bottom
LEGEND_ROW = 16
THEIRS, OURS = " (theirs)", " (ours)"
NOTHING = "nothing to show"
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


@dataclass(frozen=True)
class _Plot:
    """The plotting area inside a chart; fractions run 0..1 left to right and bottom to top."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def x(self, frac: float) -> float:
        return self.left + self.width * frac

    def y(self, frac: float) -> float:
        return self.bottom - self.height * frac


# --- shared pieces -------------------------------------------------------------------------------

def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.2f}"


def _num(value: float) -> str:
    """A threshold or cut as written in the config: 60, 55.6."""
    return f"{value:g}"


def _nice_max(value: float, steps: Sequence[float] = (1, 2, 5)) -> float:
    """A round axis maximum at or above value (by default 1, 2, 5 x 10^k)."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (*steps, 10):
        if step * magnitude >= value:
            return float(step * magnitude)
    return float(10 * magnitude)


def _clamp(value: float, low: float = 0.0, high: float = 100.0) -> float:
    return min(max(value, low), high)


def _text_width(text: str, size: int = 11) -> float:
    """An estimate of a sans-serif label's width, enough to keep labels inside the chart."""
    return len(text) * size * 0.6


def _default_id(title: str) -> str:
    # A digest of the whole title is appended to the slug, so titles that slug alike differ.
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].strip("-")
    digest = hashlib.blake2s(title.encode(), digest_size=4).hexdigest()
    return f"chart-{slug}-{digest}" if slug else f"chart-{digest}"


def _resolve_id(title: str, chart_id: str) -> str:
    if not chart_id:
        return _default_id(title)
    if not _ID.fullmatch(chart_id):
        raise ValueError(f"chart_id must be a letter followed by letters, digits, '-' or '_': {chart_id!r}")
    return chart_id


def _describe(desc: str, generated: str, source: str) -> str:
    """The caller's description or the generated one, with the source told last."""
    text = (desc or generated).strip()
    if text and text[-1] not in ".!?":
        text += "."
    return f"{text} Source: {source}." if source else text


def _open(title: str, description: str, chart_id: str, width: float, height: float) -> list[str]:
    """The svg element named by its title and description, a white ground (so the text contrast
    holds on any page) and the visible title."""
    return [
        f"<svg xmlns='http://www.w3.org/2000/svg' id='{chart_id}' role='img' class='chart' width='{width}' "
        f"height='{height}' viewBox='0 0 {width} {height}' aria-labelledby='{chart_id}-title {chart_id}-desc'>",
        f"<title id='{chart_id}-title'>{escape(title)}</title>",
        f"<desc id='{chart_id}-desc'>{escape(description)}</desc>",
        f"<rect width='{width}' height='{height}' fill='{WHITE}'/>",
        f"<text x='8' y='16' {FONT} font-weight='bold'>{escape(title)}</text>",
    ]


def _close(parts: list[str], source: str, height: float) -> str:
    if source:
        parts.append(f"<text x='8' y='{height - 5}' {SMALL}>Source: {escape(source)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _nothing(plot: _Plot, text: str = NOTHING) -> str:
    return (f"<text x='{plot.x(0.5):.1f}' y='{plot.y(0.5) + 4:.1f}' {FONT} {HALO} text-anchor='middle'>"
            f"{escape(text)}</text>")


def _legend_positions(names: Sequence[str], x0: float, max_x: float) -> list[tuple[float, int]]:
    """(x, row) of each legend entry, wrapping onto a new row at the chart's edge."""
    x, row, positions = x0, 0, []
    for name in names:
        entry = 16 + _text_width(name) + 14
        if x + entry > max_x and x > x0:
            x, row = x0, row + 1
        positions.append((x, row))
        x += entry
    return positions


def _legend_rows(names: Sequence[str], x0: float, max_x: float) -> int:
    return 1 + max((row for _, row in _legend_positions(names, x0, max_x)), default=0)


def _legend(entries: Sequence[tuple[str, str]], x0: float, y0: float, max_x: float, line: bool = False) -> list[str]:
    """A swatch and a name per (name, paint attributes) entry; a short line instead of a square
    when the series are lines, so the swatch shows the dash pattern too."""
    parts = []
    for (name, paint), (x, row) in zip(entries, _legend_positions([n for n, _ in entries], x0, max_x), strict=True):
        y = y0 + row * LEGEND_ROW
        if line:
            parts.append(f"<line x1='{x:.1f}' y1='{y - 4}' x2='{x + 12:.1f}' y2='{y - 4}' {paint} stroke-width='2'/>")
        else:
            parts.append(f"<rect x='{x:.1f}' y='{y - 9}' width='10' height='10' {paint}/>")
        parts.append(f"<text x='{x + 16:.1f}' y='{y}' {FONT}>{escape(name)}</text>")
    return parts


def _x_label(x: float, y: float, text: str, i: int, n: int) -> str:
    """A label along the x axis at position i of n; the first and last are anchored inwards so
    they stay inside the chart."""
    anchor = "middle" if n == 1 else "start" if i == 0 else "end" if i == n - 1 else "middle"
    return f"<text x='{x:.1f}' y='{y:.1f}' {FONT} text-anchor='{anchor}'>{escape(text)}</text>"


def _spread(n: int, count: int = 5) -> list[int]:
    """A few evenly spread indices of n, first and last included."""
    if n <= 0:
        return []
    count = min(count, n)
    return sorted({round((n - 1) * k / (count - 1)) for k in range(count)}) if count > 1 else [0]


def _segments(points: Sequence[tuple[float, float | None]]) -> list[list[tuple[float, float]]]:
    """Runs of (x, y) between gaps (a None y)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in points:
        if y is None:
            runs.append([])
        else:
            runs[-1].append((x, y))
    return [run for run in runs if run]


def _polyline(run: Sequence[tuple[float, float]], colour: str, width: float, dash: str = "") -> str:
    """A run of points as a line, or a dot when it is a single point."""
    if len(run) == 1:
        x, y = run[0]
        return f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{width + 1:g}' fill='{colour}'/>"
    dashed = f" stroke-dasharray='{dash}'" if dash else ""
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
    return (f"<polyline fill='none' stroke='{colour}' stroke-width='{width:g}' stroke-linejoin='round'"
            f"{dashed} points='{points}'/>")


# --- the hygiene report's charts -------------------------------------------------------------------

def horizontal_bars(title: str, bars: Sequence[tuple[str, float, str]], width: int = 640,
                    value_format: str = "{:,.0f}", *, source: str = "", desc: str = "", chart_id: str = "") -> str:
    """One bar per (label, value, colour), largest first as given; labels left, values right."""
    row, label_w, top = 22, 230, 32
    height = top + row * max(len(bars), 1) + 8 + (FOOTNOTE if source else 0)
    largest = max((v for _, v, _ in bars), default=0) or 1
    plot_w = width - label_w - 70
    shown = "; ".join(f"{label} {value_format.format(value)}" for label, value, _ in bars[:5])
    more = f" and {len(bars) - 5} more" if len(bars) > 5 else ""
    generated = f"{title}: {shown}{more}" if bars else f"{title}: {NOTHING}"
    parts = _open(title, _describe(desc, generated, source), _resolve_id(title, chart_id), width, height)
    if not bars:
        parts.append(f"<text x='8' y='{top + 14}' {FONT}>{NOTHING}</text>")
    for i, (label, value, colour) in enumerate(bars):
        y = top + i * row
        w = max(1.0, plot_w * value / largest) if value else 0.0
        parts.append(f"<text x='{label_w - 6}' y='{y + 14}' {FONT} text-anchor='end'>{escape(label)}</text>")
        parts.append(f"<rect x='{label_w}' y='{y + 3}' width='{w:.1f}' height='{row - 6}' fill='{colour}'/>")
        parts.append(f"<text x='{label_w + w + 4:.1f}' y='{y + 14}' {FONT}>{escape(value_format.format(value))}</text>")
    return _close(parts, source, height)


def _series_frame(names: Sequence[str], width: int, height: int, source: str) -> _Plot:
    """The plot of the line and column charts: date labels and a legend (wrapped if need be) below."""
    left, right, top = 48, 16, 30
    bottom = 24 + LEGEND_ROW * _legend_rows(names, left + 8, width - right) + (FOOTNOTE if source else 0)
    return _Plot(left, top, width - left - right, height - top - bottom)


def _series_axes(plot: _Plot, y_max: float, y_label: str) -> list[str]:
    parts = [
        f"<line x1='{plot.left}' y1='{plot.bottom}' x2='{plot.right}' y2='{plot.bottom}' stroke='{AXIS}'/>",
        f"<line x1='{plot.left}' y1='{plot.top}' x2='{plot.left}' y2='{plot.bottom}' stroke='{AXIS}'/>",
    ]
    for frac in (0.0, 0.5, 1.0):
        y = plot.y(frac)
        parts.append(f"<text x='{plot.left - 4}' y='{y + 4:.1f}' {FONT} text-anchor='end'>{_fmt(y_max * frac)}</text>")
        if frac:
            parts.append(f"<line x1='{plot.left}' y1='{y:.1f}' x2='{plot.right}' y2='{y:.1f}' stroke='{GRID}'/>")
    if y_label:
        parts.append(f"<text x='{plot.left + 4}' y='{plot.top - 4}' {FONT}>{escape(y_label)}</text>")
    return parts


def _series_end(parts: list[str], plot: _Plot, legend: list[tuple[str, str]], width: int, height: int,
                source: str, empty: bool, line: bool = False) -> str:
    """The close of the line and column charts: the legend below the date labels, a note when
    there is nothing to plot, the source footnote."""
    parts += _legend(legend, plot.left + 8, plot.bottom + 24 + 10, width - 16, line=line)
    if empty:
        parts.append(_nothing(plot))
    return _close(parts, source, height)


def _latest(series: Mapping[str, Sequence[float | None]]) -> str:
    latest = {name: next((v for v in reversed(values) if v is not None), None) for name, values in series.items()}
    return ", ".join(f"{name} {_fmt(v)}" for name, v in latest.items() if v is not None)


def line_chart(title: str, x_labels: Sequence[str], series: dict[str, Sequence[float | None]], width: int = 640,
               height: int = 220, y_label: str = "", *, source: str = "", desc: str = "", chart_id: str = "") -> str:
    """One line per series over shared x labels (dates as text); every few labels are printed.
    Each series has its own colour and dash pattern; None values are gaps."""
    n = len(x_labels)
    plot = _series_frame(list(series), width, height, source)
    y_max = _nice_max(max((v for vs in series.values() for v in vs if v is not None), default=0))
    generated = (f"{title}: {', '.join(series)} from {x_labels[0]} to {x_labels[-1]}; latest {_latest(series)}"
                 if n and series else f"{title}: {NOTHING}")
    parts = [*_open(title, _describe(desc, generated, source), _resolve_id(title, chart_id), width, height),
             *_series_axes(plot, y_max, y_label)]

    def x_at(i: int) -> float:
        return plot.x(i / (n - 1) if n > 1 else 0.5)

    step = max(1, n // 6)
    parts += [_x_label(x_at(i), plot.bottom + 16, x_labels[i], i, n) for i in range(0, n, step)]
    legend = []
    for k, (name, values) in enumerate(series.items()):
        colour = SEVERITY_COLOURS.get(name, SERIES_COLOURS[k % len(SERIES_COLOURS)])
        dash = DASHES[k % len(DASHES)]
        points = [(x_at(i), None if v is None else plot.y(v / y_max)) for i, v in enumerate(values[:n])]
        parts += [_polyline(run, colour, 1.8, dash) for run in _segments(points)]
        legend.append((name, f"stroke='{colour}'" + (f" stroke-dasharray='{dash}'" if dash else "")))
    return _series_end(parts, plot, legend, width, height, source, empty=not n, line=True)


def stacked_columns(title: str, x_labels: Sequence[str], stacks: dict[str, Sequence[float]], width: int = 640,
                    height: int = 220, *, source: str = "", desc: str = "", chart_id: str = "") -> str:
    """Columns per x label, stacked by series (e.g. passed / failed checks per run)."""
    n = len(x_labels)
    plot = _series_frame(list(stacks), width, height, source)
    totals = [sum(s[i] or 0 for s in stacks.values()) for i in range(n)]
    y_max = _nice_max(max(totals, default=0))
    col_w = plot.width / max(n, 1)
    sums = ", ".join(f"{name} {_fmt(sum(v or 0 for v in values))}" for name, values in stacks.items())
    generated = (f"{title}: {n} columns from {x_labels[0]} to {x_labels[-1]}; in all {sums}"
                 if n and stacks else f"{title}: {NOTHING}")
    parts = [
        *_open(title, _describe(desc, generated, source), _resolve_id(title, chart_id), width, height),
        f"<line x1='{plot.left}' y1='{plot.bottom}' x2='{plot.right}' y2='{plot.bottom}' stroke='{AXIS}'/>",
        f"<text x='{plot.left - 4}' y='{plot.top + 4}' {FONT} text-anchor='end'>{_fmt(y_max)}</text>",
        f"<text x='{plot.left - 4}' y='{plot.bottom + 4}' {FONT} text-anchor='end'>0</text>",
    ]
    colours = {name: OUTCOME_COLOURS.get(name, SERIES_COLOURS[k % len(SERIES_COLOURS)])
               for k, name in enumerate(stacks)}
    step = max(1, n // 6)
    for i in range(n):
        base = plot.bottom
        for name, values in stacks.items():
            h = plot.height * (values[i] or 0) / y_max
            parts.append(f"<rect x='{plot.left + i * col_w + 1:.1f}' y='{base - h:.1f}' "
                         f"width='{max(col_w - 2, 1):.1f}' height='{h:.1f}' fill='{colours[name]}'/>")
            base -= h
        if i % step == 0:
            parts.append(f"<text x='{plot.left + (i + 0.5) * col_w:.1f}' y='{plot.bottom + 16}' {FONT} "
                         f"text-anchor='middle'>{escape(x_labels[i])}</text>")
    legend = [(name, f"fill='{colour}'") for name, colour in colours.items()]
    return _series_end(parts, plot, legend, width, height, source, empty=not n)


# --- score trend -----------------------------------------------------------------------------------

def _rating(score: float, thresholds: Sequence[tuple[str, float]]) -> str:
    """The band a score falls in (thresholds best first), or 'below <lowest>'."""
    for name, cut in thresholds:
        if score >= cut:
            return name
    return f"below {thresholds[-1][0]}" if thresholds else ""


def _score_at(day: dt.date, known: Sequence[tuple[dt.date, float]]) -> float:
    """The score on a day, interpolated between the nearest known scores around it."""
    before = [(d, s) for d, s in known if d <= day]
    after = [(d, s) for d, s in known if d >= day]
    if before and after:
        (d0, s0), (d1, s1) = before[-1], after[0]
        return s0 if d0 == d1 else s0 + (s1 - s0) * (day - d0).days / (d1 - d0).days
    return before[-1][1] if before else after[0][1]


def _trend_summary(title: str, points: Sequence[tuple[dt.date, float | None]],
                   known: Sequence[tuple[dt.date, float]], thresholds: Sequence[tuple[str, float]],
                   transitions: Sequence[tuple[dt.date, str, str]]) -> str:
    if not known:
        return f"{title}: {NOTHING}"
    day, score = known[-1]
    rating = _rating(score, thresholds)
    rated = f"{score:.0f} ({rating})" if rating else f"{score:.0f}"
    now = f"now {rated}" if day == points[-1][0] else f"latest {rated} on {day.isoformat()}"
    changes = [f"{a} → {b} on {d.isoformat()}" for d, a, b in transitions]
    if len(changes) > 3:
        told = f"; {len(changes)} rating changes, the last {changes[-1]}"
    else:
        told = f"; {', '.join(changes)}" if changes else ""
    return f"{title} from {points[0][0].isoformat()} to {points[-1][0].isoformat()}, {now}{told}"


def _band_shading(plot: _Plot, thresholds: Sequence[tuple[str, float]]) -> list[str]:
    """A light tint per band, and below the lowest threshold the next band colour (Poor's)."""
    parts, upper = [], 100.0
    for k, (_, cut) in enumerate([*thresholds, ("", 0.0)]):
        cut = _clamp(cut)
        if not thresholds or cut >= upper:
            continue
        colour = BAND_COLOURS[k % len(BAND_COLOURS)]
        parts.append(f"<rect x='{plot.left}' y='{plot.y(upper / 100):.1f}' width='{plot.width}' "
                     f"height='{plot.height * (upper - cut) / 100:.1f}' fill='{colour}' fill-opacity='{BAND_TINT}'/>")
        upper = cut
    return parts


def _score_grid(plot: _Plot) -> list[str]:
    parts = []
    for value in range(0, 101, 20):
        y = plot.y(value / 100)
        stroke = AXIS if value == 0 else GRID
        parts.append(f"<line x1='{plot.left}' y1='{y:.1f}' x2='{plot.right}' y2='{y:.1f}' stroke='{stroke}'/>")
        parts.append(f"<text x='{plot.left - 4}' y='{y + 4:.1f}' {FONT} text-anchor='end'>{value}</text>")
    return parts


def _threshold_lines(plot: _Plot, thresholds: Sequence[tuple[str, float]]) -> list[str]:
    parts = []
    for name, cut in thresholds:
        y = plot.y(_clamp(cut) / 100)
        parts.append(f"<line class='threshold' x1='{plot.left}' y1='{y:.1f}' x2='{plot.right}' y2='{y:.1f}' "
                     f"stroke='{AXIS}' stroke-dasharray='5 3'><title>{escape(name)} from {_num(cut)}</title></line>")
        parts.append(f"<text x='{plot.right + 4}' y='{y + 4:.1f}' {SMALL}>{escape(name)}</text>")
    return parts


def _date_ticks(first: dt.date, last: dt.date, count: int = 5) -> list[dt.date]:
    span = (last - first).days
    if span <= 0:
        return [first]
    return [first + dt.timedelta(days=i) for i in _spread(span + 1, count)]


def _transition_marks(plot: _Plot, transitions: Sequence[tuple[dt.date, str, str]],
                      known: Sequence[tuple[dt.date, float]], x_of: Callable[[dt.date], float]) -> list[str]:
    """A ring on the line where the rating changed, labelled 'Good → Fair', the date as tooltip.
    Labels alternate above and below the line so neighbouring ones overlap less."""
    parts = []
    for k, (day, before, after) in enumerate(transitions):
        x, y = x_of(day), plot.y(_clamp(_score_at(day, known)) / 100)
        label = f"{before} → {after}"
        half = _text_width(label, 10) / 2
        label_x = min(max(x, plot.left + half), plot.right - half)
        label_y = y - 9 if k % 2 == 0 else y + 17
        if label_y < plot.top + 10 or label_y > plot.bottom - 2:
            label_y = y + 17 if label_y < plot.top + 10 else y - 9
        parts.append(
            f"<g class='transition'><title>{day.isoformat()}: {escape(label)}</title>"
            f"<circle cx='{x:.1f}' cy='{y:.1f}' r='4.5' fill='{WHITE}' stroke='{INK}' stroke-width='1.5'/>"
            f"<text x='{label_x:.1f}' y='{label_y:.1f}' {SMALL} {HALO} text-anchor='middle'>{escape(label)}</text></g>")
    return parts


def trend_chart(title: str, dates: Sequence[dt.date], scores: Sequence[float | None], bands: Mapping[str, float],
                transitions: Sequence[tuple[dt.date, str, str]] = (), source: str = "", desc: str = "",
                width: int = 640, height: int = 240, *, chart_id: str = "") -> str:
    """A 0-100 score over dates, with the rating bands behind it.

    `bands` maps a band's name to its lower threshold ({"Excellent": 80, "Good": 60, "Fair": 40}):
    each is a dashed line labelled at the right over a light tint. `transitions` are
    (date, from_rating, to_rating), marked on the line and labelled "Good → Fair".
    """
    if len(dates) != len(scores):
        raise ValueError(f"{len(dates)} dates but {len(scores)} scores")
    transitions = tuple(transitions)  # read three times: the description, the x range, the marks
    points = sorted(zip(dates, scores, strict=True), key=lambda p: p[0])
    known = [(d, float(s)) for d, s in points if s is not None]
    thresholds = sorted(bands.items(), key=lambda band: -band[1])
    plot = _Plot(36, 28, width - 36 - 64, height - 28 - 24 - (FOOTNOTE if source else 0))
    generated = "" if desc else _trend_summary(title, points, known, thresholds, transitions)  # the caller's wins
    parts = [*_open(title, _describe(desc, generated, source), _resolve_id(title, chart_id), width, height),
             *_band_shading(plot, thresholds), *_score_grid(plot), *_threshold_lines(plot, thresholds)]
    if not known:
        parts.append(_nothing(plot))
        return _close(parts, source, height)
    days = [d for d, _ in points] + [d for d, _, _ in transitions]
    first, last = min(days), max(days)
    span = (last - first).days

    def x_of(day: dt.date) -> float:
        return plot.x((day - first).days / span if span else 0.5)

    ticks = _date_ticks(first, last)
    parts += [f"<line x1='{x_of(d):.1f}' y1='{plot.bottom}' x2='{x_of(d):.1f}' y2='{plot.bottom + 4}' stroke='{AXIS}'/>"
              for d in ticks]
    parts += [_x_label(x_of(d), plot.bottom + 16, d.isoformat(), k, len(ticks)) for k, d in enumerate(ticks)]
    line = [(x_of(d), None if s is None else plot.y(_clamp(s) / 100)) for d, s in points]
    parts += [_polyline(run, BLUE, 2) for run in _segments(line)]
    last_day, last_score = known[-1]
    parts.append(f"<circle cx='{x_of(last_day):.1f}' cy='{plot.y(_clamp(last_score) / 100):.1f}' r='3.5' "
                 f"fill='{BLUE}'><title>{last_day.isoformat()}: {last_score:.0f}</title></circle>")
    parts += _transition_marks(plot, transitions, known, x_of)
    return _close(parts, source, height)


# --- interactions timeline -------------------------------------------------------------------------

def _channel(name: str) -> str:
    return name.removesuffix(THEIRS).removesuffix(OURS)


def _channel_colours(names: Sequence[str]) -> dict[str, str]:
    """A colour per channel, the same for ours and theirs; e-mail, meeting and call always the same
    ones, other channels the unused series colours in order."""
    spare = cycle([c for c in SERIES_COLOURS if c not in CHANNEL_COLOURS.values()])
    return {channel: CHANNEL_COLOURS.get(channel) or next(spare) for channel in dict.fromkeys(map(_channel, names))}


def _hatches(chart_id: str, colours: Mapping[str, str], names: Sequence[str]) -> tuple[list[str], dict[str, str]]:
    """A hatched, lighter pattern per channel that has an 'ours' series: ours differ from theirs
    in more than lightness. Returns the defs and each channel's fill."""
    defs, fills = [], {}
    for k, channel in enumerate(colours):
        if not any(n.endswith(OURS) and _channel(n) == channel for n in names):
            continue
        pattern = f"{chart_id}-hatch-{k}"
        colour = colours[channel]
        defs.append(f"<pattern id='{pattern}' width='4' height='4' patternUnits='userSpaceOnUse' "
                    f"patternTransform='rotate(45)'><rect width='4' height='4' fill='{colour}' fill-opacity='0.3'/>"
                    f"<line x1='0' y1='0' x2='0' y2='4' stroke='{colour}' stroke-width='2'/></pattern>")
        fills[channel] = f"url(#{pattern})"
    return ([f"<defs>{''.join(defs)}</defs>"] if defs else []), fills


def _timeline_summary(title: str, days: Sequence[dt.date], series: Mapping[str, Sequence[int | None]]) -> str:
    if not days or not series:
        return f"{title}: {NOTHING}"

    def told(side: Callable[[str], bool]) -> tuple[int, str]:
        per = {_channel(n): sum(v or 0 for v in vs) for n, vs in series.items() if side(n)}
        return sum(per.values()), ", ".join(f"{c} {t}" for c, t in per.items())

    theirs, theirs_by = told(lambda n: not n.endswith(OURS))
    ours, ours_by = told(lambda n: n.endswith(OURS))
    return (f"{title}, {len(days)} days from {days[0].isoformat()} to {days[-1].isoformat()}: "
            f"{theirs} from them above the line ({theirs_by or 'none'}) and {ours} from us below ({ours_by or 'none'})")


def _column_stack(x: float, w: float, zero: float, unit: float, day: dt.date, i: int,
                  series: Mapping[str, Sequence[int | None]], fills: Mapping[str, str]) -> str:
    """One day's column: theirs stacked up from the zero line, ours down; the counts as tooltip."""
    up = down = zero
    rects, counts = [], []
    for name, values in series.items():
        count = values[i]
        if not count:
            continue
        h = count * unit
        y = down if name.endswith(OURS) else up - h
        if name.endswith(OURS):
            down += h
        else:
            up -= h
        rects.append(f"<rect x='{x:.1f}' y='{y:.1f}' width='{w:.1f}' height='{h:.1f}' fill='{fills[name]}'/>")
        counts.append(f"{name} {count}")
    if not rects:
        return ""
    return f"<g><title>{day.isoformat()}: {escape(', '.join(counts))}</title>{''.join(rects)}</g>"


def timeline_chart(title: str, days: Sequence[dt.date], series: Mapping[str, Sequence[int | None]],
                   source: str = "", desc: str = "", width: int = 640, height: int = 200, *, chart_id: str = "") -> str:
    """Interactions per day, mirrored: series named '<channel> (theirs)' stack above the zero line
    (the customer's messages), '<channel> (ours)' below it; a name with neither counts as theirs.
    A channel keeps its colour on both sides, ours hatched and lighter."""
    n = len(days)
    for name, values in series.items():
        if len(values) != n:
            raise ValueError(f"{name!r} has {len(values)} counts for {n} days")
    chart_id = _resolve_id(title, chart_id)
    names = list(series)
    colours = _channel_colours(names)
    defs, hatch = _hatches(chart_id, colours, names)
    fills = {name: hatch[_channel(name)] if name.endswith(OURS) else colours[_channel(name)] for name in names}
    left, right = 36, 8
    rows = _legend_rows(names, left, width - right)
    plot = _Plot(left, 28, width - left - right, height - 28 - 20 - LEGEND_ROW * rows - (FOOTNOTE if source else 0))
    generated = "" if desc else _timeline_summary(title, days, series)  # the caller's wins
    parts = [*_open(title, _describe(desc, generated, source), chart_id, width, height), *defs,
             f"<text x='{width - right}' y='16' {SMALL} text-anchor='end'>above the line: theirs · below: ours</text>"]
    if not n or not series:
        parts.append(_nothing(plot))
        return _close(parts, source, height)

    def side_max(ours: bool) -> float:
        side = [values for name, values in series.items() if name.endswith(OURS) == ours]
        most = max((sum(filter(None, day)) for day in zip(*side)), default=0)  # None: a gap, counts as 0
        return _nice_max(most, (1, 2, 3, 4, 5, 6, 8)) if most > 0 else 0.0

    # One scale for both sides, so a column up and one down of the same height mean the same count.
    up, down = side_max(False), side_max(True)
    up, down = (up, down) if up + down else (1.0, 1.0)
    unit = plot.height / (up + down)
    zero = plot.top + up * unit
    col_w = plot.width / n
    gap = 1.0 if col_w > 3 else 0.0
    # a day without interactions draws nothing: only the days with some are stacked (most are empty)
    busy = [i for i, day in enumerate(zip(*series.values())) if any(day)]
    parts += [_column_stack(plot.left + i * col_w + gap / 2, max(col_w - gap, 0.5), zero, unit, days[i], i, series, fills)
              for i in busy]
    parts.append(f"<line class='zero' x1='{plot.left}' y1='{zero:.1f}' x2='{plot.right}' y2='{zero:.1f}' "
                 f"stroke='{INK}'/>")
    ticks = [(up, plot.top)] * bool(up) + [(0.0, zero)] + [(down, plot.bottom)] * bool(down)
    parts += [f"<text x='{plot.left - 4}' y='{y + 4:.1f}' {FONT} text-anchor='end'>{_fmt(value)}</text>"
              for value, y in ticks]
    if not busy:
        parts.append(f"<text x='{plot.x(0.5):.1f}' y='{zero - 6:.1f}' {FONT} text-anchor='middle'>"
                     "no interactions in this window</text>")
    parts += [_x_label(plot.left + (i + 0.5) * col_w, plot.bottom + 14, days[i].isoformat(), i, n) for i in _spread(n)]
    legend = [(name, f"fill='{fills[name]}' stroke='{colours[_channel(name)]}' stroke-width='0.5'") for name in names]
    parts += _legend(legend, left, plot.bottom + 30, width - right)
    return _close(parts, source, height)


# --- quadrant ----------------------------------------------------------------------------------------

def _quadrant_of(x: float, y: float, x_cut: float, y_cut: float) -> int:
    """0 top left, 1 top right, 2 bottom left, 3 bottom right; a point on a cut counts as above it."""
    return (0 if y >= y_cut else 2) + (1 if x >= x_cut else 0)


def _quadrant_axes(plot: _Plot, x_label: str, y_label: str) -> list[str]:
    parts = [f"<rect x='{plot.left}' y='{plot.top}' width='{plot.width}' height='{plot.height}' fill='none' "
             f"stroke='{AXIS}'/>"]
    for value in range(0, 101, 20):
        x, y = plot.x(value / 100), plot.y(value / 100)
        parts.append(f"<text x='{x:.1f}' y='{plot.bottom + 14}' {SMALL} text-anchor='middle'>{value}</text>")
        parts.append(f"<text x='{plot.left - 4}' y='{y + 3:.1f}' {SMALL} text-anchor='end'>{value}</text>")
    middle = plot.y(0.5)
    parts.append(f"<text x='{plot.x(0.5):.1f}' y='{plot.bottom + 28}' {FONT} text-anchor='middle'>"
                 f"{escape(x_label)}</text>")
    parts.append(f"<text x='12' y='{middle:.1f}' transform='rotate(-90 12 {middle:.1f})' {FONT} "
                 f"text-anchor='middle'>{escape(y_label)}</text>")
    return parts


def _quadrant_cuts(plot: _Plot, x_cut: float, y_cut: float, names: Sequence[str]) -> list[str]:
    x, y = plot.x(_clamp(x_cut) / 100), plot.y(_clamp(y_cut) / 100)
    parts = [
        f"<line class='cut' x1='{x:.1f}' y1='{plot.top}' x2='{x:.1f}' y2='{plot.bottom}' stroke='{AXIS}' "
        f"stroke-dasharray='5 3'/>",
        f"<line class='cut' x1='{plot.left}' y1='{y:.1f}' x2='{plot.right}' y2='{y:.1f}' stroke='{AXIS}' "
        f"stroke-dasharray='5 3'/>",
    ]
    corners = ((plot.left + 4, plot.top + 12, "start"), (plot.right - 4, plot.top + 12, "end"),
               (plot.left + 4, plot.bottom - 5, "start"), (plot.right - 4, plot.bottom - 5, "end"))
    for name, (cx, cy, anchor) in zip(names, corners, strict=True):
        parts.append(f"<text class='quadrant' x='{cx:.1f}' y='{cy:.1f}' {SMALL} {HALO} font-style='italic' "
                     f"text-anchor='{anchor}'>{escape(name)}</text>")
    return parts


def _quadrant_summary(title: str, shown: Sequence[tuple[str, float, float]], x_cut: float, y_cut: float,
                      x_label: str, y_label: str, highlight: str | None, names: Sequence[str]) -> str:
    if not shown:
        return f"{title}: {NOTHING}"
    counts = [0, 0, 0, 0]
    for _, x, y in shown:
        counts[_quadrant_of(x, y, x_cut, y_cut)] += 1
    spread = "; ".join(f"{count} in {name}" for name, count in zip(names, counts, strict=True))
    text = (f"{title}: {len(shown)} by {x_label} (across) and {y_label} (up), cut at {_num(x_cut)} and "
            f"{_num(y_cut)}: {spread}")
    for label, x, y in shown:
        if label == highlight:
            return f"{text}; {label} is at {x:.0f}, {y:.0f}, in {names[_quadrant_of(x, y, x_cut, y_cut)]}"
    return text


def quadrant_chart(title: str, points: Sequence[tuple[str, float | None, float | None]], x_cut: float, y_cut: float,
                   x_label: str, y_label: str, highlight: str | None = None, source: str = "", desc: str = "",
                   width: int = 420, height: int = 320, *, quadrant_names: tuple[str, str, str, str] | None = None,
                   chart_id: str = "") -> str:
    """A 2x2 scatter on 0-100 axes: points are (label, x, y), the cut lines split the four named
    quadrants (top left, top right, bottom left, bottom right; by default named from the axes).
    The `highlight` point is large and labelled, the others small with their label as tooltip."""
    names = quadrant_names or (f"high {y_label} / low {x_label}", f"high {y_label} / high {x_label}",
                               f"low {y_label} / low {x_label}", f"low {y_label} / high {x_label}")
    shown = [(label, _clamp(float(x)), _clamp(float(y))) for label, x, y in points if x is not None and y is not None]
    plot = _Plot(48, 28, width - 48 - 12, height - 28 - 36 - (FOOTNOTE if source else 0))
    generated = _quadrant_summary(title, shown, x_cut, y_cut, x_label, y_label, highlight, names)
    parts = [*_open(title, _describe(desc, generated, source), _resolve_id(title, chart_id), width, height),
             *_quadrant_axes(plot, x_label, y_label), *_quadrant_cuts(plot, x_cut, y_cut, names)]
    if not shown:
        parts.append(_nothing(plot))
    for label, x, y in shown:
        if label != highlight:
            parts.append(f"<circle cx='{plot.x(x / 100):.1f}' cy='{plot.y(y / 100):.1f}' r='3.5' fill='{BLUE}' "
                         f"fill-opacity='0.75' stroke='{WHITE}' stroke-width='0.5'>"
                         f"<title>{escape(label)}: {x:.0f}, {y:.0f}</title></circle>")
    # The highlighted point comes last so nothing is drawn over it.
    for label, x, y in shown:
        if label == highlight:
            cx, cy = plot.x(x / 100), plot.y(y / 100)
            left_side = x > 60
            parts.append(
                f"<g class='highlight'><title>{escape(label)}: {x:.0f}, {y:.0f}</title>"
                f"<circle cx='{cx:.1f}' cy='{cy:.1f}' r='6.5' fill='{VERMILLION}' stroke='{INK}' stroke-width='1.5'/>"
                f"<text x='{cx - 10 if left_side else cx + 10:.1f}' y='{cy + 4:.1f}' {FONT} {HALO} font-weight='bold' "
                f"text-anchor='{'end' if left_side else 'start'}'>{escape(label)}</text></g>")
    return _close(parts, source, height)


# --- a book by rating band ---------------------------------------------------------------------------

BandCounts = Mapping[str, int | None]  # a row's count per rating band

def _band_segments(label: str, counts: BandCounts, bands_order: Sequence[str],
                   colours: Mapping[str, str], x0: float, y: float, scale: float) -> tuple[list[str], float]:
    """One row's segments, each with its count when it fits; returns them and where the bar ends."""
    parts, x = [], x0
    for band in bands_order:
        count = counts.get(band) or 0
        if count <= 0:
            continue
        w = count * scale
        parts.append(f"<rect x='{x:.1f}' y='{y + 3}' width='{w:.1f}' height='16' fill='{colours[band]}' "
                     f"stroke='{WHITE}'><title>{escape(label)}: {escape(band)} {count}</title></rect>")
        if w >= _text_width(str(count)) + 6:
            parts.append(f"<text x='{x + w / 2:.1f}' y='{y + 15}' font-family='sans-serif' font-size='11' "
                         f"fill='{BLACK}' text-anchor='middle'>{count}</text>")
        x += w
    return parts, x


def band_bars(title: str, rows: Sequence[tuple[str, BandCounts]] | Mapping[str, BandCounts],
              bands_order: Sequence[str], source: str = "", desc: str = "", width: int = 640, *,
              chart_id: str = "") -> str:
    """Horizontal stacked bars, one row per label (e.g. a rep's book), a segment per rating band in
    `bands_order` with its count; bars share one scale so books compare by size."""
    items = list(rows.items()) if isinstance(rows, Mapping) else list(rows)
    unknown = sorted({band for _, counts in items for band in counts} - set(bands_order))
    if unknown:
        raise ValueError(f"bands not in bands_order: {unknown}")
    colours = {band: BAND_COLOURS[k % len(BAND_COLOURS)] for k, band in enumerate(bands_order)}
    totals = [sum(c or 0 for c in counts.values()) for _, counts in items]
    label_w, row_h = 150, 22
    legend_rows = _legend_rows(list(bands_order), label_w, width - 8)
    top = 30 + LEGEND_ROW * legend_rows
    height = top + row_h * max(len(items), 1) + 6 + (FOOTNOTE if source else 0)
    scale = (width - label_w - 48) / (max(totals, default=0) or 1)
    by_band = ", ".join(f"{band} {sum(counts.get(band) or 0 for _, counts in items)}" for band in bands_order)
    generated = f"{title}: {len(items)} rows, {sum(totals)} in all: {by_band}" if items else f"{title}: {NOTHING}"
    parts = [*_open(title, _describe(desc, generated, source), _resolve_id(title, chart_id), width, height),
             *_legend([(band, f"fill='{colours[band]}'") for band in bands_order], label_w, 34, width - 8)]
    if not items:
        parts.append(f"<text x='{label_w}' y='{top + 14}' {FONT}>{NOTHING}</text>")
    for i, ((label, counts), total) in enumerate(zip(items, totals, strict=True)):
        y = top + i * row_h
        parts.append(f"<text x='{label_w - 6}' y='{y + 15}' {FONT} text-anchor='end'>{escape(label)}</text>")
        segments, end = _band_segments(label, counts, bands_order, colours, label_w, y, scale)
        parts += segments
        parts.append(f"<text x='{end + 4:.1f}' y='{y + 15}' {FONT}>{total}</text>")
    return _close(parts, source, height)


# --- sparkline -----------------------------------------------------------------------------------------

def sparkline(values: Sequence[float | None], width: int = 120, height: int = 28, label: str = "") -> str:
    """A tiny line for a table cell, scaled to its own range; its accessible name tells the data
    (first, last, lowest, highest) after the label."""
    known = [(i, float(v)) for i, v in enumerate(values) if v is not None]
    if known:
        low, high = min(v for _, v in known), max(v for _, v in known)
        summary = (f"{len(values)} values from {_fmt(known[0][1])} to {_fmt(known[-1][1])}, "
                   f"lowest {_fmt(low)}, highest {_fmt(high)}")
    else:
        low = high = 0.0
        summary = "no values"
    name = f"{label}: {summary}" if label else summary
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' role='img' class='sparkline' width='{width}' height='{height}' "
             f"viewBox='0 0 {width} {height}' aria-label='{escape(name)}'>", f"<title>{escape(name)}</title>"]
    pad, n = 3, len(values)

    def x_at(i: int) -> float:
        return pad + (width - 2 * pad) * i / (n - 1) if n > 1 else width / 2

    def y_at(v: float) -> float:
        return height / 2 if high == low else pad + (height - 2 * pad) * (high - v) / (high - low)

    runs = _segments([(x_at(i), None if v is None else y_at(float(v))) for i, v in enumerate(values)])
    parts += [_polyline(run, BLUE, 1.5) for run in runs]
    if known:
        last_i, last_v = known[-1]
        parts.append(f"<circle cx='{x_at(last_i):.1f}' cy='{y_at(last_v):.1f}' r='2' fill='{BLUE}'/>")
    parts.append("</svg>")
    return "".join(parts)
