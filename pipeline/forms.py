"""Forms: one Excel workbook per reporting unit, generated from the plan (``baocao tao-mau``).

The layout it writes — the ``_id`` sheet, the visible form code, the row keys in hidden column A,
the input columns, the text limits, the date window, the statuses — is ``layout``'s, shared with
the reader (``form_reader``): the form's validation and intake's checks use the same numbers.

Every sheet prints on A4, fit to one page wide: row heights come from the text
(``print_layout``), header rows repeat on every page, the footer carries the page number
and the form code. Data validation catches mistakes while they are typed (a part larger
than its whole, a phone number with letters, a date outside the year, a text too long);
intake still checks everything, since pasting bypasses validation. The forms hold no
formulas in cells: every total is computed in Python (validation rules are formulas, but
they live in the validation, not in a cell).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from . import funding
from .layout import (
    COLUMNS,
    CONTACT,
    CONTACT_FIELDS,
    FORM_KIND,
    FUNDING,
    GENERAL,
    GENERAL_KEYS,
    GENERAL_LABELS,
    ID_CELL,
    ID_FIELDS,
    ID_SHEET,
    IN_PROGRESS,
    INPUT,
    KIND_LABELS,
    NO,
    PERIOD_FIELDS,
    PHONE_CHARS,
    PHONE_LENGTH,
    SHEET_GUIDE,
    SHEET_INDICATORS,
    SHEET_INFO,
    SHEET_TASKS,
    TASK,
    TASK_STATUSES,
    TEXT_LIMIT,
    TEXT_LIMITS,
    YES,
    contact_key,
    general_key,
    input_key,
    input_label,
    reporting_window,
    task_key,
    text_limit,
)
from .model import LEAD, PARTNER
from .ooxml import workbook_bytes
from .outbox import write_set
from .plan import Indicator, Input, Plan, Unit
from .print_layout import fit_rows, rows_may_grow
from .rules import baseline_inputs
from .values import format_number
from .workspace import Workspace

FONT = "Times New Roman"
SIZE = 12
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
GROUP_FILL = PatternFill("solid", fgColor="EDEDED")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
UNLOCKED = Protection(locked=False)
HEADER_ROW = 5  # the column headings of every data sheet (repeated on each printed page)

# Lines of room to write by hand on a printed blank form, per input kind
ROOM = {"text": 6, "task": 5, "note": 2}
# Excel's limits on a data validation's texts
PROMPT_TITLE_MAX, PROMPT_MAX, ERROR_MAX = 32, 255, 225


def form_code(plan: Plan, unit: Unit, year: int) -> str:
    """``plan/unit/year/vN``, and ``/<period slug>`` for an ad-hoc period's form."""
    period = f"/{plan.period.slug}" if plan.period is not None else ""
    return f"{plan.id}/{unit.id}/{year}/v{plan.template_version}{period}"


def form_id(plan: Plan, unit: Unit, year: int) -> str:
    return f"Mã biểu mẫu: {form_code(plan, unit, year)}"


def form_filename(unit: Unit, year: int | str) -> str:
    safe = re.sub(r'[<>:"/\\|?*\x00-\x1f]', "-", unit.name).strip(" .")
    return f"{unit.id} - {safe} - {year}.xlsx"


def _font(bold: bool = False, size: int = SIZE, italic: bool = False, color: str | None = None) -> Font:
    return Font(name=FONT, size=size, bold=bold, italic=italic, color=color)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _short(label: str, limit: int = 60) -> str:
    """``label`` cut at a word to at most ``limit`` characters, "…" marking the cut."""
    if len(label) <= limit:
        return label
    return label[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _print_setup(
    ws: Worksheet,
    plan: Plan,
    unit: Unit,
    year: int,
    last_col: str,
    landscape: bool,
    title_rows: str | None = f"{HEADER_ROW}:{HEADER_ROW}",
) -> None:
    """A4, fit to one page wide, as many pages tall as needed; header rows repeated; page
    numbers and the form code in the footer; the print area is the used range."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.75
    ws.page_margins.header, ws.page_margins.footer = 0.3, 0.3
    if title_rows:
        ws.print_title_rows = title_rows
    ws.print_area = f"A1:{last_col}{ws.max_row}"
    code = form_code(plan, unit, year)
    for part, text in ((ws.oddFooter.left, code), (ws.oddFooter.right, "Trang &P/&N")):
        part.text = text
        part.font = f"{FONT},Regular"
        part.size = 9


def _setup(ws: Worksheet, widths: dict[str, float], landscape: bool | None = None) -> None:
    """Column widths, hidden key column A, protection; with ``landscape``, A4 fit to width too
    (the forms call ``_print_setup`` at the end instead, once the rows are known)."""
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    ws.column_dimensions["A"].hidden = True
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # staff may widen columns …
    ws.protection.formatRows = False  # … and rows, but not change the structure
    if landscape is not None:
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True


def _title(ws: Worksheet, plan: Plan, unit: Unit, year: int, title: str, last_col: str) -> None:
    ws["B1"] = title
    ws["B1"].font = _font(True, 14)
    when = f"Năm báo cáo: {year}" if plan.period is None else f"Kỳ báo cáo: {plan.period.name}"
    ws["B2"] = f"Đơn vị: {unit.name} — {when} — Hạn nộp: {plan.deadline(year):%d/%m/%Y}"
    ws["B2"].font = _font(False, SIZE, italic=True)
    ws[ID_CELL] = form_id(plan, unit, year)
    ws[ID_CELL].font = _font(False, 9, color="808080")
    for cell in ("B1", "B2", ID_CELL):
        ws[cell].alignment = Alignment(wrap_text=True, vertical="top")
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


def _label(
    ws: Worksheet, ref: str, value: object, bold: bool = False, fill: PatternFill | None = None, italic: bool = False
) -> None:
    c = ws[ref]
    c.value = value
    c.font = _font(bold, italic=italic)
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


def _rule(
    ws: Worksheet,
    ref: str,
    *,
    title: str,
    prompt: str,
    error: str = "",
    error_title: str = "",
    stop: bool = True,
    **kwargs: object,
) -> DataValidation:
    """One validation for one cell, its texts within Excel's limits (longer ones are refused by Excel)."""
    dv = DataValidation(
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorStyle="stop" if stop else "warning",
        promptTitle=_clip(title, PROMPT_TITLE_MAX),
        prompt=_clip(prompt, PROMPT_MAX),
        errorTitle=_clip(error_title or title, PROMPT_TITLE_MAX),
        error=_clip(error, ERROR_MAX),
        **kwargs,
    )
    ws.add_data_validation(dv)
    dv.add(ref)
    return dv


def _text_rule(ws: Worksheet, ref: str, key: str, field: str, title: str, example: str) -> None:
    limit = text_limit(key, field)
    assert limit is not None, key
    n = format_number(limit)
    _rule(
        ws,
        ref,
        type="textLength",
        operator="lessThanOrEqual",
        formula1=str(limit),
        title=title,
        prompt=f"Văn bản, tối đa {n} ký tự; mỗi ý một dòng. Ví dụ: {example}",
        error=f"Quá dài: tối đa {n} ký tự. Hãy viết gọn lại.",
        error_title="Văn bản quá dài",
    )


def phone_formula(ref: str) -> str:
    """Validation formula: ``ref`` holds 8–15 characters, each a digit, a space, a dot or "+"."""
    rest = ref
    for ch in PHONE_CHARS:
        rest = f'SUBSTITUTE({rest},"{ch}","")'
    low, high = PHONE_LENGTH
    return f"AND(LEN({ref})>={low},LEN({ref})<={high},LEN({rest})=0)"


def part_formula(part: str, whole: str, integer: bool) -> str:
    """Validation formula on a part's cell: a number ≥ 0 (whole if ``integer``), not above the whole's
    cell when that holds a number."""
    checks = [f"{part}>=0"]
    if integer:
        checks.append(f"INT({part})={part}")
    checks.append(f"OR(NOT(ISNUMBER({whole})),{part}<={whole})")
    return f"IF(ISNUMBER({part}),AND({','.join(checks)}),FALSE())"


# --------------------------------------------------------------------------- the sheets


def _guide_sheet(ws: Worksheet, plan: Plan, unit: Unit, year: int) -> None:
    drafting = plan.unit(plan.drafting_unit).name
    deadline = plan.deadline(year)
    limits = (
        f"khó khăn, kiến nghị, phương hướng tối đa {format_number(TEXT_LIMIT)} ký tự mỗi ô; kết quả "
        f"một nhiệm vụ tối đa {format_number(TEXT_LIMITS[f'{TASK}.result'])} ký tự; khó khăn, đề xuất của "
        f"một nhiệm vụ tối đa {format_number(TEXT_LIMITS[f'{TASK}.difficulties'])} ký tự; ghi chú của một số "
        f"liệu tối đa {format_number(TEXT_LIMITS[f'{INPUT}.note'])} ký tự"
    )
    lines: list[tuple[str, bool]] = [
        (f"BIỂU MẪU BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH SỐ {plan.number} — {plan.period_name(year).upper()}", True),
        (plan.title, False),
        ("", False),
        (f"Đơn vị báo cáo: {unit.name}", True),
        (f"Hạn nộp: trước ngày {deadline:%d/%m/%Y}. Gửi tệp này (định dạng .xlsx) về {drafting} để tổng hợp.", True),
        ("", False),
        ("CÁCH ĐIỀN", True),
        (
            "1. Chỉ nhập vào các ô nền vàng. Các ô khác đã được khóa để giữ đúng cấu trúc biểu mẫu. Chọn một ô "
            "để xem lời nhắc: đơn vị tính và ví dụ cách ghi.",
            False,
        ),
        (
            f"2. Trang «{SHEET_INFO}»: ghi người lập, số điện thoại (chỉ chữ số, dấu cách, dấu chấm, dấu +), ngày lập; "
            "nêu khó khăn, kiến nghị và phương hướng năm sau.",
            False,
        ),
        (
            f"3. Trang «{SHEET_INDICATORS}»: nhập SỐ LIỆU GỐC (số lượng, khối lượng) theo đơn vị tính ghi ở cột "
            "bên cạnh, không nhập tỷ lệ %; chương trình tự tính tỷ lệ khi tổng hợp. Không có thì nhập 0; không để "
            "trống. Dòng «Trong đó» là một phần của dòng trên nó, không được lớn hơn dòng đó. Dòng ghi «năm gốc» "
            f"hỏi số liệu của năm gốc {plan.baseline_year}, các dòng khác hỏi số liệu năm {year}.",
            False,
        ),
        (
            "   Số nguyên không có dấu phân cách (ví dụ 1250); số thập phân dùng dấu phẩy hoặc dấu chấm theo máy "
            "(ví dụ 12,5).",
            False,
        ),
        (
            "   Cuối trang: kinh phí đã sử dụng trong năm cho các nội dung của Kế hoạch theo từng nguồn (triệu "
            "đồng), và với đơn vị chủ trì nhiệm vụ, dự toán kinh phí năm sau.",
            False,
        ),
        (
            f"4. Trang «{SHEET_TASKS}»: với mỗi nhiệm vụ đơn vị CHỦ TRÌ, bắt buộc chọn tình trạng "
            f"({', '.join(TASK_STATUSES)}) và ghi kết quả cụ thể; với nhiệm vụ PHỐI HỢP, ghi kết quả nếu có tham gia.",
            False,
        ),
        (
            "5. Có thể nhập nhiều ý trong một ô: mỗi ý một dòng (Alt+Enter trong Excel, Ctrl+Enter trong "
            f"LibreOffice). Độ dài tối đa: {limits}.",
            False,
        ),
        ("6. Có thể in biểu mẫu ra giấy khổ A4 để điền tay trước rồi nhập lại vào tệp.", False),
        ("", False),
        ("KHÔNG ĐƯỢC", True),
        ("- Thêm, xóa, đổi tên hoặc sắp xếp lại các trang, cột; không sao chép số liệu sang biểu mẫu khác.", False),
        (
            '- Dán đè định dạng vào ô nhập (nên dán "chỉ giá trị"): chương trình vẫn kiểm tra lại mọi giá trị '
            "khi nhận.",
            False,
        ),
        ("- Dùng biểu mẫu của năm khác hoặc của đơn vị khác: mỗi tệp gắn với một đơn vị và một năm.", False),
        ("", False),
        ("Có thể đổi tên tệp; chương trình nhận diện biểu mẫu theo mã ẩn bên trong, không theo tên tệp.", False),
        (f"Bảng tính đã khóa cấu trúc, không đặt mật khẩu. {form_id(plan, unit, year)}", False),
    ]
    # The text sits in column B beside a narrow empty A: LibreOffice does not scale a one-column
    # print range to the page width, and would cut every line at the paper's edges.
    ws.column_dimensions["A"].width = 2
    ws.column_dimensions["B"].width = 92
    for i, (text, bold) in enumerate(lines, start=1):
        c = ws.cell(row=i, column=2, value=text or None)
        c.font = _font(bold, 14 if i == 1 else SIZE)
        c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.protection.sheet = True
    fit_rows(ws)
    _print_setup(ws, plan, unit, year, "B", landscape=False, title_rows=None)


def _info_sheet(ws: Worksheet, plan: Plan, unit: Unit, year: int) -> None:
    _setup(ws, {"A": 14, "B": 30, "C": 110, "D": 18})
    _title(ws, plan, unit, year, "THÔNG TIN CHUNG", "D")
    _header(ws, HEADER_ROW, ["Nội dung", "Thông tin", "Cách ghi"])
    identity = [
        ("Đơn vị báo cáo", unit.name),
        ("Mã đơn vị", unit.id),
        ("Kỳ báo cáo", plan.period_title(year)),
        ("Hạn nộp", f"{plan.deadline(year):%d/%m/%Y}"),
        ("Nơi nhận biểu mẫu", plan.unit(plan.drafting_unit).name),
    ]
    row = HEADER_ROW + 1
    for label, value in identity:
        _label(ws, f"B{row}", label, bold=True)
        _label(ws, f"C{row}", value)
        _label(ws, f"D{row}", None)
        row += 1
    low, high = reporting_window(year)
    col = COLUMNS[CONTACT]["value"]
    for key, label in CONTACT_FIELDS.items():
        ref = f"{col}{row}"
        ws[f"A{row}"] = contact_key(key)
        _label(ws, f"B{row}", label, bold=True)
        if key == "ngay_lap":
            _input(ws, ref, "dd/mm/yyyy")
            _label(ws, f"D{row}", "ngày/tháng/năm", italic=True)
            _rule(
                ws,
                ref,
                type="date",
                operator="between",
                stop=False,
                formula1=f"DATE({low.year},{low.month},{low.day})",
                formula2=f"DATE({high.year},{high.month},{high.day})",
                title="Ngày lập biểu",
                prompt=f"Ngày lập biểu, dạng ngày/tháng/năm, trong năm {year}. Ví dụ: 25/11/{year}.",
                error=f"Ngày lập phải là một ngày trong kỳ báo cáo, từ {low:%d/%m/%Y} đến {high:%d/%m/%Y}, "
                f"dạng ngày/tháng/năm (ví dụ 25/11/{year}).",
                error_title="Ngày ngoài kỳ báo cáo",
            )
        elif key == "dien_thoai":
            _input(ws, ref, "@")  # text: keeps a phone number's leading 0
            low_n, high_n = PHONE_LENGTH
            _label(ws, f"D{row}", f"{low_n}–{high_n} chữ số", italic=True)
            _rule(
                ws,
                ref,
                type="custom",
                formula1=phone_formula(ref),
                title="Số điện thoại",
                prompt=f"Số điện thoại: {low_n}–{high_n} ký tự, chỉ gồm chữ số, dấu cách, dấu chấm, dấu +. "
                "Ví dụ: 0277 3851234 hoặc 0918.123.456.",
                error=f"Số điện thoại chỉ gồm chữ số, dấu cách, dấu chấm, dấu + và dài {low_n}–{high_n} "
                "ký tự (ví dụ 0277 3851234).",
                error_title="Số điện thoại không hợp lệ",
            )
        else:
            _input(ws, ref, "@")
            limit = text_limit(contact_key(key))
            _label(ws, f"D{row}", f"họ và tên, tối đa {limit} ký tự", italic=True)
            _rule(
                ws,
                ref,
                type="textLength",
                operator="lessThanOrEqual",
                formula1=str(limit),
                title="Người lập biểu",
                prompt=f"Họ và tên người lập biểu (bắt buộc), tối đa {limit} ký tự. Ví dụ: Nguyễn Thị Lan.",
                error=f"Quá dài: tối đa {limit} ký tự.",
                error_title="Văn bản quá dài",
            )
        row += 1
    row += 1
    examples = {
        "kho_khan": "Kinh phí tuyên truyền còn hạn chế. Không có thì ghi «Không».",
        "kien_nghi": "Đề nghị tỉnh hỗ trợ tài liệu tuyên truyền. Không có thì ghi «Không».",
        "phuong_huong": f"Tiếp tục tuyên truyền giảm túi ni lông tại chợ trong năm {year + 1}.",
    }
    col = COLUMNS[GENERAL]["value"]
    for key in GENERAL_KEYS:
        label = GENERAL_LABELS[key].format(next_year=year + 1)
        ws[f"A{row}"] = general_key(key)
        _label(ws, f"B{row}", label, bold=True)
        _input(ws, f"{col}{row}")
        _label(ws, f"D{row}", f"tối đa {format_number(TEXT_LIMIT)} ký tự", italic=True)
        _text_rule(ws, f"{col}{row}", general_key(key), "value", label, examples[key])
        row += 1
    rooms = {r: ROOM["text"] for r in range(row - len(GENERAL_KEYS), row)}
    fit_rows(ws, min_lines=rooms)
    _print_setup(ws, plan, unit, year, "D", landscape=True)


def _number_prompt(inp: Input) -> str:
    if inp.kind == "co_khong":
        return "Chọn Có hoặc Không trong danh sách. Ví dụ: Có."
    example = "12" if inp.kind == "so_nguyen" else "12,5"
    return f"Đơn vị tính: {inp.unit_of_measure}. Nhập {KIND_LABELS[inp.kind]}, ví dụ {example}. Không có thì nhập 0."


def _indicator_sheet(ws: Worksheet, plan: Plan, unit: Unit, year: int, known: Mapping[str, float]) -> None:
    _setup(ws, {"A": 14, "B": 6, "C": 50, "D": 11, "E": 13, "F": 26})
    _title(ws, plan, unit, year, "SỐ LIỆU CHỈ TIÊU", "F")
    _header(ws, HEADER_ROW, ["STT", "Nội dung (số liệu cần báo cáo)", "Đơn vị tính", "Số liệu", "Ghi chú"])
    row, number = HEADER_ROW + 1, 0
    rooms: dict[int, int] = {}
    baselines = baseline_inputs(plan)
    value_col, note_col = COLUMNS[INPUT]["value"], COLUMNS[INPUT]["note"]
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
        rows: dict[str, tuple[int, str]] = {}  # input id → (row, its STT)
        for j, inp in enumerate(inputs, start=1):
            stt = f"{number}.{j}"
            rows[inp.id] = (row, stt)
            label = input_label(plan, ind, inp, year)
            ws[f"A{row}"] = input_key(inp.id)
            _label(ws, f"B{row}", stt)
            prefilled = known.get(inp.id) if inp.id in baselines else None
            if prefilled is not None:
                label += " — đã điền sẵn số đơn vị báo cáo năm trước; chỉ sửa nếu số đó chưa đúng"
            _label(ws, f"C{row}", label)
            _label(ws, f"D{row}", inp.unit_of_measure)
            ref = f"{value_col}{row}"
            whole = _whole_of(ind, inp.id)
            if inp.kind == "co_khong":
                _input(ws, ref)
                _rule(
                    ws,
                    ref,
                    type="list",
                    formula1=f'"{YES},{NO}"',
                    title="Chọn Có hoặc Không",
                    prompt=_number_prompt(inp),
                    error="Chỉ chọn Có hoặc Không.",
                    error_title="Giá trị không hợp lệ",
                )
            elif whole is not None and whole in rows:
                w_row, w_stt = rows[whole]
                w_label = input_label(plan, ind, plan.all_inputs()[whole], year)
                _input(ws, ref, "#,##0" if inp.kind == "so_nguyen" else "#,##0.00")
                _rule(
                    ws,
                    ref,
                    type="custom",
                    formula1=part_formula(ref, f"{value_col}{w_row}", inp.kind == "so_nguyen"),
                    title=f"Số liệu ({inp.unit_of_measure})",
                    prompt=_number_prompt(inp) + f" Không lớn hơn dòng {w_stt}.",
                    error=_part_error(
                        stt, label, w_stt, w_label, "số nguyên không âm" if inp.kind == "so_nguyen" else "số không âm"
                    ),
                    error_title="Phần lớn hơn tổng?",
                )
            else:
                integer = inp.kind == "so_nguyen"
                _input(ws, ref, "#,##0" if integer else "#,##0.00")
                _rule(
                    ws,
                    ref,
                    type="whole" if integer else "decimal",
                    operator="greaterThanOrEqual",
                    formula1="0",
                    title=f"Số liệu ({inp.unit_of_measure})",
                    prompt=_number_prompt(inp),
                    error=f"Dòng {stt}: chỉ nhập {KIND_LABELS[inp.kind]} ({inp.unit_of_measure}).",
                    error_title="Số liệu không hợp lệ",
                )
            if prefilled is not None:
                ws[ref] = int(prefilled) if float(prefilled).is_integer() else prefilled
            _input(ws, f"{note_col}{row}")
            _text_rule(
                ws,
                f"{note_col}{row}",
                input_key(inp.id),
                "note",
                "Ghi chú (không bắt buộc)",
                "Số liệu ước tính đến 30/11.",
            )
            rooms[row] = ROOM["note"]
            row += 1
    if number == 0:
        _label(ws, f"C{row}", "Đơn vị không có chỉ tiêu phải báo cáo số liệu trong năm này.")
        row += 1
    _funding_rows(ws, plan, unit, year, row, number + 1, rooms)
    fit_rows(ws, min_lines=rooms)
    _print_setup(ws, plan, unit, year, "F", landscape=False)


def _funding_rows(
    ws: Worksheet, plan: Plan, unit: Unit, year: int, row: int, number: int, rooms: dict[int, int]
) -> None:
    """Mục IV of the plan: the unit's spending in the year by source, and next year's estimate (funding.py)."""
    _label(ws, f"B{row}", str(number), bold=True, fill=GROUP_FILL)
    _label(
        ws,
        f"C{row}",
        "Kinh phí thực hiện Kế hoạch (mục IV của Kế hoạch), đơn vị tính: triệu đồng",
        bold=True,
        fill=GROUP_FILL,
    )
    for col in "DEF":
        _label(ws, f"{col}{row}", None, fill=GROUP_FILL)
    row += 1
    value_col, note_col = COLUMNS[FUNDING]["value"], COLUMNS[FUNDING]["note"]
    for j, (key, label) in enumerate(funding.form_keys(plan, unit.id, year).items(), start=1):
        ws[f"A{row}"] = key
        _label(ws, f"B{row}", f"{number}.{j}")
        _label(ws, f"C{row}", label)
        _label(ws, f"D{row}", funding.UNIT_OF_MEASURE)
        _input(ws, f"{value_col}{row}", "#,##0.0##")
        _rule(
            ws,
            f"{value_col}{row}",
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            title=f"Kinh phí ({funding.UNIT_OF_MEASURE})",
            prompt=f"Đơn vị tính: {funding.UNIT_OF_MEASURE}. Nhập số tiền không âm, có thể có phần thập phân, "
            "ví dụ 12,5 (mười hai triệu năm trăm nghìn đồng). Không có thì nhập 0.",
            error=f"Chỉ nhập số không âm ({funding.UNIT_OF_MEASURE}).",
            error_title="Số liệu không hợp lệ",
        )
        _input(ws, f"{note_col}{row}")
        _text_rule(
            ws, f"{note_col}{row}", key, "note", "Ghi chú (không bắt buộc)", "Kinh phí lồng ghép chương trình NTM."
        )
        rooms[row] = ROOM["note"]
        row += 1


def _part_error(stt: str, label: str, w_stt: str, w_label: str, kind: str) -> str:
    """The error of a part's cell naming both rows, the labels shortened to fit Excel's 225 characters."""
    text = "Dòng {} «{}» phải là {} và không lớn hơn dòng {} «{}»: phần không thể lớn hơn tổng."
    room = ERROR_MAX - len(text.format(stt, "", kind, w_stt, ""))
    first = _short(label, max(room // 2, room - len(w_label)))
    return text.format(stt, first, kind, w_stt, _short(w_label, room - len(first)))


def _whole_of(ind: Indicator, input_id: str) -> str | None:
    """For a ratio's part (numerator), the whole (denominator) it is a part of."""
    if not ind.spec.parts_of_whole or input_id not in ind.numerator:
        return None
    i = ind.numerator.index(input_id)
    return ind.denominator[i] if i < len(ind.denominator) else None


def _task_sheet(ws: Worksheet, plan: Plan, unit: Unit, year: int) -> None:
    _setup(ws, {"A": 10, "B": 7, "C": 38, "D": 10, "E": 16, "F": 50, "G": 30, "H": 30})
    _title(ws, plan, unit, year, "KẾT QUẢ THỰC HIỆN NHIỆM VỤ", "H")
    _header(
        ws,
        HEADER_ROW,
        [
            "STT",
            "Nội dung nhiệm vụ",
            "Vai trò",
            "Tình trạng",
            "Kết quả thực hiện (nêu số liệu cụ thể)",
            "Khó khăn, vướng mắc",
            "Đề xuất, kiến nghị",
        ],
    )
    row = HEADER_ROW + 1
    rooms: dict[int, int] = {}
    sections = (
        (LEAD, "A. NHIỆM VỤ ĐƠN VỊ CHỦ TRÌ", plan.tasks_led_by(unit.id, year), "Chủ trì"),
        (PARTNER, "B. NHIỆM VỤ ĐƠN VỊ PHỐI HỢP", plan.tasks_partnered_by(unit.id, year), "Phối hợp"),
    )
    examples = {
        "result": "Tổ chức 02 hội nghị cho 180 lượt người.",
        "difficulties": "Kinh phí còn hạn chế.",
        "proposals": "Đề nghị tỉnh hỗ trợ tài liệu.",
    }
    titles = {"result": "Kết quả thực hiện", "difficulties": "Khó khăn, vướng mắc", "proposals": "Đề xuất, kiến nghị"}
    for _role, heading, tasks, role_label in sections:
        _label(ws, f"B{row}", None, fill=GROUP_FILL)
        _label(ws, f"C{row}", heading, bold=True, fill=GROUP_FILL)
        for col in "DEFGH":
            _label(ws, f"{col}{row}", None, fill=GROUP_FILL)
        row += 1
        if not tasks:
            for col in "BCDEFGH":
                _label(ws, f"{col}{row}", f"Không có nhiệm vụ trong năm {year}." if col == "C" else None, italic=True)
            row += 1
        for task in tasks:
            for item in task.items:
                key = task_key(item.id)
                ws[f"A{row}"] = key
                _label(ws, f"B{row}", item.id)
                _label(ws, f"C{row}", task.with_note(item.content))
                _label(ws, f"D{row}", role_label)
                for col in COLUMNS[TASK].values():
                    _input(ws, f"{col}{row}")
                required = "bắt buộc" if role_label == "Chủ trì" else "không bắt buộc với nhiệm vụ phối hợp"
                _rule(
                    ws,
                    f"{COLUMNS[TASK]['status']}{row}",
                    type="list",
                    formula1='"' + ",".join(TASK_STATUSES) + '"',
                    title="Tình trạng",
                    prompt=f"Chọn trong danh sách ({required}). Ví dụ: {IN_PROGRESS}.",
                    error="Chọn một tình trạng trong danh sách: " + ", ".join(TASK_STATUSES) + ".",
                    error_title="Tình trạng không hợp lệ",
                )
                for field, col in COLUMNS[TASK].items():
                    if field != "status":
                        _text_rule(ws, f"{col}{row}", key, field, titles[field], examples[field])
                rooms[row] = ROOM["task"]
                row += 1
    fit_rows(ws, min_lines=rooms)
    _print_setup(ws, plan, unit, year, "H", landscape=True)


def _id_sheet(ws: Worksheet, plan: Plan, unit: Unit, year: int) -> None:
    values: tuple[object, ...] = (FORM_KIND, plan.id, unit.id, year, plan.template_version, unit.name)
    fields: tuple[str, ...] = ID_FIELDS
    if plan.period is not None:  # a yearly form has no period rows (and so the same bytes as before)
        values += (plan.period.slug, plan.period.name)
        fields += PERIOD_FIELDS
    for i, (key, value) in enumerate(zip(fields, values, strict=True), start=1):
        ws.cell(row=i, column=1, value=key)
        ws.cell(row=i, column=2, value=value)
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True


def build_form(plan: Plan, unit: Unit, year: int, known: Mapping[str, float] | None = None) -> bytes:
    """The form of ``unit`` for ``year`` as .xlsx bytes (deterministic).

    ``known``: the unit's figures of an earlier year (input id → value); the base-year figures of
    reduction indicators are pre-filled from it (still correctable), so the baseline is asked once.
    """
    wb = Workbook()
    guide = wb.active
    guide.title = SHEET_GUIDE
    _guide_sheet(guide, plan, unit, year)
    _info_sheet(wb.create_sheet(SHEET_INFO), plan, unit, year)
    _indicator_sheet(wb.create_sheet(SHEET_INDICATORS), plan, unit, year, known or {})
    _task_sheet(wb.create_sheet(SHEET_TASKS), plan, unit, year)
    _id_sheet(wb.create_sheet(ID_SHEET), plan, unit, year)
    wb.active = 1
    wb.security.lockStructure = True
    data = workbook_bytes(
        wb, dt.datetime(year, 1, 1), f"Biểu mẫu báo cáo {plan.number} {plan.period_name(year)} — {unit.name}"
    )
    return rows_may_grow(data)


def write_forms(
    ws: Workspace, plan: Plan, year: int, known: Mapping[str, Mapping[str, float]] | None = None
) -> list[Path]:
    """Write every unit's form to ``outbox/mau-<year>/`` (all or none); return the paths in plan order.

    ``known``: unit id → input id → the figure it used last year (``record.last_year``, read by ``run``),
    for the base-year figures the forms pre-fill."""
    plan.check_year(year)
    known = known or {}
    tag = plan.tag(year)
    return write_set(
        ws, ws.forms_dir(tag), ((form_filename(u, tag), build_form(plan, u, year, known.get(u.id))) for u in plan.units)
    )
