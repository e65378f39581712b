"""The history workbook: figures of the years before the tool, typed by the clerk (``baocao lich-su``).

``build_history_template`` writes the workbook (``--mau``): a sheet of district totals (one row
per numeric input) and a sheet per unit (one row per unit and input it reports), one column per
past year. ``read_history_workbook`` reads a filled copy back like a form: the package is checked
by ``xlsx_safety`` before any parser sees it (a hostile file is refused by name), every value goes
through the form's cell rules (``rules.read_number``/``read_yes_no``) and form rules (a part not
over its whole…), and every finding names its sheet and cell. A workbook with an error is not used
until it is fixed, as a form would not be. Blank cells mean "not known", never zero.

Per year and input, figures typed per unit make the district total (a total typed as well that
differs is a warning); a total typed alone stands for the district, with the units that reported
it unknown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from .errors import BaoCaoError
from .forms import GROUP_FILL, _font, _header, _input, _label, _setup, _validation
from .layout import KIND_LABELS, NO, YES
from .model import WARNING, WORKBOOK, Cell, IndicatorYear, Problem, YearHistory
from .ooxml import workbook_bytes
from .plan import Input, Plan
from .rules import FormView, check_form, read_number, read_yes_no
from .sheet_cells import Area, column_letters
from .values import cell_text
from .workspace import is_skipped_name, nfc

HISTORY_KIND = "baocao-lich-su"
ID_SHEET = "_id"
SHEET_GUIDE = "Hướng dẫn"
SHEET_TOTALS = "Tổng huyện"
SHEET_UNITS = "Theo đơn vị"
YEAR_KEY = "nam"  # column A of the header row: the year columns start at FIRST_YEAR_COL
FIRST_YEAR_COL = 5  # E
TOTAL = "tong"  # the district, in keys and in the values read


def history_years(plan: Plan, year: int) -> list[int]:
    """The years the template asks for: the plan's first year up to the year before ``year``."""
    plan.check_year(year)
    years = list(range(plan.start_year, year))
    if not years:
        raise BaoCaoError(f"Năm {year} là năm đầu của kế hoạch: chưa có năm nào trước đó để nhập số liệu lịch sử.")
    return years


# --------------------------------------------------------------------------- the template


def _title(ws: Worksheet, plan: Plan, title: str, years: list[int], last: str) -> None:
    ws["B1"] = title
    ws["B1"].font = _font(True, 14)
    ws["B2"] = (
        f"Kế hoạch số {plan.number} — số liệu các năm {years[0]}–{years[-1]} (trước khi dùng chương trình). "
        "Ô để trống là chưa có số liệu; không có thì nhập 0."
    )
    ws["B2"].font = _font(False, 12, italic=True)
    ws["B3"] = f"Mã sổ lịch sử: {plan.id}/{years[0]}-{years[-1]}"
    ws["B3"].font = _font(False, 9, color="808080")
    for cell in ("B1", "B2", "B3"):
        ws.merge_cells(f"{cell}:{last}{cell[1:]}")


def _value_cells(ws: Worksheet, row: int, inp: Input, years: list[int]) -> None:
    for j in range(len(years)):
        ref = f"{column_letters(FIRST_YEAR_COL + j)}{row}"
        if inp.kind == "co_khong":
            _input(ws, ref)
        else:
            _input(ws, ref, "#,##0" if inp.kind == "so_nguyen" else "#,##0.00")


def _validations(ws: Worksheet, rows: dict[str, list[int]], years: list[int]) -> None:
    last = column_letters(FIRST_YEAR_COL + len(years) - 1)
    for kind, numbers in rows.items():
        if not numbers:
            continue
        if kind == "co_khong":
            dv = _validation(
                ws,
                type="list",
                formula1=f'"{YES},{NO}"',
                promptTitle="Chọn Có hoặc Không",
                prompt="Để trống nếu không có số liệu.",
            )
        else:
            dv = _validation(
                ws,
                type="whole" if kind == "so_nguyen" else "decimal",
                operator="greaterThanOrEqual",
                formula1="0",
                promptTitle="Số liệu gốc",
                errorTitle="Số liệu không hợp lệ",
                prompt=f"Nhập {KIND_LABELS[kind]}; để trống nếu không có số liệu.",
                error=f"Chỉ nhập {KIND_LABELS[kind]}.",
            )
        for r in numbers:
            dv.add(f"{column_letters(FIRST_YEAR_COL)}{r}:{last}{r}")


def _fit(ws: Worksheet, row: int, text: str, width: float) -> None:
    """Row height for wrapped text (LibreOffice does not grow rows by itself)."""
    lines = -(-len(text) // max(1, int(width * 0.95)))
    ws.row_dimensions[row].height = 16 * max(1, lines) + 2


def _sheet(ws: Worksheet, plan: Plan, years: list[int], per_unit: bool) -> None:
    last = column_letters(FIRST_YEAR_COL + len(years) - 1)
    width_c = 70 if per_unit else 62
    _setup(
        ws,
        {"A": 14, "B": 7, "C": width_c, "D": 12, **{column_letters(FIRST_YEAR_COL + j): 13 for j in range(len(years))}},
        landscape=True,
    )
    title = "SỐ LIỆU LỊCH SỬ THEO TỪNG ĐƠN VỊ" if per_unit else "SỐ LIỆU LỊCH SỬ: TỔNG TOÀN HUYỆN"
    _title(ws, plan, title, years, last)
    ws["A5"] = YEAR_KEY
    _header(ws, 5, ["STT", "Số liệu gốc", "Đơn vị tính", *[str(y) for y in years]])
    for j, y in enumerate(years):
        ws.cell(row=5, column=FIRST_YEAR_COL + j, value=y).number_format = "0"
    row, number = 6, 0
    by_kind: dict[str, list[int]] = {"so_nguyen": [], "so_thap_phan": [], "co_khong": []}
    for ind in plan.indicators:
        inputs = [i for i in ind.inputs if per_unit or i.kind != "co_khong"]
        if not inputs:
            continue
        number += 1
        _label(ws, f"B{row}", str(number), bold=True, fill=GROUP_FILL)
        _label(ws, f"C{row}", f"Chỉ tiêu: {ind.text}", bold=True, fill=GROUP_FILL)
        _fit(ws, row, f"Chỉ tiêu: {ind.text}", width_c)
        for j in range(len(years) + 1):
            _label(ws, f"{column_letters(4 + j)}{row}", None, fill=GROUP_FILL)
        row += 1
        for k, inp in enumerate(inputs, 1):
            units = inp.reporters if per_unit else (TOTAL,)
            for unit_id in units:
                ws[f"A{row}"] = f"dv.{unit_id}.{inp.id}" if per_unit else f"ls.{inp.id}"
                _label(ws, f"B{row}", f"{number}.{k}")
                label = f"{plan.unit(unit_id).name} — {inp.label}" if per_unit else inp.label
                _label(ws, f"C{row}", label)
                _fit(ws, row, label, width_c)
                _label(ws, f"D{row}", inp.unit_of_measure)
                _value_cells(ws, row, inp, years)
                by_kind[inp.kind].append(row)
                row += 1
    _validations(ws, by_kind, years)


def _guide(ws: Worksheet, plan: Plan, years: list[int]) -> None:
    lines = [
        (f"SỐ LIỆU LỊCH SỬ KẾ HOẠCH SỐ {plan.number} — CÁC NĂM {years[0]}–{years[-1]}", True),
        (plan.title, False),
        ("", False),
        (
            "Dùng cho các năm trước khi có chương trình (chưa có nhật ký của lệnh bao-cao). Số liệu này được dùng để "
            "so sánh với năm trước, vẽ xu hướng và lập báo cáo sơ kết.",
            False,
        ),
        ("", False),
        ("CÁCH ĐIỀN", True),
        (f"1. Trang «{SHEET_TOTALS}»: số liệu gốc tổng toàn huyện của từng năm (như đã báo cáo năm đó).", False),
        (
            f"2. Trang «{SHEET_UNITS}»: nếu còn số liệu của từng đơn vị thì nhập ở đây; khi đó tổng huyện của năm "
            "được tính từ số liệu các đơn vị (tổng đã nhập ở trang kia mà khác thì có cảnh báo).",
            False,
        ),
        (
            "3. Nhập số liệu gốc (số cơ sở, số kg…), không nhập tỷ lệ %. Ô để trống là chưa có số liệu; có số liệu "
            "bằng không thì nhập 0. Chỉ tiêu Có/Không chỉ nhập ở trang theo đơn vị.",
            False,
        ),
        (
            "4. Lưu tệp (.xlsx) rồi chép vào thư mục lich-su/ của thư mục làm việc; chạy «baocao lich-su» để kiểm tra.",
            False,
        ),
        ("", False),
        (
            "Năm nào đã có nhật ký của lệnh bao-cao thì số liệu của nhật ký được dùng; số liệu năm đó trong tệp này "
            "bị bỏ qua và chương trình nói rõ điều đó.",
            False,
        ),
        (f"Mã sổ lịch sử: {plan.id}/{years[0]}-{years[-1]}", False),
    ]
    ws.column_dimensions["A"].width = 110
    for i, (text, bold) in enumerate(lines, start=1):
        c = ws.cell(row=i, column=1, value=text or None)
        c.font = _font(bold, 14 if i == 1 else 12)
        c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.protection.sheet = True


def build_history_template(plan: Plan, year: int) -> bytes:
    """The history workbook for the years before ``year`` (deterministic bytes)."""
    years = history_years(plan, year)
    wb = Workbook()
    guide = wb.active
    guide.title = SHEET_GUIDE
    _guide(guide, plan, years)
    _sheet(wb.create_sheet(SHEET_TOTALS), plan, years, per_unit=False)
    _sheet(wb.create_sheet(SHEET_UNITS), plan, years, per_unit=True)
    ident = wb.create_sheet(ID_SHEET)
    for i, (k, v) in enumerate(
        (("loai", HISTORY_KIND), ("ke_hoach", plan.id), ("tu_nam", years[0]), ("den_nam", years[-1])), 1
    ):
        ident.cell(row=i, column=1, value=k)
        ident.cell(row=i, column=2, value=v)
    ident.sheet_state = "veryHidden"
    wb.active = 1
    wb.security.lockStructure = True
    return workbook_bytes(wb, dt.datetime(year, 1, 1), f"Số liệu lịch sử Kế hoạch số {plan.number}")


# --------------------------------------------------------------------------- reading it back


@dataclass
class _Typed:
    """Values read from one workbook: (year, unit id or TOTAL, input id) → value, and where each came from."""

    values: dict[tuple[int, str, str], float | bool]
    cells: dict[tuple[int, str, str], Cell]


def _year_of(value: object) -> int | None:
    text = cell_text(value).lower().replace("năm", "").strip()
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        text = str(int(value))
    return int(text) if text.isdecimal() and len(text) == 4 else None


def read_history_workbook(data: bytes, rel: str, plan: Plan) -> tuple[_Typed, list[Problem]]:
    """Read one history workbook; raise ``xlsx_safety.Rejected`` when it is not one (hostile, not ours)."""
    from .form_reader import AREA_COLS, AREA_MIN_ROWS, Grids
    from .xlsx_safety import open_package, reject, sniff

    sniff(data, rel)
    pkg = open_package(data, rel)
    inputs = plan.all_inputs()
    n_rows = AREA_MIN_ROWS + 2 * sum(len(i.reporters) + 1 for i in inputs.values())
    cols = max(AREA_COLS, FIRST_YEAR_COL + 2 * (plan.end_year - plan.baseline_year + 1))
    grids = Grids(
        pkg, Area(n_rows, cols, max(50_000, n_rows * (cols - FIRST_YEAR_COL + 4))), rel
    )  # bounded: a far cell is never sized into a grid
    ident = {cell_text(r[0]): r[1] for r in grids.rows.get(ID_SHEET, []) if len(r) >= 2}
    if cell_text(ident.get("loai")) != HISTORY_KIND:
        raise reject(
            "khong-phai-bieu-mau",
            "Tệp này không phải sổ số liệu lịch sử của chương trình (không có mã ẩn "
            "của sổ). Hãy tạo sổ bằng «baocao lich-su --mau», điền vào đó rồi chép vào lich-su/.",
            rel,
        )
    if cell_text(ident.get("ke_hoach")) != plan.id:
        raise reject(
            "sai-ke-hoach",
            f"Sổ lịch sử của kế hoạch «{cell_text(ident.get('ke_hoach'))}», không phải kế hoạch {plan.id} đang dùng.",
            rel,
        )
    typed = _Typed({}, {})
    problems: list[Problem] = []
    for sheet in (SHEET_TOTALS, SHEET_UNITS):
        rows = grids.rows.get(sheet)
        if rows is None:
            continue
        header = next((r for r in range(len(rows)) if rows[r] and cell_text(rows[r][0]) == YEAR_KEY), None)
        if header is None:
            continue
        years = {c: y for c, v in enumerate(rows[header]) if c >= FIRST_YEAR_COL - 1 and (y := _year_of(v))}
        wanted: list[tuple[int, int, int, str, str]] = []  # (row, col, year, unit, input)
        for r in range(header + 1, len(rows)):
            key = cell_text(rows[r][0]) if rows[r] else ""
            parts = key.split(".")
            if sheet == SHEET_TOTALS and len(parts) == 2 and parts[0] == "ls":
                unit_id, input_id = TOTAL, parts[1]
            elif sheet == SHEET_UNITS and len(parts) == 3 and parts[0] == "dv":
                unit_id, input_id = parts[1], parts[2]
            else:
                continue
            inp = inputs.get(input_id)
            if inp is None or (unit_id != TOTAL and unit_id not in inp.reporters):
                continue  # a row the plan no longer has
            for c, y in years.items():
                if plan.start_year <= y <= plan.end_year and grids.value(sheet, r, c) not in ("", None):
                    wanted.append((r, c, y, unit_id, input_id))
        facts = grids.sheets[sheet].facts
        for r, c, y, unit_id, input_id in wanted:
            inp = inputs[input_id]
            ref = f"{column_letters(c + 1)}{r + 1}"
            who = "tổng toàn huyện" if unit_id == TOTAL else plan.unit(unit_id).name
            f = facts.get(ref)
            cell = Cell(
                rel,
                sheet,
                ref,
                grids.value(sheet, r, c),
                f"{inp.label} — {who}, năm {y}",
                percent=bool(f and f.style in pkg.percent_styles()),
                formula_pending=bool(f and f.formula and not f.cached),
                error=f.error if f else "",
                formula=f.formula if f else "",
                invalid=f.invalid if f else "",
            )
            if cell.blank:
                continue
            value, found = read_yes_no(cell, y) if inp.kind == "co_khong" else read_number(cell, inp, y)
            problems.extend(found)
            if value is not None:
                typed.values[(y, unit_id, input_id)] = value
                typed.cells[(y, unit_id, input_id)] = cell
    for year, unit_id in sorted({(y, u) for y, u, _ in typed.values}):
        values = {i: v for (y, u, i), v in typed.values.items() if (y, u) == (year, unit_id)}
        cells = {i: c for (y, u, i), c in typed.cells.items() if (y, u) == (year, unit_id)}
        problems += check_form(plan, FormView(unit_id, values, cells))
    return typed, problems


def _totals_check(plan: Plan, typed: _Typed) -> list[Problem]:
    """(warning) A district total typed for a year that differs from the sum of that year's unit figures."""
    out = []
    for (year, unit_id, input_id), typed_total in sorted(typed.values.items()):
        if unit_id != TOTAL or isinstance(typed_total, bool):
            continue
        parts = [v for (y, u, i), v in typed.values.items() if y == year and i == input_id and u != TOTAL]
        if parts and abs(sum(float(v) for v in parts) - float(typed_total)) > 1e-6:
            from .values import format_number

            cell = typed.cells[(year, unit_id, input_id)]
            total = sum(float(v) for v in parts)
            out.append(
                Problem(
                    "lich-su-lech",
                    f"«{cell.label}» = {format_number(float(typed_total))} khác tổng số liệu "
                    f"các đơn vị nhập ở trang «{SHEET_UNITS}» ({format_number(total)}, {len(parts)} đơn vị); "
                    "chương trình dùng tổng của các đơn vị. Hãy kiểm tra lại.",
                    WARNING,
                    cell.file,
                    cell.sheet,
                    cell.ref,
                    format_number(float(typed_total)),
                    f"{format_number(total)} (tổng các đơn vị)",
                )
            )
    return out


def years_from_typed(plan: Plan, typed: _Typed, file: str) -> dict[int, YearHistory]:
    """The years a workbook gives, each indicator's totals and value by the yearly report's rule."""
    out: dict[int, YearHistory] = {}
    for year in sorted({y for y, _, _ in typed.values}):
        indicators: dict[str, IndicatorYear] = {}
        for ind in plan.indicators:
            ids = {i.id for i in ind.inputs}
            per_unit: dict[str, dict[str, float | bool | None]] = {}
            for (y, u, i), v in typed.values.items():
                if y == year and u != TOTAL and i in ids:
                    per_unit.setdefault(u, {})[i] = v
            totals: dict[str, tuple[float | None, int]] = {}
            for inp in ind.inputs:
                answers = [a for vals in per_unit.values() if (a := vals.get(inp.id)) is not None]
                if answers:
                    total = (
                        float(sum(1 for a in answers if a is True)) if inp.kind == "co_khong" else float(sum(answers))
                    )
                    totals[inp.id] = (total, len(answers))
                elif (year, TOTAL, inp.id) in typed.values:
                    totals[inp.id] = (float(typed.values[(year, TOTAL, inp.id)]), 0)
            if not totals:
                continue
            from .aggregate import value_from_totals

            value, _ = value_from_totals(ind, totals)
            reported = len(per_unit) if per_unit else None
            expected = len(ind.reporters()) if per_unit else None
            by_unit = {u: per_unit[u] for u in ind.reporters() if u in per_unit}
            indicators[ind.id] = IndicatorYear(ind.id, value, totals, reported, expected, by_unit)
        if indicators:
            out[year] = YearHistory(year, WORKBOOK, file, indicators)
    return out


def _read_bytes(path: Path, rel: str) -> tuple[bytes, Problem | None]:
    """The file's bytes (read once, never written), or the problem that kept it unread."""
    from .xlsx_safety import MAX_FILE_BYTES

    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return b"", Problem(
                "tep-qua-lon", f"Tệp lớn hơn giới hạn {MAX_FILE_BYTES // 2**20} MB; không đọc.", file=rel
            )
        return path.read_bytes(), None
    except OSError as err:
        return b"", Problem(
            "khong-doc-duoc",
            f"Không đọc được tệp ({err.strerror or type(err).__name__}); hãy đóng tệp rồi chạy lại.",
            file=rel,
        )


def read_history_folder(folder: Path, plan: Plan) -> tuple[dict[int, YearHistory], list[Problem], list[Problem]]:
    """Every .xlsx under ``folder`` (sorted): the years they give, findings by cell, files refused.

    A workbook with an error gives nothing until fixed; a year given by two workbooks keeps the first.
    """
    from .xlsx_safety import Rejected

    years: dict[int, YearHistory] = {}
    problems: list[Problem] = []
    refused: list[Problem] = []
    if not folder.is_dir():
        return years, problems, refused
    for path in sorted(
        (p for p in folder.rglob("*") if p.is_file()), key=lambda p: nfc(p.relative_to(folder).as_posix())
    ):
        rel = nfc(path.relative_to(folder).as_posix())
        if is_skipped_name(path.name):
            continue
        data, problem = _read_bytes(path, rel)
        if problem is not None:
            refused.append(problem)
            continue
        try:
            typed, found = read_history_workbook(data, rel, plan)
        except Rejected as rej:
            refused.append(rej.problem)
            continue
        found += _totals_check(plan, typed)
        problems += found
        if any(p.is_error for p in found):
            continue
        for year, item in years_from_typed(plan, typed, rel).items():
            if year in years:
                problems.append(
                    Problem(
                        "lich-su-trung",
                        f"Năm {year} đã có trong «{years[year].file}»; số liệu năm "
                        f"{year} trong tệp này không dùng. Hãy giữ mỗi năm ở một tệp.",
                        WARNING,
                        rel,
                        value=str(year),
                    )
                )
                continue
            years[year] = item
    return years, problems, refused


def workbook_files(problems: Iterable[Problem]) -> list[str]:
    return sorted({p.file for p in problems})
