"""The summary workbook (tổng hợp): indicators, inputs by unit, tasks, submission state.

Written with XlsxWriter, not openpyxl: a province-sized summary holds a quarter of a million
cells, which openpyxl styles and writes in several seconds and XlsxWriter in about one.
(Openpyxl stays the writer of the forms, where its reading side matters.) Values are written
as numbers with number formats, never formulas (a formula has no cached value until a
spreadsheet recalculates it). The bytes are stable for the same summary: written in memory,
XlsxWriter dates every zip entry 1/1/1980 and the package's created and modified dates are the
report date (``set_properties``), so the package is not unpacked and packed again to fix them
(``ooxml.stable_package``, which the openpyxl-written files need).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import xlsxwriter

from .aggregate import Summary
from .layout import NO, YES
from .model import LATE, LEAD, STATE_LABELS, SUBMITTED
from .print_layout import row_height
from .wording import task_state, verdict_label, verdict_reason

if TYPE_CHECKING:
    from .history import AdHocHistory, History
    from .plan import Plan
    from .workspace import Workspace

COUNT = "#,##0"
DECIMAL = "#,##0.0#"
PERCENT = '0.0"%"'  # values are already 0–100
FONT = "Times New Roman"
SIZE = 11
MAX_TEXT = 32_767  # characters Excel keeps in one cell
OPINIONS = (
    ("kho_khan", "Khó khăn, vướng mắc"),
    ("kien_nghi", "Kiến nghị, đề xuất"),
    ("phuong_huong", "Phương hướng, nhiệm vụ năm sau"),
)


class _Formats:
    """One XlsxWriter format per kind of cell: header, text, or a number format."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        base = {"font_name": FONT, "font_size": SIZE, "border": 1, "border_color": "#808080", "valign": "top"}
        self._wb, self._base = wb, base
        self.header = wb.add_format(
            dict(base, bold=True, bg_color="#D9E1F2", align="center", valign="vcenter", text_wrap=True)
        )
        self.text = wb.add_format(dict(base, text_wrap=True))
        self._numbers: dict[str, Any] = {}

    def number(self, fmt: str) -> Any:
        if fmt not in self._numbers:
            self._numbers[fmt] = self._wb.add_format(dict(self._base, num_format=fmt, align="right"))
        return self._numbers[fmt]


def _sheet(
    wb: xlsxwriter.Workbook,
    fx: _Formats,
    title: str,
    headers: Sequence[tuple[str, float]],
    rows: list[list[Any]],
    formats: dict[int, str] | None = None,
    cell_formats: dict[tuple[int, int], str] | None = None,
) -> None:
    """One sheet: a bold header row, bordered cells, numbers right-aligned with ``formats``
    (1-based column → number format; ``cell_formats`` (row, column) overrides, 1-based rows
    counting the header), row heights fitted to the wrapped text, A4 landscape fit to width."""
    ws = wb.add_worksheet(title)
    widths = [w for _, w in headers]
    for c, (name, width) in enumerate(headers):
        ws.set_column(c, c, width)
        ws.write_string(0, c, name, fx.header)
    ws.set_row(0, row_height([(h, w, SIZE, True) for h, w in headers]))
    formats, cell_formats = formats or {}, cell_formats or {}
    for r, row in enumerate(rows, 1):
        texts: list[tuple[object, float, float, bool]] = []
        for c, value in enumerate(row):
            if value is None or value == "":
                ws.write_blank(r, c, None, fx.text)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                fmt = cell_formats.get((r + 1, c + 1)) or formats.get(c + 1)
                ws.write_number(r, c, value, fx.number(fmt) if fmt else fx.text)
            else:
                text = str(value)[:MAX_TEXT]
                ws.write_string(r, c, text, fx.text)
                texts.append((text, widths[c], SIZE, False))
        ws.set_row(r, row_height(texts))  # wrapped rows get their height (LibreOffice keeps 15 pt)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
    ws.repeat_rows(0)
    ws.print_area(0, 0, max(len(rows), 1), len(headers) - 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.75)
    ws.set_footer(f'&L&"{FONT},Regular"&9{title}&R&"{FONT},Regular"&9Trang &P/&N')


def _number(v: float | bool | None) -> float | str | None:
    if isinstance(v, bool):
        return YES if v else NO
    if v is None:
        return None
    return int(v) if float(v).is_integer() else float(v)


def build_workbook(summary: Summary, stamp: dt.datetime, history: History | None = None) -> bytes:
    plan = summary.plan
    names = {u.id: u.name for u in plan.units}
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties(
        {
            "author": "baocao",
            "created": stamp,
            "title": f"Tổng hợp kết quả thực hiện Kế hoạch số {plan.number} {plan.period_name(summary.year)}",
        }
    )
    fx = _Formats(wb)

    rows = []
    year = summary.year
    for i, r in enumerate(summary.indicators, 1):
        ind = r.indicator
        value = None if r.value is None else round(r.value, 6)
        required = None if r.required is None else round(r.required, 6)
        rows.append(
            [
                i,
                ind.text,
                r.target.value if r.target else None,
                r.target.year if r.target else None,
                required,
                value,
                "%" if ind.is_percent else ind.unit_of_measure,
                verdict_label(r),
                verdict_reason(r, year, plan.min_coverage),
                len(r.reported),
                len(r.expected),
                ind.method_note,
            ]
        )
    percent_cells = {}
    for i, r in enumerate(summary.indicators, 2):  # target, required level and result: percent or count
        fmt = PERCENT if r.indicator.is_percent else DECIMAL
        percent_cells[(i, 3)] = percent_cells[(i, 5)] = percent_cells[(i, 6)] = fmt
    _sheet(
        wb,
        fx,
        "Chỉ tiêu",
        [
            ("STT", 5),
            ("Chỉ tiêu", 55),
            ("Mục tiêu", 10),
            ("Năm mốc", 8),
            (f"Mức cần đạt năm {year}", 11),
            (f"Kết quả {summary.plan.period_name(year)}", 11),
            ("Đơn vị tính", 10),
            ("Đánh giá", 14),
            ("Diễn giải", 40),
            ("Số đơn vị đã báo cáo", 10),
            ("Số đơn vị phải báo cáo", 10),
            ("Cách tính", 36),
        ],
        rows,
        {1: COUNT, 4: "0", 10: COUNT, 11: COUNT},
        percent_cells,
    )

    rows = []  # every input's total, for every indicator (count-only ones included)
    for i, r in enumerate(summary.indicators, 1):
        for tot in r.totals:
            rows.append(
                [
                    i,
                    r.indicator.id,
                    tot.input.label,
                    _number(tot.total),
                    tot.input.unit_of_measure,
                    tot.answered,
                    len(tot.input.reporters),
                ]
            )
    _sheet(
        wb,
        fx,
        "Tổng số liệu",
        [
            ("STT chỉ tiêu", 8),
            ("Mã chỉ tiêu", 22),
            ("Số liệu", 70),
            ("Tổng", 12),
            ("Đơn vị tính", 12),
            ("Số đơn vị đã báo cáo", 11),
            ("Số đơn vị phải báo cáo", 11),
        ],
        rows,
        {1: COUNT, 4: DECIMAL, 6: COUNT, 7: COUNT},
    )

    rows = []
    for r in summary.indicators:
        for unit_id, values in r.by_unit:
            for inp in r.indicator.inputs:
                if unit_id in inp.reporters:
                    rows.append(
                        [
                            len(rows) + 1,
                            names.get(unit_id, unit_id),
                            unit_id,
                            r.indicator.id,
                            inp.label,
                            _number(values.get(inp.id)),
                            inp.unit_of_measure,
                        ]
                    )
    _sheet(
        wb,
        fx,
        "Theo đơn vị",
        [
            ("STT", 6),
            ("Đơn vị", 34),
            ("Mã đơn vị", 16),
            ("Mã chỉ tiêu", 22),
            ("Số liệu", 70),
            ("Giá trị", 12),
            ("Đơn vị tính", 12),
        ],
        rows,
        {1: COUNT, 6: DECIMAL},
    )

    rows = []
    states = {s.unit_id: s.state for s in summary.statuses}
    for t in summary.tasks:  # one row for the lead (reported or not), one per partner that wrote something
        lead = next((c for c in t.contributions if c.role == LEAD), None)
        rows.append(
            [
                t.item.id,
                t.item.content,
                names.get(t.task.lead, t.task.lead),
                "Chủ trì",
                t.task.period,
                task_state(t, year, states),
                lead.result if lead else "",
                lead.difficulties if lead else "",
                lead.proposals if lead else "",
            ]
        )
        for c in t.contributions:
            if c.role != LEAD:
                rows.append(
                    [
                        t.item.id,
                        t.item.content,
                        names.get(c.unit_id, c.unit_id),
                        "Phối hợp",
                        t.task.period,
                        c.status,
                        c.result,
                        c.difficulties,
                        c.proposals,
                    ]
                )
    _sheet(
        wb,
        fx,
        "Nhiệm vụ",
        [
            ("Mã", 8),
            ("Nội dung", 50),
            ("Đơn vị", 28),
            ("Vai trò", 10),
            ("Thời gian", 11),
            ("Tình trạng", 15),
            ("Kết quả", 55),
            ("Khó khăn, vướng mắc", 35),
            ("Kiến nghị, đề xuất", 35),
        ],
        rows,
    )

    rows = []
    for n, s in enumerate(summary.statuses, 1):
        sub = s.submission
        rows.append(
            [
                n,
                names.get(s.unit_id, s.unit_id),
                STATE_LABELS.get(s.state, s.state),
                sub.provenance.path if sub else "",
                sub.provenance.sha256[:12] if sub else "",
                sub.contact.date.strftime("%d/%m/%Y") if sub and sub.contact.date else "",
                sum(1 for p in sub.problems if p.is_error) if sub else None,
                "; ".join(s.set_aside),
            ]
        )
    _sheet(
        wb,
        fx,
        "Tình trạng nộp",
        [
            ("STT", 6),
            ("Đơn vị", 36),
            ("Tình trạng", 12),
            ("Tệp đã dùng", 50),
            ("SHA-256 (12 ký tự đầu)", 16),
            ("Ngày lập", 12),
            ("Số lỗi", 8),
            ("Tệp không dùng", 50),
        ],
        rows,
        {1: COUNT, 7: COUNT},
    )

    rows = []  # the full texts the report's body quotes a sentence or two of (sections III–V)
    for s in summary.statuses:
        sub = s.submission
        if sub is None or s.state not in (SUBMITTED, LATE):
            continue
        for key, label in OPINIONS:
            if sub.general.get(key, "").strip():
                rows.append([len(rows) + 1, names.get(s.unit_id, s.unit_id), label, sub.general[key]])
    _sheet(wb, fx, "Ý kiến đơn vị", [("STT", 6), ("Đơn vị", 34), ("Nội dung", 22), ("Toàn văn", 110)], rows, {1: COUNT})

    from .history import History as _History
    from .history import with_current

    _history_sheet(wb, fx, plan, with_current(history or _History({}), summary), summary.year)
    _funding_sheet(wb, fx, summary)
    wb.close()
    return buf.getvalue()


def _funding_sheet(wb: xlsxwriter.Workbook, fx: _Formats, summary: Summary) -> None:
    """«Kinh phí»: each unit's spending by source and next year's estimate (triệu đồng), then the totals."""
    plan, f = summary.plan, summary.funding
    if f is None:
        return
    reported = {u.unit_id: u for u in f.units}
    rows: list[list[Any]] = []
    for n, s in enumerate(summary.statuses, 1):
        u = reported.get(s.unit_id)
        name = plan.unit(s.unit_id).name if plan.has_unit(s.unit_id) else s.unit_id
        rows.append(
            [
                n,
                name,
                s.unit_id,
                STATE_LABELS.get(s.state, s.state),
                _number(u.state_budget) if u else None,
                _number(u.other_sources) if u else None,
                _number(u.spent) if u else None,
                _number(u.estimate) if u else None,
            ]
        )
    rows.append(
        [
            "",
            f"Cộng ({len(f.units)}/{f.expected} đơn vị báo cáo)",
            "",
            "",
            _number(f.state_budget),
            _number(f.other_sources),
            _number(f.total),
            _number(f.estimate) if f.estimates else None,
        ]
    )
    _sheet(
        wb,
        fx,
        "Kinh phí",
        [
            ("STT", 6),
            ("Đơn vị", 36),
            ("Mã đơn vị", 16),
            ("Tình trạng", 12),
            ("Ngân sách nhà nước (triệu đồng)", 16),
            ("Nguồn huy động hợp pháp khác (triệu đồng)", 18),
            (f"Cộng năm {summary.year} (triệu đồng)", 14),
            (f"Dự toán năm {summary.year + 1} (triệu đồng)", 14),
        ],
        rows,
        {1: COUNT, 5: DECIMAL, 6: DECIMAL, 7: DECIMAL, 8: DECIMAL},
    )


def _history_sheet(wb: xlsxwriter.Workbook, fx: _Formats, plan: Plan, history: History, until: int) -> None:
    from .history import HISTORY_HEADERS, table_rows

    rows = table_rows(plan, history, until)
    cells = {}
    for r, row in enumerate(rows, 2):
        if row[4] == "%":
            cells[(r, 4)] = cells[(r, 6)] = cells[(r, 7)] = PERCENT
    _sheet(
        wb,
        fx,
        "Lịch sử",
        HISTORY_HEADERS,
        rows,
        {1: COUNT, 3: "0", 4: DECIMAL, 6: DECIMAL, 7: DECIMAL, 8: "0", 10: COUNT, 11: COUNT},
        cells,
    )


def _adhoc_sheet(wb: xlsxwriter.Workbook, fx: _Formats, plan: Plan, adhoc: AdHocHistory) -> None:
    from .history import ADHOC_HEADERS, adhoc_rows

    rows = adhoc_rows(plan, adhoc)
    cells = {(r, 6): PERCENT for r, row in enumerate(rows, 2) if row[6] == "%"}
    _sheet(wb, fx, "Báo cáo đột xuất", ADHOC_HEADERS, rows, {1: COUNT, 4: "0", 6: DECIMAL, 8: COUNT, 9: COUNT}, cells)


def build_history_workbook(
    plan: Plan, history: History, until: int, stamp: dt.datetime, adhoc: AdHocHistory | None = None
) -> bytes:
    """``baocao lich-su --xlsx``: the «Lịch sử» sheet, and the «Báo cáo đột xuất» sheet when ad-hoc periods
    were reported (none: no such sheet); deterministic."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties(
        {
            "author": "baocao",
            "created": stamp,
            "title": f"Lịch sử các chỉ tiêu Kế hoạch số {plan.number} {plan.start_year}–{until}",
        }
    )
    fx = _Formats(wb)
    _history_sheet(wb, fx, plan, history, until)
    if adhoc is not None and adhoc.periods:
        _adhoc_sheet(wb, fx, plan, adhoc)
    wb.close()
    return buf.getvalue()


def write_history_workbook(
    ws: Workspace, plan: Plan, history: History, year: int, adhoc: AdHocHistory | None = None
) -> Path:
    """``baocao lich-su --xlsx``: the same tables as the console, as outbox/lich-su-<year>.xlsx."""
    from .outbox import write_file

    stamp = dt.datetime.combine(plan.deadline(year), dt.time(0, 0))
    return write_file(ws, ws.history_workbook(year), build_history_workbook(plan, history, year, stamp, adhoc))
