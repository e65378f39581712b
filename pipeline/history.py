"""History as data: every year of the plan the tool knows about, from two sources.

* **Run records** (``outbox/bao-cao-<year>/nhat-ky-<year>.json``, written by ``bao-cao``): the
  newest record of a year is that year's history. Their schema is ``record``'s (written and read
  there, with its version); a record that cannot be read is named in ``History.notes``.
* **History workbooks** (``lich-su/*.xlsx``) for years before the tool was used: the clerk fills
  the workbook ``baocao lich-su --mau`` writes (``history_xlsx``) with past yearly figures, per
  input as district totals or per unit. They are read under the same safety and value rules as a
  form; a year that has a run record keeps the record's figures and the workbook's are set aside
  with a note saying so — history never overrides a run record silently.

``series`` gives, per indicator, the value, the target in force and the verdict of each year from
the plan's first year; verdicts come from the same function the yearly report uses.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .aggregate import (
    ASSESSMENT_LABELS,
    NO_DATA,
    NO_TARGET,
    baseline_for,
    judge,
)
from .model import (
    CURRENT,
    HAS_ERRORS,
    LATE,
    MISSING,
    RECORD,
    SUBMITTED,
    WORKBOOK,
    IndicatorYear,
    Problem,
    YearHistory,
)
from .plan import Indicator, Milestone, Plan
from .record import (
    RecordError,
    RunRecord,
    adhoc_records,
    newest_record,
    read_record,
    unreadable_note,
)
from .wording import change

if TYPE_CHECKING:
    from .aggregate import Summary
    from .workspace import Workspace

log = logging.getLogger(__name__)

SOURCE_LABELS = {RECORD: "nhật ký bao-cao", WORKBOOK: "số liệu lịch sử", CURRENT: "báo cáo năm nay"}


@dataclass(frozen=True)
class History:
    """The years before, by year (run records and history workbooks), and what could not be read."""

    years: dict[int, YearHistory]  # year → its history, years before the one reported
    notes: tuple[str, ...] = ()  # Vietnamese: what was set aside and why (record over workbook…)
    problems: tuple[Problem, ...] = ()  # findings in the history workbooks, by sheet and cell
    refused: tuple[Problem, ...] = ()  # history workbooks not read at all (hostile, not ours…)
    unreadable: Mapping[int, str] = field(default_factory=dict)  # year → its run record that could not be read

    def get(self, year: int) -> YearHistory | None:
        return self.years.get(year)

    @property
    def empty(self) -> bool:
        return not self.years


# --------------------------------------------------------------------------- run records


def year_from_record(plan: Plan, record: RunRecord) -> YearHistory:
    """A run record as a year of history, keeping only what the plan still knows."""
    known = {ind.id for ind in plan.indicators}
    indicators = {
        item.indicator: IndicatorYear(
            item.indicator,
            item.value,
            dict(item.input_totals),
            len(item.reported_units),
            len(item.expected_units),
            {u: dict(v) for u, v in item.values_by_unit.items()},
        )
        for item in record.indicators
        if item.indicator in known
    }
    units = {u.unit: u.state for u in record.units}
    tasks = {t.item: (t.active, t.lead_reported, t.status) for t in record.tasks}
    return YearHistory(record.year, RECORD, record.file, indicators, units, tasks, record.funding)


def record_years(ws: Workspace, plan: Plan, until: int) -> tuple[dict[int, YearHistory], list[str], dict[int, str]]:
    """Every year from the plan's start to ``until`` (inclusive) that has a readable run record; a record
    that cannot be read is named in the notes (Vietnamese), never skipped in silence, and returned by
    year (its path under the workspace)."""
    years: dict[int, YearHistory] = {}
    notes: list[str] = []
    unreadable: dict[int, str] = {}
    for year in range(plan.start_year, until + 1):
        path = newest_record(ws, year)
        if path is None:
            continue
        try:
            years[year] = year_from_record(plan, read_record(path))
        except (OSError, RecordError) as err:
            log.warning("%s: %s", path, err)
            notes.append(unreadable_note(ws, path, err) + f"; năm {year} không có trong lịch sử.")
            unreadable[year] = ws.shown(path)
    return years, notes, unreadable


# --------------------------------------------------------------------------- ad-hoc periods


@dataclass(frozen=True)
class AdHocPeriod:
    """An ad-hoc period's report (``bao-cao --ky … --han-nop …``, ``outbox/bao-cao-<year>-<slug>/``): history
    too, shown beside the years but never in a year's series or verdict (it is not a year's result)."""

    year: int
    name: str  # "6 tháng đầu năm 2026"
    report_date: dt.date  # the date its report is dated
    file: str  # its run record's file name
    indicators: dict[str, IndicatorYear]  # the indicators it reported (plan ids still known)


@dataclass(frozen=True)
class AdHocHistory:
    """The ad-hoc periods reported before (never part of a year's verdict)."""

    periods: tuple[AdHocPeriod, ...] = ()  # by report date
    notes: tuple[str, ...] = ()  # Vietnamese: records that could not be read, by name


def adhoc_periods(ws: Workspace, plan: Plan, start: int, until: int) -> AdHocHistory:
    """The ad-hoc periods reported in the years ``start``..``until`` (the newest record of each), by date."""
    periods: list[AdHocPeriod] = []
    notes: list[str] = []
    for year in range(start, until + 1):
        for path in adhoc_records(ws, year):
            try:
                record = read_record(path)
            except (OSError, RecordError) as err:
                log.warning("%s: %s", path, err)
                notes.append(unreadable_note(ws, path, err) + "; kỳ báo cáo đột xuất này không có trong lịch sử.")
                continue
            if record.period is None or record.year != year:
                notes.append(
                    f"Nhật ký «{ws.shown(path)}» không phải của một kỳ báo cáo đột "
                    f"xuất năm {year} (nằm sai thư mục); không dùng."
                )
                continue
            yh = year_from_record(plan, record)
            periods.append(AdHocPeriod(year, record.period.name, record.report_date, record.file, yh.indicators))
    periods.sort(key=lambda p: (p.report_date, p.name))
    return AdHocHistory(tuple(periods), tuple(notes))


def adhoc_line(ind: Indicator, period: AdHocPeriod) -> str | None:
    """ "6 tháng đầu năm 2026, ngày 15/06/2026: 65 %, 18/18 đơn vị đã báo cáo"; None when the period did
    not ask the indicator."""
    from .wording import amount

    iy = period.indicators.get(ind.id)
    if iy is None:
        return None
    units = f"{iy.reported}/{iy.expected} đơn vị đã báo cáo" if iy.expected else "không rõ số đơn vị đã báo cáo"
    return f"{period.name}, ngày {period.report_date:%d/%m/%Y}: {amount(ind, iy.value)}, {units}"


# --------------------------------------------------------------------------- all of it


def load_history(ws: Workspace, plan: Plan, until: int) -> History:
    """History of the years ``plan.start_year``..``until``: run records first, then history workbooks
    for the years without a record (a workbook's figures for a record year are set aside, said in notes)."""
    years, notes, unreadable = record_years(ws, plan, until)
    typed: dict[int, YearHistory] = {}
    problems: list[Problem] = []
    refused: list[Problem] = []
    if ws.history_dir.is_dir():  # the workbooks' module loads openpyxl: only when there are workbooks
        from .history_xlsx import read_history_folder

        typed, problems, refused = read_history_folder(ws.history_dir, plan)
    for year, item in sorted(typed.items()):
        if not plan.start_year <= year <= until:
            continue
        if year in years:
            notes.append(
                f"Năm {year} đã có nhật ký «{years[year].file}» của lệnh bao-cao: số liệu năm {year} trong "
                f"«{item.file}» không dùng (nhật ký được ưu tiên)."
            )
            continue
        years[year] = item
    return History(
        dict(sorted(years.items())),
        tuple(notes),
        tuple(problems),
        tuple(refused),
        {y: p for y, p in unreadable.items() if y not in years},
    )


def indicator_values(history: History) -> dict[str, dict[int, float]]:
    """indicator id → year → its value, for the years of ``history`` that have one."""
    out: dict[str, dict[int, float]] = {}
    for year, yh in history.years.items():
        for ind_id, iy in yh.indicators.items():
            if iy.value is not None:
                out.setdefault(ind_id, {})[year] = iy.value
    return out


def year_from_summary(summary: Summary) -> YearHistory:
    """The year being reported, in the same shape as a year of history."""
    indicators = {
        r.indicator.id: IndicatorYear(
            r.indicator.id,
            r.value,
            {t.input.id: (t.total, t.answered) for t in r.totals},
            len(r.reported),
            len(r.expected),
            {u: dict(v) for u, v in r.by_unit},
        )
        for r in summary.indicators
    }
    units = {s.unit_id: s.state for s in summary.statuses}
    tasks = {t.item.id: (t.active, t.lead_reported, t.status) for t in summary.tasks}
    return YearHistory(summary.year, CURRENT, "", indicators, units, tasks)


def with_current(history: History, summary: Summary) -> History:
    years = {y: h for y, h in history.years.items() if y < summary.year}
    years[summary.year] = year_from_summary(summary)
    return History(years, history.notes, history.problems, history.refused, history.unreadable)


# --------------------------------------------------------------------------- judgement over the years


@dataclass(frozen=True)
class Point:
    """One indicator in one year: what ``lich-su``, the report's comparisons and the review show."""

    year: int
    value: float | None
    target: Milestone | None  # the target in force for the year (None: no numeric target)
    status: str  # aggregate.MET | NOT_MET | NO_DATA | NO_TARGET
    reported: int | None
    expected: int | None
    source: str  # RECORD | WORKBOOK | CURRENT | "" (no data for the year)
    required: float | None = None  # the level required this year: on the path, or the milestone's

    @property
    def label(self) -> str:
        return ASSESSMENT_LABELS[self.status]


def verdict(
    plan: Plan,
    ind: Indicator,
    year: int,
    value: float | None,
    reported: int | None,
    expected: int | None,
    earlier: dict[int, float] | None = None,
) -> tuple[str, Milestone | None, float | None]:
    """The verdict of ``value`` in ``year`` and the milestone it aims at — the yearly report's rule
    (``aggregate.judge`` with the plan's progress rule and minimum coverage; ``earlier``: year → value
    of the years before, for the start of a path) and the level required in the year; unknown coverage
    (typed totals) is not checked."""
    j = judge(value, ind, year, baseline_for(plan, ind, year, earlier), plan.progress_rule)
    status = j.status
    if status not in (NO_TARGET, NO_DATA) and reported is not None and expected:
        if reported / expected + 1e-9 < plan.min_coverage:
            status = NO_DATA
    return status, j.target, j.required


def series(plan: Plan, history: History, ind: Indicator, until: int) -> list[Point]:
    """Per year from the plan's first year to ``until``: value, target, verdict, units that reported."""
    out = []
    earlier: dict[int, float] = {}
    for year in range(plan.start_year, until + 1):
        yh = history.get(year)
        iy = yh.indicators.get(ind.id) if yh else None
        if iy is None:
            _, target, required = verdict(plan, ind, year, None, None, None, earlier)
            out.append(Point(year, None, target, NO_TARGET if target is None else NO_DATA, None, None, "", required))
            continue
        status, target, required = verdict(plan, ind, year, iy.value, iy.reported, iy.expected, earlier)
        out.append(Point(year, iy.value, target, status, iy.reported, iy.expected, yh.source if yh else "", required))
        if iy.value is not None:
            earlier[year] = iy.value
    return out


def submission_states() -> tuple[str, ...]:
    return (SUBMITTED, LATE, HAS_ERRORS, MISSING)


# --------------------------------------------------------------------------- one table, three readers


HISTORY_HEADERS = (
    ("STT", 5),
    ("Chỉ tiêu", 50),
    ("Năm", 7),
    ("Kết quả", 12),
    ("Đơn vị tính", 10),
    ("Mức cần đạt trong năm", 12),
    ("Mốc mục tiêu", 12),
    ("Năm mốc", 8),
    ("Đánh giá", 16),
    ("Số đơn vị đã báo cáo", 10),
    ("Số đơn vị phải báo cáo", 10),
    ("Thay đổi so với năm trước", 18),
    ("Nguồn số liệu", 18),
)


def no_data_label(ind: Indicator, year: int) -> str:
    """What a year without figures says: outside the indicator's phases, or simply no data."""
    return "Chưa có số liệu" if ind.active_in(year) else f"Ngoài giai đoạn {ind.period}"


def table_rows(plan: Plan, history: History, until: int) -> list[list[Any]]:
    """Per indicator and year (plan start → ``until``): the rows of ``lich-su --xlsx`` and of the summary
    workbook's «Lịch sử» sheet (numbers stay numbers)."""
    rows: list[list[Any]] = []
    for n, ind in enumerate(plan.indicators, 1):
        before: float | None = None
        for p in series(plan, history, ind, until):
            value = None if p.value is None else round(p.value, 6)
            rows.append(
                [
                    n,
                    ind.text,
                    p.year,
                    value,
                    "%" if ind.is_percent else ind.unit_of_measure,
                    None if p.required is None else round(p.required, 6),
                    p.target.value if p.target else None,
                    p.target.year if p.target else None,
                    p.label if p.source else no_data_label(ind, p.year),
                    p.reported,
                    p.expected,
                    change(ind, before, p.value),
                    SOURCE_LABELS.get(p.source, ""),
                ]
            )
            before = p.value
    return rows


ADHOC_HEADERS = (
    ("STT", 5),
    ("Chỉ tiêu", 50),
    ("Kỳ báo cáo đột xuất", 24),
    ("Năm", 7),
    ("Ngày báo cáo", 12),
    ("Kết quả", 12),
    ("Đơn vị tính", 10),
    ("Số đơn vị đã báo cáo", 10),
    ("Số đơn vị phải báo cáo", 10),
    ("Nhật ký", 30),
)


def adhoc_rows(plan: Plan, adhoc: AdHocHistory) -> list[list[Any]]:
    """Per indicator, its ad-hoc periods (the «Báo cáo đột xuất» sheet of ``lich-su --xlsx``): the same
    figures as the console's lines, numbers as numbers; no row when there is no ad-hoc period."""
    rows: list[list[Any]] = []
    for n, ind in enumerate(plan.indicators, 1):
        for period in adhoc.periods:
            iy = period.indicators.get(ind.id)
            if iy is None:
                continue
            rows.append(
                [
                    n,
                    ind.text,
                    period.name,
                    period.year,
                    f"{period.report_date:%d/%m/%Y}",
                    None if iy.value is None else round(iy.value, 6),
                    "%" if ind.is_percent else ind.unit_of_measure,
                    iy.reported,
                    iy.expected,
                    period.file,
                ]
            )
    return rows


# --------------------------------------------------------------------------- files


def write_history_template(ws: Workspace, plan: Plan, year: int) -> Path:
    """``baocao lich-su --mau``: the workbook for the years before ``year``, in outbox/."""
    from .history_xlsx import build_history_template
    from .outbox import write_file

    return write_file(ws, ws.history_template(), build_history_template(plan, year))


def milestone_path(plan: Plan, ind: Indicator, points: list[Point]) -> list[tuple[int, float]]:
    """The path a trend is drawn against — the one the verdicts use (``aggregate.baseline_for``): from
    the baseline, when it comes before the first milestone, straight to each milestone in turn."""
    path = [(m.year, m.value) for m in ind.milestones]
    if not path:
        return path
    earlier = {p.year: float(p.value) for p in points if p.value is not None and p.year < path[0][0]}
    base = baseline_for(plan, ind, path[0][0], earlier)
    if base is not None and base.year < path[0][0]:
        path.insert(0, (base.year, base.value))
    return path
