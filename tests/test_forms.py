"""Forms: one workbook per unit, holding exactly that unit's tasks and inputs, locked and validated."""

from __future__ import annotations

import dataclasses
import io
import re
import warnings
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.forms import (
    build_form,
    form_filename,
    part_formula,
    phone_formula,
    write_forms,
)
from pipeline.layout import (
    COLUMNS,
    GENERAL_KEYS,
    ID_CELL,
    ID_PATTERN,
    ID_SHEET,
    SHEET_GUIDE,
    SHEET_INDICATORS,
    SHEET_INFO,
    SHEET_TASKS,
    TEXT_LIMIT,
    TEXT_LIMITS,
    text_limit,
)
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
    return {
        c.value: c.row for (c,) in ws.iter_rows(min_col=1, max_col=1) if isinstance(c.value, str) and "." in c.value
    }


def test_each_form_holds_exactly_its_units_inputs_and_tasks(plan, forms):
    for unit in plan.units:
        wb = open_wb(forms[unit.id])
        inputs = {k[3:] for k in keys(wb[SHEET_INDICATORS]) if k.startswith("ct.")}
        assert inputs == {i.id for i in plan.inputs_for(unit.id, YEAR)}, unit.id
        funding = {k for k in keys(wb[SHEET_INDICATORS]) if not k.startswith("ct.")}
        assert funding == {"kp.ngan_sach", "kp.huy_dong"} | (
            {"kp.du_toan"} if plan.tasks_led_by(unit.id, YEAR + 1) else set()
        ), unit.id
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
        "Khối lượng túi nhựa khó phân hủy sử dụng bình quân tại các chợ đạt chuẩn văn minh trên địa bàn, năm gốc 2021"
    )
    assert ws[f"C{rows['ct.tui_nhua_cvm_nam']}"].value == (
        "Khối lượng túi nhựa khó phân hủy sử dụng bình quân tại các chợ đạt chuẩn văn minh trên địa bàn, năm 2026"
    )
    assert ws[f"D{rows['ct.tui_nhua_cvm_goc']}"].value == "kg/tháng"
    assert ws["E5"].value == "Số liệu"  # the column is headed plainly; the row says which year
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
        assert m.groups() == ("KH178-2021", "xa-tan-nghia", "2026", "2", None)  # None: a yearly form, no period
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
    assert asked_with(plan, 2023) == {
        "so_cuoc_tuyen_truyen",
        "so_ccn",
        "so_ccn_pho_bien",
        "dung_sp_than_thien",
        "so_mo_hinh_sxsh",
        "so_mo_hinh_dien_mat_troi",
    }
    assert asked_with(plan, 2026) == {"so_mo_hinh_sx_tdbv"}
    # config can keep one going after its list ("duy_tri_den = 2030")
    kept = dataclasses.replace(
        plan,
        indicators=tuple(
            dataclasses.replace(i, phases=((2021, 2030),)) if i.id == "tuyen_truyen" else i for i in plan.indicators
        ),
    )
    assert asked_with(kept, 2026) == {"so_cuoc_tuyen_truyen", "so_mo_hinh_sx_tdbv"}


def asked_with(plan, year: int) -> set[str]:
    ws = open_wb(build_form(plan, plan.unit("ktht"), year))[SHEET_INDICATORS]
    return {k[3:] for k in keys(ws) if k.startswith("ct.")}


# --------------------------------------------------------------------------- validation while typing


def _rules(ws) -> dict[str, object]:
    """Cell ref → its (single-cell) data validation."""
    return {str(r): dv for dv in ws.data_validations.dataValidation for r in dv.sqref.ranges}


def test_a_part_cannot_exceed_its_whole_by_a_custom_rule_on_the_parts_cell(plan):
    ws = open_wb(build_form(plan, plan.unit("xa-my-hiep"), 2025))[SHEET_INDICATORS]  # 2025 asks bao gói BVTV
    rows = keys(ws)
    part, whole = rows["ct.bao_bi_bvtv_thu_gom"], rows["ct.bao_bi_bvtv_phat_sinh"]
    dv = _rules(ws)[f"E{part}"]
    assert dv.type == "custom" and dv.errorStyle == "stop"
    assert dv.formula1 == f"IF(ISNUMBER(E{part}),AND(E{part}>=0,OR(NOT(ISNUMBER(E{whole})),E{part}<=E{whole})),FALSE())"
    assert dv.error == (
        "Dòng 5.2 «Trong đó: khối lượng được thu gom và xử lý theo quy định» phải là số không âm "
        "và không lớn hơn dòng 5.1 «Khối lượng bao gói thuốc bảo vệ thực vật sau sử dụng phát sinh "
        "trên địa bàn…»: phần không thể lớn hơn tổng."
    )
    counts = rows["ct.so_cua_hang_bao_bi_xanh"], rows["ct.so_cua_hang_tien_loi"]
    assert _rules(ws)[f"E{counts[0]}"].formula1 == (
        f"IF(ISNUMBER(E{counts[0]}),AND(E{counts[0]}>=0,INT(E{counts[0]})=E{counts[0]},"
        f"OR(NOT(ISNUMBER(E{counts[1]})),E{counts[0]}<=E{counts[1]})),FALSE())"
    )
    assert _rules(ws)[f"E{whole}"].type == "decimal"  # the whole itself: any number ≥ 0


def test_phone_date_and_text_rules_on_the_information_sheet(forms):
    ws = open_wb(forms["mttq"])[SHEET_INFO]
    rows, rules = keys(ws), _rules(open_wb(forms["mttq"])[SHEET_INFO])
    phone = rules[f"C{rows['lh.dien_thoai']}"]
    ref = f"C{rows['lh.dien_thoai']}"
    assert phone.type == "custom" and phone.formula1 == phone_formula(ref)
    assert phone.formula1.startswith(f"AND(LEN({ref})>=8,LEN({ref})<=15,LEN(SUBSTITUTE(")
    date = rules[f"C{rows['lh.ngay_lap']}"]
    assert (date.type, date.operator, date.formula1, date.formula2) == (
        "date",
        "between",
        "DATE(2026,1,1)",
        "DATE(2026,12,31)",
    )
    assert date.errorStyle == "warning"  # a late form made in January may still say so; intake decides
    for key in GENERAL_KEYS:
        dv = rules[f"C{rows[f'chung.{key}']}"]
        assert (dv.type, dv.operator, dv.formula1) == ("textLength", "lessThanOrEqual", str(TEXT_LIMIT))
        assert "tối đa 2.000 ký tự" in dv.prompt
    assert rules[f"C{rows['lh.nguoi_lap']}"].formula1 == "100"


def test_text_limits_of_every_text_cell_are_the_ones_intake_uses(plan, forms):
    for unit_id in ("ktht", "xa-my-hiep"):
        wb = open_wb(forms[unit_id])
        for sheet in (SHEET_INFO, SHEET_INDICATORS, SHEET_TASKS):
            ws, rules = wb[sheet], _rules(wb[sheet])
            for key, row in keys(ws).items():
                for field, col in COLUMNS[key.split(".")[0]].items():
                    limit = text_limit(key, field)
                    if limit is None or key == "lh.dien_thoai":
                        continue
                    assert rules[f"{col}{row}"].formula1 == str(limit), (key, field)
    assert TEXT_LIMITS == {
        "lh.nguoi_lap": 100,
        "lh.dien_thoai": 15,
        "chung": 2000,
        "ct.note": 300,
        "kp.note": 300,
        "nv.result": 1000,
        "nv.difficulties": 500,
        "nv.proposals": 500,
    }


def test_every_input_prompt_gives_its_unit_and_an_example_within_excels_limits(plan, forms):
    for unit in plan.units:
        wb = open_wb(forms[unit.id])
        for sheet in (SHEET_INFO, SHEET_INDICATORS, SHEET_TASKS):
            for dv in wb[sheet].data_validations.dataValidation:
                assert len(dv.promptTitle) <= 32 and len(dv.prompt) <= 255 and len(dv.error) <= 225, dv.prompt
                assert len(dv.errorTitle) <= 32
                assert re.search(r"[Vv]í dụ", dv.prompt), dv.prompt
                assert not dv.prompt.endswith("…") and not dv.error.endswith("…"), dv.error  # not clipped
    ws = open_wb(forms["xa-my-hiep"])[SHEET_INDICATORS]
    rules = _rules(ws)
    rows = keys(ws)
    assert rules[f"E{rows['ct.tui_nhua_cvm_goc']}"].prompt == (
        "Đơn vị tính: kg/tháng. Nhập số, không âm, có thể có phần thập phân, ví dụ 12,5. Không có thì nhập 0."
    )
    assert rules[f"E{rows['ct.so_cua_hang_tien_loi']}"].prompt.startswith("Đơn vị tính: cửa hàng. ")


def test_every_input_has_its_unit_of_measure_beside_it(plan, forms):
    for unit in plan.units:
        wb = open_wb(forms[unit.id])
        ws = wb[SHEET_INDICATORS]
        for key, row in keys(ws).items():
            unit_of_measure = plan.all_inputs()[key[3:]].unit_of_measure if key.startswith("ct.") else "triệu đồng"
            assert ws[f"D{row}"].value == unit_of_measure
        info = wb[SHEET_INFO]
        rows = keys(info)
        assert info[f"D{rows['lh.ngay_lap']}"].value == "ngày/tháng/năm"
        assert info[f"D{rows['lh.dien_thoai']}"].value == "8–15 chữ số"
        assert all(info[f"D{rows[f'chung.{k}']}"].value == "tối đa 2.000 ký tự" for k in GENERAL_KEYS)


VALIDATION_CASES = [  # (formula builder, value in A1, value in B1, whether it is accepted)
    ("phone", "0277 3851234", None, True),
    ("phone", "0918.123.456", None, True),
    ("phone", "+84 277 385123", None, True),
    ("phone", "12345678", None, True),
    ("phone", "0277-385-1234", None, False),
    ("phone", "0277 385 abc", None, False),
    ("phone", "1234567", None, False),
    ("phone", "1234567890123456", None, False),
    ("part", 30, 40, True),
    ("part", 40, 40, True),
    ("part", 41, 40, False),
    ("part", -1, 40, False),
    ("part", 2.5, 40, False),
    ("part", 5, None, True),
    ("part", "năm", 40, False),
    ("part_dec", 2.5, 40, True),
    ("part_dec", 40.25, 40, False),
]


def test_the_validation_formulas_accept_and_refuse_as_meant_in_libreoffice(libreoffice, tmp_path):
    # A scratch workbook (not a form) puts each formula in a cell so LibreOffice computes it.
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r, (kind, a, b, _) in enumerate(VALIDATION_CASES, start=1):
        ws[f"A{r}"], ws[f"B{r}"] = a, b
        if kind == "phone":
            ws[f"A{r}"].number_format = "@"
            formula = phone_formula(f"A{r}")
        else:
            formula = part_formula(f"A{r}", f"B{r}", integer=kind == "part")
        ws[f"C{r}"] = f"=IF({formula},1,0)"
    src = tmp_path / "rules.xlsx"
    wb.save(src)
    out = libreoffice([src], "csv", tmp_path / "out")[0]
    got = [line.rsplit(",", 1)[-1] for line in out.read_text(encoding="utf-8").splitlines()]
    assert got == ["1" if ok else "0" for *_, ok in VALIDATION_CASES]
