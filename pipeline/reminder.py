"""``baocao nhac-nop``: an official letter (công văn, ND30 layout) urging the units that have not sent
their form, and those whose form has errors to fix, to send it by a deadline.

The letter is rendered from its own Word template (templates/nhac-nop.docx,
edited in Word: it is the source) with the same rules as the report (autoescape, StrictUndefined).
Every sentence is written here; the template holds the layout. ``paste_text`` is the same list as
plain text for a message (Zalo, e-mail). Units whose report is optional (``bat_buoc = false``) are
not urged: the plan only asks them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import WorkspaceError
from .model import HAS_ERRORS, MISSING, IntakeResult
from .plan import Plan
from .report_text import NUMBER_BLANK, listed, lower_first, signature
from .workspace import Workspace

TEMPLATE_NAME = "nhac-nop.docx"


@dataclass(frozen=True)
class Reminder:
    """Who has not sent a usable form yet, for the reminder letter."""

    year: int
    deadline: dt.date
    missing: tuple[str, ...]  # required units that have not sent a form (plan order)
    with_errors: tuple[tuple[str, int, str], ...]  # (unit id, number of errors, feedback file name)

    @property
    def units(self) -> tuple[str, ...]:
        return self.missing + tuple(u for u, _, _ in self.with_errors)


def build_reminder(plan: Plan, result: IntakeResult, deadline: dt.date | None = None) -> Reminder:
    """Who the letter is for: required units not sent, and units whose used form has errors."""
    missing = tuple(s.unit_id for s in result.statuses if s.state == MISSING and plan.unit(s.unit_id).required)
    errors = tuple(
        (s.unit_id, sum(1 for p in s.submission.problems if p.is_error), f"{s.unit_id}.xlsx")
        for s in result.statuses
        if s.state == HAS_ERRORS and s.submission is not None
    )
    return Reminder(result.year, deadline or plan.deadline(result.year), missing, errors)


def _contact(plan: Plan) -> str:
    drafting = plan.unit(plan.drafting_unit).name
    c = plan.liaison
    if c is None:
        return f"Thông tin liên hệ: {drafting}."
    parts = [f"{c.name}, {drafting}" if c.name else drafting]
    parts += [f"điện thoại {c.phone}"] if c.phone else []
    parts += [f"thư điện tử {c.email}"] if c.email else []
    return "Thông tin liên hệ: " + "; ".join(parts) + "."


def reminder_context(plan: Plan, reminder: Reminder) -> dict[str, Any]:
    """Everything the letter's template needs, in Vietnamese."""
    issuer, signer = plan.issuer, plan.signer
    names = {u.id: u.name for u in plan.units}
    year, deadline = reminder.year, reminder.deadline
    drafting = plan.unit(plan.drafting_unit).name
    period = plan.period_name(year)
    subject = f"V/v đôn đốc gửi báo cáo kết quả thực hiện Kế hoạch số {plan.number} {period}"
    when = (
        f"định kỳ hằng năm (trước ngày {plan.deadline(year):%d/%m})"
        if plan.period is None
        else f"báo cáo {period} (trước ngày {plan.deadline(year):%d/%m/%Y})"
    )
    body = [
        f"Thực hiện Kế hoạch số {plan.number} ngày {plan.issued} của {issuer.full_name} về việc "
        f"{lower_first(plan.title)}, {when} các đơn vị báo "
        f"cáo kết quả thực hiện về {issuer.full_name} (qua {drafting}) để tổng hợp, báo cáo {issuer.recipient}."
    ]
    if reminder.missing:
        body.append(
            f"Đến nay, {len(reminder.missing)} đơn vị chưa gửi báo cáo kết quả thực hiện {period}: "
            + ", ".join(names[u] for u in reminder.missing)
            + "."
        )
    if reminder.with_errors:
        body.append(
            f"{len(reminder.with_errors)} đơn vị đã gửi báo cáo nhưng biểu mẫu còn lỗi phải sửa (chi tiết "
            "trong tệp phản hồi gửi kèm): "
            + ", ".join(f"{names[u]} ({n} lỗi)" for u, n, _ in reminder.with_errors)
            + "."
        )
    body.append(
        f"Để kịp thời tổng hợp báo cáo {issuer.recipient}, {issuer.full_name} đề nghị các đơn vị nêu trên "
        f"khẩn trương hoàn thành, gửi báo cáo (tệp Excel theo biểu mẫu đã phát) về {issuer.full_name} (qua "
        f"{drafting}) trước ngày {deadline:%d/%m/%Y}."
    )
    body.append(_contact(plan))
    body.append(f"{issuer.full_name} đề nghị Thủ trưởng các đơn vị quan tâm thực hiện./.")
    recipients = [names[u] for u in reminder.units]
    keep = next((r.rstrip(" ;.") for r in plan.recipients if r.lower().startswith("lưu")), "Lưu: VT")
    return {
        "co_quan_cap_tren": issuer.parent_line,
        "co_quan_ten": issuer.name_line,
        "so_hieu": f"Số:{NUMBER_BLANK}/{issuer.code}-{plan.drafting_unit.upper()}",
        "trich_yeu": subject,
        "ngay_thang": f"{issuer.place}, ngày      tháng      năm {year}",
        "kinh_gui_mot": f"Kính gửi: {recipients[0]}." if len(recipients) == 1 else "",
        "kinh_gui": listed(recipients) if len(recipients) > 1 else [],
        "noi_dung": body,
        "noi_nhan": ["- Như trên;", f"- {keep}."],
        **signature(signer),
    }


def paste_text(plan: Plan, reminder: Reminder) -> str:
    """The same list as plain text, ready to paste into a message."""
    names = {u.id: u.name for u in plan.units}
    out = [
        f"Đề nghị các đơn vị sau gửi báo cáo kết quả thực hiện Kế hoạch số {plan.number} "
        f"{plan.period_name(reminder.year)} "
        f"trước ngày {reminder.deadline:%d/%m/%Y}:"
    ]
    out += [f"- {names[u]}: chưa gửi báo cáo;" for u in reminder.missing]
    out += [
        f"- {names[u]}: biểu mẫu còn {n} lỗi, sửa theo tệp phản hồi {f} rồi gửi lại;"
        for u, n, f in reminder.with_errors
    ]
    out[-1] = out[-1][:-1] + "."
    out.append(_contact(plan))
    return "\n".join(out)


def render_reminder(template: Path, plan: Plan, reminder: Reminder) -> bytes:
    from .report_docx import render_docx

    stamp = dt.datetime.combine(reminder.deadline, dt.time(0, 0))
    return render_docx(template, reminder_context(plan, reminder), stamp)


def write_reminder(ws: Workspace, plan: Plan, reminder: Reminder) -> Path:
    """outbox/nhac-nop-<year>/nhac-nop-<year>.docx (replaced: a reminder is redrafted, not archived)."""
    from .outbox import write_file

    template = ws.templates / TEMPLATE_NAME
    if not template.is_file():
        raise WorkspaceError(
            f"Không tìm thấy mẫu công văn {template}. Chép lại tệp templates/{TEMPLATE_NAME} từ bản cài đặt."
        )
    tag = plan.tag(reminder.year)
    path = ws.outbox / f"nhac-nop-{tag}" / f"nhac-nop-{tag}.docx"
    return write_file(ws, path, render_reminder(template, plan, reminder))
