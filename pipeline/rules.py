"""Validation rules for one submitted form: each rule is a small function returning problems.

Problems are data, not exceptions: a ``model.Problem`` carries a stable code (``model.CODES``;
tests assert on it), where it is (file, sheet, cell), the value found, what is expected, and a
Vietnamese message saying what to do. The message names the row (its label), the value found,
what is expected and what to do; the place (file, sheet, cell) is in the fields —
``Problem.text()`` joins them.

Cell rules (``read_*``) turn one cell into a value plus problems; form rules (``FORM_RULES``)
look across cells (a part larger than its whole…). A new rule is one function here, added to
``FORM_RULES`` when it looks at the whole form, and its code in ``model.CODES`` (explained in the
README's code table). The value parsing itself is in ``values.py``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from .layout import date_range, reporting_window
from .model import ERROR, WARNING, Cell, Problem, is_number
from .values import (
    PERCENT,
    cell_text,
    fold,
    format_number,
    is_integer,
    parse_date,
    parse_number_text,
    parse_yes_no,
)

if TYPE_CHECKING:
    from .plan import Input, Plan

LARGE_VALUE = 1_000_000


def problem(code: str, cell: Cell, message: str, expected: str = "", severity: str = ERROR) -> Problem:
    return Problem(code, message, severity, cell.file, cell.sheet, cell.ref, cell.shown(), expected)


def _pending(cell: Cell) -> Problem | None:
    """The problem that stops a cell's value from being used at all: a formula reaching outside the
    form, a formula with no saved result, a number literal that is not a finite number."""
    if cell.formula and (why := outside_formula(cell.formula)):
        return problem(
            "cong-thuc-ngoai",
            cell,
            f"«{cell.label}»: ô có công thức «={_short(cell.formula)}» {why}; "
            "chương trình không chạy công thức này và không dùng giá trị của ô. Hãy xóa công thức, nhập "
            "trực tiếp số liệu rồi gửi lại.",
            "số liệu nhập trực tiếp",
        )
    if cell.invalid:
        return _invalid(cell, cell.invalid)
    if not cell.formula_pending:
        return None
    return problem(
        "cong-thuc-chua-tinh",
        cell,
        f"«{cell.label}»: ô chứa công thức nhưng chưa có kết quả đã tính "
        "(tệp được lưu bởi chương trình không tự tính công thức). Hãy mở tệp bằng Excel hoặc LibreOffice "
        "rồi lưu lại, hoặc xóa công thức và nhập trực tiếp số liệu.",
        "giá trị đã tính",
    )


def _invalid(cell: Cell, shown: str) -> Problem:
    return problem(
        "so-khong-hop-le",
        cell,
        f"«{cell.label}»: «{shown}» không phải là số hợp lệ (không xác định, vô "
        f"cực hoặc lớn quá {format_number(MAX_NUMBER)}). Hãy nhập lại số liệu đúng; không có thì nhập 0.",
        "số hữu hạn",
    )


MAX_NUMBER = 1e15  # Excel keeps 15 significant digits; no count or quantity of a form comes near
_DDE = re.compile(r"\|")
_LINK = re.compile(
    r"\[\d++\]|\[[^\]\[]*+(?<=\.xls|xlsx|xlsm|xlsb|\.ods|\.csv)\]|\b(?:https?|ftp|file)://|\\\\", re.IGNORECASE
)
_WEB = re.compile(
    r"\b(?:WEBSERVICE|FILTERXML|ENCODEURL|RTD|CALL|REGISTER\.ID|EXEC|IMPORT(?:XML|DATA|HTML|RANGE|FEED)"
    r"|HYPERLINK)\s*\(",
    re.IGNORECASE,
)
_STRING_LITERAL = re.compile(r'"[^"]*"')


MAX_FORMULA = 8192  # characters: Excel's own limit


def outside_formula(formula: str) -> str:
    """Why ``formula`` reaches outside the form (Vietnamese, for the message), or "" when it does not."""
    if len(formula) > MAX_FORMULA:
        return f"dài bất thường (hơn {format_number(MAX_FORMULA)} ký tự, giới hạn của Excel)"
    bare = _STRING_LITERAL.sub('""', formula)
    if _DDE.search(bare):
        return "gọi chương trình khác (DDE)"
    if _LINK.search(bare):
        return "lấy dữ liệu từ tệp khác (liên kết ngoài)"
    if _WEB.search(bare):
        return "lấy dữ liệu từ Internet hoặc chương trình khác (hàm web)"
    return ""


def _short(formula: str) -> str:
    return formula if len(formula) <= 120 else formula[:117] + "…"


def formula_used(cell: Cell) -> Problem:
    """(warning) An input cell holding a formula: its saved result is used; say which formula."""
    return problem(
        "cong-thuc",
        cell,
        f"«{cell.label}»: ô có công thức «={_short(cell.formula)}»; chương trình dùng kết "
        f"quả đã lưu trong tệp («{cell.shown()}»). Nên nhập trực tiếp số liệu thay cho công thức: kết quả "
        "có thể khác khi tệp được mở ở máy khác.",
        "số liệu nhập trực tiếp",
        WARNING,
    )


# --------------------------------------------------------------------------- cell rules

KIND_TEXT = {
    "so_nguyen": "số nguyên, không âm",
    "so_thap_phan": "số không âm, có thể có phần thập phân",
    "co_khong": "Có hoặc Không",
}


def read_number(cell: Cell, inp: Input, year: int) -> tuple[float | int | None, list[Problem]]:
    """A count (so_nguyen) or a decimal quantity (so_thap_phan) as typed."""
    whole = inp.kind == "so_nguyen"
    expected = f"{KIND_TEXT[inp.kind]} ({inp.unit_of_measure})"
    pending = _pending(cell)
    if pending:
        return None, [pending]
    if cell.error:
        return None, [
            problem(
                "khong-phai-so",
                cell,
                f"«{cell.label}»: ô đang báo lỗi «{cell.error}» thay vì số liệu. "
                f"Hãy xóa công thức lỗi và nhập trực tiếp {expected}.",
                expected,
            )
        ]
    if cell.blank:
        return None, [
            problem(
                "thieu-so-lieu",
                cell,
                f"«{cell.label}»: chưa nhập số liệu năm {year}. Hãy nhập "
                f"{expected}; không có thì nhập 0, không để trống.",
                expected,
            )
        ]
    raw, out = cell.raw, []
    if is_number(raw):
        if cell.percent:
            return None, [_percent(cell, inp, expected)]
        value = float(raw)
    elif isinstance(raw, str):
        number = parse_number_text(raw, whole)
        if number.code == PERCENT:
            return None, [_percent(cell, inp, expected)]
        if number.value is None:
            return None, [
                problem(
                    "khong-phai-so",
                    cell,
                    f"«{cell.label}»: «{cell.shown()}» không phải là số. Cần: "
                    f"{expected}. Hãy chỉ nhập con số, không kèm chữ hay đơn vị tính; "
                    "không có thì nhập 0.",
                    expected,
                )
            ]
        value = number.value
        if number.ambiguous:
            out.append(_ambiguous(cell, value, whole))
    else:  # a date, a time or TRUE/FALSE where a number belongs
        return None, [
            problem(
                "khong-phai-so",
                cell,
                f"«{cell.label}»: ô đang chứa «{cell.shown()}» (ngày tháng hoặc "
                f"đúng/sai), không phải số. Cần: {expected}. Hãy xóa định dạng của ô và nhập lại con số.",
                expected,
            )
        ]
    if not math.isfinite(value) or abs(value) > MAX_NUMBER:
        return None, [_invalid(cell, cell.shown())]
    if value < 0:
        out.append(
            problem(
                "so-am",
                cell,
                f"«{cell.label}»: số âm ({format_number(value)}) không hợp lệ. Cần: "
                f"{expected}. Hãy nhập lại số liệu đúng; không có thì nhập 0.",
                expected,
            )
        )
    if whole and not is_integer(value):
        hint = ""
        if 0 < value < 1000 and is_integer(value * 1000):
            hint = (
                f" Nếu định nhập «{format_number(value * 1000)}» ({format_number(value * 1000, False)}) thì hãy gõ "
                f"{format_number(value * 1000, False)}, không dùng dấu chấm hay dấu phẩy."
            )
        out.append(
            problem(
                "khong-phai-so-nguyen",
                cell,
                f"«{cell.label}»: {format_number(value)} không phải số nguyên, "
                f"mà {inp.unit_of_measure} phải đếm bằng số nguyên.{hint} Hãy nhập lại.",
                expected,
            )
        )
    if abs(value) > LARGE_VALUE:
        out.append(
            problem(
                "so-qua-lon",
                cell,
                f"«{cell.label}»: {format_number(value)} {inp.unit_of_measure} là số "
                f"lớn bất thường (trên {format_number(LARGE_VALUE)}). Hãy kiểm tra lại: có gõ thừa chữ số 0 "
                "hoặc nhầm đơn vị tính không?",
                expected,
                WARNING,
            )
        )
    if whole and is_integer(value):
        return int(round(value)), out
    return value, out


def _percent(cell: Cell, inp: Input, expected: str) -> Problem:
    return problem(
        "nhap-phan-tram",
        cell,
        f"«{cell.label}»: đã nhập tỷ lệ % («{cell.shown()}»). Nhập số liệu gốc, "
        f"không nhập tỷ lệ %: ghi số {inp.unit_of_measure} thực tế; chương trình tự tính tỷ lệ khi tổng hợp. "
        "Nếu ô đang định dạng %, hãy đổi về dạng số (General) rồi nhập lại.",
        expected,
    )


def _ambiguous(cell: Cell, value: float, whole: bool) -> Problem:
    raw = cell_text(cell.raw)
    read = format_number(value)
    if whole or "." in raw:
        alt = raw.replace(".", ",") if "." in raw else ""
        other = f"; nếu ý là số thập phân {alt} thì hãy sửa lại" if alt and not whole else ""
        note = f"một nghìn trở lên: {read} (= {format_number(value, False)}){other}"
    else:
        note = (
            f"số thập phân {read}; nếu ý là {format_number(value * 1000)} thì hãy gõ "
            f"{format_number(value * 1000, False)}"
        )
    return problem(
        "so-mo-ho",
        cell,
        f"«{cell.label}»: «{raw}» có thể hiểu hai cách; chương trình đã đọc là {note}. "
        "Để tránh nhầm: số nguyên gõ liền không dấu phân cách (1250), phần thập phân dùng dấu phẩy (12,5).",
        "số viết rõ ràng",
        WARNING,
    )


def read_yes_no(cell: Cell, year: int) -> tuple[bool | None, list[Problem]]:
    pending = _pending(cell)
    if pending:
        return None, [pending]
    expected = "Có hoặc Không"
    if cell.blank and not cell.error:
        return None, [
            problem(
                "thieu-so-lieu",
                cell,
                f"«{cell.label}»: chưa trả lời cho năm {year}. Hãy chọn Có hoặc Không trong danh sách của ô.",
                expected,
            )
        ]
    value = parse_yes_no(cell.raw)
    if value is None:
        return None, [
            problem(
                "khong-phai-co-khong",
                cell,
                f"«{cell.label}»: «{cell.shown()}» không hợp lệ. Hãy chọn Có hoặc Không trong danh sách của ô.",
                expected,
            )
        ]
    return value, []


def read_text(cell: Cell) -> tuple[str, list[Problem]]:
    pending = _pending(cell)
    if pending:
        return "", [pending]
    return ("" if cell.error else cell_text(cell.raw)), []


def text_within_limit(cell: Cell, text: str, limit: int | None) -> list[Problem]:
    """(warning) A free-text cell longer than its ``limit`` (the form states it: ``layout.TEXT_LIMITS``)."""
    if limit is None or len(text) <= limit:
        return []
    return [
        problem(
            "van-ban-qua-dai",
            cell,
            f"«{cell.label}»: {format_number(len(text))} ký tự, dài hơn giới hạn "
            f"{format_number(limit)} ký tự của ô. Báo cáo chỉ trích một, hai câu đầu; toàn văn được giữ "
            "trong bảng tổng hợp. Nên rút gọn, nêu kết quả chính bằng số liệu cụ thể.",
            f"tối đa {format_number(limit)} ký tự",
            WARNING,
        )
    ]


def required(cell: Cell, text: str) -> list[Problem]:
    if text or cell.formula_pending or cell.invalid or (cell.formula and outside_formula(cell.formula)):
        return []
    return [
        problem(
            "thieu-thong-tin",
            cell,
            f"Chưa ghi «{cell.label}». Hãy ghi đầy đủ người lập, số điện thoại và "
            "ngày lập để đơn vị tổng hợp liên hệ khi cần.",
            cell.label,
        )
    ]


def read_date(cell: Cell, year: int, date1904: bool = False) -> tuple[dt.date | None, list[Problem]]:
    pending = _pending(cell)
    if pending:
        return None, [pending]
    if cell.blank:
        return None, required(cell, "")
    expected = f"ngày dạng ngày/tháng/năm, ví dụ 25/11/{year}"
    value = parse_date(cell.raw, date1904)
    if value is None:
        return None, [
            problem(
                "ngay-khong-hop-le",
                cell,
                f"«{cell.label}»: «{cell.shown()}» không phải ngày hợp lệ. Hãy ghi {expected}.",
                expected,
            )
        ]
    low, high = date_range(year)
    if not low <= value <= high:
        return None, [
            problem(
                "ngay-khong-hop-le",
                cell,
                f"«{cell.label}»: ngày {value:%d/%m/%Y} nằm ngoài kỳ báo cáo "
                f"năm {year} (từ {low:%d/%m/%Y} đến {high:%d/%m/%Y}). Hãy ghi đúng ngày lập biểu.",
                expected,
            )
        ]
    return value, []


@cache
def _statuses_by_fold(statuses: tuple[str, ...]) -> dict[str, str]:
    """The folded spelling → the listed status (built once per list, not once per cell)."""
    return {fold(s): s for s in statuses}


def date_window(cell: Cell, made: dt.date, year: int, saved: dt.date | None) -> list[Problem]:
    """(warning) ngày lập outside [the start of the reporting window, the day the file was saved].

    The file's saved date stands for the day of the run: a form cannot be made after it was last
    saved, that day is never later than the run, and it comes with the inbox, so the same inbox
    always gives the same warnings (and outputs). ``saved`` None (unknown) checks the start only.
    """
    start = reporting_window(year)[0]
    if made < start:
        return [
            problem(
                "ngay-ngoai-khoang",
                cell,
                f"«{cell.label}»: ngày lập {made:%d/%m/%Y} trước ngày "
                f"{start:%d/%m/%Y} của năm báo cáo {year}: có thể đây là biểu mẫu cũ, hoặc ghi nhầm năm. "
                "Hãy kiểm tra lại số liệu và ngày lập.",
                f"từ {start:%d/%m/%Y}",
                WARNING,
            )
        ]
    if saved is not None and made > saved:
        return [
            problem(
                "ngay-ngoai-khoang",
                cell,
                f"«{cell.label}»: ngày lập {made:%d/%m/%Y} sau ngày tệp được lưu "
                f"({saved:%d/%m/%Y}): có thể gõ nhầm ngày. Hãy ghi đúng ngày lập biểu.",
                f"không sau {saved:%d/%m/%Y}",
                WARNING,
            )
        ]
    return []


def read_status(cell: Cell, item_id: str, lead: bool, statuses: tuple[str, ...]) -> tuple[str, list[Problem]]:
    """A task's status: one of ``statuses`` (any case/diacritics), required when the unit leads it."""
    pending = _pending(cell)
    if pending:
        return "", [pending]
    listed = ", ".join(statuses)
    text = "" if cell.error else cell_text(cell.raw)
    if not text:
        if lead:
            return "", [
                problem(
                    "thieu-trang-thai",
                    cell,
                    f"Nhiệm vụ {item_id} (đơn vị chủ trì): chưa chọn tình trạng "
                    f"thực hiện. Hãy chọn một trong: {listed}.",
                    listed,
                )
            ]
        return "", []
    status = text if text in statuses else _statuses_by_fold(statuses).get(fold(text))
    if status is None:
        return text, [
            problem(
                "trang-thai-khong-hop-le",
                cell,
                f"Nhiệm vụ {item_id}: tình trạng «{text}» không có trong danh sách. Hãy chọn một trong: {listed}.",
                listed,
            )
        ]
    return status, []


def result_written(
    cell: Cell, item_id: str, lead: bool, status: str, result: str, needs_result: Iterable[str]
) -> list[Problem]:
    """Warning: a led task said to be done or in progress, with no result text."""
    if not lead or result or status not in needs_result:
        return []
    return [
        problem(
            "thieu-ket-qua",
            cell,
            f"Nhiệm vụ {item_id} (chủ trì) ghi «{status}» nhưng chưa ghi kết quả thực "
            "hiện. Nên ghi kết quả cụ thể (số cuộc, số lượt người, sản phẩm…) để đưa vào báo cáo.",
            "kết quả thực hiện",
            WARNING,
        )
    ]


# --------------------------------------------------------------------------- form rules


@dataclass(frozen=True)
class FormView:
    """What the form rules see: the unit's read values and the cell each came from."""

    unit_id: str
    values: Mapping[str, float | int | bool | None]  # input id → value
    cells: Mapping[str, Cell]  # input id → its value cell
    last_year: Mapping[str, float] = field(default_factory=dict)  # input id → value used last year


def _pairs(plan: Plan, form: FormView, parts: bool) -> Iterable[tuple[Cell, float, Cell, float]]:
    """(numerator cell, value, denominator cell, value) of paired formulas: parts of a whole (``parts``),
    or this year's amount and its base year's (formulas.Formula.baseline)."""
    for ind in plan.indicators:
        if not (ind.spec.parts_of_whole if parts else ind.spec.baseline):
            continue
        for part, whole in zip(ind.numerator, ind.denominator, strict=False):
            a, b = form.values.get(part), form.values.get(whole)
            # a negative value already has its own "so-am" problem: do not report it twice
            if (
                is_number(a)
                and is_number(b)
                and float(a) >= 0
                and float(b) >= 0
                and part in form.cells
                and whole in form.cells
            ):
                yield form.cells[part], float(a), form.cells[whole], float(b)


def _at(cell: Cell, other: Cell) -> str:
    return f"ô {cell.ref}" if cell.sheet == other.sheet else f"trang «{cell.sheet}» ô {cell.ref}"


def part_not_over_whole(plan: Plan, form: FormView) -> list[Problem]:
    """ti_le: numerator[i] ≤ denominator[i] (collected ≤ generated, compliant ≤ inspected)."""
    out = []
    for part, a, whole, b in _pairs(plan, form, parts=True):
        if a > b + 1e-9:
            out.append(
                problem(
                    "phan-lon-hon-tong",
                    part,
                    f"«{part.label}» ({_at(part, whole)}) = {format_number(a)} lớn "
                    f"hơn «{whole.label}» ({_at(whole, part)}) = {format_number(b)}: phần không thể lớn hơn "
                    "tổng. Hãy kiểm tra lại hai số liệu này.",
                    f"không lớn hơn {format_number(b)} (ô {whole.ref})",
                )
            )
    return out


def reduction_not_up(plan: Plan, form: FormView) -> list[Problem]:
    """giam (warning): this year's amount above the baseline year's."""
    out = []
    for cur, a, base, b in _pairs(plan, form, parts=False):
        if a > b + 1e-9:
            out.append(
                problem(
                    "giam-tang",
                    cur,
                    f"«{cur.label}» ({_at(cur, base)}) = {format_number(a)} lớn hơn năm gốc "
                    f"«{base.label}» ({_at(base, cur)}) = {format_number(b)}: lượng sử dụng tăng chứ không giảm. "
                    "Hãy kiểm tra lại; nếu đúng, ghi rõ lý do ở cột Ghi chú.",
                    f"không lớn hơn {format_number(b)}",
                    WARNING,
                )
            )
    return out


def baseline_inputs(plan: Plan) -> set[str]:
    """The base-year figures of the reduction indicators: the same every year, asked once (the form
    pre-fills last year's; a changed one is ``goc-thay-doi``)."""
    return {i for ind in plan.indicators if ind.spec.baseline for i in ind.denominator}


def baseline_unchanged(plan: Plan, form: FormView) -> list[Problem]:
    """(warning) A reduction's base-year figure differing from the one the unit gave last year."""
    out = []
    for input_id in sorted(baseline_inputs(plan) & set(form.last_year)):
        now, cell, before = form.values.get(input_id), form.cells.get(input_id), form.last_year[input_id]
        if cell is None or not is_number(now) or abs(float(now) - float(before)) < 1e-9:
            continue
        out.append(
            problem(
                "goc-thay-doi",
                cell,
                f"«{cell.label}» = {format_number(float(now))}, khác số năm gốc đơn vị "
                f"đã báo cáo năm trước ({format_number(before)}). Số liệu năm gốc không đổi qua các năm: "
                "nếu số năm trước đúng thì sửa lại cho giống; nếu năm nay đính chính thì ghi lý do ở cột "
                "Ghi chú.",
                f"bằng số năm trước ({format_number(before)})",
                WARNING,
            )
        )
    return out


JUMP_FACTOR = 10  # a value this many times last year's (or this fraction of it) is worth a second look


def jump_from_last_year(plan: Plan, form: FormView) -> list[Problem]:
    """(warning) A number 10× last year's, or a tenth of it, when last year's report is available."""
    out = []
    baselines = baseline_inputs(plan)  # a changed baseline has its own warning (goc-thay-doi)
    for input_id, before in sorted(form.last_year.items()):
        if input_id in baselines:
            continue
        now, cell = form.values.get(input_id), form.cells.get(input_id)
        if cell is None or not is_number(now) or not is_number(before):
            continue
        now, before = float(now), float(before)
        if now <= 0 or before <= 0 or max(now, before) < JUMP_FACTOR:
            continue  # zeros and tiny counts (1 → 12 sessions) are not suspicious
        if now >= JUMP_FACTOR * before or now * JUMP_FACTOR <= before:
            if now > before:
                change = f"gấp {format_number(round(now / before, 1))} lần số liệu năm trước"
            else:
                change = f"chỉ bằng 1/{format_number(round(before / now, 1))} số liệu năm trước"
            out.append(
                problem(
                    "bien-dong-lon",
                    cell,
                    f"«{cell.label}» = {format_number(now)}, {change} "
                    f"({format_number(before)}). Nếu đúng thì giữ nguyên (có thể ghi lý do ở cột "
                    "ghi chú); nếu nhầm đơn vị tính hay thừa/thiếu chữ số thì sửa lại.",
                    f"gần với số năm trước ({format_number(before)})",
                    severity=WARNING,
                )
            )
    return out


FORM_RULES: tuple[Callable[[Plan, FormView], list[Problem]], ...] = (
    part_not_over_whole,
    reduction_not_up,
    baseline_unchanged,
    jump_from_last_year,
)


def check_form(plan: Plan, form: FormView) -> list[Problem]:
    return [p for rule in FORM_RULES for p in rule(plan, form)]
