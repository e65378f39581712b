"""The report's appendices: Phụ lục I (each unit's figures), II (every task item), III (who sent what).

Rows of plain text for the template's tables; built by ``report_context.build_context``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from .aggregate import NO_TARGET, IndicatorResult, Summary, TaskResult
from .formulas import Sums
from .layout import NO, YES
from .model import HAS_ERRORS, LATE, LEAD, MISSING, STATE_LABELS, SUBMITTED, UnitStatus, YearHistory
from .plan import Plan, Task
from .report_text import by_area, excerpt, lower_first, sentence, unit_names
from .wording import amount, change, so_lieu, task_state, verdict_label, verdict_reason

T = TypeVar("T")
APPENDIX_CHARS = 400  # a lead's result quoted in Phụ lục II


def is_optional_missing(plan: Plan, status: UnitStatus) -> bool:
    """A unit asked to report without obligation (bat_buoc = false) that has not sent: listed, not counted."""
    return status.state == MISSING and plan.has_unit(status.unit_id) and not plan.unit(status.unit_id).required


# --------------------------------------------------------------------------- Phụ lục I


def _value(v: float | bool | None) -> str:
    if isinstance(v, bool):
        return YES if v else NO
    return so_lieu(v)


def _unit_ratio(r: IndicatorResult, values: dict[str, float | bool | None]) -> str:
    """One unit's (or area's) value of the formula from its own figures: "75 %", "—" when there is none."""
    ind = r.indicator

    def total(ids: tuple[str, ...]) -> float:
        return sum(float(values.get(i) or 0) for i in ids)

    answered = sum(1 for i in ind.numerator if values.get(i) is not None)
    value, _ = ind.spec.compute(Sums(total(ind.numerator), total(ind.denominator), answered))
    return amount(ind, value)


def _by_area(plan: Plan, items: Iterable[T], unit_of: Callable[[T], str]) -> dict[str, list[T]]:
    """``items`` grouped by their unit's area, areas in order of first appearance."""
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(plan.unit(unit_of(item)).area or "Khác", []).append(item)
    return groups


def _area_rows(
    plan: Plan, r: IndicatorResult, reported: dict[str, dict[str, float | bool | None]], ratio: bool
) -> list[dict[str, Any]]:
    """Phụ lục I at scale: one row per area with the sums of its reporting units."""
    ind = r.indicator
    rows = []
    for n, (area, ids) in enumerate(_by_area(plan, r.expected, str).items(), 1):
        have = [reported[u] for u in ids if u in reported]
        sums: dict[str, float | bool | None] = {}
        cells = []
        for inp in ind.inputs:
            vals = [x for v in have if (x := v.get(inp.id)) is not None]
            sums[inp.id] = sum(float(x) for x in vals) if vals else None
            if inp.kind == "co_khong":
                cells.append(f"{so_lieu(sums[inp.id])}/{len(vals)} «Có»" if vals else "—")
            else:
                cells.append(so_lieu(sums[inp.id]) if vals else "—")
        cells += [_unit_ratio(r, sums) if have else "—"] if ratio else []
        rows.append({"stt": str(n), "don_vi": f"{area} ({len(have)}/{len(ids)} đơn vị đã báo cáo)", "so_lieu": cells})
    return rows


def _beside(text: str, before: str | None, year: int) -> str:
    """A unit's figure with last year's beside it: "45\n(2025: 40)"."""
    return text if before is None else f"{text}\n({year}: {before})"


def appendix_indicators(summary: Summary, previous: YearHistory | None = None) -> list[dict[str, Any]]:
    """Phụ lục I: for each indicator, every expected unit's inputs and a total row; with ``previous``
    (last year's history), each unit's figure has last year's beside it.

    With many units in several areas (a province), one row per area instead; each unit's
    figures are in the summary workbook.
    """
    plan = summary.plan
    grouped = by_area(plan)
    state = {s.unit_id: s.state for s in summary.statuses}
    out = []
    for i, r in enumerate(summary.indicators, 1):
        ind = r.indicator
        ratio = bool(ind.spec.column)  # the formula's per-unit value column ("Tỷ lệ (%)")
        cols = [f"{inp.label} ({inp.unit_of_measure})" for inp in ind.inputs]
        if ratio:
            cols.append(ind.spec.column)
        reported = dict(r.by_unit)
        last = previous.indicators.get(ind.id) if previous else None
        before_units = last.by_unit if last else {}
        rows = _area_rows(plan, r, reported, ratio) if grouped else []
        for n, unit_id in enumerate(() if grouped else r.expected, 1):
            name = plan.unit(unit_id).name
            if unit_id in reported:
                vals = reported[unit_id]
                old = before_units.get(unit_id)
                cells = [
                    _beside(
                        _value(vals.get(inp.id)),
                        _value(old[inp.id]) if old and old.get(inp.id) is not None else None,
                        summary.year - 1,
                    )
                    if unit_id in inp.reporters
                    else ""
                    for inp in ind.inputs
                ]
                if ratio:
                    old_ratio = _unit_ratio(r, old) if old else "—"
                    cells.append(
                        _beside(_unit_ratio(r, vals), None if old_ratio == "—" else old_ratio, summary.year - 1)
                    )
            else:
                label = "có lỗi, chưa tổng hợp" if state.get(unit_id) == HAS_ERRORS else "chưa nộp"
                name = f"{name} ({label})"
                cells = ["—" if unit_id in inp.reporters else "" for inp in ind.inputs] + (["—"] if ratio else [])
            rows.append({"stt": str(n), "don_vi": name, "so_lieu": cells})
        totals = []
        for t in r.totals:
            if t.input.kind == "co_khong":
                totals.append(f"{so_lieu(t.total)}/{t.answered} «Có»" if t.total is not None else "—")
            else:
                totals.append(so_lieu(t.total))
        totals += [amount(ind, r.value)] if ratio else []
        if r.value is not None:
            result = amount(ind, r.value)
        else:
            result = "thống kê số lượng (dòng Cộng)" if r.status == NO_TARGET else "—"
        if last is not None and last.value is not None and r.value is not None:
            result += f" (năm {summary.year - 1}: {amount(ind, last.value)}, {change(ind, last.value, r.value)})"
        reason = verdict_reason(r, summary.year, plan.min_coverage)
        mo_ta = (
            f"Kết quả chung: {result}; đánh giá: {lower_first(verdict_label(r))}"
            f"{f' ({reason})' if reason else ''}; {len(r.reported)}/{len(r.expected)} đơn vị đã báo cáo."
        )
        if ind.method_note:
            mo_ta += f" Cách tính: {lower_first(sentence(ind.method_note))}"
        out.append({"tieu_de": f"{i}. {ind.text}", "mo_ta": mo_ta, "cot": cols, "dong": rows, "cong": totals})
    return out


# --------------------------------------------------------------------------- Phụ lục II


def _task_row(plan: Plan, t: TaskResult, state: dict[str, str], year: int) -> dict[str, str]:
    task, item = t.task, t.item
    stt = str(task.number) if len(task.items) == 1 else f"{task.number}.{item.id.rsplit('.', 1)[1]}"
    result = ""
    status = task_state(t, year, state)
    if t.active and t.lead_reported:
        lead = next((c for c in t.contributions if c.role == LEAD), None)
        result = sentence(excerpt(lead.result, APPENDIX_CHARS)) if lead else ""
    partners = [c.unit_id for c in t.contributions if c.role != LEAD and (c.result.strip() or c.status)]
    if partners:
        result += ("\n" if result else "") + f"Đơn vị phối hợp có báo cáo: {unit_names(plan, partners)}."
    return {
        "stt": stt,
        "noi_dung": item.content,
        "chu_tri": plan.unit(task.lead).name,
        "phoi_hop": partners_column(plan, task),
        "thoi_gian": task.period,
        "tinh_trang": status,
        "ket_qua": result,
        "ghi_chu": task.note.strip(),
    }


def partners_column(plan: Plan, task: Task) -> str:
    """Phụ lục II's partner column: the plan's own wording, else the partner units' names."""
    if task.partners_text.strip():
        return task.partners_text.strip()
    return unit_names(plan, task.partners) if task.partners else ""


def appendix_tasks(summary: Summary) -> list[dict[str, Any]]:
    """Phụ lục II: every task item of the plan's appendix with its state in the year."""
    plan = summary.plan
    state = {s.unit_id: s.state for s in summary.statuses}
    return [
        {
            "ma": g.id,
            "ten": g.title,
            "dong": [_task_row(plan, t, state, summary.year) for t in summary.tasks if t.task.group == g.id],
        }
        for g in plan.task_groups
    ]


# --------------------------------------------------------------------------- Phụ lục III


def _status_by_area(summary: Summary) -> list[dict[str, str]]:
    """Phụ lục III at scale: per area, how many units are in each state, and who is missing."""
    plan = summary.plan
    rows = []
    for n, (area, statuses) in enumerate(_by_area(plan, summary.statuses, lambda s: s.unit_id).items(), 1):
        counts = {k: [s.unit_id for s in statuses if s.state == k] for k in (SUBMITTED, LATE, HAS_ERRORS, MISSING)}
        state = "; ".join(f"{STATE_LABELS[k]}: {len(v)}" for k, v in counts.items() if v)
        notes = [f"{STATE_LABELS[k]}: {unit_names(plan, counts[k])}" for k in (HAS_ERRORS, MISSING) if counts[k]]
        made = [s.submission.contact.date for s in statuses if s.submission is not None and s.submission.contact.date]
        rows.append(
            {
                "stt": str(n),
                "don_vi": f"{area} ({len(statuses)} đơn vị)",
                "tinh_trang": state,
                "tep": f"{sum(1 for s in statuses if s.submission is not None)} tệp",
                "ngay_lap": f"{min(made):%d/%m/%Y} – {max(made):%d/%m/%Y}" if made else "—",
                "ghi_chu": "\n".join(notes),
            }
        )
    return rows


def appendix_status(summary: Summary) -> list[dict[str, str]]:
    """Phụ lục III: every unit's submission state, the file used and the date it was prepared.

    With many units in several areas, one row per area (each unit is in the summary workbook).
    """
    plan = summary.plan
    if by_area(plan):
        return _status_by_area(summary)
    rows = []
    for n, s in enumerate(summary.statuses, 1):
        sub = s.submission
        notes = []
        if sub is not None and s.state == HAS_ERRORS:
            errors = sum(1 for p in sub.problems if p.is_error)
            notes.append(f"Biểu mẫu còn {errors} lỗi chưa khắc phục")
        if s.set_aside:
            notes.append(f"Tệp không dùng: {'; '.join(s.set_aside)}")
        made = sub.contact.date if sub is not None else None
        rows.append(
            {
                "stt": str(n),
                "don_vi": plan.unit(s.unit_id).name if plan.has_unit(s.unit_id) else s.unit_id,
                "tinh_trang": STATE_LABELS.get(s.state, s.state)
                + (" (không bắt buộc)" if is_optional_missing(plan, s) else ""),
                "tep": sub.provenance.path if sub is not None else "—",
                "ngay_lap": made.strftime("%d/%m/%Y") if made else "—",
                "ghi_chu": "\n".join(notes),
            }
        )
    return rows
