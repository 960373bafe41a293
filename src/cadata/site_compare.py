"""The site's triangulation pages: per indicator and country, every estimate on a time axis.

One page per (indicator, country) that the volume estimates more than once from more than
one source (``cadata.triangulate.comparable``): a chart with one labelled mark per
estimate, its table with the source chains, and the pairs compared by the rules of
``cadata.triangulate``. Written by ``cadata docs`` (``cadata.site.build_site``).
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cadata.triangulate import Comparison

COLOURS = ["#3b6ea5", "#c0504d", "#9bbb59", "#8064a2", "#f79646", "#4bacc6", "#7f7f7f", "#2c4d75", "#772c2a", "#5f7530"]
UNDATED_GAP = 1.5  # years between the last year on the axis and the "undated" column


def _number(value: Any) -> float | None:
    import pandas as pd

    return None if value is None or bool(pd.isna(value)) else float(value)


def chart(comparison: Comparison, path: Path) -> str:
    """Draw the estimates of a comparison on a time axis (SVG); returns the caption.

    x is the year: a single year is a mark at that year, a span a bar along it, a start with
    no stated end ("since 2011") a dashed arrow to the right edge; undated estimates stand in
    a column of their own. y is the number: a range is a vertical bar from low to high, a
    single number a dot, "over n" an arrow up from n, "up to n" an arrow down from n. Each
    mark is labelled with its source and the number as printed.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    frame = comparison.estimates
    starts = [int(v) for v in frame["year_start"].dropna()] + [int(v) for v in frame["year_end"].dropna()]
    first, last = (min(starts), max(starts)) if starts else (2016, 2018)
    first = min(first, last - 2)  # at least three years on the axis, none after the last printed
    undated_x = last + UNDATED_GAP + 0.5
    values = [v for c in ("low", "high") for v in (_number(x) for x in frame[c]) if v is not None]
    top, bottom = (max(values), min(values)) if values else (1.0, 1.0)
    log = bottom > 0 and top / bottom > 20
    reach = top * 0.25 if not log else 0.0  # length of an open bound's arrow (linear axis)

    def tip(y: float, up: bool) -> float:
        if log:
            return y * 1.6 if up else y / 1.6
        return y + reach if up else max(y - reach, 0.0)

    with matplotlib.rc_context({"svg.hashsalt": "cadata", "svg.fonttype": "none"}):
        fig, ax = plt.subplots(figsize=(9, 4.8))
        colours: dict[str, str] = {}
        slots: dict[float, int] = {}
        ys: list[float] = list(values)
        for number, row in enumerate(frame.to_dict("records"), start=1):
            start, end = _number(row["year_start"]), _number(row["year_end"])
            low, high = _number(row["low"]), _number(row["high"])
            y = low if low is not None else high
            if y is None:
                continue
            x0 = undated_x if start is None and end is None else (start if start is not None else end)
            assert x0 is not None
            slot = slots.get(x0, 0)
            slots[x0] = slot + 1
            x = x0 + 0.2 * slot  # marks of one year side by side
            label = str(row["label"])
            colour = colours.setdefault(label, COLOURS[len(colours) % len(COLOURS)])
            if start is not None and end is not None and end > start:
                ax.plot([start, end], [y, y], color=colour, linewidth=5, alpha=0.35, solid_capstyle="butt")
            elif start is not None and end is None:  # since <start>, no end stated: open to the right
                ax.annotate("", xy=(last + 0.6, y), xytext=(x, y),
                            arrowprops={"arrowstyle": "->", "color": colour, "linestyle": "dashed", "alpha": 0.6})
            if low is not None and high is not None and low != high:
                ax.plot([x, x], [low, high], color=colour, linewidth=2.5, marker="_", markersize=10)
            elif low is not None and high is not None:
                ax.plot([x], [low], "o", color=colour, markersize=6)
            else:  # over n: open upwards; up to n: open downwards
                up = low is not None
                ax.plot([x], [y], marker="_", color=colour, markersize=12, markeredgewidth=2.5)
                ax.annotate("", xy=(x, tip(y, up)), xytext=(x, y), arrowprops={"arrowstyle": "-|>", "color": colour, "linewidth": 2})
                ys.append(tip(y, up))
            ax.annotate(str(number), (x, y), xytext=(5, 2), textcoords="offset points", fontsize=8, fontweight="bold", color=colour)
        ax.axvline(last + UNDATED_GAP - 0.25, color="#999999", linestyle=":", linewidth=1)
        ticks = list(range(first, last + 1))
        ax.set_xticks([*ticks, undated_x], [*map(str, ticks), "undated"])
        ax.set_xlim(first - 0.5, undated_x + 1.2)
        if log:
            ax.set_yscale("log")
            ax.set_ylim(min(ys) / 1.3, max(ys) * 1.3)
        else:
            ax.set_ylim(0, max(ys) * 1.1)
        legend = [
            f"{n}. {r['label']}: {r['as_printed']} ({r['years']})" for n, r in enumerate(frame.to_dict("records"), start=1)
        ]
        ax.text(1.02, 1.0, "\n".join(legend), transform=ax.transAxes, fontsize=7.5, va="top", ha="left")
        ax.set(title=f"{comparison.label}, {comparison.iso3}: every estimate in the volume",
               xlabel="year the estimate refers to", ylabel=comparison.unit)
        fig.savefig(path, format="svg", metadata={"Date": None}, bbox_inches="tight")
        plt.close(fig)
    return (
        f"Every estimate of {comparison.label.lower()} ({comparison.indicator}) for {comparison.iso3}, one labelled mark per "
        "source, numbered as in the list beside it: a dot is a single number, a vertical bar a range from low to high, an arrow up \"over n\" (open-ended), an "
        "arrow down \"as many as n\"; a shaded bar spans the years of an estimate, a dashed arrow a start with no end stated "
        "(\"since 2011\"); undated estimates stand in the last column."
    )


def _table(rows: list[list[str]], head: list[str]) -> str:
    cells = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return "<div class=\"scroll\"><table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + f"</tr>{cells}</table></div>"


def _text(value: Any) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return ""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return f"{int(value):,}"
    return str(value)


def page(comparison: Comparison, chart_src: str, caption: str) -> str:
    """The HTML body of one comparison page."""
    est, pairs = comparison.estimates, comparison.pairs
    parts = [
        f"<h1>{html.escape(comparison.label)}: {html.escape(str(comparison.iso3))}</h1>",
        f"<p><code>cadata compare {html.escape(comparison.indicator)} --iso3 {html.escape(str(comparison.iso3))}</code> &middot; "
        f"{len(est)} estimates &middot; {int(pairs['conflict'].sum()) if len(pairs) else 0} conflicting pairs</p>",
        f"<figure><img src=\"{html.escape(chart_src)}\" alt=\"{html.escape(caption)}\"><figcaption>{html.escape(caption)}</figcaption></figure>",
        "<h2>Estimates and their sources</h2>",
        _table([[_text(r[c]) for c in ("fact_id", "as_printed", "years", "place", "label", "chain")] for r in est.to_dict("records")],
               ["fact", "as printed", "years", "place", "source", "source chain: paper \u2192 source \u2192 footnote \u2192 source it names"]),
        "<h2>Pairs</h2><p>Same country; <em>ranges</em> compares the printed bounds, <em>years</em> the years they refer to "
        "(<em>undated</em>: one has no year, so the pair cannot be placed in time); a <em>conflict</em> is disjoint ranges whose "
        "years are not disjoint. <em>errata</em> are the volume's errata that list both rows. Rules: docs/triangulation.md.</p>",
        _table([[_text(r[c]) for c in ("a_label", "a_as_printed", "a_years", "b_label", "b_as_printed", "b_years", "years",
                                        "ranges", "conflict", "requoted", "errata")] for r in pairs.to_dict("records")],
               ["source", "as printed", "years", "source", "as printed", "years", "years", "ranges", "conflict", "re-quoted", "errata"]),
    ]
    return "\n".join(parts)


def write(folder: Path, render_page: Callable[[str, str, str], str]) -> str:
    """Write compare/*.html and charts/compare/*.svg under ``folder``; returns the index section."""
    from cadata.triangulate import comparable, compare

    (folder / "compare").mkdir(exist_ok=True)
    (folder / "charts" / "compare").mkdir(parents=True, exist_ok=True)
    items = []
    for indicator, iso3 in comparable():
        comparison = compare(indicator, iso3=iso3)
        name = f"{indicator}-{iso3}"
        caption = chart(comparison, folder / "charts" / "compare" / f"{name}.svg")
        body = page(comparison, f"../charts/compare/{name}.svg", caption)
        (folder / "compare" / f"{name}.html").write_text(render_page(f"{name} - cadata", body, "../"), encoding="utf-8")
        conflicts = int(comparison.pairs["conflict"].sum()) if len(comparison.pairs) else 0
        items.append(
            f"<tr><td><a href=\"compare/{name}.html\">{html.escape(comparison.label)}</a></td><td>{iso3}</td>"
            f"<td>{len(comparison.estimates)}</td><td>{conflicts}</td></tr>"
        )
    return (
        "<h2>Estimates side by side</h2><p>Every estimate of one quantity for one country, from every paper, with where it "
        "came from and where the estimates disagree (<code>cadata compare</code>).</p>"
        f"<table><tr><th>quantity</th><th>country</th><th>estimates</th><th>conflicting pairs</th></tr>{''.join(items)}</table>"
    )
