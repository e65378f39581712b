"""Feedback workbooks: for every unit whose used form has errors, one .xlsx listing every problem.

``outbox/phan-hoi-<year>/<unit id>.xlsx``: a title naming the unit and the file, then one row
per problem (errors and warnings, in the order of the form) — STT | Trang | Ô | Giá trị đã
nhập | Lỗi / cần sửa | Mức độ — ready to print on A4 landscape (row heights from the text, the
header row repeated, page numbers in the footer). Deterministic bytes
(``ooxml.stable_package``), written all-or-nothing (``outbox.write_set``). Feedback of units now clean is never deleted:
only files of units with errors are (over)written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .model import HAS_ERRORS, SEVERITY_LABELS, IntakeResult, Submission
from .ooxml import workbook_bytes
from .outbox import write_set
from .plan import Plan, Unit
from .print_layout import fit_rows
from .workspace import Workspace

FONT = "Times New Roman"
HEADERS = ("STT", "Trang", "Ô", "Giá trị đã nhập", "Lỗi / cần sửa", "Mức độ")
WIDTHS = (6, 14, 8, 24, 90, 11)
HEAD_COLOR, ERROR_COLOR, LINE_COLOR = "D9E1F2", "FCE4D6", "808080"


def feedback_workbook(plan: Plan, unit: Unit, sub: Submission, year: int) -> bytes:
    """The feedback .xlsx of one unit's used form (deterministic bytes)."""
    # openpyxl (with numpy) costs ~0.2 s to import: only a run that has units with errors pays it
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color=LINE_COLOR)
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    wb = Workbook()
    ws = wb.active
    ws.title = "Phản hồi"
    errors = sum(1 for p in sub.problems if p.is_error)
    warnings = len(sub.problems) - errors
    lines = [
        (
            f"PHẢN HỒI BIỂU MẪU BÁO CÁO {plan.period_name(year).upper()} — {unit.name.upper()}",
            Font(name=FONT, size=14, bold=True),
        ),
        (
            f"Tệp đã nhận: «{sub.provenance.path}» (lưu lúc {sub.provenance.modified:%d/%m/%Y %H:%M}). "
            f"Kế hoạch số {plan.number}.",
            Font(name=FONT, size=12),
        ),
        (
            f"Biểu mẫu có {errors} lỗi phải sửa"
            + (f" và {warnings} cảnh báo cần xem lại" if warnings else "")
            + ". Hãy sửa ngay trên tệp đã gửi (không dùng biểu mẫu khác), lưu lại dạng .xlsx và gửi lại "
            f"cho {plan.unit(plan.drafting_unit).name} trước ngày {plan.deadline(year):%d/%m/%Y}.",
            Font(name=FONT, size=12, italic=True),
        ),
    ]
    last = chr(ord("A") + len(HEADERS) - 1)
    for row, (text, font) in enumerate(lines, start=1):
        ws.cell(row=row, column=1, value=text).font = font
        ws.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(f"A{row}:{last}{row}")
    head = len(lines) + 2
    for col, (label, width) in enumerate(zip(HEADERS, WIDTHS, strict=True), start=1):
        c = ws.cell(row=head, column=col, value=label)
        c.font = Font(name=FONT, size=12, bold=True)
        c.fill = PatternFill("solid", fgColor=HEAD_COLOR)
        c.border = box
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[chr(ord("A") + col - 1)].width = width
    for i, p in enumerate(sub.problems, start=1):
        row = head + i
        values = (i, p.sheet or "—", p.cell or "—", p.value, p.message, SEVERITY_LABELS.get(p.severity, p.severity))
        for col, value in enumerate(values, start=1):
            c = ws.cell(row=row, column=col, value=value)
            if isinstance(value, str) and value.startswith("="):
                c.data_type = "s"  # text the unit typed, e.g. "=1+1": openpyxl would write a live formula
            c.font = Font(name=FONT, size=12, bold=col == 6 and p.is_error)
            c.border = box
            c.alignment = wrap
            c.number_format = "@" if col == 4 else "General"
            if p.is_error:
                c.fill = PatternFill("solid", fgColor=ERROR_COLOR) if col == 6 else PatternFill()
    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    fit_rows(ws)  # LibreOffice draws wrapped text past a row left at the default height
    ws.print_title_rows = f"{head}:{head}"
    ws.print_area = f"A1:{last}{ws.max_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    for part, text in ((ws.oddFooter.left, f"Phản hồi năm {year} — {unit.id}"), (ws.oddFooter.right, "Trang &P/&N")):
        part.text = text
        part.font = f"{FONT},Regular"
        part.size = 9
    return workbook_bytes(wb, dt.datetime(year, 1, 1), f"Phản hồi biểu mẫu năm {year} — {unit.name}")


def write_feedback(ws: Workspace, plan: Plan, result: IntakeResult) -> list[Path]:
    """Write the feedback file of every unit whose used form has errors; return the paths (plan order)."""
    items = (
        (f"{st.unit_id}.xlsx", feedback_workbook(plan, plan.unit(st.unit_id), st.submission, result.year))
        for st in result.statuses
        if st.state == HAS_ERRORS and st.submission is not None
    )
    return write_set(ws, ws.feedback_dir(plan.tag(result.year)), items)
