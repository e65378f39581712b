"""The Word report: section I and appendix content, the chart, rendering with docxtpl.

The template (templates/bao-cao.docx, edited in Word: it is the source) holds the layout;
everything written here is plain text handed to it. Rendering always uses a Jinja environment
with ``StrictUndefined`` and autoescape, so a renamed field fails loudly and "&", "<" in a unit's
text cannot swallow the paragraphs after it.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import os
import re
import textwrap
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from lxml import etree

from .aggregate import (
    ASSESSMENT_LABELS,
    NO_DATA,
    NO_TARGET,
    SHORTFALLS,
    Contribution,
    IndicatorResult,
    Summary,
    TaskResult,
)
from .errors import FileSystemError, TemplateError, WorkspaceError, fs_error
from .formulas import Sums
from .model import HAS_ERRORS, LATE, LEAD, MISSING, STATE_LABELS, SUBMITTED, YearHistory
from .ooxml import stable_package
from .plan import Plan, Task
from .report import (
    by_area,
    excerpt,
    is_optional_missing,
    sentence,
    unit_names,
)
from .wording import (
    amount,
    goal,
    phan_tram,
    so_lieu,
    task_state,
    verdict_label,
    verdict_reason,
    verdict_text,
)

# tblCaption of a table whose columns after the first N share the remaining width equally
# (its value columns come from a {%tc for %} loop): "baocao:cot-deu:2". LibreOffice drops table
# captions when it saves a .docx; a table with a {%tc for %} loop and no caption is then marked at
# render time with N = the position of the loop's first cell (mark_loop_tables).
EVEN_COLUMNS = "baocao:cot-deu"
LETTERS = "abcdđeghiklmnopqrstuvxy"  # a), b) … the Vietnamese way (no f, j, w, z)
CHART_WIDTH = Mm(150)
T = TypeVar("T")
PARTNERS_IN_BODY = 3  # partners quoted in section I per item; the others are named (all in the workbook)


def _letter(i: int) -> str:
    return LETTERS[i] if i < len(LETTERS) else str(i + 1)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def shorten(text: str, limit: int = 200) -> str:
    """``text`` without its final full stop, cut at a phrase (or word) boundary past ``limit``."""
    text = " ".join(text.split()).rstrip(" .;")
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = max(head.rfind(", "), head.rfind("; "))
    if cut < limit * 0.6:
        cut = head.rfind(" ")
    return head[:cut].rstrip(",;:( ") + "…"


def _title(letter: str, text: str) -> str:
    return f"{letter}) {text}" + ("" if text.endswith("…") else ".")


# --------------------------------------------------------------------------- section I


LEAD_CHARS, PARTNER_CHARS, APPENDIX_CHARS = 180, 130, 400  # a result quoted in section I / Phụ lục II
PARTNERS_CHARS = 300  # the partners' lines of one item in section I: three short ones, or fewer long ones
NAMED_OTHERS = 5  # partners not quoted are named up to this many, else counted


def _contribution(plan: Plan, c: Contribution) -> str | None:
    name = plan.unit(c.unit_id).name
    status = _lower_first(c.status.strip())
    if c.role == LEAD:
        result = excerpt(c.result, LEAD_CHARS)
        if result:
            return f"- {name} (chủ trì{', ' + status if status else ''}): {sentence(result)}"
        if status:
            return f"- {name} (chủ trì): {status}, chưa nêu kết quả cụ thể."
        return f"- {name} (chủ trì): chưa nêu tình trạng và kết quả thực hiện."
    result = excerpt(c.result, PARTNER_CHARS)
    if result:
        return f"- {name} (phối hợp): {sentence(result)}"
    return f"- {name} (phối hợp): {status}." if status else None


def _not_reported(plan: Plan, lead: str, state: str) -> str:
    name = plan.unit(lead).name
    if state == HAS_ERRORS:
        return f"{name} đã gửi báo cáo nhưng biểu mẫu còn lỗi chưa khắc phục, chưa tổng hợp được kết quả nhiệm vụ này."
    if state in (SUBMITTED, LATE):
        return f"{name} không nêu kết quả thực hiện nhiệm vụ này trong báo cáo."
    return f"{name} chưa báo cáo kết quả nhiệm vụ này."


def _outside_period(task: Task, year: int) -> str:
    if task.end_year < year:
        return (f"Nhiệm vụ thực hiện trong giai đoạn {task.period}, đã kết thúc; "
                f"năm {year} không tiếp tục báo cáo.")  # fmt: skip
    return f"Nhiệm vụ thực hiện trong giai đoạn {task.period}; năm {year} chưa đến thời gian triển khai."


def task_groups(summary: Summary) -> list[dict[str, Any]]:
    """Section I: per task group, its items with the lead's and partners' attributed results."""
    plan, year = summary.plan, summary.year
    state = {s.unit_id: s.state for s in summary.statuses}
    results = {(t.task.id, t.item.id): t for t in summary.tasks}
    groups = []
    for gi, group in enumerate(plan.task_groups, 1):
        entries: list[dict[str, Any]] = []
        for task in (t for t in plan.tasks if t.group == group.id):
            if not task.active_in(year):
                content = "; ".join(shorten(i.content, 10_000) for i in task.items)
                entries.append({"tieu_de": shorten(content, 160), "doan": [_outside_period(task, year)]})
                continue
            for item in task.items:
                r = results.get((task.id, item.id))
                lines: list[str] = []
                if r is None or not r.lead_reported:
                    lines.append(_not_reported(plan, task.lead, state.get(task.lead, MISSING)))
                partners = []
                for c in r.contributions if r else ():
                    line = _contribution(plan, c)
                    if line and c.role == LEAD:
                        lines.append(line)
                    elif line:
                        partners.append((c.unit_id, line))
                quoted, used = 0, 0
                for _, line in partners[:PARTNERS_IN_BODY]:  # a few partners, within the item's budget
                    if quoted and used + len(line) > PARTNERS_CHARS:
                        break
                    lines.append(line)
                    quoted, used = quoted + 1, used + len(line)
                others = [u for u, _ in partners[quoted:]]
                if len(others) > NAMED_OTHERS:
                    lines.append(f"- Ngoài ra, {len(others)} đơn vị phối hợp khác có báo cáo (xem Phụ lục II).")
                elif others:
                    lines.append(f"- Ngoài ra, {len(others)} đơn vị phối hợp khác có báo cáo kết quả thực hiện: "
                                 f"{unit_names(plan, others)}.")
                entries.append({"tieu_de": shorten(item.content), "doan": lines})
        for i, e in enumerate(entries):
            e["tieu_de"] = _title(_letter(i), e["tieu_de"])
        groups.append({"tieu_de": f"{gi}. {group.title}", "muc": entries})
    return groups


# --------------------------------------------------------------------------- section II


def _target_text(r: IndicatorResult) -> str:
    if r.target is None:
        return "—"
    return f"{goal(r.indicator, r.target.value)} ({r.target.year})"


def ratio_parts(r: IndicatorResult, values: dict[str, float]) -> str:
    """The parts of a ratio, each pair in its own unit: "2/2 cụm công nghiệp; 2/3 làng nghề"."""
    ind = r.indicator
    units = {i.id: i.unit_of_measure for i in ind.inputs}
    pairs = list(zip(ind.numerator, ind.denominator, strict=True))
    if len({units[d] for _, d in pairs}) == 1:  # one unit: the sums ("51/60 cửa hàng")
        num = sum(values.get(n) or 0 for n, _ in pairs)
        den = sum(values.get(d) or 0 for _, d in pairs)
        return f"{so_lieu(num)}/{so_lieu(den)} {units[pairs[0][1]]}"
    return "; ".join(f"{so_lieu(values.get(n) or 0)}/{so_lieu(values.get(d) or 0)} {units[d]}" for n, d in pairs)


def _result_text(r: IndicatorResult) -> str:
    ind = r.indicator
    totals = {t.input.id: t for t in r.totals}
    sums = {k: t.total or 0 for k, t in totals.items()}

    def total(ids: Iterable[str]) -> float:
        return sum(sums[i] for i in ids)

    if r.status == NO_TARGET and r.value is None:
        dash = "- " if len(r.totals) > 1 else ""
        lines = [
            f"{dash}{t.input.label}: {so_lieu(t.total)} {t.input.unit_of_measure}" if t.total is not None
            else f"{dash}{t.input.label}: —"
            for t in r.totals
        ]  # fmt: skip
    elif r.value is None:
        lines = ["—"]
    else:
        lines = [amount(ind, r.value)]
        if ind.spec.detail:  # the formula's own line: "(51/60 cửa hàng)", "(từ 120 xuống 80 kg)"…
            lines.append(ind.spec.detail.format(
                num=so_lieu(total(ind.numerator)), den=so_lieu(total(ind.denominator)),
                answered=max((t.answered for t in r.totals), default=0),
                unit=totals[ind.denominator[0]].input.unit_of_measure if ind.denominator else "",
                pairs=ratio_parts(r, sums) if ind.spec.paired else ""))  # fmt: skip
    lines.append(f"({len(r.reported)}/{len(r.expected)} đơn vị)")
    if ind.method_note:
        lines.append(f"Cách tính: {_lower_first(ind.method_note)}")
    return "\n".join(lines)


def indicator_table(summary: Summary) -> tuple[list[dict[str, Any]], str]:
    """Section II: the indicator table's rows and the sentence that sums it up.

    The closing sentence names only the indicators behind their path or short of a milestone.
    """
    plan, year = summary.plan, summary.year
    rows = [
        {"stt": str(i), "noi_dung": r.indicator.text, "muc_tieu": _target_text(r),
         "ket_qua": _result_text(r), "danh_gia": verdict_text(r, year, plan.min_coverage)}
        for i, r in enumerate(summary.indicators, 1)
    ]  # fmt: skip
    counts: dict[str, int] = {}
    for r in summary.indicators:
        counts[r.status] = counts.get(r.status, 0) + 1
    parts = [f"{n} chỉ tiêu {_lower_first(ASSESSMENT_LABELS[s])}" for s, n in
             sorted(counts.items(), key=lambda kv: list(ASSESSMENT_LABELS).index(kv[0]))]  # fmt: skip
    parts = [p.replace("không đủ số liệu", "chưa đủ số liệu để đánh giá")
             .replace("không có chỉ tiêu định lượng", "chỉ thống kê số lượng, không có mục tiêu định lượng")
             for p in parts]  # fmt: skip
    closing = f"Trong {len(summary.indicators)} chỉ tiêu của Kế hoạch đánh giá {plan.period_name(year)}: " + ", ".join(parts) + "."
    short = [(str(i), r) for i, r in enumerate(summary.indicators, 1) if r.status in SHORTFALLS]
    if short:
        kinds = " hoặc ".join(_lower_first(ASSESSMENT_LABELS[s]) for s in SHORTFALLS
                              if any(r.status == s for _, r in short))  # fmt: skip
        closing += (f" Các chỉ tiêu {kinds} (số thứ tự {', '.join(i for i, _ in short)} trong bảng) cần tiếp tục "
                    "tập trung thực hiện.")  # fmt: skip
    return rows, closing


# --------------------------------------------------------------------------- chart


def chart_rows(summary: Summary) -> tuple[tuple[str, float, float | None, bool], ...]:
    """(label, value, level required this year, insufficient data) for each percent indicator with a value."""
    rows = []
    for i, r in enumerate(summary.indicators, 1):
        if r.indicator.is_percent and r.value is not None:
            label = shorten(r.indicator.text.split(":")[0], 64)
            rows.append((f"{i}. {label}", float(r.value), r.required, r.status == NO_DATA))
    return tuple(rows)


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
            ax.barh(y + h / 2, value, h, color="white" if weak else "#3a3a3a", edgecolor="#3a3a3a",
                    hatch="////" if weak else None, linewidth=0.6)  # fmt: skip
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

        legend = [Patch(facecolor="#3a3a3a", label=f"Kết quả {period or f'năm {year}'}"),
                  Patch(facecolor="#bdbdbd", edgecolor="#7a7a7a", label=f"Mức cần đạt năm {year}")]  # fmt: skip
        if any(weak for *_, weak in rows):
            legend.append(Patch(facecolor="white", edgecolor="#3a3a3a", hatch="////",
                                label="Kết quả chưa đủ số liệu để đánh giá"))  # fmt: skip
        ax.legend(handles=legend, loc="upper center", bbox_to_anchor=(0.35, -0.5 / (1 + 0.6 * n)),
                  ncol=len(legend), frameon=False, fontsize=8)  # fmt: skip
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=150, bbox_inches="tight", pad_inches=0.08,
                    metadata={"Software": None})  # fmt: skip
    return buf.getvalue()


# --------------------------------------------------------------------------- appendices


def _value(v: float | bool | None) -> str:
    if isinstance(v, bool):
        return "Có" if v else "Không"
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
                    _beside(_value(vals.get(inp.id)), _value(old[inp.id]) if old and old.get(inp.id) is not None
                            else None, summary.year - 1) if unit_id in inp.reporters else ""
                    for inp in ind.inputs
                ]  # fmt: skip
                if ratio:
                    old_ratio = _unit_ratio(r, old) if old else "—"
                    cells.append(_beside(_unit_ratio(r, vals), None if old_ratio == "—" else old_ratio,
                                         summary.year - 1))  # fmt: skip
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
            from .history import change

            result += f" (năm {summary.year - 1}: {amount(ind, last.value)}, {change(ind, last.value, r.value)})"
        reason = verdict_reason(r, summary.year, plan.min_coverage)
        mo_ta = (f"Kết quả chung: {result}; đánh giá: {_lower_first(verdict_label(r))}"
                 f"{f' ({reason})' if reason else ''}; {len(r.reported)}/{len(r.expected)} đơn vị đã báo cáo.")
        if ind.method_note:
            mo_ta += f" Cách tính: {_lower_first(sentence(ind.method_note))}"
        out.append({"tieu_de": f"{i}. {ind.text}", "mo_ta": mo_ta, "cot": cols, "dong": rows, "cong": totals})
    return out


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
    return {"stt": stt, "noi_dung": item.content, "chu_tri": plan.unit(task.lead).name,
            "phoi_hop": partners_column(plan, task), "thoi_gian": task.period, "tinh_trang": status,
            "ket_qua": result, "ghi_chu": task.note.strip()}  # fmt: skip


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
        {"ma": g.id, "ten": g.title,
         "dong": [_task_row(plan, t, state, summary.year) for t in summary.tasks if t.task.group == g.id]}
        for g in plan.task_groups
    ]  # fmt: skip


def _status_by_area(summary: Summary) -> list[dict[str, str]]:
    """Phụ lục III at scale: per area, how many units are in each state, and who is missing."""
    plan = summary.plan
    rows = []
    for n, (area, statuses) in enumerate(_by_area(plan, summary.statuses, lambda s: s.unit_id).items(), 1):
        counts = {k: [s.unit_id for s in statuses if s.state == k] for k in (SUBMITTED, LATE, HAS_ERRORS, MISSING)}
        state = "; ".join(f"{STATE_LABELS[k]}: {len(v)}" for k, v in counts.items() if v)
        notes = [f"{STATE_LABELS[k]}: {unit_names(plan, counts[k])}" for k in (HAS_ERRORS, MISSING) if counts[k]]
        made = [s.submission.contact.date for s in statuses if s.submission is not None and s.submission.contact.date]
        rows.append({
            "stt": str(n),
            "don_vi": f"{area} ({len(statuses)} đơn vị)",
            "tinh_trang": state,
            "tep": f"{sum(1 for s in statuses if s.submission is not None)} tệp",
            "ngay_lap": f"{min(made):%d/%m/%Y} – {max(made):%d/%m/%Y}" if made else "—",
            "ghi_chu": "\n".join(notes),
        })  # fmt: skip
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
        rows.append({
            "stt": str(n),
            "don_vi": plan.unit(s.unit_id).name if plan.has_unit(s.unit_id) else s.unit_id,
            "tinh_trang": STATE_LABELS.get(s.state, s.state) + (" (không bắt buộc)" if is_optional_missing(plan, s) else ""),
            "tep": sub.provenance.path if sub is not None else "—",
            "ngay_lap": made.strftime("%d/%m/%Y") if made else "—",
            "ghi_chu": "\n".join(notes),
        })  # fmt: skip
    return rows


# --------------------------------------------------------------------------- rendering


def make_env(filters: dict[str, Callable[..., Any]]) -> jinja2.Environment:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    env.filters.update(filters)
    return env


def mark_loop_tables(document: Any) -> None:
    """Mark a table whose first {%tc for %} row has no caption: columns before the loop keep their width."""
    for tbl in document.element.body.iter(qn("w:tbl")):
        tbl_pr = tbl.find(qn("w:tblPr"))
        if tbl_pr is None or tbl_pr.find(qn("w:tblCaption")) is not None:
            continue
        for tr in tbl.findall(qn("w:tr")):
            texts = ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.findall(qn("w:tc"))]
            loop = next((i for i, text in enumerate(texts) if text.lstrip().startswith("{%tc for")), None)
            if loop is not None:
                caption = tbl_pr.makeelement(qn("w:tblCaption"), {qn("w:val"): f"{EVEN_COLUMNS}:{loop}"})
                description = tbl_pr.find(qn("w:tblDescription"))
                if description is not None:
                    description.addprevious(caption)
                else:
                    tbl_pr.append(caption)
                break


def even_out_columns(document: Any) -> None:
    """Give the loop columns of marked tables equal shares of the width left by the first N."""
    for tbl in document.element.body.iter(qn("w:tbl")):
        tbl_pr = tbl.find(qn("w:tblPr"))
        caption = tbl_pr.find(qn("w:tblCaption")) if tbl_pr is not None else None
        value = caption.get(qn("w:val"), "") if caption is not None else ""
        if not value.startswith(EVEN_COLUMNS + ":"):
            continue
        fixed_n = int(value.rsplit(":", 1)[1])
        rows = tbl.findall(qn("w:tr"))
        first = rows[0].findall(qn("w:tc"))
        fixed = [int(tc.find(qn("w:tcPr")).find(qn("w:tcW")).get(qn("w:w"))) for tc in first[:fixed_n]]
        total = int(tbl_pr.find(qn("w:tblW")).get(qn("w:w")))
        n = max(len(tr.findall(qn("w:tc"))) for tr in rows) - fixed_n
        if n <= 0:
            continue
        widths = fixed + [(total - sum(fixed)) // n] * n
        grid = tbl.find(qn("w:tblGrid"))
        for col in list(grid):
            grid.remove(col)
        for w in widths:
            grid.append(grid.makeelement(qn("w:gridCol"), {qn("w:w"): str(w)}))
        for tr in rows:
            for tc, w in zip(tr.findall(qn("w:tc")), widths, strict=False):
                tcw = tc.find(qn("w:tcPr")).find(qn("w:tcW"))
                tcw.set(qn("w:w"), str(w))
                tcw.set(qn("w:type"), "dxa")


_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_BLOCKS = ("for", "if", "with", "filter", "macro", "call", "block", "autoescape", "raw")
_FIX_TAG = "Sửa thẻ này trong Word rồi chạy lại (các thẻ được dùng: templates/README.md)."


def _tags(xml: str) -> list[str]:
    """The Jinja tags of docxtpl's prepared XML, in order, as the clerk typed them in Word."""
    return [" ".join(t.split()) for t in _TAG.findall(re.sub(r"<[^>]*>", "", xml))]


def _shown(tag: str, limit: int = 80) -> str:
    return tag if len(tag) <= limit else tag[: limit - 1] + "…"


def _syntax_message(template: Path, env: jinja2.Environment, err: jinja2.TemplateSyntaxError) -> str:
    """Name the tag Jinja stumbles on: the first whose addition breaks the template, or the block never closed."""
    tags = _tags(err.source or "")
    for k in range(len(tags)):
        try:
            env.compile("".join(tags[: k + 1]))
        except jinja2.TemplateSyntaxError as e:
            if "end of template" not in (e.message or ""):
                return f"Mẫu báo cáo {template} có thẻ sai: «{_shown(tags[k])}» ({e.message}). {_FIX_TAG}"
    open_blocks: list[tuple[str, str]] = []
    for tag in tags:
        word = re.match(r"\{%[-+]?\s*(\w+)", tag)
        if word and word[1] in _BLOCKS:
            open_blocks.append((word[1], tag))
        elif word and word[1].startswith("end") and open_blocks and open_blocks[-1][0] == word[1][3:]:
            open_blocks.pop()
    if open_blocks:
        name, tag = open_blocks[-1]
        return (f"Mẫu báo cáo {template} có thẻ «{_shown(tag)}» chưa đóng: thiếu thẻ «{{%p end{name} %}}» "
                f"tương ứng. {_FIX_TAG}")  # fmt: skip
    return f"Mẫu báo cáo {template} có thẻ sai cú pháp ({err.message}). {_FIX_TAG}"


def _undefined_message(template: Path, tpl: DocxTemplate, err: jinja2.UndefinedError) -> str:
    """Name the tag using a field the report does not have (a renamed or mistyped field)."""
    names = re.findall(r"'([^']+)'", str(err))
    name = names[-1] if names else str(err)
    try:
        tags = _tags(tpl.patch_xml(tpl.get_xml()))
    except Exception:  # only for the message; the field name is enough
        tags = []
    tag = next((t for t in tags if re.search(rf"(?<![\w.]){re.escape(name)}\b|\.{re.escape(name)}\b", t)),
               "{{ " + name + " }}")  # fmt: skip
    return f"Mẫu báo cáo {template} có thẻ «{_shown(tag)}» dùng trường «{name}» mà báo cáo không có. {_FIX_TAG}"


def open_template(template: Path) -> DocxTemplate:
    """The report template, loaded; missing, unreadable or not a .docx is a one-line error."""
    template = Path(template)
    if not os.path.lexists(template):
        raise WorkspaceError(
            f"Không tìm thấy mẫu báo cáo {template}. Chép lại tệp templates/{template.name} từ bản cài đặt."
        )
    if template.is_dir():
        raise FileSystemError(f"Không đọc được {template}: đó là một thư mục, không phải tệp.")
    try:
        data = template.read_bytes()
    except OSError as err:
        raise fs_error(err, template, reading=True) from None
    tpl = DocxTemplate(io.BytesIO(data))
    try:
        tpl.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError):
        raise TemplateError(
            f"Mẫu báo cáo {template} không phải tệp Word .docx (tệp hỏng, hoặc .doc/.pdf/.xlsx đổi tên). "
            f"Hãy mở bằng Word và lưu dạng .docx, hoặc chép lại templates/{template.name} từ bản cài đặt."
        ) from None
    return tpl


def render_docx(
    template: Path, context: dict[str, Any], filters: dict[str, Callable[..., Any]], stamp: dt.datetime
) -> bytes:
    """Render ``context`` into ``template``; ``bieu_do`` (PNG bytes) becomes an inline image.

    A wrong tag in the template is a ``TemplateError`` naming the tag.
    """
    tpl = open_template(template)
    ctx = dict(context)
    if ctx.get("bieu_do"):
        ctx["bieu_do"] = InlineImage(tpl, io.BytesIO(ctx["bieu_do"]), width=CHART_WIDTH)
    if ctx.get("bieu_do_xu_huong"):
        ctx["bieu_do_xu_huong"] = InlineImage(tpl, io.BytesIO(ctx["bieu_do_xu_huong"]), width=Mm(160))
    env = make_env(filters)
    mark_loop_tables(tpl.docx)
    try:
        tpl.render(ctx, jinja_env=env, autoescape=True)
    except jinja2.TemplateSyntaxError as err:
        raise TemplateError(_syntax_message(template, env, err)) from None
    except jinja2.UndefinedError as err:
        raise TemplateError(_undefined_message(template, tpl, err)) from None
    except etree.XMLSyntaxError as err:
        raise TemplateError(
            f"Mẫu báo cáo {template}: sau khi điền, nội dung không còn là Word hợp lệ ({err}); thường do một "
            f"thẻ {{%p …%}}, {{%tr …%}} không đứng riêng trong đoạn hay dòng bảng của nó. {_FIX_TAG}"
        ) from None
    even_out_columns(tpl.docx)
    buf = io.BytesIO()
    tpl.save(buf)
    return stable_package(buf.getvalue(), stamp)
