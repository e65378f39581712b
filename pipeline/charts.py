"""The documents' charts: what a chart shows (data, built with the report's text) and its picture.

``BarChart`` (the year's percent indicators against the level required) and ``TrendChart`` (each
rate indicator's yearly values against its milestone path) are plain data in a document's
context; ``draw`` turns one into a metadata-free PNG when the document is rendered
(``report_docx.render_docx``). The same data always gives the same bytes.
"""

from __future__ import annotations

import functools
import io
import textwrap
from dataclasses import dataclass
from typing import Any

from .report_text import shorten
from .wording import phan_tram


@dataclass(frozen=True)
class BarChart:
    """(label, value, level required this year, insufficient data) per percent indicator with a value."""

    rows: tuple[tuple[str, float, float | None, bool], ...]
    year: int
    period: str = ""


@dataclass(frozen=True)
class TrendChart:
    """(label, ((year, value), …), ((year, path value), …)) per rate indicator, over the plan's years."""

    rows: tuple[Any, ...]
    start: int
    end: int
    year: int


def draw(chart: BarChart | TrendChart) -> bytes:
    """The chart as PNG bytes."""
    if isinstance(chart, BarChart):
        return bar_chart(chart.rows, chart.year, chart.period)
    return trend_chart(chart.rows, chart.start, chart.end, chart.year)


@functools.lru_cache(maxsize=16)
def bar_chart(rows: tuple[tuple[str, float, float | None, bool], ...], year: int, period: str = "") -> bytes:
    """Horizontal bars, result vs target per percent indicator, as a metadata-free PNG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"font.family": "DejaVu Sans", "font.size": 9.5, "hatch.linewidth": 0.6}):
        n = len(rows)
        fig = Figure(figsize=(6.2, 1.2 + 0.8 * n), dpi=150)
        ax = fig.add_subplot()
        ys = list(range(n))[::-1]
        h = 0.36
        low = min([0.0] + [v for _, v, _, _ in rows])
        for y, (_, value, target, weak) in zip(ys, rows, strict=True):
            ax.barh(
                y + h / 2,
                value,
                h,
                color="white" if weak else "#3a3a3a",
                edgecolor="#3a3a3a",
                hatch="////" if weak else None,
                linewidth=0.6,
            )
            ax.text(max(value, 0) + 1.5, y + h / 2, phan_tram(value), va="center", fontsize=8.5)
            if target is not None:
                ax.barh(y - h / 2, target, h, color="#bdbdbd", edgecolor="#7a7a7a", linewidth=0.6)
                ax.text(target + 1.5, y - h / 2, phan_tram(target), va="center", fontsize=8.5, color="#444444")
        ax.set_yticks(ys, [textwrap.fill(label, 32) for label, *_ in rows])
        high = max([100.0] + [v for _, v, _, _ in rows] + [t for _, _, t, _ in rows if t is not None])
        ax.set_xlim(low - 5 if low < 0 else 0, high * 1.18)
        ax.set_xticks([t for t in range(0, 101, 20)], [f"{t} %" for t in range(0, 101, 20)])
        ax.grid(axis="x", color="#dddddd", linewidth=0.5)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        from matplotlib.patches import Patch

        legend = [
            Patch(facecolor="#3a3a3a", label=f"Kết quả {period or f'năm {year}'}"),
            Patch(facecolor="#bdbdbd", edgecolor="#7a7a7a", label=f"Mức cần đạt năm {year}"),
        ]
        if any(weak for *_, weak in rows):
            legend.append(
                Patch(facecolor="white", edgecolor="#3a3a3a", hatch="////", label="Kết quả chưa đủ số liệu để đánh giá")
            )
        ax.legend(
            handles=legend,
            loc="upper center",
            bbox_to_anchor=(0.35, -0.5 / (1 + 0.6 * n)),
            ncol=len(legend),
            frameon=False,
            fontsize=8,
        )
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=150, bbox_inches="tight", pad_inches=0.08, metadata={"Software": None})
    return buf.getvalue()


@functools.lru_cache(maxsize=8)
def trend_chart(rows: tuple[Any, ...], start: int, end: int, year: int) -> bytes:
    """Small multiples: per rate indicator, its yearly values and the dashed milestone path (PNG, no metadata)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    with matplotlib.rc_context({"font.family": "DejaVu Sans", "font.size": 8}):
        cols = 2
        n_rows = -(-len(rows) // cols)
        fig = Figure(figsize=(6.4, 0.6 + 2.1 * n_rows), dpi=150)
        axes = fig.subplots(n_rows, cols, squeeze=False)
        for k, ax in enumerate(axes.flat):
            if k >= len(rows):
                ax.set_visible(False)
                continue
            label, values, path = rows[k]
            ax.set_title(textwrap.fill(shorten(label, 80), 44), fontsize=7.5, loc="left")
            if path:
                ax.plot(
                    [p[0] for p in path],
                    [p[1] for p in path],
                    linestyle="--",
                    color="#7a7a7a",
                    linewidth=1,
                    marker="o",
                    markerfacecolor="white",
                    markersize=4,
                )
            ax.plot(
                [v[0] for v in values],
                [v[1] for v in values],
                color="#1f1f1f",
                linewidth=1.6,
                marker="o",
                markersize=3.5,
            )
            last_year, last_value = values[-1]
            ax.annotate(
                phan_tram(last_value),
                (last_year, last_value),
                textcoords="offset points",
                xytext=(0, 6),
                ha="center",
                fontsize=7,
            )
            ax.set_xlim(start - 0.5, end + 0.5)
            ax.set_xticks(range(start, end + 1, 2 if end - start > 6 else 1))
            ax.set_ylim(0, 105)
            ax.set_yticks([0, 25, 50, 75, 100], ["0", "25", "50", "75", "100 %"])
            ax.grid(color="#dddddd", linewidth=0.5)
            ax.axvline(year, color="#bbbbbb", linewidth=0.6)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
        legend = [
            Line2D([], [], color="#1f1f1f", marker="o", markersize=3.5, label="Kết quả từng năm"),
            Line2D(
                [],
                [],
                color="#7a7a7a",
                linestyle="--",
                marker="o",
                markerfacecolor="white",
                markersize=4,
                label="Lộ trình đến các mốc mục tiêu",
            ),
        ]
        fig.legend(handles=legend, loc="lower center", ncol=2, frameon=False, fontsize=8)
        fig.tight_layout(rect=(0, 0.05, 1, 1))
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=150, metadata={"Software": None})
    return buf.getvalue()
