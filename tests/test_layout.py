"""The form's layout is known in one place (``layout``): the writer puts each row and input cell
where the reader looks for it."""

from __future__ import annotations

import datetime as dt
import io
import warnings

import pytest
from openpyxl import load_workbook

from pipeline.form_reader import form_keys
from pipeline.forms import build_form
from pipeline.layout import (
    COLUMNS,
    DONE,
    ID_SHEET,
    IN_PROGRESS,
    NEEDS_RESULT,
    NOT_STARTED,
    TASK_STATUSES,
    contact_key,
    date_range,
    funding_key,
    general_key,
    input_key,
    key_prefix,
    reporting_window,
    task_key,
)
from pipeline.plan import Plan

YEAR = 2026


@pytest.fixture(scope="module")
def workbooks(kh178: Plan) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {u.id: load_workbook(io.BytesIO(build_form(kh178, u, YEAR))) for u in kh178.units}


def _rows(wb) -> dict[str, tuple[object, int]]:
    """Key in column A → (sheet, row), every data sheet."""
    return {
        c.value: (ws, c.row)
        for ws in wb.worksheets
        if ws.title != ID_SHEET
        for (c,) in ws.iter_rows(min_col=1, max_col=1)
        if isinstance(c.value, str) and "." in c.value
    }


def test_key_builders_give_the_keys_of_column_a() -> None:
    assert [
        contact_key("ngay_lap"),
        general_key("kho_khan"),
        input_key("so_ccn"),
        funding_key("du_toan"),
        task_key("I.1.a"),
    ] == ["lh.ngay_lap", "chung.kho_khan", "ct.so_ccn", "kp.du_toan", "nv.I.1.a"]
    assert key_prefix("nv.I.1.a") == "nv"


def test_the_writer_writes_exactly_the_rows_the_reader_asks_for(kh178: Plan, workbooks: dict) -> None:
    for unit in kh178.units:
        assert set(_rows(workbooks[unit.id])) == set(form_keys(kh178, unit.id, YEAR).labels), unit.id


def test_the_input_cells_of_each_row_are_the_columns_layout_names_and_only_those(kh178: Plan, workbooks: dict) -> None:
    checked = set()
    for unit in kh178.units:
        for key, (ws, row) in _rows(workbooks[unit.id]).items():
            inputs = set(COLUMNS[key_prefix(key)].values())
            unlocked = {c.column_letter for c in ws[row] if c.protection.locked is False}
            assert unlocked == inputs, (unit.id, key, unlocked)
            checked.add(key_prefix(key))
    assert checked == set(COLUMNS)


def test_a_led_task_needs_a_result_when_done_or_in_progress_not_when_not_started() -> None:
    assert TASK_STATUSES == (DONE, IN_PROGRESS, NOT_STARTED) == ("Đã hoàn thành", "Đang thực hiện", "Chưa thực hiện")
    assert NEEDS_RESULT == {DONE, IN_PROGRESS}


def test_the_date_window_accepts_two_years_around_and_expects_the_reporting_year() -> None:
    assert date_range(YEAR) == (dt.date(2025, 1, 1), dt.date(2027, 12, 31))
    assert reporting_window(YEAR) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def test_the_form_validates_ngay_lap_over_the_reporting_window(kh178: Plan, workbooks: dict) -> None:
    wb = workbooks[kh178.units[0].id]
    ws, row = _rows(wb)[contact_key("ngay_lap")]
    ref = f"{COLUMNS[key_prefix(contact_key('ngay_lap'))]['value']}{row}"
    (dv,) = [dv for dv in ws.data_validations.dataValidation if ref in str(dv.sqref)]
    assert (dv.type, dv.formula1, dv.formula2) == ("date", "DATE(2026,1,1)", "DATE(2026,12,31)")
