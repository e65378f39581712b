"""Vietnamese text for the terminal: the plan, the inbox check, what the report run produced."""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .model import HAS_ERRORS, LATE, MISSING, STATE_LABELS, SUBMITTED, IntakeResult, UnitStatus
from .plan import Plan
from .wording import amount, target

if TYPE_CHECKING:
    from .aggregate import Summary
    from .history import AdHocHistory, History
    from .report import ReportFiles


def _summed(ids: tuple[str, ...]) -> str:
    """Input ids of one side of a ratio: "a" or "(a + b)"."""
    return ids[0] if len(ids) == 1 else f"({' + '.join(ids)})"


def _pad(text: str, width: int) -> str:
    text = unicodedata.normalize("NFC", text)
    return text[: width - 1] + "…" if len(text) > width else text.ljust(width)


NAME_WIDTH = 48  # a longer unit name wraps onto the next line of its column


def _state_label(status: UnitStatus) -> str:
    return STATE_LABELS[status.state] + (" (muộn)" if status.late and status.state == HAS_ERRORS else "")


def table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]) -> list[str]:
    """A plain-text table that never cuts a cell: each column is as wide as its widest cell up
    to ``widths[i]`` (0: no limit, for the last column), and longer text wraps at spaces onto
    continuation lines. The first column is right-aligned (row numbers)."""
    rows = [[unicodedata.normalize("NFC", c) for c in row] for row in rows]
    cols = []
    for i, limit in enumerate(widths):
        widest = max(len(r[i]) for r in [header, *rows])
        cols.append(min(widest, limit) if limit else widest)
    out = []
    for row in [header, *rows]:
        cells = [
            textwrap.wrap(c, w, break_on_hyphens=False) or [""] if w and len(c) > w else [c]
            for c, w in zip(row, cols, strict=True)
        ]
        for k in range(max(len(c) for c in cells)):
            parts = [c[k] if k < len(c) else "" for c in cells]
            line = [
                parts[0].rjust(cols[0]),
                *(p.ljust(w) for p, w in zip(parts[1:-1], cols[1:-1], strict=True)),
                parts[-1],
            ]
            out.append("  ".join(line).rstrip())
    return out


def describe_plan(plan: Plan, year: int) -> str:
    out = [
        f"Kế hoạch số {plan.number} ngày {plan.issued} ({plan.id})",
        plan.title,
        f"Thời kỳ {plan.start_year}–{plan.end_year}; năm báo cáo {year}; hạn nộp {plan.deadline(year):%d/%m/%Y}; "
        f"đơn vị tổng hợp: {plan.unit(plan.drafting_unit).name}.",
        "",
        f"CHỈ TIÊU ĐÁNH GIÁ NĂM {year} ({len(plan.indicators_in(year))}/{len(plan.indicators)}; "
        f"quy tắc tiến độ: {plan.progress_rule}):",
    ]
    for i, ind in enumerate(plan.indicators_in(year), 1):
        if not ind.milestones:
            aim = "không có mục tiêu định lượng"
        else:
            aim = "; ".join(target(ind, m) for m in ind.milestones)
        out.append(f"  {i:>2}. [{ind.id}] {ind.text}")
        names = {"num": _summed(ind.numerator), "den": _summed(ind.denominator)}
        out.append(f"      Cách tính: {ind.spec.describe.format(**names)}; mục tiêu: {aim}; giai đoạn {ind.period}")
        if ind.method_note:
            out.append(f"      Lưu ý cách tính: {ind.method_note}")
    outside = [ind for ind in plan.indicators if not ind.active_in(year)]
    if outside:
        out.append(
            f"  Không hỏi năm {year} (ngoài giai đoạn): " + ", ".join(f"{ind.id} ({ind.period})" for ind in outside)
        )
    out += ["", f"ĐƠN VỊ BÁO CÁO ({len(plan.units)}):"]
    for u in plan.units:
        led = plan.tasks_led_by(u.id, year)
        partnered = plan.tasks_partnered_by(u.id, year)
        inputs = plan.inputs_for(u.id, year)
        out.append(f"- {u.name} [{u.id}]")
        out.append(f"    Chủ trì {len(led)} nhiệm vụ: {', '.join(t.id for t in led) or 'không'}")
        out.append(f"    Phối hợp {len(partnered)} nhiệm vụ: {', '.join(t.id for t in partnered) or 'không'}")
        for inp in inputs:
            out.append(f"    • {inp.label} ({inp.unit_of_measure})")
    out += ["", *describe_tasks(plan, year)]
    ended = [t for t in plan.tasks if not t.active_in(year)]
    if ended:
        out += [
            "",
            f"Nhiệm vụ không thực hiện trong năm {year} (ngoài thời gian): "
            + ", ".join(f"{t.id} ({t.period})" for t in ended),
        ]
    return "\n".join(out)


def describe_tasks(plan: Plan, year: int) -> list[str]:
    """The plan's appendix as the plan words it: lead, partners (the plan's own wording), period, note."""
    out = [f"NHIỆM VỤ ({len(plan.tasks)}) — theo Phụ lục của Kế hoạch:"]
    for t in plan.tasks:
        state = "" if t.active_in(year) else f", ngoài thời gian năm {year}"
        out.append(f"  {t.id} ({t.period}{state}) chủ trì: {plan.unit(t.lead).name}")
        if t.partners_text:
            out.append(f"      Phối hợp: {t.partners_text}")
        if t.note.strip():
            out.append(f"      Ghi chú: {t.note}")
    return out


def describe_intake(plan: Plan, result: IntakeResult, feedback: list[Path], inbox: Path) -> str:
    year = result.year
    out = [
        f"KIỂM TRA HỒ SƠ {plan.period_name(year).upper()} — thư mục {inbox} — hạn nộp {plan.deadline(year):%d/%m/%Y}",
        "",
    ]
    optional = {u.id for u in plan.units if not u.required}
    rows = [
        (
            str(i),
            plan.unit(st.unit_id).name + (" *" if st.unit_id in optional else ""),
            _state_label(st),
            str(st.submission.provenance.path) if st.submission else "—",
        )
        for i, st in enumerate(result.statuses, 1)
    ]
    out += table(("STT", "Đơn vị", "Tình trạng", "Tệp"), rows, widths=(0, NAME_WIDTH, 0, 0))
    counts = {k: sum(1 for s in result.statuses if s.state == k) for k in STATE_LABELS}
    unsent_optional = sum(1 for s in result.statuses if s.state == MISSING and s.unit_id in optional)
    out += [
        "",
        f"Tổng số {len(result.statuses)} đơn vị: {counts[SUBMITTED]} đã nộp đúng hạn, {counts[LATE]} nộp muộn, "
        f"{counts[HAS_ERRORS]} có lỗi, {counts[MISSING] - unsent_optional} chưa nộp"
        + (f", {unsent_optional} đơn vị không bắt buộc chưa nộp." if unsent_optional else "."),
    ]
    if optional:
        out += optional_note(plan, result)
    if any(s.set_aside for s in result.statuses):
        out += ["", "Tệp trùng đơn vị (chỉ dùng một tệp cho mỗi đơn vị):"]
        out += [f"  - {plan.unit(s.unit_id).name}: {note}" for s in result.statuses for note in s.set_aside]
    if result.rejected:
        out += ["", f"Tệp không dùng được ({len(result.rejected)}):"]
        for prov, problem in result.rejected:
            out.append(f"  - {prov.path}: {problem.message}")
    with_problems = [s for s in result.statuses if s.submission and s.submission.problems]
    if with_problems:
        out += ["", "Lỗi và cảnh báo trong biểu mẫu:"]
        for st in with_problems:
            sub = st.submission
            if sub is None:
                continue
            out.append(f"  {sub.provenance.path} — {plan.unit(st.unit_id).name}")
            for p in sub.problems:
                where = ", ".join(
                    x for x in (f"trang «{p.sheet}»" if p.sheet else "", f"ô {p.cell}" if p.cell else "") if x
                )
                tag = "Lỗi" if p.is_error else "Cảnh báo"
                out.append(f"    [{tag}] {where + ': ' if where else ''}{p.message}")
    if feedback:
        out += ["", f"Đã ghi {len(feedback)} tệp phản hồi để gửi lại đơn vị có lỗi: {feedback[0].parent}"]
    missing = [
        plan.unit(s.unit_id).name for s in result.statuses if s.state == MISSING and plan.unit(s.unit_id).required
    ]
    if missing:
        out += ["", "Chưa nộp: " + "; ".join(missing) + "."]
    return "\n".join(out)


def optional_note(plan: Plan, result: IntakeResult) -> list[str]:
    """The legend of the "*" units (reporting not required) and which of them have not sent."""
    unsent = [
        plan.unit(s.unit_id).name for s in result.statuses if s.state == MISSING and not plan.unit(s.unit_id).required
    ]
    line = "* Đơn vị được đề nghị báo cáo, không bắt buộc: chưa nộp thì không tính vào tỷ lệ đơn vị đã nộp"
    return [line + (f"; chưa nộp: {'; '.join(unsent)}." if unsent else ".")]


def describe_report(summary: Summary, files: ReportFiles) -> str:
    from .report_context import report_date
    from .wording import result_value, verdict_label, verdict_reason

    out = ["", f"KẾT QUẢ CHỈ TIÊU NĂM {summary.year}:"]
    for i, r in enumerate(summary.indicators, 1):
        basis = f"{len(r.reported)}/{len(r.expected)} đơn vị"
        out.append(f"  {i:>2}. {_pad(r.indicator.text, 60)} {result_value(r)} — {verdict_label(r)} ({basis})")
        reason = verdict_reason(r, summary.year, summary.plan.min_coverage)
        if reason:
            out.append(f"      {reason}")
    out += ["", f"Ngày của báo cáo: {report_date(summary):%d/%m/%Y}."]
    out += [
        "",
        "Đã lập:",
        f"  Báo cáo (Word):        {files.docx}",
        f"  Bảng tổng hợp (Excel): {files.xlsx}",
        f"  Nhật ký xử lý (JSON):  {files.record}",
    ]
    return "\n".join(out)


def describe_history(plan: Plan, history: History, year: int, adhoc: AdHocHistory | None = None) -> str:
    """``baocao lich-su``: per indicator, each year from the plan's first to ``year``, then the ad-hoc periods
    that reported it (apart: an ad-hoc period is not a year's result); nothing about them when there are none."""
    from .history import SOURCE_LABELS, adhoc_line, no_data_label, series

    periods = adhoc.periods if adhoc is not None else ()

    sources: dict[str, list[int]] = {}
    for y, h in history.years.items():
        sources.setdefault(SOURCE_LABELS[h.source], []).append(y)
    found = "; ".join(f"{label}: {', '.join(map(str, ys))}" for label, ys in sources.items()) or "chưa có năm nào"
    out = [f"LỊCH SỬ CÁC CHỈ TIÊU {plan.start_year}–{year} — Kế hoạch số {plan.number}", f"Nguồn: {found}."]
    if periods:
        out.append(f"Báo cáo đột xuất: {'; '.join(p.name for p in periods)} (không tính vào kết quả từng năm).")
    out.append("")
    for i, ind in enumerate(plan.indicators, 1):
        out.append(f"{i:>2}. {_pad(ind.text, 96).rstrip()}")
        out.append(
            f"      {'Năm':<6}{'Kết quả':<14}{'Cần đạt':<10}{'Mốc mục tiêu':<18}{'Đánh giá':<27}Đơn vị đã báo cáo"
        )
        for p in series(plan, history, ind, year):
            need = amount(ind, p.required) if p.source or ind.active_in(p.year) else "—"
            if not p.source:
                out.append(
                    f"      {p.year:<6}{'—':<14}{need:<10}{target(ind, p.target):<18}"
                    f"{_pad(no_data_label(ind, p.year), 26)} —"
                )
                continue
            value = amount(ind, p.value)
            units = f"{p.reported}/{p.expected}" if p.reported is not None and p.expected else "không rõ"
            out.append(
                f"      {p.year:<6}{_pad(value, 13)} {need:<10}{target(ind, p.target):<18}{_pad(p.label, 26)} {units}"
            )
        lines = [line for period in periods if (line := adhoc_line(ind, period)) is not None]
        if lines:
            out.append("      Báo cáo đột xuất:")
            out += [f"        {line}" for line in lines]
    issues = history_issues(history, adhoc.notes if adhoc is not None else ())
    return "\n".join(out + ["", issues] if issues else out)


def history_issues(history: History, more_notes: Sequence[str] = ()) -> str:
    """What the clerk must know about the history used: records preferred over a workbook, records and
    workbooks not read (by name), findings in them by cell; "" when there is nothing to say."""
    out: list[str] = []
    notes = [*history.notes, *more_notes]
    if notes:
        out += ["Lưu ý về số liệu lịch sử:"] + [f"  - {n}" for n in notes]
    if history.refused:
        out += ["Tệp trong lich-su/ không đọc:"] + [f"  - {p.file}: [{p.code}] {p.message}" for p in history.refused]
    if history.problems:
        out += ["Lỗi và cảnh báo trong sổ số liệu lịch sử (sổ còn lỗi thì chưa dùng):"]
        out += [f"  {p.text()}" for p in history.problems]
    return "\n".join(out)
