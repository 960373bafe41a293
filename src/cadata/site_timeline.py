"""The site's timeline chart for registers of dated events, plain inline SVG.

A register is dated when its schema has a ``date`` field (ISO dates, partial ones allowed:
``1975``, ``2018-07``, ``2018-07-07``; with ``date_end`` and ``date_precision``) or a
``year`` field (with ``month`` and ``year_qualifier``). One lane per event type (or per place),
one mark per event at its date: a dot for a day, month or year, a bar for a span to its end
date, an unfilled bar for a decade, an open arrow to the left for "by <year>" (at the latest).
Every mark has an SVG ``<title>`` naming the event, its date as printed, printed page and line.
"""

from __future__ import annotations

import html
from typing import Any

from cadata.site_charts import CODES, COLOURS, NARROW, OPEN_COLOUR, _svg, _text, fit, marks, relabel

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]


def dated(schema: dict[str, Any]) -> bool:
    names = {f.get("name") for f in schema.get("fields", []) if isinstance(f, dict)}
    return "date" in names or "year" in names


def _decimal(text: str) -> float | None:
    """A partial ISO date as a fractional year (the middle of its month or day)."""
    parts = text.split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else None
        day = int(parts[2]) if len(parts) > 2 else None
    except ValueError:
        return None
    if month is None:
        return year + 0.5
    return year + (month - 1 + ((day - 0.5) / 31 if day else 0.5)) / 12


def _when(row: dict[str, Any]) -> tuple[float, float | None, str] | None:
    """(start, end or None, kind) of a row; kind is point, span, decade or by."""
    if _text(row.get("date")):
        start = _decimal(_text(row["date"]))
        if start is None:
            return None
        if _text(row.get("date_precision")) == "decade":
            first = int(_text(row["date"])[:4])
            last = int(_text(row.get("date_end"))[:4]) if _text(row.get("date_end")) else first + 9
            return float(first), float(last + 1), "decade"
        end = _decimal(_text(row["date_end"])) if _text(row.get("date_end")) else None
        return (start, end, "span") if end is not None and end > start else (start, None, "point")
    if _text(row.get("year")):
        year = int(float(_text(row["year"])))
        month = _text(row.get("month")).lower()
        at = year + (MONTHS.index(month) + 0.5) / 12 if month in MONTHS else year + 0.5
        return at, None, "by" if _text(row.get("year_qualifier")) == "by" else "point"
    return None


def _printed(row: dict[str, Any]) -> str:
    return _text(row.get("date_as_printed")) or _text(row.get("as_printed")) or " ".join(
        t for t in (_text(row.get("year_qualifier")), _text(row.get("month")), _text(row.get("year"))) if t)


def timeline(name: str, frame: Any, schema: dict[str, Any] | None = None) -> tuple[str | None, str]:
    """A timeline of a dated register (wide, and narrow for phones), or None and the reason."""
    from cadata.site_charts import both

    rows = [{str(k): v for k, v in r.items()} for r in frame.astype(object).where(frame.notna(), None).to_dict(orient="records")]
    relabel(rows, schema or {}, [c for c in ("event_type", "event") if c in frame.columns])  # printed labels; codes in the hover
    if not any(_when(r) is not None for r in rows):
        return None, f"No chart: no row of {name} has a date that can be placed on a time axis; its rows are listed below."
    return both(lambda narrow: _draw(name, frame, rows, narrow))


def _draw(name: str, frame: Any, rows: list[dict[str, Any]], narrow: bool) -> tuple[str, str]:
    """Lanes with their labels on the left (wide) or above them (narrow)."""
    placed = [(r, w) for r in rows for w in [_when(r)] if w is not None]
    lane_col = next(c for c in ("event_type", "place", "iso3", "event") if c in frame.columns or c == "event")
    lanes = sorted({_text(r.get(lane_col)) or "(none)" for r, _ in placed})
    first = int(min(w[0] for _, w in placed))
    last = int(max(w[1] or w[0] for _, w in placed)) + 1
    first = min(first, last - 5)
    width, left, right, plot_top, lane_h = (NARROW, 10, 10, 20, 32) if narrow else (960, 200, 20, 20, 24)
    plot_w = width - left - right
    plot_h = lane_h * len(lanes)
    height = plot_top + plot_h + 40

    def x(year: float) -> float:
        return left + (year - first) / (last - first) * plot_w

    step = next(s for s in (1, 2, 5, 10, 20, 25, 50) if (last - first) / s <= (6 if narrow else 12))
    out = []
    for year in range(first - first % step + (step if first % step else 0), last + 1, step):
        out.append(f'<line x1="{x(year):.1f}" x2="{x(year):.1f}" y1="{plot_top}" y2="{plot_top + plot_h}" stroke="#eee"/>'
                   f'<text x="{x(year):.1f}" y="{plot_top + plot_h + 16}" text-anchor="middle" font-size="11">{year}</text>')
    out.append(f'<text x="{left + plot_w / 2:.1f}" y="{plot_top + plot_h + 34}" text-anchor="middle" font-size="12">year</text>')
    for k, lane in enumerate(lanes):
        cy = plot_top + k * lane_h + (22 if narrow else lane_h / 2)
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{cy:.1f}" y2="{cy:.1f}" stroke="#ddd"/>')
        if narrow:
            out.append(f'<text x="{left}" y="{cy - 10:.1f}" font-size="11">{html.escape(fit(lane, 50))}</text>')
        else:
            out.append(f'<text x="{left - 8}" y="{cy + 4:.1f}" text-anchor="end" font-size="11">{html.escape(fit(lane, 30))}</text>')
    for r, (start, end, kind) in placed:
        k = lanes.index(_text(r.get(lane_col)) or "(none)")
        colour = COLOURS[k % len(COLOURS)]
        cy = plot_top + k * lane_h + (22 if narrow else lane_h / 2)
        what = _text(r.get("event")) or _text(r.get(lane_col))
        where = _text(r.get("place"))
        hover = f"{_printed(r)}: {what}" + (f" ({where})" if where else "") + (f" [{_text(r.get(CODES))}]" if _text(r.get(CODES)) else "")
        hover += f" - printed page {_text(r.get('page'))}, line {_text(r.get('line'))}"
        title = f"<title>{html.escape(hover)}</title>"
        if kind == "decade" and end is not None:
            out.append(f'<rect x="{x(start):.1f}" y="{cy - 5:.1f}" width="{x(end) - x(start):.1f}" height="10" fill="none" stroke="{colour}" stroke-width="1.5">{title}</rect>')
        elif kind == "span" and end is not None:
            out.append(f'<line x1="{x(start):.1f}" x2="{x(end):.1f}" y1="{cy:.1f}" y2="{cy:.1f}" stroke="{colour}" stroke-width="6">{title}</line>')
        elif kind == "by":
            out.append(f'<g class="open">{title}<line x1="{x(start):.1f}" x2="{x(start) - 30:.1f}" y1="{cy:.1f}" y2="{cy:.1f}" stroke="{OPEN_COLOUR}" '
                       f'stroke-width="2" stroke-dasharray="4 2" marker-end="url(#open-end)"/><circle cx="{x(start):.1f}" cy="{cy:.1f}" r="4" fill="{OPEN_COLOUR}"/></g>')
        else:
            out.append(f'<circle cx="{x(start):.1f}" cy="{cy:.1f}" r="4" fill="{colour}" fill-opacity="0.7">{title}</circle>')
    undated = len(rows) - len(placed)
    shown_last = int(max((w[1] - 0.01) if w[1] is not None else w[0] for _, w in placed))
    caption = (
        f"Timeline of {len(placed)} dated rows of {name}, {int(min(w[0] for _, w in placed))}-{shown_last}, one lane per {lane_col.replace('_', ' ')} "
        f"({', '.join(lanes[:6])}{', ...' if len(lanes) > 6 else ''})"
        + marks({kind for _, (_, _, kind) in placed}, {"point": "a dot is an event at its day, month or year", "span": "a filled bar is a span to its end date",
                                                     "decade": "an unfilled bar is a decade", "by": "an open red arrow is \"by <year>\" (at the latest)"})
        + (f" {undated} row(s) without a date are in the table below." if undated else "")
    )
    return _svg(width, height, caption, out, narrow), caption
