"""Funding (mục IV of the plan: "Kinh phí thực hiện"): what each unit spent in the year on the plan's
work, by source, and — for units that lead tasks next year — the estimate they propose.

One home for the concept: the form rows (keys ``kp.<line>``, read like any figure: non-negative,
decimal comma, thousands dots, finite), the per-unit table and the district totals the report
and the summary workbook show. Amounts are in triệu đồng.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .layout import funding_key
from .plan import Input, Plan

if TYPE_CHECKING:
    from .model import Submission, UnitStatus

UNIT_OF_MEASURE = "triệu đồng"
STATE_BUDGET, OTHER_SOURCES, ESTIMATE = "ngan_sach", "huy_dong", "du_toan"
SOURCES = (STATE_BUDGET, OTHER_SOURCES)
SOURCE_LABELS = {STATE_BUDGET: "ngân sách nhà nước", OTHER_SOURCES: "nguồn huy động hợp pháp khác"}


def line_label(line: str, year: int) -> str:
    if line == ESTIMATE:
        return f"Dự toán kinh phí năm {year + 1} đề xuất cho các nhiệm vụ đơn vị chủ trì"
    return f"Kinh phí đã sử dụng năm {year} cho các nội dung của Kế hoạch: {SOURCE_LABELS[line]}"


def asks_estimate(plan: Plan, unit_id: str, year: int) -> bool:
    """Units that lead a task still running next year propose next year's estimate (plan V.1)."""
    return bool(plan.tasks_led_by(unit_id, year + 1))


def lines_for(plan: Plan, unit_id: str, year: int) -> tuple[str, ...]:
    return SOURCES + ((ESTIMATE,) if asks_estimate(plan, unit_id, year) else ())


def funding_input(plan: Plan, unit_id: str, line: str, year: int) -> Input:
    """A funding line as an ``Input``, so the cell rules read it exactly like an indicator figure."""
    return Input(f"kinh_phi_{line}", line_label(line, year), "so_thap_phan", UNIT_OF_MEASURE, (unit_id,), "")


def form_keys(plan: Plan, unit_id: str, year: int) -> dict[str, str]:
    """Key in column A → the row's label, for every funding row of the unit's form."""
    return {funding_key(line): line_label(line, year) for line in lines_for(plan, unit_id, year)}


@dataclass(frozen=True)
class UnitFunding:
    """One unit's spending by source and next year's estimate (triệu đồng)."""

    unit_id: str
    state_budget: float | None
    other_sources: float | None
    estimate: float | None  # None: not asked (leads no task next year) or not given

    @property
    def spent(self) -> float:
        return (self.state_budget or 0) + (self.other_sources or 0)


@dataclass(frozen=True)
class FundingSummary:
    """Spending of all units that reported it, and how many were expected to."""

    year: int
    units: tuple[UnitFunding, ...]  # units whose usable form reports funding, plan order
    expected: int  # units that must report (required units, and optional ones that sent a usable form)
    estimate_expected: int  # of those, units asked for next year's estimate

    @property
    def state_budget(self) -> float:
        return sum(u.state_budget or 0 for u in self.units)

    @property
    def other_sources(self) -> float:
        return sum(u.other_sources or 0 for u in self.units)

    @property
    def total(self) -> float:
        return self.state_budget + self.other_sources

    @property
    def estimates(self) -> tuple[UnitFunding, ...]:
        return tuple(u for u in self.units if u.estimate is not None)

    @property
    def estimate(self) -> float:
        return sum(u.estimate or 0 for u in self.units)


def summarise(
    plan: Plan, year: int, statuses: Iterable[UnitStatus], accepted: Mapping[str, Submission]
) -> FundingSummary:
    counted = [s.unit_id for s in statuses if plan.unit(s.unit_id).required or s.unit_id in accepted]
    units = []
    for unit_id in counted:
        sub = accepted.get(unit_id)
        if sub is None or not sub.funding:
            continue
        f = sub.funding
        units.append(UnitFunding(unit_id, f.get(STATE_BUDGET), f.get(OTHER_SOURCES), f.get(ESTIMATE)))
    asked = sum(1 for u in counted if asks_estimate(plan, u, year))
    return FundingSummary(year, tuple(units), len(counted), asked)
