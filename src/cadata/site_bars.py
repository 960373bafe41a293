"""The site's bar charts for shares and breakdowns, plain inline SVG (chosen in ``cadata.site_charts``).

- ``stacked``: parts of a whole. Percent rows whose categories (a dimension column) add up to
  100 within each whole (a year, a country): one bar per whole, one segment per category, a
  legend of the categories. A category printed as "-" or with no number gets no segment and
  is named as "not printed" beside its bar (never a zero-width part).
- ``grouped``: shares or counts of a breakdown that are not parts of one whole: one bar from 0
  per row, grouped (by indicator or the first dimension), each labelled directly with its
  number as printed. A range is a bar to its low end and a whisker to its high end, "over n"
  a bar to n and an open dashed arrow beyond, "up to n" an unfilled bar to n; no number is
  the words "not printed", no bar.

Every mark has an SVG ``<title>`` naming its source, printed page and line.
"""

from __future__ import annotations

import html
from typing import Any

from cadata.site_charts import COLOURS, NARROW, OPEN_COLOUR, _arrow, _axes_x, _fmt, _hover, _label, _num, _svg, _text, fit, marks

#: A whole whose printed parts add up to 100 within this (rounding in the source) is a partition.
PARTITION_TOLERANCE = 1.5


def partition(rows: list[dict[str, Any]], dims: list[str]) -> tuple[str, list[str]] | None:
    """(the dimension that splits a whole, the columns that name a whole) when the percent rows
    are parts of wholes: every whole has two or more parts, one per value of that dimension,
    and the printed single numbers of each whole add up to 100. None otherwise."""
    for part in (d for d in dims if d != "-no-country"):
        whole_keys = [c for c in ("indicator", "iso3", "year_start", "year_end", *dims) if c not in (part, "-no-country")]
        wholes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for r in rows:
            wholes.setdefault(tuple(_text(r.get(c)) for c in whole_keys), []).append(r)
        ok = len(wholes) >= 1
        for members in wholes.values():
            if len(members) < 2 or len({_text(r.get(part)) for r in members}) != len(members):
                ok = False
                break
            singles = [_num(r.get("low")) for r in members if _num(r.get("low")) is not None and _num(r.get("low")) == _num(r.get("high"))]
            if abs(sum(v for v in singles if v is not None) - 100.0) > PARTITION_TOLERANCE:
                ok = False
                break
        if ok:
            varying = [c for c in whole_keys if len({_text(r.get(c)) for r in rows}) > 1]
            if "year_start" in varying and all(_text(r.get("year_end")) == _text(r.get("year_start")) for r in rows):
                varying.remove("year_end")
            return part, varying
    return None


def stacked(rows: list[dict[str, Any]], part: str, whole_keys: list[str], unit: str, narrow: bool = False) -> tuple[str, str]:
    """One bar per whole (0-100), one segment per part; narrow: for phones, the legend in one column."""
    def whole_of(r: dict[str, Any]) -> str:
        return " / ".join(_text(r.get(c)) for c in whole_keys) or "all"

    wholes: dict[str, list[dict[str, Any]]] = {}
    for r in sorted(rows, key=lambda r: [_text(r.get(c)) for c in whole_keys]):
        wholes.setdefault(whole_of(r), []).append(r)
    parts: list[str] = []
    for r in rows:  # legend order: the largest parts first (by their total)
        if _text(r.get(part)) not in parts:
            parts.append(_text(r.get(part)))
    totals = {p: sum(_num(r.get("low")) or 0.0 for r in rows if _text(r.get(part)) == p) for p in parts}
    parts.sort(key=lambda p: -totals[p])
    colour = {p: COLOURS[k % len(COLOURS)] for k, p in enumerate(parts)}
    width, left, plot_w, plot_top, bar_h, gap = (NARROW, 44, 320, 24, 24, 10) if narrow else (720, 70, 600, 24, 26, 10)
    plot_h = len(wholes) * (bar_h + gap)
    legend_top, columns = plot_top + plot_h + 52, 1 if narrow else 3  # the legend under the bars
    height = legend_top + 18 * -(-len(parts) // columns) + 8

    def x(value: float) -> float:
        return left + value / 100.0 * plot_w

    out = [_axes_x(left, plot_top, plot_w, plot_h, 0.0, 100.0, x, unit, False)]
    used: set[str] = set()  # the kinds of mark drawn, for the caption
    for k, (whole, members) in enumerate(wholes.items()):
        y = plot_top + k * (bar_h + gap) + gap / 2
        out.append(f'<text x="{left - 8}" y="{y + bar_h / 2 + 4:.1f}" text-anchor="end" font-size="12">{html.escape(whole)}</text>')
        at = 0.0
        missing: list[str] = []
        by_part = {_text(r.get(part)): r for r in members}
        for p in parts:
            if p not in by_part:
                continue
            r = by_part[p]
            low, high = _num(r.get("low")), _num(r.get("high"))
            title = f"<title>{html.escape(_hover(r, p + ', ' + whole))}</title>"
            if low is None or high is None or low != high:
                missing.append(f"{p}: {_text(r.get('as_printed')) or 'no number'}")
                continue
            w = x(at + low) - x(at)
            out.append(f'<rect x="{x(at):.1f}" y="{y:.1f}" width="{max(w, 0.5):.1f}" height="{bar_h}" fill="{colour[p]}" stroke="#fff" stroke-width="0.5">{title}</rect>')
            if w > 34:
                out.append(f'<text x="{x(at) + w / 2:.1f}" y="{y + bar_h / 2 + 4:.1f}" text-anchor="middle" font-size="10" fill="#fff">{_fmt(low)}{title}</text>')
            at += low
        if missing:
            used.add("missing")
            out.append(f'<text x="{left + 4}" y="{y + bar_h + 9:.1f}" font-size="9" font-style="italic" fill="#777">'
                       f'not printed: {html.escape("; ".join(missing)[:60])}</text>')
    for k, p in enumerate(parts):
        lx, ly = 10 + (k % columns) * 235, legend_top + (k // columns) * 18
        out.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{colour[p]}"/>'
                   f'<text x="{lx + 18}" y="{ly + 10}" font-size="11"><title>{html.escape(p)}</title>{html.escape(fit(p, 56 if narrow else 34))}</text>')
    caption = (
        f"Stacked bar chart: {len(wholes)} bar(s) ({', '.join(list(wholes)[:8])}{', ...' if len(wholes) > 8 else ''}), each "
        f"100 {unit} split into its {len(parts)} {part} parts ({', '.join(parts[:8])}{', ...' if len(parts) > 8 else ''})"
        + marks(used, {"missing": "a part printed without a number gets no segment and is named \"not printed\" under its bar"})
    )
    return _svg(width, height, caption, out, narrow), caption


def grouped(rows: list[dict[str, Any]], dims: list[str], several: bool, unit: str, share: bool, narrow: bool = False) -> tuple[str, str]:
    """One bar from 0 per row, grouped by indicator (several) or the first dimension; narrow (for
    phones): each bar's label and number on a line above it."""
    repeated = [d for d in dims if d != "-no-country" and len({_text(r.get(d)) for r in rows}) < len(rows)]
    group_col = "indicator" if several or not repeated else repeated[0]

    def member(r: dict[str, Any]) -> str:
        rest = [d for d in dims if d not in (group_col, "-no-country")]
        label = " / ".join(_text(r.get(d)) for d in rest if _text(r.get(d)))
        if _text(r.get("iso3")) and "-no-country" not in dims:
            label = f"{label} / {_text(r.get('iso3'))}" if label else _text(r.get("iso3"))
        return label or _label(r, dims, several)

    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(_text(r.get(group_col)), []).append(r)
    values = [v for r in rows for v in (_num(r.get("low")), _num(r.get("high"))) if v is not None]
    top = 100.0 if share else (max(values) * 1.15 if values and max(values) > 0 else 1.0)
    width, left, plot_w, plot_top, bar_h, head_h = (NARROW, 8, 330, 24, 14, 20) if narrow else (860, 300, 420, 24, 16, 20)
    row_h = bar_h + (16 if narrow else 4)
    lines = sum(len(m) for m in groups.values())
    plot_h = lines * row_h + len(groups) * head_h
    height = plot_top + plot_h + 44

    def x(value: float) -> float:
        return left + min(value, top) / top * plot_w

    out = [_axes_x(left, plot_top, plot_w, plot_h, 0.0, top, x, unit, False)]
    used: set[str] = set()  # the kinds of mark drawn, for the caption
    y = float(plot_top)
    for g, (group, members) in enumerate(groups.items()):
        colour = COLOURS[g % len(COLOURS)]
        short = fit(group, 60)
        out.append(f'<text x="4" y="{y + 14:.1f}" font-size="11" font-weight="bold"><title>{html.escape(group)}</title>{html.escape(short)}</text>')
        y += head_h
        for r in members:
            label = member(r)
            title = f"<title>{html.escape(_hover(r, group + ', ' + label))}</title>"
            if narrow:  # the label and the number as printed above the bar
                words = f"{label}: {_text(r.get('as_printed'))}" if _text(r.get("as_printed")) else label
                out.append(f'<text x="{left}" y="{y + 10:.1f}" font-size="10"><title>{html.escape(label)}</title>{html.escape(fit(words, 62))}</text>')
                y += 14
            cy = y + bar_h / 2
            short = fit(label, 44)
            if not narrow:
                out.append(f'<text x="{left - 8}" y="{cy + 4:.1f}" text-anchor="end" font-size="10"><title>{html.escape(label)}</title>{html.escape(short)}</text>')
            low, high = _num(r.get("low")), _num(r.get("high"))
            used.add("over" if low is not None and high is None else "range" if low is not None and high != low
                     else "up_to" if low is None and high is not None else "missing" if low is None else "single")
            if low is not None:
                out.append(f'<rect x="{left}" y="{y:.1f}" width="{max(x(low) - left, 1.5):.1f}" height="{bar_h}" fill="{colour}">{title}</rect>')
                end = x(low)
                if high is None:  # over n: open beyond n
                    out.append(_arrow(x(low), cy, min(x(low) + plot_w * 0.2, left + plot_w), cy, title))
                    end = min(x(low) + plot_w * 0.2, left + plot_w)
                elif high != low:  # a range: whisker to the high end
                    out.append(f'<line x1="{x(low):.1f}" x2="{x(high):.1f}" y1="{cy:.1f}" y2="{cy:.1f}" stroke="{colour}" stroke-width="3">{title}</line>'
                               f'<line x1="{x(high):.1f}" x2="{x(high):.1f}" y1="{y:.1f}" y2="{y + bar_h:.1f}" stroke="{colour}" stroke-width="2"/>')
                    end = x(high)
            elif high is not None:  # up to n: an unfilled bar
                out.append(f'<rect x="{left}" y="{y:.1f}" width="{max(x(high) - left, 1.5):.1f}" height="{bar_h}" fill="none" '
                           f'stroke="{OPEN_COLOUR}" stroke-dasharray="4 2">{title}</rect>')
                end = x(high)
            else:
                words = _text(r.get("as_printed")) or _text(r.get("quantity_words")) or "no number"
                out.append(f'<text x="{left + 4}" y="{cy + 4:.1f}" font-size="10" font-style="italic" fill="#777">not printed ({html.escape(words[:40])}){title}</text>')
                end = None
            if end is not None and not narrow:
                out.append(f'<text x="{end + 6:.1f}" y="{cy + 4:.1f}" font-size="10" fill="#333">{html.escape(_text(r.get("as_printed"))[:40])}{title}</text>')
            y += bar_h + (2 if narrow else 4)
    caption = (
        f"Grouped bar chart: {len(rows)} {'shares' if share else 'numbers'} ({unit}) in {len(groups)} group(s) by {group_col} "
        f"({', '.join(list(groups)[:5])}{', ...' if len(groups) > 5 else ''}), one bar from 0 per row, labelled with the number "
        "as printed" + marks(used, {"over": "an open dashed arrow beyond a bar is \"over n\"", "range": "a whisker is the high end of a range",
                                    "up_to": "an unfilled dashed bar is \"up to n\"", "missing": "\"not printed\" is a row with no number (no bar)"})
    )
    return _svg(width, height, caption, out, narrow), caption
