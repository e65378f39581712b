"""The yearly report's comparisons with earlier years, from ``history``.

The indicator table gets one more column (last year's value and the change), Phụ lục I gets last
year's figure beside each unit's, and a chart shows each rate indicator's trend against its
milestone path. With no earlier year in the history the report says so once, in the sentence
before the table, and adds no column and no chart.
"""

from __future__ import annotations

import functools
import io
import textwrap
from typing import Any

from .aggregate import Summary
from .history import History, change, milestone_path, series, with_current
from .model import YearHistory
from .wording import amount, phan_tram

TREND_WIDTH_MM = 160


def previous_year(summary: Summary, history: History | None) -> YearHistory | None:
    return history.get(summary.year - 1) if history is not None else None


def comparison_cells(summary: Summary, history: History | None) -> tuple[list[str], list[list[str]]]:
    """The indicator table's extra column: its header (or none) and each row's cell (or none)."""
    before = previous_year(summary, history)
    if before is None:
        return [], [[] for _ in summary.indicators]
    cells = []
    for r in summary.indicators:
        ind = r.indicator
        prev = before.indicators.get(ind.id)
        value = prev.value if prev else None
        if value is None:
            cells.append(["—"])
            continue
        moved = change(ind, value, r.value)
        cells.append([amount(ind, value) + (f"\n({moved})" if moved else "")])
    return [f"Năm {summary.year - 1} (thay đổi)"], cells


def comparison_sentence(summary: Summary, history: History | None) -> str:
    year = summary.year
    before = previous_year(summary, history)
    if before is None:
        return (f" Chưa có số liệu năm {year - 1} (chưa có nhật ký báo cáo năm trước hay số liệu lịch sử) nên "
                "báo cáo chưa so sánh với năm trước.")  # fmt: skip
    source = "nhật ký báo cáo" if before.source == "nhat-ky" else "số liệu lịch sử"
    return f" Cột «Năm {year - 1} (thay đổi)» nêu kết quả năm trước (theo {source} năm {year - 1}) và mức thay đổi."


def previous_units(summary: Summary, history: History | None) -> dict[str, dict[str, dict[str, Any]]]:
    """Indicator id → unit id → last year's inputs, for Phụ lục I (empty with no history)."""
    before = previous_year(summary, history)
    if before is None:
        return {}
    return {i: dict(iy.by_unit) for i, iy in before.indicators.items()}


# --------------------------------------------------------------------------- the trend chart


def trend_rows(summary: Summary, history: History | None) -> tuple[Any, ...]:
    """(label, ((year, value), …), ((year, path value), …)) for each rate indicator with a value in an
    earlier year; empty when the history has none (then no chart)."""
    if history is None or history.empty:
        return ()
    full = with_current(history, summary)
    rows = []
    for i, ind in enumerate((r.indicator for r in summary.indicators), 1):  # numbered as in the table
        if not ind.is_percent:
            continue
        points = series(summary.plan, full, ind, summary.year)
        values = tuple((p.year, round(float(p.value), 6)) for p in points if p.value is not None)
        if not any(y < summary.year for y, _ in values):
            continue
        label = f"{i}. {ind.text.split(':')[0]}"
        rows.append((label, values, tuple(milestone_path(summary.plan, ind, points))))
    return tuple(rows)


@functools.lru_cache(maxsize=8)
def trend_chart(rows: tuple[Any, ...], start: int, end: int, year: int) -> bytes:
    """Small multiples: per rate indicator, its yearly values and the dashed milestone path (PNG, no metadata)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from .report_docx import shorten

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
                ax.plot([p[0] for p in path], [p[1] for p in path], linestyle="--", color="#7a7a7a", linewidth=1,
                        marker="o", markerfacecolor="white", markersize=4)  # fmt: skip
            ax.plot([v[0] for v in values], [v[1] for v in values], color="#1f1f1f", linewidth=1.6, marker="o",
                    markersize=3.5)  # fmt: skip
            last_year, last_value = values[-1]
            ax.annotate(phan_tram(last_value), (last_year, last_value), textcoords="offset points", xytext=(0, 6),
                        ha="center", fontsize=7)  # fmt: skip
            ax.set_xlim(start - 0.5, end + 0.5)
            ax.set_xticks(range(start, end + 1, 2 if end - start > 6 else 1))
            ax.set_ylim(0, 105)
            ax.set_yticks([0, 25, 50, 75, 100], ["0", "25", "50", "75", "100 %"])
            ax.grid(color="#dddddd", linewidth=0.5)
            ax.axvline(year, color="#bbbbbb", linewidth=0.6)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
        legend = [Line2D([], [], color="#1f1f1f", marker="o", markersize=3.5, label="Kết quả từng năm"),
                  Line2D([], [], color="#7a7a7a", linestyle="--", marker="o", markerfacecolor="white",
                         markersize=4, label="Lộ trình đến các mốc mục tiêu")]  # fmt: skip
        fig.legend(handles=legend, loc="lower center", ncol=2, frameon=False, fontsize=8)
        fig.tight_layout(rect=(0, 0.05, 1, 1))
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=150, metadata={"Software": None})
    return buf.getvalue()


def trend_context(summary: Summary, history: History | None) -> dict[str, Any]:
    rows = trend_rows(summary, history)
    plan = summary.plan
    return {
        "bieu_do_xu_huong": trend_chart(rows, plan.start_year, plan.end_year, summary.year) if rows else None,
        "bieu_do_xu_huong_tieu_de": (
            f"Biểu đồ: Kết quả các chỉ tiêu tính theo tỷ lệ qua các năm {plan.start_year}–{summary.year} "
            "và lộ trình đến các mốc mục tiêu"
        ),
    }
