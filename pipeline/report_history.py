"""The yearly report's comparisons with earlier years, from ``history``.

The indicator table gets one more column (last year's value and the change), Phụ lục I gets last
year's figure beside each unit's, and a chart shows each rate indicator's trend against its
milestone path. With no earlier year in the history the report says so once, in the sentence
before the table, and adds no column and no chart.
"""

from __future__ import annotations

from typing import Any

from .aggregate import Summary
from .charts import TrendChart
from .history import History, milestone_path, series, with_current
from .model import YearHistory
from .wording import amount, change


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
        broken = history.unreadable.get(year - 1) if history is not None else None
        if broken:
            return (
                f" Nhật ký báo cáo năm {year - 1} («{broken}») không đọc được nên báo cáo chưa so sánh với năm trước."
            )
        return (
            f" Chưa có số liệu năm {year - 1} (chưa có nhật ký báo cáo năm trước hay số liệu lịch sử) nên "
            "báo cáo chưa so sánh với năm trước."
        )
    source = "nhật ký báo cáo" if before.source == "nhat-ky" else "số liệu lịch sử"
    return f" Cột «Năm {year - 1} (thay đổi)» nêu kết quả năm trước (theo {source} năm {year - 1}) và mức thay đổi."


def previous_units(summary: Summary, history: History | None) -> dict[str, dict[str, dict[str, Any]]]:
    """Indicator id → unit id → last year's inputs, for Phụ lục I (empty with no history)."""
    before = previous_year(summary, history)
    if before is None:
        return {}
    return {i: dict(iy.by_unit) for i, iy in before.indicators.items()}


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


def trend_context(summary: Summary, history: History | None) -> dict[str, Any]:
    rows = trend_rows(summary, history)
    plan = summary.plan
    return {
        "bieu_do_xu_huong": TrendChart(rows, plan.start_year, plan.end_year, summary.year) if rows else None,
        "bieu_do_xu_huong_tieu_de": (
            f"Biểu đồ: Kết quả các chỉ tiêu tính theo tỷ lệ qua các năm {plan.start_year}–{summary.year} "
            "và lộ trình đến các mốc mục tiêu"
        ),
    }
