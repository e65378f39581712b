"""One checked workbook → the unit's Submission: identification, cells by key, the rules.

``read_form`` reads like the form: identify the form (``_id`` or the visible code) and check it
is this year's form of a unit of the plan; find every row by its key in column A (``layout``);
then the contact, the general texts, the indicator inputs, the funding lines, the tasks, and
last the rules across cells (``rules.FORM_RULES``). Problems come out sheet by sheet, row by row.

The package was checked by ``xlsx_safety`` before this module sees it. Values and the facts
the rules need (percent format, formula, cached value, error value, a number that is not a
finite number) come from one bounded pass over each sheet's XML (``sheet_cells``), limited to
the area the form's layout can use: nothing a file declares ever sizes a grid.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from .funding import ESTIMATE, SOURCES, funding_input, line_label, lines_for
from .layout import (
    COLUMNS,
    CONTACT_FIELDS,
    FORM_KIND,
    GENERAL_KEYS,
    GENERAL_LABELS,
    ID_PATTERN,
    ID_SHEET,
    NEEDS_RESULT,
    SHEET_GUIDE,
    TASK_STATUSES,
    contact_key,
    funding_key,
    general_key,
    input_key,
    input_label,
    key_prefix,
    task_key,
    text_limit,
)
from .model import (
    ERROR,
    LEAD,
    PARTNER,
    WARNING,
    Cell,
    Contact,
    Problem,
    Provenance,
    Submission,
    TaskReport,
    saved_on,
)
from .plan import Input, Plan
from .rules import (
    FormView,
    check_form,
    date_window,
    formula_used,
    outside_formula,
    read_date,
    read_number,
    read_status,
    read_text,
    read_yes_no,
    required,
    result_written,
    text_within_limit,
)
from .sheet_cells import Area, CellXml, SheetCells, column_letters, column_number
from .sheet_index import SheetIndex, index_sheet, shared_strings
from .values import cell_text, format_number
from .xlsx_safety import Package, reject

ID_SEARCH_ROWS = 15  # the visible code sits in B3; look a little further in case rows were inserted


@dataclass(frozen=True)
class Identity:
    """Which form a workbook says it is: plan, unit, year, template version (and ad-hoc period)."""

    plan_id: str
    unit_id: str
    year: int
    version: int
    unit_name: str = ""
    source: str = ""  # "_id" or "Chỉ tiêu!B3"
    period: str = ""  # an ad-hoc period's slug; "" a yearly form (and every form made before periods)
    period_name: str = ""  # "6 tháng đầu năm 2027" (from ``_id``)


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if math.isfinite(value) and value == int(value) and abs(value) < 1e9 else None
    text = cell_text(value).lstrip("v")
    return int(text) if text.isdecimal() and len(text) < 9 else None


AREA_COLS = 26  # A–Z: the forms use A–H; a note typed a few columns to the right is still read
AREA_MIN_ROWS = 1_000


def layout_area(plan: Plan) -> Area:
    """The area any form of ``plan`` can use: its longest sheet's rows many times over, columns A–Z.

    Rows are found by key, so inserted rows are fine; a cell far beyond (``XFD1048576``) is not.
    """
    items = sum(len(t.items) for t in plan.tasks)
    inputs = sum(len(i.inputs) for i in plan.indicators)
    return Area(AREA_MIN_ROWS + 4 * (items + inputs + len(plan.indicators)), AREA_COLS)


class Grids:
    """The sheets' cell values (rows from A1, within the form's area), and the visible form codes."""

    def __init__(self, pkg: Package, area: Area, file: str) -> None:
        parts = pkg.sheet_parts()
        self.file = file
        self.names: list[str] = list(parts)
        self.sheets: dict[str, SheetIndex | SheetCells] = {}
        strings = shared_strings(pkg, file, area.max_cells)
        percent, dates = pkg.percent_styles(), pkg.date_styles()
        for name in self.names:
            if name == SHEET_GUIDE and len(self.names) > 2:
                continue  # instructions only: no keys, no inputs
            if parts[name] not in pkg.parts:
                raise reject(
                    "tep-hong",
                    f"Tệp Excel bị hỏng: thiếu nội dung của trang «{name}» "
                    f"({parts[name]}). Hãy mở tệp bằng Excel, lưu lại rồi gửi lại, hoặc đề nghị đơn vị gửi "
                    "lại tệp.",
                    file,
                )
            self.sheets[name] = index_sheet(pkg, parts[name], area, strings, percent, dates, name, file)
        self.percent = percent
        self.codes: dict[str, tuple[str, Identity]] = {}  # sheet → (cell, identity shown there)
        for name, sheet in self.sheets.items():
            if name == ID_SHEET:
                continue
            hit = next(
                (
                    (r, c, m)
                    for r, c, v in sheet.head(ID_SEARCH_ROWS)
                    if isinstance(v, str) and (m := ID_PATTERN.search(v))
                ),
                None,
            )
            if hit:
                r, c, m = hit
                ref = f"{column_letters(c + 1)}{r + 1}"
                self.codes[name] = (
                    ref,
                    Identity(m[1], m[2], int(m[3]), int(m[4]), source=f"{name}!{ref}", period=m[5] or ""),
                )

    @property
    def rows(self) -> dict[str, list[list[object]]]:
        """Every sheet's values as rows from A1 (decodes every cell: for small sheets and history workbooks)."""
        return {name: sheet.rows for name, sheet in self.sheets.items()}

    def value(self, sheet: str, row: int, col: int) -> object:
        return self.sheets[sheet].value(row, col)

    def problems(self, file: str) -> list[Problem]:
        """Cells beyond the form's area (warning, ignored), cells written twice and numbers in ``_id``
        that are not finite numbers (errors)."""
        out = []
        for name, sheet in self.sheets.items():
            if sheet.outside_count:
                first = sheet.outside[0]
                more = f" và {format_number(sheet.outside_count - 1)} ô khác" if sheet.outside_count > 1 else ""
                out.append(
                    Problem(
                        "o-ngoai-vung",
                        f"Trang «{name}» có dữ liệu ở ô {first}{more}, ở ngoài vùng của biểu "
                        "mẫu: chương trình bỏ qua các ô này. Nếu số liệu nằm ở đó, hãy chép vào đúng ô nền "
                        "vàng của biểu mẫu rồi gửi lại.",
                        WARNING,
                        file,
                        name,
                        first,
                        "",
                        "dữ liệu trong vùng của biểu mẫu",
                    )
                )
            for ref in dict.fromkeys(sheet.twice):
                out.append(
                    Problem(
                        "o-trung",
                        f"Ô {ref} của trang «{name}» được ghi hai lần trong tệp; "
                        "không biết giá trị nào đúng nên không dùng tệp này. Tệp có thể đã bị chương trình "
                        "khác sửa: hãy mở bằng Excel, kiểm tra ô này, lưu lại rồi gửi lại.",
                        ERROR,
                        file,
                        name,
                        ref,
                        "",
                        "mỗi ô một giá trị",
                    )
                )
            if name == ID_SHEET:
                for ref, facts in sheet.facts.items():
                    if facts.invalid:
                        out.append(
                            Problem(
                                "so-khong-hop-le",
                                f"Mã biểu mẫu ẩn (trang «{ID_SHEET}», ô {ref}) chứa "
                                f"«{facts.invalid}», không phải là số hợp lệ: biểu mẫu đã bị sửa. Hãy điền "
                                "lại vào biểu mẫu gốc đã phát cho đơn vị.",
                                ERROR,
                                file,
                                name,
                                ref,
                                facts.invalid,
                                "số hữu hạn",
                            )
                        )
        return out


def identify(grids: Grids, file: str) -> Identity:
    """The hidden ``_id`` sheet, else the visible code on any data sheet; ``Rejected`` if neither."""
    if ID_SHEET in grids.sheets:
        sheet = grids.sheets[ID_SHEET]
        kv = {cell_text(key): sheet.value(r, 1) for r, key in sheet.column_a()}  # name in A, value in B
        if cell_text(kv.get("loai")) == FORM_KIND:
            year, version = _int(kv.get("nam")), _int(kv.get("phien_ban"))
            plan_id, unit_id = cell_text(kv.get("ke_hoach")), cell_text(kv.get("don_vi"))
            if year and version is not None and plan_id and unit_id:
                return Identity(
                    plan_id,
                    unit_id,
                    year,
                    version,
                    cell_text(kv.get("ten_don_vi")),
                    ID_SHEET,
                    cell_text(kv.get("ky")),
                    cell_text(kv.get("ten_ky")),
                )
    for name in grids.names:
        if name in grids.codes:
            return grids.codes[name][1]
    raise reject(
        "khong-phai-bieu-mau",
        "Sổ Excel này không phải biểu mẫu báo cáo của kế hoạch (không có mã biểu mẫu "
        "ẩn, không có dòng «Mã biểu mẫu: …» ở đầu các trang). Hãy điền số liệu vào đúng biểu mẫu đã phát "
        "cho đơn vị rồi gửi lại tệp đó.",
        file,
    )


def check_identity(ident: Identity, plan: Plan, year: int, file: str) -> None:
    who = f"«{ident.unit_name or ident.unit_id}»"
    if ident.plan_id != plan.id:
        raise reject(
            "sai-ke-hoach",
            f"Biểu mẫu của kế hoạch «{ident.plan_id}», không phải kế hoạch {plan.id} "
            f"(số {plan.number}) đang tổng hợp. Tệp không dùng; hãy kiểm tra lại tệp đơn vị gửi.",
            file,
        )
    if ident.year != year:
        raise reject(
            "sai-nam",
            f"Biểu mẫu của năm {ident.year}, không phải năm {year} đang tổng hợp (đơn vị {who}). "
            f"Hãy đề nghị đơn vị điền biểu mẫu năm {year} rồi gửi lại.",
            file,
        )
    wanted = plan.period.slug if plan.period is not None else ""
    if ident.period != wanted:
        if ident.period:
            theirs = f"kỳ «{ident.period_name or ident.period}»"
        else:
            theirs = f"báo cáo năm {ident.year}"
        ours = f"kỳ «{plan.period_name(year)}»" if plan.period is not None else f"báo cáo năm {year}"
        raise reject(
            "sai-ky",
            f"Biểu mẫu {theirs}, không phải biểu mẫu {ours} đang tổng hợp (đơn vị {who}). "
            f"Hãy đề nghị đơn vị điền biểu mẫu {ours} rồi gửi lại.",
            file,
        )
    if not plan.has_unit(ident.unit_id):
        raise reject(
            "sai-don-vi",
            f"Mã đơn vị «{ident.unit_id}» ({ident.unit_name or 'không rõ tên'}) không có trong "
            "danh sách đơn vị của config.toml. Hãy kiểm tra: đơn vị mới thì thêm vào [[don_vi]] và tạo lại "
            "biểu mẫu; nếu nhầm biểu mẫu thì đề nghị đơn vị dùng đúng biểu mẫu của mình.",
            file,
        )
    if ident.version > plan.template_version:
        raise reject(
            "phien-ban-moi",
            f"Biểu mẫu phiên bản {ident.version}, mới hơn phiên bản {plan.template_version} "
            "của cấu hình đang dùng. Hãy cập nhật config/chương trình (phien_ban_mau) cho khớp với biểu mẫu "
            "đã phát rồi chạy lại.",
            file,
        )


@dataclass(frozen=True)
class FormKeys:
    """The rows one unit's form for one year must have, by kind, with their keys in column A."""

    labels: dict[str, str]  # key → what the row asks (for messages): contact, general, inputs, tasks, funding
    inputs: tuple[tuple[Input, str], ...]  # (input, its key), in form order
    funding: tuple[tuple[str, str, Input], ...]  # (line, its key, the line as an Input for the cell rules)
    tasks: tuple[tuple[str, str, bool], ...]  # (item id, its key, led by the unit)


class _PlanTables:
    """The tables of the last plan read with: each unit's ``FormKeys`` per year, and each year's rows."""

    def __init__(self, plan: Plan | None) -> None:
        self.plan = plan
        self.keys: dict[tuple[str, int], FormKeys] = {}
        self.years: dict[int, _YearRows] = {}


_TABLES = _PlanTables(None)


def form_keys(plan: Plan, unit_id: str, year: int) -> FormKeys:
    """Every row this unit's form must have. Built once per unit and year for the plan in use
    (every form of a unit asks the same); shared: callers do not change it."""
    global _TABLES
    if _TABLES.plan is not plan:
        _TABLES = _PlanTables(plan)
    keys = _TABLES.keys.get((unit_id, year))
    if keys is None:
        rows = _TABLES.years.get(year)
        if rows is None:
            rows = _TABLES.years[year] = _YearRows(plan, year)
        keys = _TABLES.keys[(unit_id, year)] = _form_keys(plan, unit_id, year, rows)
    return keys


class _YearRows:
    """The rows of a year's forms that are the same whichever unit fills them, with their keys and
    labels: built once per plan and year, not once per unit (a province has thousands)."""

    def __init__(self, plan: Plan, year: int) -> None:
        self.labels = {contact_key(k): label for k, label in CONTACT_FIELDS.items()}
        self.labels.update({general_key(k): GENERAL_LABELS[k].format(next_year=year + 1) for k in GENERAL_KEYS})
        self.inputs = {  # input id → (key, label), for the inputs of the indicators asked this year
            inp.id: (input_key(inp.id), input_label(plan, ind, inp, year))
            for ind in plan.indicators
            if ind.active_in(year)
            for inp in ind.inputs
        }
        self.items = {item.id: (task_key(item.id), f"Nhiệm vụ {item.id}") for task in plan.tasks for item in task.items}
        self.lines = {line: (funding_key(line), line_label(line, year)) for line in (*SOURCES, ESTIMATE)}


def _form_keys(plan: Plan, unit_id: str, year: int, rows: _YearRows) -> FormKeys:
    labels = dict(rows.labels)
    inputs = []
    for inp in plan.inputs_for(unit_id):
        row = rows.inputs.get(inp.id)
        if row is not None:
            inputs.append((inp, row[0]))
            labels[row[0]] = row[1]
    tasks = []
    for task in plan.tasks_of(unit_id, year):
        lead = task.lead == unit_id
        for item in task.items:
            key, labels[key] = rows.items[item.id]
            tasks.append((item.id, key, lead))
    funding = []
    for line in lines_for(plan, unit_id, year):
        key, labels[key] = rows.lines[line]
        funding.append((line, key, funding_input(plan, unit_id, line, year)))
    return FormKeys(labels, tuple(inputs), tuple(funding), tuple(tasks))


# (row kind, field) → (column letter, 0-based column) of the input cell: looked up once per cell read
_FIELD_COLUMNS = {
    (kind, fld): (col, column_number(col) - 1) for kind, fields in COLUMNS.items() for fld, col in fields.items()
}


class FormCells:
    """Rows found by key, and the input cells of those rows as ``model.Cell``."""

    def __init__(self, grids: Grids, pkg: Package, file: str, labels: dict[str, str]) -> None:
        self.grids, self.pkg, self.file, self.labels = grids, pkg, file, labels
        # key → (sheet name, 0-based row, the sheet's cells, the row's kind, the row's number as written in
        # a reference): what ``_at`` needs, in one lookup
        self.rows: dict[str, tuple[str, int, SheetIndex | SheetCells, str, str]] = {}
        self.duplicates: list[Problem] = []
        for name, sheet in grids.sheets.items():
            if name == ID_SHEET:
                continue
            for r, key in sheet.column_a():
                if not isinstance(key, str) or "." not in key:
                    continue
                key = key.strip()
                kind = key_prefix(key)
                if kind not in COLUMNS:
                    continue
                if key in self.rows:
                    first = self.rows[key]
                    self.duplicates.append(
                        Problem(
                            "khoa-trung",
                            f"Mã dòng «{key}» có ở nhiều nơi (trang «{first[0]}» dòng {first[1] + 1} và "
                            f"trang «{name}» dòng {r + 1}); chương trình dùng dòng đầu tiên. Có thể dòng đã bị "
                            "sao chép: "
                            "hãy kiểm tra.",
                            WARNING,
                            file,
                            name,
                            f"A{r + 1}",
                            key,
                        )
                    )
                    continue
                self.rows[key] = (name, r, sheet, kind, str(r + 1))
        self.formula_notes: dict[tuple[str, str], Problem] = {}  # one warning per formula cell read

    def _at(self, key: str, fld: str) -> tuple[str, str, object, CellXml | None] | None:
        """(sheet, ref, value, facts) of field ``fld`` on the row keyed ``key``; None without that row."""
        loc = self.rows.get(key)
        if loc is None:
            return None
        name, r, sheet, kind, row = loc
        col, c = _FIELD_COLUMNS[kind, fld]
        ref = col + row
        value, facts = sheet.at(r, c, ref)
        return name, ref, value, facts

    def cell(self, key: str, fld: str) -> Cell | None:
        found = self._at(key, fld)
        if found is None:
            return None
        return self._cell(key, *found)

    def _cell(self, key: str, sheet: str, ref: str, raw: object, facts: CellXml | None) -> Cell:
        if facts is None:
            return Cell(self.file, sheet, ref, raw, self.labels.get(key, key))
        cell = Cell(
            self.file,
            sheet,
            ref,
            raw,
            self.labels.get(key, key),
            percent=facts.style in self.grids.percent,
            formula_pending=facts.has_formula and not facts.cached,
            error=facts.error,
            formula=facts.formula,
            invalid=facts.invalid,
        )
        if facts.has_formula and facts.cached and not outside_formula(facts.formula):
            self.formula_notes.setdefault((sheet, ref), formula_used(cell))
        return cell


def _missing(key: str, label: str, file: str) -> Problem:
    return Problem(
        "thieu-dong",
        f"Không tìm thấy dòng «{label}» (mã «{key}» ở cột ẩn A) trong biểu mẫu: dòng có thể "
        "đã bị xóa hoặc biểu mẫu bị sửa cấu trúc. Hãy điền lại vào biểu mẫu gốc đã phát cho đơn vị.",
        file=file,
        value="",
        expected=key,
    )


def read_form(
    data: bytes,
    pkg: Package,
    prov: Provenance,
    plan: Plan,
    year: int,
    last_year: Mapping[str, Mapping[str, float]] | None = None,
) -> Submission:
    """Identify and read a checked package, in the order of the form; raise ``Rejected`` when it is
    not this year's form of a unit of ``plan``."""
    file = prov.path
    grids = Grids(pkg, layout_area(plan), file)
    ident = identify(grids, file)
    check_identity(ident, plan, year, file)
    form = FormReading(grids, pkg, plan, ident, year)
    contact = form.contact(saved_on(prov))
    general = form.general_texts()
    values, notes, value_cells = form.indicator_inputs()
    funding = form.funding()
    tasks = form.tasks()
    form.cross_cell_rules(values, value_cells, (last_year or {}).get(ident.unit_id, {}))
    return Submission(
        ident.unit_id,
        ident.plan_id,
        ident.year,
        ident.version,
        contact,
        values,
        notes,
        tasks,
        general,
        form.problems_in_form_order(),
        prov,
        funding,
    )


class FormReading:
    """One identified form being read: its rows by key and the problems found, in reading order."""

    def __init__(self, grids: Grids, pkg: Package, plan: Plan, ident: Identity, year: int) -> None:
        self.grids, self.pkg, self.plan, self.ident, self.year = grids, pkg, plan, ident, year
        self.file = file = grids.file
        self.keys = keys = form_keys(plan, ident.unit_id, year)
        self.cells = cells = FormCells(grids, pkg, file, keys.labels)
        self.problems: list[Problem] = []
        absent = [k for k in keys.labels if k not in cells.rows]
        if ident.version < plan.template_version:
            funding = {key for _line, key, _inp in keys.funding}
            absent = [k for k in absent if k not in funding]  # an older form without funding rows: none reported
            if absent:
                raise reject(
                    "phien-ban-cu",
                    f"Biểu mẫu phiên bản {ident.version} cũ, thiếu {len(absent)} dòng cần đọc "
                    f"của phiên bản {plan.template_version} hiện hành ({', '.join(absent[:5])}"
                    f"{'…' if len(absent) > 5 else ''}). Hãy gửi đơn vị biểu mẫu mới (baocao tao-mau) để điền "
                    "lại.",
                    file,
                )
            self.problems.append(
                Problem(
                    "phien-ban-cu",
                    f"Biểu mẫu phiên bản {ident.version}, cũ hơn phiên bản "
                    f"{plan.template_version} hiện hành; vẫn đọc được đủ số liệu. Lần sau hãy dùng "
                    "biểu mẫu mới.",
                    WARNING,
                    file,
                    value=f"v{ident.version}",
                    expected=f"v{plan.template_version}",
                )
            )
        self.problems += [_missing(k, keys.labels[k], file) for k in absent]
        self.problems += cells.duplicates
        self.problems += grids.problems(file)
        self.problems += _codes_not_matching(grids, ident, file)

    def text(self, key: str, fld: str = "value") -> str:
        """A free text cell (its length checked against the form's limit); "" without the row."""
        found = self.cells._at(key, fld)
        if found is None:
            return ""
        limit = text_limit(key, fld)
        if found[3] is None:  # nothing special about the cell (no formula, error…): its text as is
            value = cell_text(found[2])
            if limit is not None and len(value) > limit:
                self.problems.extend(text_within_limit(self.cells._cell(key, *found), value, limit))
            return value
        cell = self.cells._cell(key, *found)
        value, problems = read_text(cell)
        self.problems.extend(problems + text_within_limit(cell, value, limit))
        return value

    def contact(self, saved: dt.date | None) -> Contact:
        """Người lập and điện thoại (required), ngày lập (a date in the reporting window)."""
        texts = {}
        for fld in ("nguoi_lap", "dien_thoai"):
            key = contact_key(fld)
            texts[fld] = self.text(key)
            cell = None if texts[fld] else self.cells.cell(key, "value")  # (written: nothing to check)
            if cell is not None:
                self.problems.extend(required(cell, texts[fld]))
        made = None
        date_cell = self.cells.cell(contact_key("ngay_lap"), "value")
        if date_cell is not None:
            made, found = read_date(date_cell, self.year, self.pkg.date1904)
            self.problems.extend(found)
            if made is not None:
                self.problems.extend(date_window(date_cell, made, self.year, saved))
        return Contact(texts["nguoi_lap"], texts["dien_thoai"], made)

    def general_texts(self) -> dict[str, str]:
        """Difficulties, proposals, next year's direction."""
        return {k: self.text(general_key(k)) for k in GENERAL_KEYS}

    def indicator_inputs(self) -> tuple[dict[str, float | bool | None], dict[str, str], dict[str, Cell]]:
        """Each input's value (None: blank or unusable) and note, and the cell each value came from."""
        values: dict[str, float | bool | None] = {}
        notes: dict[str, str] = {}
        value_cells: dict[str, Cell] = {}
        for inp, key in self.keys.inputs:
            cell = self.cells.cell(key, "value")
            values[inp.id] = None
            if cell is None:
                continue
            value_cells[inp.id] = cell
            if inp.kind == "co_khong":
                values[inp.id], found = read_yes_no(cell, self.year)
            else:
                values[inp.id], found = read_number(cell, inp, self.year)
            self.problems.extend(found)
            note = self.text(key, "note")
            if note:
                notes[inp.id] = note
        return values, notes, value_cells

    def funding(self) -> dict[str, float | None]:
        """Spending by source and next year's estimate (triệu đồng), read like any figure."""
        funding: dict[str, float | None] = {}
        for line, key, inp in self.keys.funding:
            cell = self.cells.cell(key, "value")
            if cell is not None:
                funding[line], found = read_number(cell, inp, self.year)
                self.problems.extend(found)
        return funding

    def tasks(self) -> tuple[TaskReport, ...]:
        """Each task item's status (required where the unit leads), result, difficulties, proposals."""
        tasks = []
        for item_id, key, lead in self.keys.tasks:
            at = self.cells._at(key, "status")
            if at is None:
                continue
            if at[3] is None and (at[2] in TASK_STATUSES or (at[2] == "" and not lead)):
                status = at[2]  # chosen from the list, or blank where not required: nothing to check
            else:
                status, found = read_status(self.cells._cell(key, *at), item_id, lead, TASK_STATUSES)
                self.problems.extend(found)
            result = self.text(key, "result")
            if lead and not result:  # the result cell is built only for the rule that may point at it
                result_cell = self.cells.cell(key, "result") or self.cells._cell(key, *at)
                self.problems.extend(result_written(result_cell, item_id, lead, status, result, NEEDS_RESULT))
            tasks.append(
                TaskReport(
                    item_id,
                    LEAD if lead else PARTNER,
                    status,
                    result,
                    self.text(key, "difficulties"),
                    self.text(key, "proposals"),
                )
            )
        return tuple(tasks)

    def cross_cell_rules(
        self, values: Mapping[str, float | bool | None], value_cells: Mapping[str, Cell], last_year: Mapping[str, float]
    ) -> None:
        """The rules across cells (``rules.FORM_RULES``), and a note for each formula whose result was used."""
        self.problems += check_form(self.plan, FormView(self.ident.unit_id, values, value_cells, last_year))
        self.problems += self.cells.formula_notes.values()

    def problems_in_form_order(self) -> tuple[Problem, ...]:
        """Sheet by sheet, row by row (problems without a cell first)."""
        order = {name: i for i, name in enumerate(self.grids.names)}
        return tuple(sorted(self.problems, key=lambda p: (order.get(p.sheet, -1), _row_col(p.cell))))


def _codes_not_matching(grids: Grids, ident: Identity, file: str) -> list[Problem]:
    """A visible form code naming another plan, unit or year than the file's (a sheet copied in)."""
    out = []
    for sheet, (ref, shown) in grids.codes.items():
        if (shown.plan_id, shown.unit_id, shown.year) != (ident.plan_id, ident.unit_id, ident.year):
            out.append(
                Problem(
                    "ma-khong-khop",
                    f"Trang «{sheet}» mang mã biểu mẫu của "
                    f"{shown.plan_id}/{shown.unit_id}/{shown.year}, khác với mã của tệp "
                    f"({ident.plan_id}/{ident.unit_id}/{ident.year}): trang có thể đã được chép từ biểu "
                    "mẫu khác. Hãy điền vào đúng biểu mẫu của đơn vị.",
                    file=file,
                    sheet=sheet,
                    cell=ref,
                    value=f"{shown.plan_id}/{shown.unit_id}/{shown.year}",
                    expected=f"{ident.plan_id}/{ident.unit_id}/{ident.year}",
                )
            )
    return out


_REF = re.compile(r"([A-Z]+)(\d+)")


def _row_col(ref: str) -> tuple[int, int]:
    m = _REF.fullmatch(ref)
    return (int(m[2]), column_number(m[1]) - 1) if m else (0, 0)
