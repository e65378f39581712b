"""The summary workbook (tổng hợp): indicators, inputs by unit, tasks, submission state.

Values are written as numbers with number formats (never formulas: a formula written by
openpyxl has no cached value until Excel recalculates). The bytes are stable for the same
summary: ``ooxml.stable_package`` fixes the package dates to the report date.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .aggregate import ASSESSMENT_LABELS, Summary
from .intake import LEAD, STATE_LABELS
from .ooxml import stable_package

COUNT = "#,##0"
DECIMAL = "#,##0.0#"
PERCENT = '0.0"%"'  # values are already 0–100
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
FONT = "Times New Roman"


def _sheet(wb: Workbook, title: str, headers: Sequence[tuple[str, float]], rows: list[list[Any]],
           formats: dict[int, str] | None = None) -> Worksheet:  # fmt: skip
    ws = wb.create_sheet(title)
    ws.append([h for h, _ in headers])
    for row in rows:
        ws.append(row)
    for c, (_, width) in enumerate(headers, 1):
        ws.column_dimensions[get_column_letter(c)].width = width
    body, bold = Font(name=FONT, size=11), Font(name=FONT, size=11, bold=True)
    for r, row in enumerate(ws.iter_rows(), 1):
        for cell in row:
            cell.border = BORDER
            if r == 1:
                cell.font, cell.fill = bold, HEADER_FILL
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
                continue
            cell.font = body
            fmt = (formats or {}).get(cell.column)
            if fmt and isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                cell.number_format = fmt
                cell.alignment = Alignment(horizontal="right", vertical="top")
            else:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
    for r, row in enumerate(ws.iter_rows(), 1):  # wrapped rows get their height (LibreOffice keeps 15 pt)
        ws.row_dimensions[r].height = 14.5 * max(_lines(c.value, headers[c.column - 1][1]) for c in row) + 3
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return ws


def _lines(value: Any, width: float) -> int:
    """How many lines ``value`` takes in a wrapped cell ``width`` characters wide (an estimate)."""
    if value is None or isinstance(value, int | float):
        return 1
    per_line = max(1, int(width * 1.1))
    return sum(max(1, -(-len(part) // per_line)) for part in str(value).split("\n"))


def _number(v: float | bool | None) -> float | str | None:
    if isinstance(v, bool):
        return "Có" if v else "Không"
    if v is None:
        return None
    return int(v) if float(v).is_integer() else float(v)


def build_workbook(summary: Summary, stamp: dt.datetime) -> bytes:
    plan = summary.plan
    names = {u.id: u.name for u in plan.units}
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "baocao"
    wb.properties.title = f"Tổng hợp kết quả thực hiện Kế hoạch số {plan.number} năm {summary.year}"

    rows = []
    for i, r in enumerate(summary.indicators, 1):
        ind = r.indicator
        value = None if r.value is None else round(r.value, 6)
        rows.append([
            i, ind.text, r.target.value if r.target else None, r.target.year if r.target else None, value,
            "%" if ind.is_percent else ind.unit_of_measure, ASSESSMENT_LABELS[r.status],
            len(r.reported), len(r.expected), r.reason,
        ])  # fmt: skip
    ws = _sheet(wb, "Chỉ tiêu", [("STT", 5), ("Chỉ tiêu", 60), ("Mục tiêu", 11), ("Năm mốc", 9),
                                 (f"Kết quả năm {summary.year}", 13), ("Đơn vị tính", 11), ("Đánh giá", 16),
                                 ("Số đơn vị đã báo cáo", 11), ("Số đơn vị phải báo cáo", 11), ("Ghi chú", 40)],
                rows, {1: COUNT, 4: "0", 8: COUNT, 9: COUNT})  # fmt: skip
    for i, r in enumerate(summary.indicators, 2):  # percent or count, per row
        fmt = PERCENT if r.indicator.is_percent else DECIMAL
        ws.cell(i, 3).number_format = ws.cell(i, 5).number_format = fmt
        for c in (3, 5):
            ws.cell(i, c).alignment = Alignment(horizontal="right", vertical="top")

    rows = []
    for r in summary.indicators:
        for unit_id, values in r.by_unit:
            for inp in r.indicator.inputs:
                if unit_id in inp.reporters:
                    rows.append([len(rows) + 1, names.get(unit_id, unit_id), unit_id, r.indicator.id, inp.label,
                                 _number(values.get(inp.id)), inp.unit_of_measure])  # fmt: skip
    _sheet(wb, "Theo đơn vị", [("STT", 6), ("Đơn vị", 34), ("Mã đơn vị", 16), ("Mã chỉ tiêu", 22),
                               ("Số liệu", 70), ("Giá trị", 12), ("Đơn vị tính", 12)],
           rows, {1: COUNT, 6: DECIMAL})  # fmt: skip

    rows = []
    for t in summary.tasks:  # one row for the lead (reported or not), one per partner that wrote something
        lead = next((c for c in t.contributions if c.role == LEAD), None)
        status = t.status if t.lead_reported else ("Đã kết thúc" if not t.active else "Chưa báo cáo")
        rows.append([t.item.id, t.item.content, names.get(t.task.lead, t.task.lead), "Chủ trì", t.task.period,
                     status or "Chưa xác định", lead.result if lead else "", lead.difficulties if lead else "",
                     lead.proposals if lead else ""])  # fmt: skip
        for c in t.contributions:
            if c.role != LEAD:
                rows.append([t.item.id, t.item.content, names.get(c.unit_id, c.unit_id), "Phối hợp", t.task.period,
                             c.status, c.result, c.difficulties, c.proposals])  # fmt: skip
    _sheet(wb, "Nhiệm vụ", [("Mã", 8), ("Nội dung", 50), ("Đơn vị", 28), ("Vai trò", 10), ("Thời gian", 11),
                            ("Tình trạng", 15), ("Kết quả", 55), ("Khó khăn, vướng mắc", 35),
                            ("Kiến nghị, đề xuất", 35)], rows)  # fmt: skip

    rows = []
    for n, s in enumerate(summary.statuses, 1):
        sub = s.submission
        rows.append([
            n, names.get(s.unit_id, s.unit_id), STATE_LABELS.get(s.state, s.state),
            sub.provenance.path if sub else "", sub.provenance.sha256[:12] if sub else "",
            sub.contact.date.strftime("%d/%m/%Y") if sub and sub.contact.date else "",
            sum(1 for p in sub.problems if p.is_error) if sub else None, "; ".join(s.set_aside),
        ])  # fmt: skip
    _sheet(wb, "Tình trạng nộp", [("STT", 6), ("Đơn vị", 36), ("Tình trạng", 12), ("Tệp đã dùng", 50),
                                  ("SHA-256 (12 ký tự đầu)", 16), ("Ngày lập", 12), ("Số lỗi", 8),
                                  ("Tệp không dùng", 50)], rows, {1: COUNT, 7: COUNT})  # fmt: skip

    buf = io.BytesIO()
    wb.save(buf)
    return stable_package(buf.getvalue(), stamp)
