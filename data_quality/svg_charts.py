"""Small inline-SVG charts for the static report: no JavaScript, no fonts or files to fetch, and
the same input always gives the same bytes."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

SEVERITY_COLOURS = {"high": "#c0392b", "medium": "#e67e22", "low": "#7f8c8d"}
OUTCOME_COLOURS = {"passed": "#27ae60", "failed": "#c0392b"}
SERIES_COLOURS = ("#2c7fb8", "#c0392b", "#e67e22", "#7f8c8d", "#27ae60", "#8e44ad")
FONT = "font-family='sans-serif' font-size='11'"


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.2f}"


def _nice_max(value: float) -> float:
    """A round axis maximum at or above value (1, 2, 5 x 10^k)."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return float(step * magnitude)
    return float(10 * magnitude)


def _chart_start(title: str, width: int, height: int, title_x: int, title_y: int) -> list[str]:
    """The opening of every chart: the svg element, its accessible title and the visible title."""
    return [
        f"<svg xmlns='http://www.w3.org/2000/svg' role='img' class='chart' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' aria-label='{escape(title)}'>",
        f"<title>{escape(title)}</title>",
        f"<text x='{title_x}' y='{title_y}' {FONT} font-weight='bold'>{escape(title)}</text>",
    ]


def _chart_end(parts: list[str], legend: dict[str, str], left: int, top_pad: int, height: int, empty: bool) -> str:
    """The close of the line and column charts: a legend entry per series (name -> colour) along
    the bottom, a note when there is nothing to plot, and the end of the svg element."""
    for k, (name, colour) in enumerate(legend.items()):
        parts.append(f"<rect x='{left + 8 + k * 110}' y='{height - 14}' width='10' height='10' fill='{colour}'/>")
        parts.append(f"<text x='{left + 22 + k * 110}' y='{height - 5}' {FONT}>{escape(name)}</text>")
    if empty:
        parts.append(f"<text x='{left + 8}' y='{top_pad + 20}' {FONT}>nothing to show</text>")
    parts.append("</svg>")
    return "".join(parts)


def horizontal_bars(title: str, bars: Sequence[tuple[str, float, str]], width: int = 640,
                    value_format: str = "{:,.0f}") -> str:
    """One bar per (label, value, colour), largest first as given; labels left, values right."""
    row, label_w, pad = 22, 230, 8
    height = pad * 2 + 24 + row * max(len(bars), 1)
    top = max((v for _, v, _ in bars), default=0) or 1
    plot_w = width - label_w - 70
    parts = _chart_start(title, width, height, pad, pad + 12)
    if not bars:
        parts.append(f"<text x='{pad}' y='{pad + 40}' {FONT}>nothing to show</text>")
    for i, (label, value, colour) in enumerate(bars):
        y = pad + 24 + i * row
        w = max(1.0, plot_w * value / top) if value else 0.0
        parts.append(f"<text x='{label_w - 6}' y='{y + 14}' {FONT} text-anchor='end'>{escape(label)}</text>")
        parts.append(f"<rect x='{label_w}' y='{y + 3}' width='{w:.1f}' height='{row - 6}' fill='{colour}'/>")
        parts.append(f"<text x='{label_w + w + 4:.1f}' y='{y + 14}' {FONT}>{escape(value_format.format(value))}</text>")
    parts.append("</svg>")
    return "".join(parts)


def line_chart(title: str, x_labels: Sequence[str], series: dict[str, Sequence[float]], width: int = 640,
               height: int = 220, y_label: str = "") -> str:
    """One line per series over shared x labels (dates as text); every few labels are printed."""
    left, right, top_pad, bottom = 48, 16, 30, 40
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    y_max = _nice_max(max((max(v) for v in series.values() if len(v)), default=0))
    n = len(x_labels)
    parts = [
        *_chart_start(title, width, height, 8, 16),
        f"<line x1='{left}' y1='{top_pad + plot_h}' x2='{left + plot_w}' y2='{top_pad + plot_h}' stroke='#999'/>",
        f"<line x1='{left}' y1='{top_pad}' x2='{left}' y2='{top_pad + plot_h}' stroke='#999'/>",
    ]
    for frac in (0.0, 0.5, 1.0):
        y = top_pad + plot_h * (1 - frac)
        parts.append(f"<text x='{left - 4}' y='{y + 4:.1f}' {FONT} text-anchor='end'>{_fmt(y_max * frac)}</text>")
        if frac:
            parts.append(f"<line x1='{left}' y1='{y:.1f}' x2='{left + plot_w}' y2='{y:.1f}' stroke='#eee'/>")
    if y_label:
        parts.append(f"<text x='{left + 4}' y='{top_pad - 4}' {FONT} fill='#555'>{escape(y_label)}</text>")

    def x_at(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    step = max(1, n // 6)
    for i in range(0, n, step):
        parts.append(f"<text x='{x_at(i):.1f}' y='{top_pad + plot_h + 16}' {FONT} text-anchor='middle'>"
                     f"{escape(x_labels[i])}</text>")
    colours = {name: SEVERITY_COLOURS.get(name, SERIES_COLOURS[k % len(SERIES_COLOURS)])
               for k, name in enumerate(series)}
    for name, values in series.items():
        points = " ".join(f"{x_at(i):.1f},{top_pad + plot_h * (1 - v / y_max):.1f}" for i, v in enumerate(values))
        if n == 1:
            x, y = x_at(0), top_pad + plot_h * (1 - values[0] / y_max)
            parts.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3' fill='{colours[name]}'/>")
        elif n:
            parts.append(f"<polyline fill='none' stroke='{colours[name]}' stroke-width='1.8' points='{points}'/>")
    return _chart_end(parts, colours, left, top_pad, height, empty=not n)


def stacked_columns(title: str, x_labels: Sequence[str], stacks: dict[str, Sequence[float]], width: int = 640,
                    height: int = 220) -> str:
    """Columns per x label, stacked by series (e.g. passed / failed checks per run)."""
    left, right, top_pad, bottom = 48, 16, 30, 40
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    n = len(x_labels)
    totals = [sum(s[i] for s in stacks.values()) for i in range(n)]
    y_max = _nice_max(max(totals, default=0))
    col_w = plot_w / max(n, 1)
    parts = [
        *_chart_start(title, width, height, 8, 16),
        f"<line x1='{left}' y1='{top_pad + plot_h}' x2='{left + plot_w}' y2='{top_pad + plot_h}' stroke='#999'/>",
        f"<text x='{left - 4}' y='{top_pad + 4}' {FONT} text-anchor='end'>{_fmt(y_max)}</text>",
        f"<text x='{left - 4}' y='{top_pad + plot_h + 4}' {FONT} text-anchor='end'>0</text>",
    ]
    colours = {name: OUTCOME_COLOURS.get(name, SERIES_COLOURS[k % len(SERIES_COLOURS)])
               for k, name in enumerate(stacks)}
    step = max(1, n // 6)
    for i in range(n):
        base = top_pad + plot_h
        for name, values in stacks.items():
            h = plot_h * values[i] / y_max
            parts.append(f"<rect x='{left + i * col_w + 1:.1f}' y='{base - h:.1f}' width='{max(col_w - 2, 1):.1f}' "
                         f"height='{h:.1f}' fill='{colours[name]}'/>")
            base -= h
        if i % step == 0:
            parts.append(f"<text x='{left + (i + 0.5) * col_w:.1f}' y='{top_pad + plot_h + 16}' {FONT} "
                         f"text-anchor='middle'>{escape(x_labels[i])}</text>")
    return _chart_end(parts, colours, left, top_pad, height, empty=not n)
