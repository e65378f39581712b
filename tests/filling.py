"""Fill generated forms programmatically (openpyxl), the way a unit would in Excel.

Reused by the intake tests and the end-to-end tests:

    data = filled_form(plan, "xa-my-hiep", 2026, values={"so_cua_hang_tien_loi": "1.250"})
    data = fill_form(build_form(plan, unit, 2026), {"ct.so_ccn": 2, "nv.I.1.a": {"status": "Đang thực hiện"}})
    data = edit_form(data, lambda wb, rows: wb["Chỉ tiêu"].insert_rows(7))

Cells are found by the key in hidden column A and the columns of ``forms.COLUMNS``, as
intake reads them. ``form_cells`` returns the plausible defaults so a test can compare what
it wrote with what intake read back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import warnings
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.forms import build_form
from pipeline.layout import (
    COLUMNS,
    DONE,
    IN_PROGRESS,
    YES,
    contact_key,
    funding_key,
    general_key,
    input_key,
    key_prefix,
    task_key,
)
from pipeline.model import LEAD
from pipeline.ooxml import stable_package
from pipeline.plan import Plan

STAMP = dt.datetime(2000, 1, 1)
Rows = dict[str, tuple[Worksheet, int]]


def open_form(data: bytes) -> Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_workbook(io.BytesIO(data))


def key_rows(wb: Workbook) -> Rows:
    """Key in hidden column A → (sheet, row number), over every sheet."""
    rows: Rows = {}
    for ws in wb.worksheets:
        for (cell,) in ws.iter_rows(min_col=1, max_col=1):
            if isinstance(cell.value, str) and "." in cell.value and key_prefix(cell.value) in COLUMNS:
                rows.setdefault(cell.value, (ws, cell.row))
    return rows


def cell_of(wb: Workbook, key: str, field: str = "value", rows: Rows | None = None) -> XlCell:
    ws, row = (rows or key_rows(wb))[key]
    return ws[f"{COLUMNS[key_prefix(key)][field]}{row}"]


def save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return stable_package(buf.getvalue(), STAMP)


def edit_form(data: bytes, change: Callable[[Workbook, Rows], object]) -> bytes:
    """Open ``data``, let ``change(wb, rows)`` modify it (insert rows, formats…), return the saved bytes."""
    wb = open_form(data)
    change(wb, key_rows(wb))
    return save(wb)


def fill_form(data: bytes, cells: Mapping[str, Any]) -> bytes:
    """``{"ct.so_ccn": 2}`` or ``{"ct.so_ccn": {"value": 2, "note": "…"}, "nv.I.1.a": {"status": …}}``."""

    def change(wb: Workbook, rows: Rows) -> None:
        for key, fields in cells.items():
            fields = fields if isinstance(fields, Mapping) else {"value": fields}
            for field, value in fields.items():
                cell_of(wb, key, field, rows).value = value

    return edit_form(data, change)


def default_values(plan: Plan, unit_id: str, year: int) -> dict[str, object]:
    """Plausible raw figures: parts below wholes, this year below the baseline, Có for yes/no
    (for the indicators the plan asks in ``year``)."""
    out: dict[str, object] = {}
    for ind in plan.indicators_in(year):
        for n, inp in enumerate(ind.inputs):
            if unit_id not in inp.reporters:
                continue
            whole = inp.kind == "so_nguyen"
            if inp.kind == "co_khong":
                out[inp.id] = YES
            elif inp.id in ind.denominator:  # a whole, or a baseline
                out[inp.id] = 40 + n if whole else 120.5 + n
            elif ind.spec.paired:  # a part, or this year's amount
                out[inp.id] = 30 + n if whole else 45.25 + n
            else:
                out[inp.id] = 3 + n if whole else 12.5 + n
    return out


def default_funding(plan: Plan, unit_id: str, year: int) -> dict[str, object]:
    """Spending by source (triệu đồng); next year's estimate where the form asks it."""
    from pipeline.funding import ESTIMATE, OTHER_SOURCES, STATE_BUDGET, lines_for

    values = {STATE_BUDGET: 15.5, OTHER_SOURCES: 2, ESTIMATE: 40}
    return {line: values[line] for line in lines_for(plan, unit_id, year)}


def default_contact(year: int) -> dict[str, object]:
    return {"nguoi_lap": "Nguyễn Thị Lan", "dien_thoai": "0277 3851234", "ngay_lap": dt.date(year, 11, 25)}


def default_general(year: int) -> dict[str, str]:
    return {
        "kho_khan": "Kinh phí tuyên truyền còn hạn chế.\nThói quen dùng túi ni lông còn phổ biến.",
        "kien_nghi": "Đề nghị hỗ trợ tài liệu tuyên truyền & tập huấn <cơ sở>.",
        "phuong_huong": f"Tiếp tục tuyên truyền trong năm {year + 1}.",
    }


def default_tasks(plan: Plan, unit_id: str, year: int) -> dict[str, dict[str, str]]:
    out = {}
    for task in plan.tasks_led_by(unit_id, year) + plan.tasks_partnered_by(unit_id, year):
        lead = task.lead == unit_id
        for i, item in enumerate(task.items):
            out[item.id] = {
                "status": (DONE, IN_PROGRESS)[i % 2] if lead else "",
                "result": f"Đã tổ chức {i + 2} cuộc cho {30 * (i + 1)} lượt người ({item.id})",
                "difficulties": "Thiếu kinh phí" if lead else "",
                "proposals": "Đề nghị tỉnh hỗ trợ" if lead and i == 0 else "",
            }
    return out


def form_cells(
    plan: Plan,
    unit_id: str,
    year: int,
    *,
    values: Mapping[str, object] | None = None,
    notes: Mapping[str, str] | None = None,
    contact: Mapping[str, object] | None = None,
    tasks: Mapping[str, Mapping[str, object]] | None = None,
    general: Mapping[str, object] | None = None,
    funding: Mapping[str, object] | None = None,
) -> dict[str, dict[str, object]]:
    """Every input cell of the unit's form: plausible defaults, overridden by the arguments."""
    cells: dict[str, dict[str, object]] = {}
    for k, v in {**default_contact(year), **(contact or {})}.items():
        cells[contact_key(k)] = {"value": v}
    for k, v in {**default_general(year), **(general or {})}.items():
        cells[general_key(k)] = {"value": v}
    for k, v in {**default_values(plan, unit_id, year), **(values or {})}.items():
        cells[input_key(k)] = {"value": v}
    for k, v in {**default_funding(plan, unit_id, year), **(funding or {})}.items():
        cells[funding_key(k)] = {"value": v}
    for k, v in (notes or {}).items():
        cells.setdefault(input_key(k), {})["note"] = v
    defaults = default_tasks(plan, unit_id, year)
    for k, v in (tasks or {}).items():
        defaults[k] = {**defaults.get(k, {}), **v}
    for k, v in defaults.items():
        cells[task_key(k)] = dict(v)
    return cells


def filled_form(plan: Plan, unit_id: str, year: int, **overrides: Any) -> bytes:
    """The unit's generated form, every input filled (``form_cells`` defaults unless overridden)."""
    return fill_form(build_form(plan, plan.unit(unit_id), year), form_cells(plan, unit_id, year, **overrides))


def is_lead(plan: Plan, unit_id: str, item_id: str) -> bool:
    return any(t.lead == unit_id and any(i.id == item_id for i in t.items) for t in plan.tasks)


def role_of(plan: Plan, unit_id: str, item_id: str) -> str:
    from pipeline.model import PARTNER

    return LEAD if is_lead(plan, unit_id, item_id) else PARTNER


# --------------------------------------------------------------------------- package-level edits


def sheet_part(data: bytes, sheet: str) -> str:
    """Zip part name of ``sheet`` (via workbook.xml and its relationships)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        wb = zf.read("xl/workbook.xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(r'<sheet [^>]*name="' + re.escape(sheet) + r'"[^>]*r:id="([^"]+)"', wb)[1]
    target = re.search(r'<Relationship [^>]*Target="([^"]+)"[^>]*Id="' + rid + '"', rels)[1]
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def rewrite_part(data: bytes, part: str, change: Callable[[str], str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == part:
                body = change(body.decode("utf-8")).encode("utf-8")
            dst.writestr(info, body)
    return out.getvalue()


def set_cached_formula(data: bytes, sheet: str, ref: str, formula: str, cached: object) -> bytes:
    """Make ``ref`` a formula cell with a cached value, as Excel/LibreOffice save it."""
    value = f"<v>{cached}</v>" if cached is not None else ""

    def change(xml: str) -> str:
        cell = re.compile(r'<c r="' + ref + r'"([^>]*?)(?:/>|>.*?</c>)', re.S)
        attrs = re.sub(r'\s+t="[^"]*"', "", cell.search(xml)[1])
        return cell.sub(lambda m: f'<c r="{ref}"{attrs}><f>{formula}</f>{value}</c>', xml, count=1)

    return rewrite_part(data, sheet_part(data, sheet), change)


def snapshot(folder: Path) -> dict[str, tuple[str, int, bool]]:
    """Every entry under ``folder`` (not following links): sha256 (files), mtime_ns, is_dir."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in sorted(dirnames) + sorted(filenames):
            path = Path(dirpath) / name
            st = path.lstat()
            rel = str(path.relative_to(folder))
            if path.is_symlink():
                out[rel] = (os.readlink(path), st.st_mtime_ns, False)
            elif path.is_dir():
                out[rel] = ("", st.st_mtime_ns, True)
            else:
                out[rel] = (hashlib.sha256(path.read_bytes()).hexdigest(), st.st_mtime_ns, False)
    return out
