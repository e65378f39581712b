"""One wording for each thing the console, the workbook and the report all say.

A number, a verdict, an indicator's figure, a level it must reach, a task's state: each is
worded by one function here, so the outputs can never tell the same fact two ways. Numbers
are written the Vietnamese way (``so_vn``: "1.250", "85,5 %"); no other module formats one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .aggregate import (
    ASSESSMENT_LABELS,
    BEHIND,
    FIRST_YEAR,
    MET,
    NO_DATA,
    NOT_MET,
    ON_TRACK,
    IndicatorResult,
    TaskResult,
)
from .model import HAS_ERRORS, LATE, MISSING, SUBMITTED
from .plan import Indicator, Milestone

# --------------------------------------------------------------------------- numbers


def so_vn(x: float | None, decimals: int = 0) -> str:
    """1250 → "1.250"; 1234.5 with decimals=1 → "1.234,5"; None → "—"."""
    if x is None:
        return "—"
    text = f"{x:,.{decimals}f}"
    if re.fullmatch(r"-0(?:\.0+)?", text):
        text = text[1:]
    return text.translate(str.maketrans(",.", ".,"))


def so_lieu(x: float | None) -> str:
    """A measured value: integers without decimals, others with up to two ("120,5")."""
    if x is None:
        return "—"
    if float(x).is_integer():
        return so_vn(x)
    return so_vn(x, 2).rstrip("0").rstrip(",")


def phan_tram(x: float | None) -> str:
    """A percentage (0–100) with one decimal, ",0" dropped: 85.5 → "85,5 %", 60.0 → "60 %"."""
    if x is None:
        return "—"
    text = so_vn(x, 1)
    return f"{text[:-2] if text.endswith(',0') else text} %"


# --------------------------------------------------------------------------- indicators


def amount(ind: Indicator, x: float | None) -> str:
    """A level of ``ind``: "66 %", "1 cuộc"; None → "—"."""
    if x is None:
        return "—"
    return phan_tram(x) if ind.is_percent else f"{so_lieu(x)} {ind.unit_of_measure}"


def change(ind: Indicator, before: float | None, now: float | None) -> str:
    """ "tăng 5,2 điểm %", "giảm 3 cuộc", "không đổi"; "" when either value is missing."""
    if before is None or now is None:
        return ""
    delta = round(now - before, 6)
    if abs(delta) < 0.05 if ind.is_percent else delta == 0:
        return "không đổi"
    word = "tăng" if delta > 0 else "giảm"
    if ind.is_percent:
        amount = so_vn(abs(delta), 1)
        return f"{word} {amount[:-2] if amount.endswith(',0') else amount} điểm %"
    amount = so_vn(abs(delta)) if float(delta).is_integer() else so_vn(abs(delta), 2).rstrip("0").rstrip(",")
    return f"{word} {amount} {ind.unit_of_measure}"


def comparator(ind: Indicator) -> str:
    """ "≥" when higher is better, "≤" when lower is better (``chieu = "giam"``)."""
    return "≥" if ind.direction == "tang" else "≤"


def goal(ind: Indicator, x: float) -> str:
    """A level to reach, with the direction: "≥ 90 %", "≤ 20 kg/tháng"."""
    return f"{comparator(ind)} {amount(ind, x)}"


def target(ind: Indicator, milestone: Milestone | None) -> str:
    """A milestone as every output names it: "≥ 90 % (2030)", "≤ 20 kg/tháng (2025)"; none → "—"."""
    return f"{goal(ind, milestone.value)} ({milestone.year})" if milestone is not None else "—"


def verdict_label(r: IndicatorResult) -> str:
    return ASSESSMENT_LABELS[r.status]


def verdict_reason(r: IndicatorResult, year: int, min_coverage: float) -> str:
    """Why the verdict is what it is, one phrase (may be empty): the path, the milestone, the gap."""
    ind, target = r.indicator, r.target
    reach = "đạt" if ind.direction == "tang" else "xuống"
    if r.status == NO_DATA:
        if r.value is not None:
            return f"dưới {phan_tram(min_coverage * 100)} số đơn vị báo cáo"
        return r.reason
    if target is None:
        return ""
    if r.status in (ON_TRACK, BEHIND) and r.required is not None:
        return (
            f"cần {reach} khoảng {amount(ind, r.required)} năm {year} để {reach} "
            f"{amount(ind, target.value)} năm {target.year}"
        )
    if r.status in (MET, NOT_MET):
        kept = f", tiếp tục áp dụng năm {year}" if target.year < year else ""
        return f"mục tiêu {goal(ind, target.value)} năm {target.year}{kept}"
    if r.status == FIRST_YEAR:
        return f"năm đầu có số liệu, làm mức xuất phát của lộ trình đến {amount(ind, target.value)} năm {target.year}"
    return ""


def verdict_text(r: IndicatorResult, year: int, min_coverage: float) -> str:
    """The verdict as the report's table prints it: label, then the reason in brackets."""
    reason = verdict_reason(r, year, min_coverage)
    return f"{verdict_label(r)}\n({reason})" if reason else verdict_label(r)


def result_value(r: IndicatorResult) -> str:
    """The indicator's result in one line: "68,8 %", "57 cuộc", or each count of a count-only one."""
    if r.value is not None:
        return amount(r.indicator, r.value)
    if not r.indicator.milestones:
        return "; ".join(f"{t.input.label}: {so_lieu(t.total) if t.total is not None else '—'}" for t in r.totals)
    return "—"


def task_state(t: TaskResult, year: int, unit_states: Mapping[str, str]) -> str:
    """A task item's state in the year: its lead's chosen status, or why there is none."""
    task = t.task
    if not t.active:
        return "Đã kết thúc" if task.end_year < year else "Chưa đến thời gian thực hiện"
    if t.lead_reported:
        return t.status or "Chưa xác định"
    lead_state = unit_states.get(task.lead, MISSING)
    return {
        HAS_ERRORS: "Báo cáo có lỗi",
        SUBMITTED: "Không báo cáo nội dung này",
        LATE: "Không báo cáo nội dung này",
    }.get(lead_state, "Chưa báo cáo")
