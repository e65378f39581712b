"""Forms: one Excel workbook per reporting unit, generated from the plan (``baocao tao-mau``).

Layout contract shared with intake (``intake.py`` reads what this writes):

* a very hidden sheet ``_id`` holds key/value rows (``ID_FIELDS``) identifying plan, unit,
  year and template version; every visible data sheet repeats it in cell B3 as
  ``Mã biểu mẫu: <plan>/<unit>/<year>/v<version>`` (``ID_PATTERN``);
* on every data sheet, hidden column A holds a key per input row (``lh.*`` contact,
  ``chung.*`` general text, ``ct.<input id>`` indicator inputs, ``nv.<task item id>`` tasks);
  the input cells of that row sit in the fixed columns of ``COLUMNS``. Rows are found by key,
  never by number, so an inserted row does not break reading.

The forms hold no formulas: every total is computed in Python.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from . import funding
from .intake import GENERAL_KEYS, LEAD, PARTNER, TASK_STATUSES
from .ooxml import workbook_bytes
from .outbox import write_set
from .plan import Indicator, Input, Plan, Unit
from .workspace import Workspace

FORM_KIND = "baocao-bieu-mau"
ID_SHEET = "_id"
ID_FIELDS = ("loai", "ke_hoach", "don_vi", "nam", "phien_ban", "ten_don_vi")
ID_PATTERN = re.compile(r"Mã biểu mẫu:\s*([A-Za-z0-9._-]+)/([a-z0-9-]+)/(\d{4})/v(\d+)")
ID_CELL = "B3"

SHEET_GUIDE = "Hướng dẫn"
SHEET_INFO = "Thông tin"
SHEET_INDICATORS = "Chỉ tiêu"
SHEET_TASKS = "Nhiệm vụ"

# key prefix → field → column letter of the input cell on that row
COLUMNS: dict[str, dict[str, str]] = {
    "lh": {"value": "C"},
    "chung": {"value": "C"},
    "ct": {"value": "E", "note": "F"},
    "kp": {"value": "E", "note": "F"},  # funding (funding.py), on the indicator sheet
    "nv": {"status": "E", "result": "F", "difficulties": "G", "proposals": "H"},
}
CONTACT_FIELDS = {
    "nguoi_lap": "Người lập biểu (họ và tên)",
    "dien_thoai": "Số điện thoại liên hệ",
    "ngay_lap": "Ngày lập biểu (ngày/tháng/năm)",
}
GENERAL_LABELS = {
    "kho_khan": "Khó khăn, vướng mắc",
    "kien_nghi": "Kiến nghị, đề xuất",
    "phuong_huong": "Phương hướng, nhiệm vụ năm {next_year}",
}
YES, NO = "Có", "Không"
KIND_LABELS = {
    "so_nguyen": "số nguyên, không âm",
    "so_thap_phan": "số, không âm, có thể có phần thập phân",
    "co_khong": "chọn Có hoặc Không",
}

FONT = "Times New Roman"
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
GROUP_FILL = PatternFill("solid", fgColor="EDEDED")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
UNLOCKED = Protection(locked=False)


def form_id(plan: Plan, unit: Unit, year: int) -> str:
    return f"Mã biểu mẫu: {plan.id}/{unit.id}/{year}/v{plan.template_version}"


def form_filename(unit: Unit, year: int) -> str:
    safe = re.sub(r'[<>:"/\\|?*\x00-\x1f]', "-", unit.name).strip(" .")
    return f"{unit.id} - {safe} - {year}.xlsx"


def input_label(plan: Plan, ind: Indicator, inp: Input, year: int) -> str:
    """The input's label, with the year it refers to for a reduction's baseline/current pair."""
    if ind.formula == "giam":
        if inp.id in ind.denominator:
            return f"{inp.label} ({plan.baseline_year})"
        if inp.id in ind.numerator:
            return f"{inp.label} ({year})"
    return inp.label


def _font(bold: bool = False, size: int = 12, italic: bool = False, color: str | None = None) -> Font:
    return Font(name=FONT, size=size, bold=bold, italic=italic, color=color)


def _setup(ws: Worksheet, widths: dict[str, float], landscape: bool) -> None:
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    ws.column_dimensions["A"].hidden = True
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # staff may widen columns …
    ws.protection.formatRows = False  # … and rows, but not change the structure


def _title(ws: Worksheet, plan: Plan, unit: Unit, year: int, title: str, last_col: str) -> None:
    ws["B1"] = title
    ws["B1"].font = _font(True, 14)
    ws["B2"] = f"Đơn vị: {unit.name} — Năm báo cáo: {year} — Hạn nộp: {plan.deadline(year):%d/%m/%Y}"
    ws["B2"].font = _font(False, 12, italic=True)
    ws[ID_CELL] = form_id(plan, unit, year)
    ws[ID_CELL].font = _font(False, 9, color="808080")
    for cell in ("B1", "B2", ID_CELL):
        ws.merge_cells(f"{cell}:{last_col}{cell[1:]}")


def _header(ws: Worksheet, row: int, labels: list[str]) -> None:
    for i, label in enumerate(labels):
        c = ws.cell(row=row, column=2 + i, value=label)
        c.font = _font(True)
        c.fill = HEAD_FILL
        c.border = BOX
        c.alignment = CENTER
    ws.freeze_panes = ws.cell(row=row + 1, column=2)
    ws.print_title_rows = f"{row}:{row}"


def _label(ws: Worksheet, ref: str, value: object, bold: bool = False, fill: PatternFill | None = None) -> None:
    c = ws[ref]
    c.value = value
    c.font = _font(bold)
    c.alignment = WRAP
    c.border = BOX
    if fill:
        c.fill = fill


def _input(ws: Worksheet, ref: str, number_format: str = "General") -> None:
    c = ws[ref]
    c.protection = UNLOCKED
    c.fill = INPUT_FILL
    c.border = BOX
    c.font = _font()
    c.alignment = WRAP
    c.number_format = number_format


def _validation(ws: Worksheet, **kwargs: object) -> DataValidation:
    dv = DataValidation(allow_blank=True, showErrorMessage=True, showInputMessage=True, errorStyle="stop", **kwargs)
    ws.add_data_validation(dv)
    return dv


def _guide_sheet(ws: Worksheet, plan: Plan, unit: Unit, year: int) -> None:
    drafting = plan.unit(plan.drafting_unit).name
    deadline = plan.deadline(year)
    lines: list[tuple[str, bool]] = [
        (f"BIỂU MẪU BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH SỐ {plan.number} — NĂM {year}", True),
        (plan.title, False),
        ("", False),
        (f"Đơn vị báo cáo: {unit.name}", True),
        (f"Hạn nộp: trước ngày {deadline:%d/%m/%Y}. Gửi tệp này (định dạng .xlsx) về {drafting} để tổng hợp.", True),
        ("", False),
        ("CÁCH ĐIỀN", True),
        ("1. Chỉ nhập vào các ô nền vàng. Các ô khác đã được khóa để giữ đúng cấu trúc biểu mẫu.", False),
        (f"2. Trang «{SHEET_INFO}»: ghi người lập, số điện thoại, ngày lập; nêu khó khăn, kiến nghị và phương hướng năm sau.", False),
        (f"3. Trang «{SHEET_INDICATORS}»: nhập SỐ LIỆU GỐC (số lượng, khối lượng), không nhập tỷ lệ %; chương trình tự tính tỷ lệ khi tổng hợp. Không có thì nhập 0; không để trống.", False),
        ("   Số nguyên không có dấu phân cách (ví dụ 1250); số thập phân dùng dấu phẩy hoặc dấu chấm theo máy (ví dụ 12,5).", False),
        ("   Cuối trang: kinh phí đã sử dụng trong năm cho các nội dung của Kế hoạch theo từng nguồn (triệu đồng), và với đơn vị chủ trì nhiệm vụ, dự toán kinh phí năm sau.", False),
        (f"4. Trang «{SHEET_TASKS}»: với mỗi nhiệm vụ đơn vị CHỦ TRÌ, bắt buộc chọn tình trạng ({', '.join(TASK_STATUSES)}) và ghi kết quả cụ thể; với nhiệm vụ PHỐI HỢP, ghi kết quả nếu có tham gia.", False),
        ("5. Có thể nhập nhiều ý trong một ô: mỗi ý một dòng (Alt+Enter trong Excel, Ctrl+Enter trong LibreOffice).", False),
        ("", False),
        ("KHÔNG ĐƯỢC", True),
        ("- Thêm, xóa, đổi tên hoặc sắp xếp lại các trang, cột; không sao chép số liệu sang biểu mẫu khác.", False),
        ("- Dán đè định dạng vào ô nhập (nên dán \"chỉ giá trị\"): chương trình vẫn kiểm tra lại mọi giá trị khi nhận.", False),
        ("- Dùng biểu mẫu của năm khác hoặc của đơn vị khác: mỗi tệp gắn với một đơn vị và một năm.", False),
        ("", False),
        ("Có thể đổi tên tệp; chương trình nhận diện biểu mẫu theo mã ẩn bên trong, không theo tên tệp.", False),
        (f"Bảng tính đã khóa cấu trúc, không đặt mật khẩu. {form_id(plan, unit, year)}", False),
    ]
    ws.column_dimensions["A"].width = 110
    for i, (text, bold) in enumerate(lines, start=1):
        c = ws.cell(row=i, column=1, value=text or None)
        c.font = _font(bold, 14 if i == 1 else 12)
        c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.protection.sheet = True


def _info_sheet(ws: Worksheet, plan: Plan, unit: Unit, year: int) -> None:
    _setup(ws, {"A": 14, "B": 36, "C": 80}, landscape=False)
    _title(ws, plan, unit, year, "THÔNG TIN CHUNG", "C")
    _header(ws, 5, ["Nội dung", "Thông tin"])
    identity = [
        ("Đơn vị báo cáo", unit.name),
        ("Mã đơn vị", unit.id),
        ("Kỳ báo cáo", f"Năm {year}"),
        ("Hạn nộp", f"{plan.deadline(year):%d/%m/%Y}"),
        ("Nơi nhận biểu mẫu", plan.unit(plan.drafting_unit).name),
    ]
    row = 6
    for label, value in identity:
        _label(ws, f"B{row}", label, bold=True)
        _label(ws, f"C{row}", value)
        row += 1
    for key, label in CONTACT_FIELDS.items():
        ws[f"A{row}"] = f"lh.{key}"
        _label(ws, f"B{row}", label, bold=True)
        if key == "ngay_lap":
            _input(ws, f"C{row}", "dd/mm/yyyy")
            dv = _validation(
                ws, type="date", operator="between", formula1=f"DATE({year - 1},1,1)", formula2=f"DATE({year + 1},12,31)",
                promptTitle="Ngày lập", prompt="Nhập ngày dạng ngày/tháng/năm, ví dụ 25/11/" + str(year),
                errorTitle="Ngày không hợp lệ", error="Nhập một ngày hợp lệ dạng ngày/tháng/năm.",
            )  # fmt: skip
        else:
            _input(ws, f"C{row}", "@")  # text: keeps a phone number's leading 0
            dv = _validation(ws, type="textLength", operator="lessThanOrEqual", formula1="200",
                             promptTitle=label, prompt="Bắt buộc nhập.")  # fmt: skip
        dv.add(f"C{row}")
        row += 1
    row += 1
    for key in GENERAL_KEYS:
        ws[f"A{row}"] = f"chung.{key}"
        _label(ws, f"B{row}", GENERAL_LABELS[key].format(next_year=year + 1), bold=True)
        _input(ws, f"C{row}")
        ws.row_dimensions[row].height = 120
        dv = _validation(ws, type="textLength", operator="lessThanOrEqual", formula1="32000",
                         promptTitle=GENERAL_LABELS[key].format(next_year=year + 1),
                         prompt="Mỗi ý một dòng. Không có thì ghi «Không».")  # fmt: skip
        dv.add(f"C{row}")
        row += 1


def _indicator_sheet(ws: Worksheet, plan: Plan, unit: Unit, year: int) -> None:
    _setup(ws, {"A": 14, "B": 7, "C": 62, "D": 12, "E": 16, "F": 30}, landscape=False)
    _title(ws, plan, unit, year, "SỐ LIỆU CHỈ TIÊU", "F")
    _header(ws, 5, ["STT", "Nội dung", "Đơn vị tính", f"Số liệu năm {year}", "Ghi chú"])
    row, number = 6, 0
    for ind in plan.indicators_in(year):  # only the indicators its phases ask this year
        inputs = [i for i in ind.inputs if unit.id in i.reporters]
        if not inputs:
            continue
        number += 1
        _label(ws, f"B{row}", str(number), bold=True, fill=GROUP_FILL)
        _label(ws, f"C{row}", f"Chỉ tiêu: {ind.text}", bold=True, fill=GROUP_FILL)
        for col in "DEF":
            _label(ws, f"{col}{row}", None, fill=GROUP_FILL)
        row += 1
        for j, inp in enumerate(inputs, start=1):
            ws[f"A{row}"] = f"ct.{inp.id}"
            _label(ws, f"B{row}", f"{number}.{j}")
            _label(ws, f"C{row}", input_label(plan, ind, inp, year))
            _label(ws, f"D{row}", inp.unit_of_measure)
            if inp.kind == "co_khong":
                _input(ws, f"E{row}")
                dv = _validation(ws, type="list", formula1=f'"{YES},{NO}"', promptTitle="Chọn Có hoặc Không",
                                 prompt="Chọn trong danh sách.", errorTitle="Giá trị không hợp lệ",
                                 error="Chỉ chọn Có hoặc Không.")  # fmt: skip
            else:
                whole = inp.kind == "so_nguyen"
                _input(ws, f"E{row}", "#,##0" if whole else "#,##0.00")
                dv = _validation(
                    ws, type="whole" if whole else "decimal", operator="greaterThanOrEqual", formula1="0",
                    promptTitle=inp.unit_of_measure, prompt=f"Nhập {KIND_LABELS[inp.kind]} ({inp.unit_of_measure}). Không có thì nhập 0.",
                    errorTitle="Số liệu không hợp lệ", error=f"Chỉ nhập {KIND_LABELS[inp.kind]}.",
                )  # fmt: skip
            dv.add(f"E{row}")
            _input(ws, f"F{row}")
            row += 1
    if number == 0:
        _label(ws, f"C{row}", "Đơn vị không có chỉ tiêu phải báo cáo số liệu trong năm này.")
        row += 1
    _funding_rows(ws, plan, unit, year, row, number + 1)


def _funding_rows(ws: Worksheet, plan: Plan, unit: Unit, year: int, row: int, number: int) -> None:
    """Mục IV of the plan: the unit's spending in the year by source, and next year's estimate (funding.py)."""
    _label(ws, f"B{row}", str(number), bold=True, fill=GROUP_FILL)
    _label(ws, f"C{row}", "Kinh phí thực hiện Kế hoạch (mục IV của Kế hoạch), đơn vị tính: triệu đồng", bold=True,
           fill=GROUP_FILL)  # fmt: skip
    for col in "DEF":
        _label(ws, f"{col}{row}", None, fill=GROUP_FILL)
    row += 1
    for j, (key, label) in enumerate(funding.form_keys(plan, unit.id, year).items(), start=1):
        ws[f"A{row}"] = key
        _label(ws, f"B{row}", f"{number}.{j}")
        _label(ws, f"C{row}", label)
        _label(ws, f"D{row}", funding.UNIT_OF_MEASURE)
        _input(ws, f"E{row}", "#,##0.0##")
        dv = _validation(
            ws, type="decimal", operator="greaterThanOrEqual", formula1="0", promptTitle=funding.UNIT_OF_MEASURE,
            prompt="Nhập số tiền (triệu đồng), không âm, có thể có phần thập phân. Không có thì nhập 0.",
            errorTitle="Số liệu không hợp lệ", error="Chỉ nhập số không âm (triệu đồng).",
        )  # fmt: skip
        dv.add(f"E{row}")
        _input(ws, f"F{row}")
        row += 1


def _task_sheet(ws: Worksheet, plan: Plan, unit: Unit, year: int) -> None:
    _setup(ws, {"A": 10, "B": 8, "C": 48, "D": 11, "E": 18, "F": 42, "G": 28, "H": 28}, landscape=True)
    _title(ws, plan, unit, year, "KẾT QUẢ THỰC HIỆN NHIỆM VỤ", "H")
    _header(ws, 5, ["STT", "Nội dung nhiệm vụ", "Vai trò", "Tình trạng", "Kết quả thực hiện",
                    "Khó khăn, vướng mắc", "Đề xuất, kiến nghị"])  # fmt: skip
    status_dv = _validation(ws, type="list", formula1='"' + ",".join(TASK_STATUSES) + '"',
                            promptTitle="Tình trạng", prompt="Chọn trong danh sách.",
                            errorTitle="Tình trạng không hợp lệ", error="Chọn một tình trạng trong danh sách.")  # fmt: skip
    row = 6
    sections = (
        (LEAD, "A. NHIỆM VỤ ĐƠN VỊ CHỦ TRÌ", plan.tasks_led_by(unit.id, year), "Chủ trì"),
        (PARTNER, "B. NHIỆM VỤ ĐƠN VỊ PHỐI HỢP", plan.tasks_partnered_by(unit.id, year), "Phối hợp"),
    )
    for _role, heading, tasks, role_label in sections:
        _label(ws, f"B{row}", None, fill=GROUP_FILL)
        _label(ws, f"C{row}", heading, bold=True, fill=GROUP_FILL)
        for col in "DEFGH":
            _label(ws, f"{col}{row}", None, fill=GROUP_FILL)
        row += 1
        if not tasks:
            _label(ws, f"C{row}", f"Không có nhiệm vụ trong năm {year}.")
            row += 1
        for task in tasks:
            for item in task.items:
                ws[f"A{row}"] = f"nv.{item.id}"
                _label(ws, f"B{row}", item.id)
                _label(ws, f"C{row}", task.with_note(item.content))
                _label(ws, f"D{row}", role_label)
                for col in "EFGH":
                    _input(ws, f"{col}{row}")
                status_dv.add(f"E{row}")
                ws.row_dimensions[row].height = 75
                row += 1


def _id_sheet(ws: Worksheet, plan: Plan, unit: Unit, year: int) -> None:
    values = (FORM_KIND, plan.id, unit.id, year, plan.template_version, unit.name)
    for i, (key, value) in enumerate(zip(ID_FIELDS, values, strict=True), start=1):
        ws.cell(row=i, column=1, value=key)
        ws.cell(row=i, column=2, value=value)
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True


def build_form(plan: Plan, unit: Unit, year: int) -> bytes:
    """The form of ``unit`` for ``year`` as .xlsx bytes (deterministic)."""
    wb = Workbook()
    guide = wb.active
    guide.title = SHEET_GUIDE
    _guide_sheet(guide, plan, unit, year)
    _info_sheet(wb.create_sheet(SHEET_INFO), plan, unit, year)
    _indicator_sheet(wb.create_sheet(SHEET_INDICATORS), plan, unit, year)
    _task_sheet(wb.create_sheet(SHEET_TASKS), plan, unit, year)
    _id_sheet(wb.create_sheet(ID_SHEET), plan, unit, year)
    wb.active = 1
    wb.security.lockStructure = True
    return workbook_bytes(wb, dt.datetime(year, 1, 1), f"Biểu mẫu báo cáo {plan.number} năm {year} — {unit.name}")


def write_forms(ws: Workspace, plan: Plan, year: int) -> list[Path]:
    """Write every unit's form to ``outbox/mau-<year>/`` (all or none); return the paths in plan order."""
    plan.check_year(year)
    return write_set(ws, ws.forms_dir(year), ((form_filename(u, year), build_form(plan, u, year)) for u in plan.units))
