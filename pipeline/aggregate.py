"""Aggregate accepted submissions against the plan's targets.

Ratios come from summed numerators and denominators (never an average of percentages); a
reduction is 1 − Σcurrent / Σbaseline; a unit that has not submitted an accepted form is
missing, never zero.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from .formulas import Sums
from .funding import FundingSummary
from .funding import summarise as summarise_funding
from .model import LEAD, IntakeResult, Submission, UnitStatus
from .plan import NEXT_MILESTONE, Indicator, Input, Milestone, Plan, Task, TaskItem

# Indicator assessment
MET = "dat"  # đạt: a milestone of this year (or one still in force) reached
NOT_MET = "chua-dat"  # chưa đạt
ON_TRACK = "dung-tien-do"  # between milestones: at or beyond the straight path
BEHIND = "cham-tien-do"  # between milestones: short of the straight path
FIRST_YEAR = "nam-dau"  # before the first milestone, no earlier level: this year's is the start
NO_DATA = "khong-du-so-lieu"  # không đủ số liệu
NO_TARGET = "khong-co-muc-tieu"  # no numeric target: counts only

ASSESSMENT_LABELS = {
    MET: "Đạt",
    NOT_MET: "Chưa đạt",
    ON_TRACK: "Đúng tiến độ",
    BEHIND: "Chậm tiến độ",
    FIRST_YEAR: "Chưa đánh giá tiến độ",
    NO_DATA: "Không đủ số liệu",
    NO_TARGET: "Không có chỉ tiêu định lượng",
}
SHORTFALLS = (NOT_MET, BEHIND)  # the verdicts the report's closing sentence asks to act on


@dataclass(frozen=True)
class Judgement:
    """What a value is held against in a year, under the configured progress rule."""

    status: str
    target: Milestone | None  # the milestone aimed at: in force this year, or the next one
    required: float | None  # the level required this year (the target's, or the path's)
    start: Milestone | None = None  # where the straight path starts (previous milestone or baseline)

    @property
    def on_path(self) -> bool:
        """Judged against a point on the path between two levels, not against a milestone itself."""
        return self.start is not None


def _better_or_equal(value: float, level: float, direction: str) -> bool:
    value, level = round(value, 6), round(level, 6)  # 59.99999999 from float sums is 60
    return value >= level if direction == "tang" else value <= level


def path_level(start: Milestone, end: Milestone, year: int) -> float:
    """The level on the straight line from ``start`` (at its year) to ``end`` (at its year)."""
    if end.year == start.year:
        return end.value
    return start.value + (end.value - start.value) * (year - start.year) / (end.year - start.year)


def judge(
    value: float | None, ind: Indicator, year: int, baseline: Milestone | None = None, rule: str = "tuyen_tinh"
) -> Judgement:
    """The verdict for ``value`` in ``year`` (README, «Chỉ tiêu được tính thế nào»).

    Linear rule: in a milestone's year, or after the last one, Đạt / Chưa đạt against it (a
    milestone stays in force until a later one supersedes it); between two milestones, or
    between the ``baseline`` and the first milestone, Đúng / Chậm tiến độ against the straight
    path. ``value`` None gives NO_DATA (the levels are still filled in).
    """
    if not ind.milestones:
        return Judgement(NO_TARGET, None, None)
    if rule == NEXT_MILESTONE:
        target = ind.target_for(year)
        assert target is not None
        if value is None:
            return Judgement(NO_DATA, target, target.value)
        return Judgement(MET if _better_or_equal(value, target.value, ind.direction) else NOT_MET, target, target.value)
    past = [m for m in ind.milestones if m.year <= year]
    future = [m for m in ind.milestones if m.year > year]
    if past and (past[-1].year == year or not future):
        target = past[-1]
        if value is None:
            return Judgement(NO_DATA, target, target.value)
        return Judgement(MET if _better_or_equal(value, target.value, ind.direction) else NOT_MET, target, target.value)
    target = future[0]
    start = past[-1] if past else baseline
    if start is None or start.year > year:
        return Judgement(NO_DATA if value is None else FIRST_YEAR, target, None)
    required = path_level(start, target, year)
    if value is None:
        return Judgement(NO_DATA, target, required, start)
    ok = _better_or_equal(value, required, ind.direction)
    return Judgement(ON_TRACK if ok else BEHIND, target, required, start)


def baseline_for(plan: Plan, ind: Indicator, year: int, history: dict[int, float] | None = None) -> Milestone | None:
    """Where the path to the first milestone starts: ``gia_tri_goc`` from config; for a reduction,
    0 % in the plan's base year; else the first earlier year with a value in the history."""
    if ind.base is not None:
        return ind.base
    if ind.spec.baseline:  # a reduction: 0 % in the plan's base year
        return Milestone(plan.baseline_year, 0.0)
    earlier = sorted(y for y in (history or {}) if y < year)
    return Milestone(earlier[0], history[earlier[0]]) if earlier and history else None


@dataclass(frozen=True)
class InputTotal:
    """One input summed over the units that answered it."""

    input: Input
    total: float | None  # sum over reporting units (for co_khong: number of "Có")
    answered: int  # units whose accepted form gives this input


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator for the year: its value from the summed inputs, the target it is judged against, the verdict."""

    indicator: Indicator
    value: float | None  # % (0–100) for percent formulas, a count for "tong", None for "dem"
    target: Milestone | None  # the milestone in force this year, or the next one
    status: str  # one of ASSESSMENT_LABELS
    expected: tuple[str, ...]  # unit ids that must report it
    reported: tuple[str, ...]  # of those, units with an accepted form
    totals: tuple[InputTotal, ...]
    by_unit: tuple[tuple[str, dict[str, float | bool | None]], ...]  # reporting units' inputs
    reason: str = ""  # Vietnamese, why NO_DATA
    required: float | None = None  # the level required this year (on the path, or the target's)
    start: Milestone | None = None  # where the path to ``target`` starts, when judged on a path

    @property
    def on_path(self) -> bool:
        return self.start is not None

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(u for u in self.expected if u not in self.reported)


@dataclass(frozen=True)
class Contribution:
    """What one unit reported on a task item (its role, status and result)."""

    unit_id: str
    role: str  # LEAD | PARTNER
    status: str
    result: str
    difficulties: str
    proposals: str


@dataclass(frozen=True)
class TaskResult:
    """One task item for the year: whether it is active, and what the lead and partner units reported."""

    task: Task
    item: TaskItem
    active: bool  # the task's period covers the year
    lead_reported: bool  # the lead unit's accepted form covers this item
    status: str  # the lead's status, "" when not reported
    contributions: tuple[Contribution, ...]  # lead first, then partners that wrote something


@dataclass(frozen=True)
class MergedText:
    """A text several units wrote alike, kept once with the units that wrote it."""

    text: str
    units: tuple[str, ...]  # who wrote it (first writer first)


@dataclass(frozen=True)
class Summary:
    """Everything the report says about one year (or period): units' states, indicators, tasks, texts, funding."""

    plan: Plan
    year: int
    statuses: tuple[UnitStatus, ...]
    indicators: tuple[IndicatorResult, ...]  # the indicators asked in the year (their phases cover it)
    tasks: tuple[TaskResult, ...]
    difficulties: tuple[MergedText, ...]
    proposals: tuple[MergedText, ...]
    directions: tuple[MergedText, ...]
    report_date: dt.date | None = None  # set by --ngay-bao-cao; else derived (report.report_date)
    funding: FundingSummary | None = None  # mục IV: spending by source, next year's estimate (funding.py)

    @property
    def outside_phases(self) -> tuple[Indicator, ...]:
        """Indicators of the plan whose phases do not cover the year: neither asked nor judged."""
        return tuple(ind for ind in self.plan.indicators if not ind.active_in(self.year))


def value_from_totals(ind: Indicator, totals: Mapping[str, tuple[float | None, int]]) -> tuple[float | None, str]:
    """The indicator's value from its inputs' district totals (input id → (total, units answering)),
    and why there is none. One rule for a year read from forms and for a year typed as history:
    a ratio of summed parts and wholes, never an average of units' percentages."""

    def total(ids: tuple[str, ...]) -> float:
        return sum(float(totals[i][0] or 0) for i in ids if i in totals)

    answered = sum(totals[i][1] for i in ind.numerator if i in totals)
    return ind.spec.compute(Sums(total(ind.numerator), total(ind.denominator), answered))


def counted_reporters(plan: Plan, unit_ids: tuple[str, ...], accepted: Mapping[str, object]) -> tuple[str, ...]:
    """The units a figure's coverage counts: every required unit, and an optional one once its form is usable."""
    return tuple(u for u in unit_ids if plan.unit(u).required or u in accepted)


def aggregate_indicator(
    plan: Plan, ind: Indicator, year: int, accepted: dict[str, Submission], history: dict[int, float] | None = None
) -> IndicatorResult:
    expected = counted_reporters(plan, ind.reporters(), accepted)
    subs = [accepted[u] for u in expected if u in accepted]
    reported = tuple(s.unit_id for s in subs)
    totals = []
    for inp in ind.inputs:
        given = [s.values.get(inp.id) for s in subs if inp.id in s.values and s.unit_id in inp.reporters]
        answers = [a for a in given if a is not None]
        total = float(sum(1 for a in answers if a is True)) if inp.kind == "co_khong" else float(sum(answers))
        totals.append(InputTotal(inp, total if answers else None, len(answers)))
    by_unit = tuple((s.unit_id, {i.id: s.values.get(i.id) for i in ind.inputs}) for s in subs)

    if subs:
        value, reason = value_from_totals(ind, {t.input.id: (t.total, t.answered) for t in totals})
    else:
        value, reason = None, "chưa có đơn vị nào nộp biểu mẫu hợp lệ"

    verdict = judge(value, ind, year, baseline_for(plan, ind, year, history), plan.progress_rule)
    status, target = verdict.status, verdict.target
    coverage = len(reported) / len(expected) if expected else 0
    if status not in (NO_TARGET, NO_DATA) and coverage + 1e-9 < plan.min_coverage:
        status = NO_DATA
        reason = (
            f"mới có {len(reported)}/{len(expected)} đơn vị nộp, dưới mức tối thiểu {plan.min_coverage:.0%} để đánh giá"
        )
    elif status == NO_TARGET or value is not None:
        reason = ""
    elif target is not None:
        status = NO_DATA
    return IndicatorResult(
        ind, value, target, status, expected, reported, tuple(totals), by_unit, reason, verdict.required, verdict.start
    )


def _task_results(plan: Plan, year: int, accepted: dict[str, Submission]) -> list[TaskResult]:
    reports = {(s.unit_id, r.item_id): r for s in accepted.values() for r in s.tasks}
    out = []
    for task in plan.tasks:
        for item in task.items:
            lead = reports.get((task.lead, item.id))
            contributions = []
            if lead is not None:
                contributions.append(
                    Contribution(task.lead, LEAD, lead.status, lead.result, lead.difficulties, lead.proposals)
                )
            for unit_id in task.partners:
                r = reports.get((unit_id, item.id))
                if r is not None and (r.result or r.status or r.difficulties or r.proposals):
                    contributions.append(Contribution(unit_id, r.role, r.status, r.result, r.difficulties, r.proposals))
            out.append(
                TaskResult(
                    task,
                    item,
                    task.active_in(year),
                    lead is not None,
                    lead.status if lead else "",
                    tuple(contributions),
                )
            )
    return out


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    return re.sub(r"[\s.;:,!-]+", " ", text).strip()


def split_points(text: str) -> list[str]:
    """A free-text answer as separate points: one per line, leading bullets removed."""
    points = []
    for line in text.replace("\r", "\n").split("\n"):
        line = re.sub(r"^\s*(?:[-–•+*]|\d+[.)])\s*", "", line).strip()
        if line:
            points.append(line)
    return points


NOTHING = frozenset({"không", "không có", "chưa có", "không có ý kiến", "không có kiến nghị"})  # "nothing to say"
NEAR_SAME = 0.85  # share of distinct words two points have in common to count as one point
NEAR_WORDS = (4, 60)  # near-identical is looked for among points of this many words (longer: identical only)


def _near(a: frozenset[str], b: frozenset[str]) -> bool:
    """Near-identical points: most of their words in common ("Kinh phí thực hiện công tác tuyên truyền
    còn hạn chế" / "… còn nhiều hạn chế")."""
    if min(len(a), len(b)) < NEAR_SAME * max(len(a), len(b)):
        return False
    return len(a & b) / len(a | b) >= NEAR_SAME


def merge_texts(pairs: list[tuple[str, str]]) -> tuple[MergedText, ...]:
    """(unit id, text) pairs → distinct points, each with the units that wrote it; identical or
    near-identical points (same first word, ``NEAR_SAME`` of their words shared) are merged."""
    merged: dict[str, tuple[str, list[str]]] = {}
    by_first: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for unit_id, text in pairs:
        for point in split_points(text):
            key = _norm(point)
            if not key or key in NOTHING:
                continue
            if key not in merged:
                words = key.split()
                bucket = by_first.setdefault(words[0], [])
                twin = None
                if NEAR_WORDS[0] <= len(words) <= NEAR_WORDS[1]:
                    mine = frozenset(words)
                    twin = next((k for k, ws in bucket if _near(ws, mine)), None)
                    if twin is None:
                        bucket.append((key, mine))
                if twin is not None:
                    key = twin
                else:
                    merged[key] = (point, [])
            if unit_id not in merged[key][1]:
                merged[key][1].append(unit_id)
    return tuple(MergedText(t, tuple(u)) for t, u in merged.values())


def aggregate(plan: Plan, intake: IntakeResult, report_date: dt.date | None = None) -> Summary:
    """Every indicator asked in the year, every task item, the merged free texts.

    ``intake.history`` (indicator id → year → value, from earlier run records) gives the
    baseline of a path; ``report_date`` overrides the derived date of the report.
    """
    year = intake.year
    accepted = {s.unit_id: s for s in intake.accepted()}
    ordered = [accepted[u.id] for u in plan.units if u.id in accepted]
    history = getattr(intake, "history", None) or {}
    indicators = tuple(
        aggregate_indicator(plan, ind, year, accepted, history.get(ind.id)) for ind in plan.indicators_in(year)
    )
    tasks = _task_results(plan, year, accepted)

    def gathered(general_key: str, task_field: str | None) -> tuple[MergedText, ...]:
        pairs = [(s.unit_id, s.general.get(general_key, "")) for s in ordered]
        if task_field:
            pairs += [(s.unit_id, getattr(r, task_field)) for s in ordered for r in s.tasks]
        return merge_texts(pairs)

    return Summary(
        plan,
        year,
        tuple(intake.statuses),
        indicators,
        tuple(tasks),
        gathered("kho_khan", "difficulties"),
        gathered("kien_nghi", "proposals"),
        gathered("phuong_huong", None),
        report_date,
        summarise_funding(plan, year, intake.statuses, accepted),
    )
