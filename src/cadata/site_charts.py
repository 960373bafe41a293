"""The site's table charts, chosen by the observation model, drawn as plain inline SVG.

``chart(name, frame, schema)`` returns ``(svg, caption)`` or ``(None, reason)``:

- shares that are parts of a whole (percent rows whose categories add up to 100 in each year or
  country) are stacked bars, one bar per whole (``cadata.site_bars``);
- a yearly series (three or more single years, one number per series and year) is a line
  per series (the dimension columns, or the indicator);
- other shares, and a study's counts broken down by a dimension and its categories, are grouped
  bars from 0 (``cadata.site_bars``);
- anything else with numbers is a range plot, one line per printed number, grouped by what
  it is about (country, dimension, indicator): a range is a bar from low to high, a single
  number a dot (a share a bar from 0), "over n" an open arrow to the right, "up to n" an open
  arrow to the left, a printed "-" the words "not printed" and no mark (never zero).

Every mark carries an SVG ``<title>`` naming its source, printed page and line, and is labelled
directly (source and number as printed). No matplotlib, no scripts: the SVG is text.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any

from cadata.observation import dimensions, holds_observations

if TYPE_CHECKING:
    import pandas as pd

COLOURS = ["#3b6ea5", "#c0504d", "#5f8f2f", "#8064a2", "#d9822b", "#2b8c9b", "#7f7f7f", "#2c4d75", "#a23b72", "#6b5b2a"]
OPEN_COLOUR = "#c0504d"
MAX_INDICATORS = 12  # more than this on one axis is a register, not a chart
MAX_ROWS = 80
DATE_UNITS = ("calendar_year",)
NARROW = 380  # px: the width of the charts drawn for phones (shown below 600 px instead of the wide ones)
HEAD_H = 18  # px: a group label's line in a narrow chart


def _num(value: Any) -> float | None:
    import pandas as pd

    return None if value is None or bool(pd.isna(value)) else float(value)


def _text(value: Any) -> str:
    import pandas as pd

    return "" if value is None or bool(pd.isna(value)) else str(value)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) and abs(value) >= 10 else f"{value:,.4g}"


def _source(row: dict[str, Any]) -> str:
    return _text(row.get("attributed_to")) or f"the author ({_text(row.get('paper_id'))})"


def _direct(row: dict[str, Any], room: int) -> str:
    """A mark's direct label, "source: number as printed", in ``room`` characters: a long source
    name is cut, never the number."""
    printed, source = _text(row.get("as_printed")), _source(row)
    if not printed:
        return source if len(source) <= room else source[: room - 1] + "\u2026"
    keep = max(room - len(printed) - 2, 12)
    return f"{source if len(source) <= keep else source[: keep - 1] + chr(0x2026)}: {printed}"


#: Where ``relabel`` keeps a row's codes (for the hover text) when it puts the printed labels in their place.
CODES = "-codes"


@lru_cache(maxsize=1)
def indicator_labels() -> dict[str, str]:
    """Each indicator code's label, from the ``indicators`` register."""
    from cadata.loading import load

    register = load("indicators")
    return {str(k): str(v) for k, v in zip(register["indicator"], register["label"]) if isinstance(v, str) and v}


def relabel(rows: list[dict[str, Any]], schema: dict[str, Any], columns: list[str]) -> None:
    """Put the printed label of each coded category in place of its code, in place: the row's
    ``<column>_label`` where the table has one, else the schema's enum ``categories`` label (an
    ``indicator``'s from the ``indicators`` register); the codes are kept under ``CODES`` for the
    hover text."""
    fields = {str(f.get("name")): f for f in schema.get("fields", []) if isinstance(f, dict)}
    given = {c: indicator_labels() if c == "indicator" else
             {str(k["value"]): str(k["label"]) for k in fields.get(c, {}).get("categories", []) if isinstance(k, dict) and "label" in k}
             for c in columns}
    for r in rows:
        codes = []
        for c in columns:
            code = _text(r.get(c))
            label = _text(r.get(f"{c}_label")) or given[c].get(code, "")
            if code and label and label != code:
                r[c] = label
                codes.append(code)
        if codes:
            r[CODES] = "; ".join(codes)


def fit(label: str, room: int) -> str:
    """A label cut to ``room`` characters, the longest of its " / " parts first (so that the
    part that tells two labels apart, often the last, stays), with an ellipsis where cut."""
    if len(label) <= room:
        return label
    parts = label.split(" / ")
    keep = [len(p) for p in parts]  # how much of each part stays: the longest loses a character at a time
    while sum(keep) + 3 * (len(parts) - 1) > room and max(keep) > 6:
        keep[keep.index(max(keep))] -= 1
    short = " / ".join(p if len(p) <= k else p[: k - 1].rstrip() + "\u2026" for p, k in zip(parts, keep))
    return short if len(short) <= room else short[: room - 1] + "\u2026"


def _two_lines(label: str, room: int) -> list[str]:
    """A long label on two lines, broken at the " / " nearest its middle, each line fitted to ``room``."""
    parts = label.split(" / ")
    if len(parts) < 2:
        return [fit(label, room)]
    cut = min(range(1, len(parts)), key=lambda k: abs(len(" / ".join(parts[:k])) - len(" / ".join(parts[k:]))))
    return [fit(" / ".join(parts[:cut]) + " /", room), fit(" / ".join(parts[cut:]), room)]


def _hover(row: dict[str, Any], label: str) -> str:
    printed = _text(row.get("as_printed")) or "no number printed"
    if _text(row.get(CODES)):
        label = f"{label} [{_text(row.get(CODES))}]"
    return f"{label}: {printed} - source: {_source(row)}; printed page {_text(row.get('page'))}, line {_text(row.get('line'))}"


def _label(row: dict[str, Any], dims: list[str], several_indicators: bool, countries: bool = True) -> str:
    countries = countries and "-no-country" not in dims
    parts = [_text(row.get(d)) for d in dims if d != "-no-country" and _text(row.get(d))]
    if several_indicators:
        parts.append(_text(row.get("indicator")))
    if parts and countries and _text(row.get("iso3")):
        parts.append(_text(row.get("iso3")))
    if not parts:
        parts.append(_text(row.get("iso3")) or _text(row.get("place")) or _text(row.get("indicator")))
    return " / ".join(parts)


def chart(name: str, frame: pd.DataFrame, schema: dict[str, Any]) -> tuple[str | None, str]:
    """The chart of a table as inline SVG and its caption (also its alt text), or None and the
    reason the table has no chart."""
    if not holds_observations(schema):
        from cadata import site_timeline

        if site_timeline.dated(schema):
            return site_timeline.timeline(name, frame, schema)
        return None, (
            f"No chart: {name} is a register (its rows are texts, codes and references, not printed "
            "quantities on a common axis); its rows are listed below."
        )
    rows = [{str(k): v for k, v in r.items()} for r in frame.astype(object).where(frame.notna(), None).to_dict(orient="records")]
    numeric = [r for r in rows if _num(r.get("low")) is not None or _num(r.get("high")) is not None]
    if not numeric:
        return None, f"No chart: no row of {name} prints a number (the printed words are in the table below)."
    dims = dimensions(schema)
    relabel(rows, schema, [*dims, "indicator"])  # axes, legends and direct labels in the printed words, the codes in the hover text
    # the unit most rows share; a date (calendar_year) only when nothing else is printed: dates are not a quantity axis
    units = sorted({_text(r.get("unit")) for r in numeric},
                   key=lambda u: (u in DATE_UNITS, -sum(_text(r.get("unit")) == u for r in numeric), u))
    unit = units[0]
    chosen = [r for r in rows if _text(r.get("unit")) == unit]
    indicators = sorted({_text(r.get("indicator")) for r in chosen})
    if len(indicators) > MAX_INDICATORS or len(chosen) > MAX_ROWS:
        return None, (
            f"No chart: {name} holds {len(rows)} numbers of {len({_text(r.get('indicator')) for r in rows})} "
            "different indicators; they share no axis. Each is charted with its own kind in the table it comes from."
        )
    rest = len(rows) - len(chosen)
    other = f" {rest} row(s) in other units ({', '.join(units[1:]) or 'none'}) are in the table below." if rest else ""
    if len({_text(r.get("iso3")) for r in chosen}) < 2:
        dims = [*dims, "-no-country"]
    several = len(indicators) > 1
    years = {r.get("year_start") for r in chosen if r.get("year_start") is not None and r.get("year_start") == r.get("year_end")}
    keys = [(_label(r, dims, several), r.get("year_start")) for r in chosen]
    from cadata import site_bars

    split = site_bars.partition(chosen, dims) if unit == "percent" else None
    draw: Callable[[bool], tuple[str, str]]
    if split is not None:
        draw = partial(site_bars.stacked, chosen, split[0], split[1], unit)
    elif len(years) >= 3 and len(set(keys)) == len(keys) and all(r.get("year_start") in years for r in chosen):
        draw = partial(_lines, chosen, dims, several, unit)
    elif unit == "percent" and len(chosen) >= 2:
        draw = partial(site_bars.grouped, chosen, dims, several, unit, True)
    elif _breakdown(chosen, dims, several):
        draw = partial(site_bars.grouped, chosen, dims, several, unit, False)
    else:
        draw = partial(_ranges, chosen, dims, several, unit)
    svg, caption = both(draw)
    return svg, caption + other


def both(draw: Callable[[bool], tuple[str, str]]) -> tuple[str, str]:
    """The wide chart and the narrow one (for phones; CSS shows one of them), and the caption."""
    wide, caption = draw(False)
    narrow, _ = draw(True)
    return wide + narrow, caption


def _breakdown(rows: list[dict[str, Any]], dims: list[str], several: bool) -> bool:
    """Counts of one indicator split by a dimension and a sub-dimension (a study's breakdown: two or
    more rows per value of the first dimension), each from one source: grouped bars, not a range plot."""
    real = [d for d in dims if d != "-no-country"]
    if several or len(real) < 2 or len({_source(r) for r in rows}) > 1:
        return False
    groups = {_text(r.get(real[0])) for r in rows}
    return len(rows) >= 2 * len(groups)


# --- line chart ---------------------------------------------------------------------------------


def _lines(rows: list[dict[str, Any]], dims: list[str], several: bool, unit: str, narrow: bool = False) -> tuple[str, str]:
    series: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        series.setdefault(_label(r, dims, several), []).append(r)
    years = sorted({int(r["year_start"]) for r in rows})
    values = [v for r in rows for v in (_num(r.get("low")), _num(r.get("high"))) if v is not None]
    top = max(values) * 1.08 if values else 1.0
    # wide: labels at the lines' ends; narrow (phone): a legend under the chart
    width, left, right, plot_top, plot_h = (NARROW, 52, 16, 20, 220) if narrow else (900, 60, 250, 20, 300)
    plot_w = width - left - right
    height = plot_top + plot_h + 40 + (16 * len(series) + 8 if narrow else 0)

    def x(year: float) -> float:
        return left + (year - years[0]) / max(years[-1] - years[0], 1) * plot_w

    def y(value: float) -> float:
        return plot_top + plot_h - value / top * plot_h

    out = [_axes_y(left, plot_top, plot_w, plot_h, top, y, unit)]
    ends: list[tuple[float, float, str, str]] = []
    used: set[str] = set()  # the kinds of mark drawn, for the caption
    for year in years:
        out.append(f'<text x="{x(year):.1f}" y="{plot_top + plot_h + 18}" text-anchor="middle" font-size="12">{year}</text>')
    for k, (label, members) in enumerate(sorted(series.items())):
        colour = COLOURS[k % len(COLOURS)]
        members.sort(key=lambda r: int(r["year_start"]))
        points: list[tuple[float, float]] = []
        for r in members:
            low, high = _num(r.get("low")), _num(r.get("high"))
            px = x(int(r["year_start"]))
            title = f"<title>{html.escape(_hover(r, label + ', ' + str(r['year_start'])))}</title>"
            if low is not None and high is not None:
                mid = (low + high) / 2
                points.append((px, y(mid)))
                if low != high:
                    used.add("range")
                    out.append(f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{y(low):.1f}" y2="{y(high):.1f}" stroke="{colour}" stroke-width="3">{title}</line>')
                out.append(f'<circle cx="{px:.1f}" cy="{y(mid):.1f}" r="4" fill="{colour}">{title}</circle>')
            elif low is not None or high is not None:
                bound = low if low is not None else high
                assert bound is not None
                used.add("open")
                out.append(_arrow(px, y(bound), px, y(bound) + (-25 if low is not None else 25), title))
            else:
                used.add("missing")
                out.append(f'<text x="{px:.1f}" y="{plot_top + plot_h - 4}" font-size="10" fill="#777" text-anchor="middle">not printed{title}</text>')
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        if points:
            ends.append((points[-1][1], points[-1][0], colour, label))
    last = -1e9
    for n, (py, px, colour, label) in enumerate(sorted(ends)):  # direct labels at the lines' ends, kept apart
        if narrow:
            ly = plot_top + plot_h + 40 + 16 * n
            out.append(f'<rect x="4" y="{ly}" width="12" height="3" fill="{colour}"/>'
                       f'<text x="22" y="{ly + 5}" font-size="11" fill="{colour}">{html.escape(fit(label, 52))}</text>')
            continue
        last = max(py, last + 12)
        out.append(f'<text x="{px + 8:.1f}" y="{last + 4:.1f}" font-size="11" fill="{colour}">{html.escape(fit(label, 38))}</text>')
    caption = (
        f"Line chart: {len(series)} series ({', '.join(sorted(series)[:6])}{', ...' if len(series) > 6 else ''}), "
        f"{unit} by year, {years[0]}-{years[-1]}" + marks(used, {"range": "a vertical bar is a printed range", "open": "an arrow is an open bound",
                                                                 "missing": "\"not printed\" is a year with no number"})
    )
    return _svg(width, height, caption, out, narrow), caption


# --- range plot ---------------------------------------------------------------------------------


def _ranges(rows: list[dict[str, Any]], dims: list[str], several: bool, unit: str, narrow: bool = False) -> tuple[str, str]:
    rows = sorted(rows, key=lambda r: (_label(r, dims, several), _text(r.get("attributed_to"))))
    values = [v for r in rows for v in (_num(r.get("low")), _num(r.get("high"))) if v is not None]
    positive = [v for v in values if v > 0]
    log = bool(positive) and min(values) > 0 and max(positive) / min(positive) > 50
    top = max(values) * (1.6 if log else 1.15) if values else 1.0
    bottom = min(positive) / 1.6 if log else 0.0
    share = unit == "percent"
    # wide: group labels in a column on the left, direct labels right of the marks; narrow (phone):
    # each group's label on a line above it, each mark's direct label on a line above the mark
    width, left, right, plot_top, row_h = (NARROW, 8, 8, 24, 28) if narrow else (960, 260, 270, 24, 18)
    plot_w = width - left - right
    labels = [_label(r, dims, several) for r in rows]
    two = not narrow and any(len(label) > 42 for label in labels)  # long group labels take two lines: taller rows
    if two:
        row_h = 24
    plot_h = row_h * len(rows) + (HEAD_H * len(set(labels)) if narrow else 0)
    height = plot_top + plot_h + 40

    def x(value: float) -> float:
        if log:
            return left + (math.log10(max(value, bottom)) - math.log10(bottom)) / (math.log10(top) - math.log10(bottom)) * plot_w
        return left + value / top * plot_w

    out = [_axes_x(left, plot_top, plot_w, plot_h, bottom, top, x, unit, log)]
    groups: list[str] = []
    used: set[str] = set()  # the kinds of mark drawn, for the caption
    y = float(plot_top)
    for r, label in zip(rows, labels):
        if label not in groups:
            groups.append(label)
            if len(groups) > 1:
                out.append(f'<line x1="0" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
            if narrow:
                short = fit(label, 58)
                out.append(f'<text x="4" y="{y + 13:.1f}" font-size="11" font-weight="bold"><title>{html.escape(label)}</title>{html.escape(short)}</text>')
                y += HEAD_H
            else:
                lines = _two_lines(label, 48) if len(label) > 42 else [label]
                spans = "".join(f'<tspan x="{left - 8}" dy="{0 if k == 0 else 10}">{html.escape(text)}</tspan>' for k, text in enumerate(lines))
                top_y = y + row_h / 2 + 4 - 5 * (len(lines) - 1)
                out.append(f'<text x="{left - 8}" y="{top_y:.1f}" text-anchor="end" font-size="{9.5 if two else 10}"><title>{html.escape(label)}</title>{spans}</text>')
        cy = y + (20 if narrow else row_h / 2)
        colour = COLOURS[(len(groups) - 1) % len(COLOURS)]
        title = f"<title>{html.escape(_hover(r, label))}</title>"
        low, high = _num(r.get("low")), _num(r.get("high"))
        used.add("single" if low is not None and low == high else "range" if low is not None and high is not None
                 else "over" if low is not None else "up_to" if high is not None else "missing")
        if low is not None and high is not None and low == high:
            if share:
                out.append(f'<rect x="{left}" y="{cy - 5:.1f}" width="{max(x(low) - left, 1):.1f}" height="10" fill="{colour}">{title}</rect>')
            else:
                out.append(f'<circle cx="{x(low):.1f}" cy="{cy:.1f}" r="4.5" fill="{colour}">{title}</circle>')
            end = x(low)
        elif low is not None and high is not None:
            out.append(f'<line x1="{x(low):.1f}" x2="{x(high):.1f}" y1="{cy:.1f}" y2="{cy:.1f}" stroke="{colour}" stroke-width="5" stroke-linecap="butt">{title}</line>')
            end = x(high)
        elif low is not None:  # over n: open to the right
            out.append(_arrow(x(low), cy, left + plot_w, cy, title))
            end = left + plot_w
        elif high is not None:  # up to n: open to the left
            out.append(_arrow(x(high), cy, max(left, x(high) - plot_w * 0.25), cy, title))
            end = x(high)
        else:
            out.append(f'<text x="{left + 4}" y="{cy + 4:.1f}" font-size="10" font-style="italic" fill="#777">not printed ({html.escape(_text(r.get("as_printed")) or "no number")}){title}</text>')
            end = left + 150
        direct = _direct(r, 64 if narrow else 46)
        if narrow:
            out.append(f'<text x="{left}" y="{y + 10:.1f}" font-size="10" fill="#333">{html.escape(direct)}</text>')
        else:
            out.append(f'<text x="{end + 7:.1f}" y="{cy + 4:.1f}" font-size="10" fill="#333">{html.escape(direct)}</text>')
        y += row_h
    caption = (
        f"Range plot of {len(rows)} printed numbers ({unit}{', log scale' if log else ''}) for "
        f"{len(groups)} group(s) ({', '.join(groups[:5])}{', ...' if len(groups) > 5 else ''}), one labelled mark per source"
        + marks(used, {"range": "a bar from low to high is a range", "single": "a bar from 0 is a single share" if share else "a dot is a single number",
                       "over": "an open red arrow to the right is \"over n\"", "up_to": "an open red arrow to the left is \"up to n\"",
                       "missing": "\"not printed\" is a row where the source prints no number"})
    )
    return _svg(width, height, caption, out, narrow), caption


# --- pieces -------------------------------------------------------------------------------------


def marks(used: set[str], meanings: dict[str, str]) -> str:
    """The caption's key to the kinds of mark a chart draws: only those it uses (in the order of
    ``meanings``), as "; a is x, b y." or "." when it draws none of them."""
    said = [meaning for kind, meaning in meanings.items() if kind in used]
    return ("; " + ", ".join(said) if said else "") + "."


def _arrow(x1: float, y1: float, x2: float, y2: float, title: str) -> str:
    return (
        f'<g class="open">{title}<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{OPEN_COLOUR}" '
        f'stroke-width="2.5" stroke-dasharray="5 3" marker-end="url(#open-end)"/>'
        f'<line x1="{x1:.1f}" x2="{x1:.1f}" y1="{y1 - 6:.1f}" y2="{y1 + 6:.1f}" stroke="{OPEN_COLOUR}" stroke-width="2.5"/></g>'
    )


def _ticks(low: float, high: float, log: bool) -> list[float]:
    if log:
        return [10.0**e for e in range(math.ceil(math.log10(low)), math.floor(math.log10(high)) + 1)]
    step = 10 ** math.floor(math.log10(high / 5)) if high > 0 else 1
    for m in (1, 2, 5, 10):
        if high / (step * m) <= 6:
            step *= m
            break
    return [step * i for i in range(int(high / step) + 1)]


def _axes_x(left: float, top: float, w: float, h: float, low: float, high: float, x: Any, unit: str, log: bool) -> str:
    parts = [f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + h}" stroke="#999"/>']
    for t in _ticks(low if log else 0.0, high, log):
        parts.append(f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{top}" y2="{top + h}" stroke="#eee"/>')
        parts.append(f'<text x="{x(t):.1f}" y="{top + h + 16}" text-anchor="middle" font-size="11">{_fmt(t)}</text>')
    parts.append(f'<text x="{left + w / 2:.1f}" y="{top + h + 34}" text-anchor="middle" font-size="12">{html.escape(unit)}{" (log scale)" if log else ""}</text>')
    return "".join(parts)


def _axes_y(left: float, top: float, w: float, h: float, high: float, y: Any, unit: str) -> str:
    parts = [f'<line x1="{left}" x2="{left + w}" y1="{top + h}" y2="{top + h}" stroke="#999"/>']
    for t in _ticks(0.0, high, False):
        parts.append(f'<line x1="{left}" x2="{left + w}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="#eee"/>')
        parts.append(f'<text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end" font-size="11">{_fmt(t)}</text>')
    parts.append(f'<text x="12" y="{top + h / 2:.1f}" font-size="12" transform="rotate(-90 12 {top + h / 2:.1f})" text-anchor="middle">{html.escape(unit)}</text>')
    return "".join(parts)


def _svg(width: int, height: float, caption: str, parts: list[str], narrow: bool = False) -> str:
    """One chart; a narrow one (for phones) has its own marker id, as both are in the page."""
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {"narrow" if narrow else "wide"}" role="img" viewBox="0 0 {width} {height:.0f}" '
        f'width="{width}" height="{height:.0f}" font-family="system-ui,sans-serif" aria-label="{html.escape(caption)}">'
        f"<title>{html.escape(caption)}</title>"
        '<defs><marker id="open-end" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10" fill="none" stroke="{OPEN_COLOUR}" stroke-width="2"/></marker></defs>'
        + "".join(parts)
        + "</svg>"
    )
    return svg.replace('id="open-end"', 'id="open-end-n"').replace("url(#open-end)", "url(#open-end-n)") if narrow else svg
