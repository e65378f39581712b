"""Forms: one workbook per unit, holding exactly that unit's tasks and inputs, locked and validated."""

from __future__ import annotations

import dataclasses
import io
import warnings
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.forms import (
    COLUMNS,
    ID_CELL,
    ID_PATTERN,
    ID_SHEET,
    SHEET_GUIDE,
    SHEET_INDICATORS,
    SHEET_INFO,
    SHEET_TASKS,
    build_form,
    form_filename,
    write_forms,
)  # fmt: skip
from pipeline.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2026


@pytest.fixture(scope="module")
def forms(plan):
    return {u.id: build_form(plan, u, YEAR) for u in plan.units}


def open_wb(data: bytes):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_workbook(io.BytesIO(data))


def keys(ws) -> dict[str, int]:
    return {c.value: c.row for (c,) in ws.iter_rows(min_col=1, max_col=1) if isinstance(c.value, str) and "." in c.value}


def test_each_form_holds_exactly_its_units_inputs_and_tasks(plan, forms):
    for unit in plan.units:
        wb = open_wb(forms[unit.id])
        inputs = {k[3:] for k in keys(wb[SHEET_INDICATORS]) if k.startswith("ct.")}
        assert inputs == {i.id for i in plan.inputs_for(unit.id, YEAR)}, unit.id
        funding = {k for k in keys(wb[SHEET_INDICATORS]) if not k.startswith("ct.")}
        assert funding == {"kp.ngan_sach", "kp.huy_dong"} | ({"kp.du_toan"} if plan.tasks_led_by(unit.id, YEAR + 1)
                                                            else set()), unit.id  # fmt: skip
        tasks = {k[3:] for k in keys(wb[SHEET_TASKS])}
        expected = {
            item.id
            for t in plan.tasks_led_by(unit.id, YEAR) + plan.tasks_partnered_by(unit.id, YEAR)
            for item in t.items
        }
        assert tasks == expected, unit.id


def test_a_department_form_lists_its_led_tasks_with_role(plan, forms):
    ws = open_wb(forms["ktht"])[SHEET_TASKS]
    rows = keys(ws)
    assert ws[f"D{rows['nv.I.1.a']}"].value == "Chủ trì"
    assert ws[f"D{rows['nv.I.2']}"].value == "Phối hợp"
    assert "nv.II.1.a" not in rows and "nv.II.1" not in rows  # 2021–2025 task is over in 2026


def test_a_commune_form_asks_for_raw_market_figures_with_years(plan, forms):
    ws = open_wb(forms["xa-my-hiep"])[SHEET_INDICATORS]
    rows = keys(ws)
    assert ws[f"C{rows['ct.tui_nhua_cvm_goc']}"].value == (
        "Khối lượng túi nhựa khó phân hủy sử dụng bình quân tại các chợ đạt chuẩn văn minh trên địa bàn, năm gốc 2021")
    assert ws[f"C{rows['ct.tui_nhua_cvm_nam']}"].value == (
        "Khối lượng túi nhựa khó phân hủy sử dụng bình quân tại các chợ đạt chuẩn văn minh trên địa bàn, năm 2026")
    assert ws[f"D{rows['ct.tui_nhua_cvm_goc']}"].value == "kg/tháng"
    assert ws["E5"].value == "Số liệu"  # the column is headed plainly; the row says which year
    assert ws[f"D{rows['ct.bao_bi_bvtv_phat_sinh']}"].value == "kg"
    assert "ct.so_co_so_kiem_tra" not in rows  # tnmt's input


def test_every_input_has_validation_and_is_unlocked_and_shaded(plan, forms):
    for unit in plan.units:
        wb = open_wb(forms[unit.id])
        for sheet in (SHEET_INFO, SHEET_INDICATORS, SHEET_TASKS):
            ws = wb[sheet]
            assert ws.protection.sheet is True
            for key, row in keys(ws).items():
                prefix = key.split(".")[0]
                for field, col in COLUMNS[prefix].items():
                    cell = ws[f"{col}{row}"]
                    assert cell.protection.locked is False, (unit.id, key)
                    assert cell.fill.fgColor.rgb.endswith("FFF2CC"), (unit.id, key)
                    if field in ("value", "status"):
                        rules = [dv for dv in ws.data_validations.dataValidation if f"{col}{row}" in dv.sqref]
                        assert len(rules) == 1, (unit.id, key)
            assert ws["B1"].protection.locked is True


def test_numeric_inputs_accept_only_non_negative_numbers(plan, forms):
    ws = open_wb(forms["xa-my-hiep"])[SHEET_INDICATORS]
    rows = keys(ws)
    def rule(ref):
        return next(dv for dv in ws.data_validations.dataValidation if ref in dv.sqref)
    whole = rule(f"E{rows['ct.so_cua_hang_tien_loi']}")
    assert (whole.type, whole.operator, whole.formula1) == ("whole", "greaterThanOrEqual", "0")
    dec = rule(f"E{rows['ct.tui_nhua_cvm_nam']}")
    assert (dec.type, dec.operator) == ("decimal", "greaterThanOrEqual")
    assert whole.prompt and whole.error
    yes_no = open_wb(build_form(plan, plan.unit("tckh"), 2025))[SHEET_INDICATORS]  # a 2021–2025 indicator
    r = keys(yes_no)["ct.dung_sp_than_thien"]
    dv = next(dv for dv in yes_no.data_validations.dataValidation if f"E{r}" in dv.sqref)
    assert dv.type == "list" and dv.formula1 == '"Có,Không"'
    tasks = open_wb(forms["ktht"])[SHEET_TASKS]
    r = keys(tasks)["nv.I.1.a"]
    dv = next(dv for dv in tasks.data_validations.dataValidation if f"E{r}" in dv.sqref)
    assert dv.formula1 == '"Đã hoàn thành,Đang thực hiện,Chưa thực hiện"' and len(dv.formula1) <= 255


def test_hidden_identification_in_a_very_hidden_sheet_and_a_visible_cell(plan, forms):
    wb = open_wb(forms["xa-tan-nghia"])
    ident = wb[ID_SHEET]
    assert ident.sheet_state == "veryHidden"
    values = {ident.cell(r, 1).value: ident.cell(r, 2).value for r in range(1, 7)}
    assert values["ke_hoach"] == "KH178-2021" and values["don_vi"] == "xa-tan-nghia"
    assert values["nam"] == 2026 and values["phien_ban"] == 2
    for sheet in (SHEET_INFO, SHEET_INDICATORS, SHEET_TASKS):
        m = ID_PATTERN.search(wb[sheet][ID_CELL].value)
        assert m.groups() == ("KH178-2021", "xa-tan-nghia", "2026", "2")
    assert wb.security.lockStructure is True


def test_print_setup_is_a4_fit_to_width_with_frozen_header(forms):
    wb = open_wb(forms["ktht"])
    for sheet in (SHEET_INFO, SHEET_INDICATORS, SHEET_TASKS):
        ws = wb[sheet]
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.freeze_panes == "B6"
        assert ws.column_dimensions["A"].hidden
    assert wb[SHEET_TASKS].page_setup.orientation == "landscape"


def test_forms_hold_no_formulas(forms):
    for data in forms.values():
        wb = open_wb(data)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    assert not (isinstance(c.value, str) and c.value.startswith("=")), c.coordinate


def test_same_plan_and_year_give_byte_identical_files(plan, forms, tmp_path):
    assert build_form(plan, plan.unit("ktht"), YEAR) == forms["ktht"]
    ws = Workspace(tmp_path)
    first = [p.read_bytes() for p in write_forms(ws, plan, YEAR)]
    second = [p.read_bytes() for p in write_forms(ws, plan, YEAR)]
    assert first == second and len(first) == len(plan.units)


def test_file_names_carry_unit_id_and_name(plan):
    assert form_filename(plan.unit("tckh"), 2026) == "tckh - Phòng Tài chính – Kế hoạch - 2026.xlsx"


def test_instructions_say_who_fills_the_deadline_how_what_not_to_do_and_where_to_send(forms):
    ws = open_wb(forms["xa-my-hiep"])[SHEET_GUIDE]
    text = "\n".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c)
    assert "Đơn vị báo cáo: UBND xã Mỹ Hiệp" in text
    assert "Hạn nộp: trước ngày 05/12/2026. Gửi tệp này (định dạng .xlsx) về Phòng Kinh tế và Hạ tầng" in text
    assert "Chỉ nhập vào các ô nền vàng" in text and "nhập SỐ LIỆU GỐC" in text
    assert "KHÔNG ĐƯỢC" in text and "Thêm, xóa, đổi tên hoặc sắp xếp lại các trang" in text
    assert "Mã biểu mẫu: KH178-2021/xa-my-hiep/2026/v2" in text


def test_forms_ask_only_the_indicators_their_phases_cover(plan):
    # ktht reports for the 2021–2025 list (tuyên truyền, cụm công nghiệp, cơ quan, mô hình SXSH) and the
    # 2030 list (mô hình SX và TDBV): 2023 asks only the first, 2026 only the second.
    assert asked_with(plan, 2023) == {"so_cuoc_tuyen_truyen", "so_ccn", "so_ccn_pho_bien", "dung_sp_than_thien",
                           "so_mo_hinh_sxsh", "so_mo_hinh_dien_mat_troi"}
    assert asked_with(plan, 2026) == {"so_mo_hinh_sx_tdbv"}
    # config can keep one going after its list ("duy_tri_den = 2030")
    kept = dataclasses.replace(plan, indicators=tuple(
        dataclasses.replace(i, phases=((2021, 2030),)) if i.id == "tuyen_truyen" else i for i in plan.indicators))
    assert asked_with(kept, 2026) == {"so_cuoc_tuyen_truyen", "so_mo_hinh_sx_tdbv"}


def asked_with(plan, year: int) -> set[str]:
    ws = open_wb(build_form(plan, plan.unit("ktht"), year))[SHEET_INDICATORS]
    return {k[3:] for k in keys(ws) if k.startswith("ct.")}
