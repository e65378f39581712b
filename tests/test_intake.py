"""Intake: generated forms filled the way units fill them → identified, read and validated.

Every form here is a real .xlsx built by ``forms.build_form`` and filled with openpyxl
(``tests/filling.py``); hostile and non-form files are in test_bad_files.py, the pure value
parsing in test_values.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import os
import re
import unicodedata
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from pipeline import run
from pipeline.cli import cli
from pipeline.feedback import feedback_workbook
from pipeline.forms import build_form
from pipeline.intake import no_cycle_collector, read_data, read_inbox
from pipeline.layout import ID_CELL
from pipeline.model import (
    ERROR,
    HAS_ERRORS,
    LATE,
    MISSING,
    SUBMITTED,
    WARNING,
    Contact,
    FileResult,
    IntakeResult,
    Problem,
    Submission,
    TaskReport,
)
from pipeline.plan import Plan, Unit, load_plan
from pipeline.workspace import Workspace, init_workspace
from tests.filling import (
    cell_of,
    default_contact,
    default_general,
    default_tasks,
    default_values,
    edit_form,
    filled_form,
    open_form,
    role_of,
    set_cached_formula,
    snapshot,
)

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2025  # the year the plan asks the most indicators (both lists but the 2030-only one)
UNIT_IDS = [u.id for u in load_plan(ROOT / "config.toml").units]
COMMUNE = "xa-an-binh"  # reports counts, decimals, part/whole and baseline/current pairs
NOTE = "Số liệu ước tính đến 30/11"


# --------------------------------------------------------------------------- helpers


def read(plan: Plan, data: bytes, name: str = "bieu-mau.xlsx", year: int = YEAR) -> FileResult:
    return read_data(data, name, plan, year)


def submission(plan: Plan, data: bytes, name: str = "bieu-mau.xlsx") -> Submission:
    res = read(plan, data, name)
    assert res.rejection is None, res.rejection
    assert res.submission is not None
    return res.submission


def rejection(plan: Plan, data: bytes, name: str = "bieu-mau.xlsx", year: int = YEAR) -> Problem:
    res = read(plan, data, name, year)
    assert res.submission is None and res.rejection is not None
    assert res.rejection.file == name and res.rejection.is_error
    return res.rejection


def where(data: bytes, key: str, field: str = "value") -> tuple[str, str]:
    """(sheet, cell ref) of a key's input cell, found the way a person would look."""
    c = cell_of(open_form(data), key, field)
    return c.parent.title, c.coordinate


def found(sub: Submission) -> list[tuple[str, str, str]]:
    return [(p.code, p.sheet, p.cell) for p in sub.problems]


def put(folder: Path, name: str, data: bytes, mtime: dt.datetime | None = None) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if mtime is not None:
        os.utime(path, (mtime.timestamp(), mtime.timestamp()))
    return path


@pytest.fixture(scope="module")
def filled(kh178: Plan) -> dict[str, bytes]:
    """Every unit's form filled with the defaults of tests/filling.py plus a note on its first input."""
    return {u.id: filled_form(kh178, u.id, YEAR, notes={kh178.inputs_for(u.id)[0].id: NOTE}) for u in kh178.units}


@pytest.fixture(scope="module")
def commune(filled: dict[str, bytes]) -> bytes:
    return filled[COMMUNE]


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return init_workspace(tmp_path / "ws")


# --------------------------------------------------------------------------- round trip


def test_plan_has_31_units_to_round_trip() -> None:
    assert len(UNIT_IDS) == 31


@pytest.mark.parametrize("unit_id", UNIT_IDS)
def test_round_trip_reads_back_every_cell_written(kh178: Plan, filled: dict[str, bytes], unit_id: str) -> None:
    data = filled[unit_id]
    sub = submission(kh178, data, f"{unit_id}.xlsx")
    assert (sub.unit_id, sub.plan_id, sub.year, sub.template_version) == (
        unit_id,
        "KH178-2021",
        YEAR,
        kh178.template_version,
    )
    assert (
        sub.contact
        == Contact(*default_contact(YEAR).values())
        == Contact("Nguyễn Thị Lan", "0277 3851234", dt.date(2025, 11, 25))
    )
    expected = {k: (v == "Có") if isinstance(v, str) else v for k, v in default_values(kh178, unit_id, YEAR).items()}
    assert sub.values == expected
    kinds = {i.id: i.kind for i in kh178.inputs_for(unit_id)}
    assert all(isinstance(v, int) for k, v in sub.values.items() if kinds[k] == "so_nguyen")
    assert sub.notes == {kh178.inputs_for(unit_id)[0].id: NOTE}
    assert sub.general == default_general(YEAR)
    assert sub.general["kien_nghi"] == "Đề nghị hỗ trợ tài liệu tuyên truyền & tập huấn <cơ sở>."
    tasks = tuple(
        TaskReport(item, role_of(kh178, unit_id, item), t["status"], t["result"], t["difficulties"], t["proposals"])
        for item, t in default_tasks(kh178, unit_id, YEAR).items()
    )
    assert sub.tasks == tasks and len(tasks) >= 14
    assert sub.problems == () and sub.accepted
    assert sub.provenance.path == f"{unit_id}.xlsx"
    assert sub.provenance.sha256 == hashlib.sha256(data).hexdigest() and sub.provenance.size == len(data)
    assert "Openpyxl" in sub.provenance.application


def test_inbox_with_every_form_gives_every_unit_submitted(kh178: Plan, filled: dict[str, bytes], ws: Workspace) -> None:
    for unit_id, data in filled.items():
        put(ws.inbox, f"{unit_id}.xlsx", data, dt.datetime(2025, 11, 30, 9, 0))
    before = snapshot(ws.inbox)
    result = read_inbox(ws, kh178, YEAR)
    assert snapshot(ws.inbox) == before
    assert [s.unit_id for s in result.statuses] == UNIT_IDS
    assert {s.state for s in result.statuses} == {SUBMITTED}
    assert result.rejected == [] and len(result.accepted()) == 31
    assert all(s.submission.provenance.path == f"{s.unit_id}.xlsx" for s in result.statuses)
    assert result.statuses[0].submission.provenance.modified == dt.datetime(2025, 11, 30, 9, 0)


def test_process_pool_reads_the_same_as_one_process(kh178: Plan, filled: dict[str, bytes], ws: Workspace) -> None:
    for unit_id in UNIT_IDS[:4]:
        put(ws.inbox, f"{unit_id}.xlsx", filled[unit_id])
    one = read_inbox(ws, kh178, YEAR, workers=1)
    pool = read_inbox(ws, kh178, YEAR, workers=2)
    assert pool.statuses == one.statuses


def test_the_callers_own_work_runs_once_while_the_pool_reads(
    kh178: Plan, filled: dict[str, bytes], ws: Workspace
) -> None:
    """``while_reading`` (``run`` loads the years before and imports the next stages there): once, while
    the pool's workers are alive, and the files are read the same; in one process, once before reading."""
    import multiprocessing

    for unit_id in UNIT_IDS[:8]:
        put(ws.inbox, f"{unit_id}.xlsx", filled[unit_id])
    seen: list[int] = []
    pool = read_inbox(
        ws, kh178, YEAR, workers=2, while_reading=lambda: seen.append(len(multiprocessing.active_children()))
    )
    assert len(seen) == 1 and seen[0] == 2
    calls: list[str] = []
    one = read_inbox(ws, kh178, YEAR, workers=1, while_reading=lambda: calls.append("called"))
    assert calls == ["called"]
    assert pool.statuses == one.statuses and len(one.accepted()) == 8


@pytest.mark.parametrize("total", [2, 7, 61, 520, 2_000, 100_000])
@pytest.mark.parametrize("workers", [2, 8])
def test_pool_tasks_cover_every_file_once_in_order_and_shrink_toward_the_end(total: int, workers: int) -> None:
    from pipeline.intake import CHUNK_FILES, _chunks

    chunks = _chunks(total, workers)
    assert [i for c in chunks for i in c] == list(range(total))
    sizes = [len(c) for c in chunks]
    assert max(sizes) <= CHUNK_FILES
    assert all(a >= b for a, b in zip(sizes, sizes[1:], strict=False))  # never growing
    if total >= 520:
        assert sum(sizes[-2 * workers :]) <= 8 * workers  # the last task of each worker is a few files


def test_reading_makes_no_reference_cycles_in_good_files_or_bad(kh178: Plan, filled: dict[str, bytes]) -> None:
    """What lets intake pause Python's cycle collector while it reads (``no_cycle_collector``): all a
    read makes is freed by reference counting, whether the file is read, warned about or rejected."""
    import gc

    from tests.mutations import mutants

    forms = [filled[u] for u in UNIT_IDS[:4]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        files = forms + mutants(forms, 200, 2_12_2026) + [b"", b"PK\x03\x04", b"%PDF-1.7", b"\xd0\xcf\x11\xe0" * 9]
    gc.collect()
    with no_cycle_collector():
        results = [read(kh178, data, f"{i}.xlsx") for i, data in enumerate(files)]
        assert gc.collect() == 0
    assert gc.isenabled()
    codes = {r.rejection.code for r in results if r.rejection}
    assert sum(r.submission is not None for r in results) >= 4
    assert {"tep-rong", "tep-hong", "khong-phai-excel"} <= codes


# --------------------------------------------------------------------------- messy values in real cells


@pytest.mark.parametrize(
    ("input_id", "typed", "value", "codes"),
    [
        ("so_cua_hang_tien_loi", "40", 40, []),  # number stored as text
        ("so_cua_hang_tien_loi", "1.250", 1250, []),  # thousands dot in a count
        ("so_cua_hang_tien_loi", "\u00a040 ", 40, []),  # non-breaking and plain spaces around
        ("tui_nhua_cvm_nam", "85,5", 85.5, []),  # decimal comma
        ("bao_bi_bvtv_phat_sinh", "1.250,5", 1250.5, []),
        ("bao_bi_bvtv_thu_gom", "1,250", 1.25, ["so-mo-ho"]),  # decimal comma, with a warning saying how
        ("tui_nhua_cvm_nam", "85%", None, ["nhap-phan-tram"]),
        ("tui_nhua_cvm_nam", "85 %", None, ["nhap-phan-tram"]),
        ("so_cua_hang_tien_loi", "khoảng 5", None, ["khong-phai-so"]),
        ("so_co_so_truy_xuat", -3, -3, ["so-am"]),
        ("so_co_so_truy_xuat", "-3", -3, ["so-am"]),
        ("so_cuoc_tuyen_truyen", 2.5, 2.5, ["khong-phai-so-nguyen"]),
        ("so_cua_hang_tien_loi", None, None, ["thieu-so-lieu"]),
        ("so_cua_hang_tien_loi", "", None, ["thieu-so-lieu"]),
    ],
)
def test_messy_value_in_a_real_form_reads_right_or_is_named_at_its_cell(
    kh178: Plan, input_id: str, typed: object, value: object, codes: list[str]
) -> None:
    data = filled_form(kh178, COMMUNE, YEAR, values={input_id: typed})
    sub = submission(kh178, data)
    assert sub.values[input_id] == value
    sheet, ref = where(data, f"ct.{input_id}")
    assert found(sub) == [(code, sheet, ref) for code in codes]


def test_thousands_dot_in_a_count_reads_as_1250(kh178: Plan) -> None:
    sub = submission(kh178, filled_form(kh178, COMMUNE, YEAR, values={"so_cua_hang_tien_loi": "1.250"}))
    assert sub.values["so_cua_hang_tien_loi"] == 1250 and sub.problems == ()


@pytest.mark.parametrize(("fmt", "stored", "shown"), [("0%", 0.85, "85%"), ("0.0%", 0.855, "85,5%")])
def test_85_typed_in_a_percent_formatted_cell_is_flagged_as_a_percent(
    kh178: Plan, commune: bytes, fmt: str, stored: float, shown: str
) -> None:
    def percent_cell(wb, rows):
        c = cell_of(wb, "ct.tui_nhua_cvm_nam", rows=rows)
        c.number_format, c.value = fmt, stored  # what Excel stores when 85 is typed in a % cell

    data = edit_form(commune, percent_cell)
    sub = submission(kh178, data)
    assert sub.values["tui_nhua_cvm_nam"] is None
    assert found(sub) == [("nhap-phan-tram", *where(data, "ct.tui_nhua_cvm_nam"))]
    assert sub.problems[0].value == shown


def test_formula_with_a_cached_value_reads_the_value_with_a_warning_naming_it(kh178: Plan, commune: bytes) -> None:
    sheet, ref = where(commune, "ct.so_cua_hang_tien_loi")
    sub = submission(kh178, set_cached_formula(commune, sheet, ref, "SUM(20,20)", 40))
    assert sub.values["so_cua_hang_tien_loi"] == 40 and sub.accepted
    assert found(sub) == [("cong-thuc", sheet, ref)]
    assert "«=SUM(20,20)»" in sub.problems[0].message and sub.problems[0].value == "40"


def test_formula_without_a_cached_value_is_named_not_read_as_zero(kh178: Plan, commune: bytes) -> None:
    sheet, ref = where(commune, "ct.so_cua_hang_tien_loi")
    sub = submission(kh178, set_cached_formula(commune, sheet, ref, "SUM(20,20)", None))
    assert sub.values["so_cua_hang_tien_loi"] is None
    assert found(sub) == [("cong-thuc-chua-tinh", sheet, ref)] and not sub.accepted


def test_uncalculated_formula_in_a_contact_field_is_named_once(kh178: Plan, commune: bytes) -> None:
    sheet, ref = where(commune, "lh.nguoi_lap")
    sub = submission(kh178, set_cached_formula(commune, sheet, ref, "B1", None))
    assert found(sub) == [("cong-thuc-chua-tinh", sheet, ref)]


# --------------------------------------------------------------------------- rules


def test_collected_more_than_generated_is_a_part_larger_than_its_whole(kh178: Plan) -> None:
    data = filled_form(kh178, COMMUNE, YEAR, values={"bao_bi_bvtv_phat_sinh": 120.5, "bao_bi_bvtv_thu_gom": 130})
    sub = submission(kh178, data)
    assert found(sub) == [("phan-lon-hon-tong", *where(data, "ct.bao_bi_bvtv_thu_gom"))]
    p = sub.problems[0]
    assert p.is_error and p.value == "130" and where(data, "ct.bao_bi_bvtv_phat_sinh")[1] in p.expected
    assert sub.values["bao_bi_bvtv_thu_gom"] == 130.0  # the value is kept; the form is refused until fixed


def test_compliant_more_than_inspected_is_a_part_larger_than_its_whole(kh178: Plan) -> None:
    data = filled_form(kh178, "tnmt", YEAR, values={"so_co_so_kiem_tra": 40, "so_co_so_tuan_thu": 45})
    assert found(submission(kh178, data)) == [("phan-lon-hon-tong", *where(data, "ct.so_co_so_tuan_thu"))]


def test_a_negative_whole_is_one_problem_not_two(kh178: Plan) -> None:
    data = filled_form(kh178, "tnmt", YEAR, values={"so_co_so_kiem_tra": -3, "so_co_so_tuan_thu": 2})
    assert found(submission(kh178, data)) == [("so-am", *where(data, "ct.so_co_so_kiem_tra"))]


def test_part_equal_to_its_whole_is_fine(kh178: Plan) -> None:
    data = filled_form(kh178, "tnmt", YEAR, values={"so_co_so_kiem_tra": 40, "so_co_so_tuan_thu": 40})
    assert submission(kh178, data).problems == ()


def test_current_amount_above_the_baseline_is_a_warning_not_an_error(kh178: Plan) -> None:
    data = filled_form(kh178, COMMUNE, YEAR, values={"tui_nhua_cvm_goc": 120.5, "tui_nhua_cvm_nam": 130})
    sub = submission(kh178, data)
    assert found(sub) == [("giam-tang", *where(data, "ct.tui_nhua_cvm_nam"))]
    assert sub.problems[0].severity == WARNING and sub.accepted


def test_reduction_over_100_percent_needs_a_negative_amount_and_is_an_error(kh178: Plan) -> None:
    data = filled_form(kh178, COMMUNE, YEAR, values={"tui_nhua_ntm_nam": "-5"})
    sub = submission(kh178, data)
    assert found(sub) == [("so-am", *where(data, "ct.tui_nhua_ntm_nam"))] and not sub.accepted


def test_led_task_with_no_status_chosen_is_an_error_at_its_status_cell(kh178: Plan) -> None:
    data = filled_form(kh178, "tnmt", YEAR, tasks={"I.2": {"status": ""}})
    sub = submission(kh178, data)
    assert found(sub) == [("thieu-trang-thai", *where(data, "nv.I.2", "status"))]
    assert sub.problems[0].sheet == "Nhiệm vụ" and not sub.accepted


def test_partner_task_with_no_status_is_fine(kh178: Plan) -> None:
    sub = submission(kh178, filled_form(kh178, "tnmt", YEAR, tasks={"I.1.a": {"status": "", "result": ""}}))
    assert sub.problems == ()
    assert next(t for t in sub.tasks if t.item_id == "I.1.a") == TaskReport("I.1.a", "phoi-hop", "", "", "", "")


def test_led_task_done_without_a_result_is_a_warning(kh178: Plan) -> None:
    data = filled_form(kh178, "tnmt", YEAR, tasks={"I.2": {"status": "đã hoàn thành", "result": ""}})
    sub = submission(kh178, data)
    assert [(p.code, p.severity) for p in sub.problems] == [("thieu-ket-qua", WARNING)]
    assert sub.tasks[0].status == "Đã hoàn thành" and sub.accepted


def test_led_task_not_started_needs_no_result(kh178: Plan) -> None:
    sub = submission(kh178, filled_form(kh178, "tnmt", YEAR, tasks={"I.2": {"status": "Chưa thực hiện", "result": ""}}))
    assert sub.problems == () and sub.tasks[0].status == "Chưa thực hiện"


def test_empty_contact_fields_are_each_named_at_their_cell(kh178: Plan) -> None:
    data = filled_form(kh178, COMMUNE, YEAR, contact={"nguoi_lap": " \u00a0", "dien_thoai": None, "ngay_lap": None})
    sub = submission(kh178, data)
    assert found(sub) == [("thieu-thong-tin", *where(data, f"lh.{k}")) for k in ("nguoi_lap", "dien_thoai", "ngay_lap")]
    assert sub.contact == Contact("", "", None)


def test_ngay_lap_typed_as_text_is_read_as_a_date(kh178: Plan) -> None:
    sub = submission(kh178, filled_form(kh178, COMMUNE, YEAR, contact={"ngay_lap": "ngày 28 tháng 11 năm 2025"}))
    assert sub.contact.date == dt.date(2025, 11, 28) and sub.problems == ()


def test_all_problems_of_a_form_come_in_one_pass_errors_and_warnings_apart(kh178: Plan) -> None:
    data = filled_form(
        kh178,
        "tnmt",
        YEAR,
        values={
            "so_cuoc_tuyen_truyen": "hai cuộc",
            "so_co_so_kiem_tra": 40,
            "so_co_so_tuan_thu": 45,
            "dung_sp_than_thien": "Chưa rõ",
        },
        tasks={"I.2": {"status": ""}, "II.3": {"status": "Đang thực hiện", "result": ""}},
        contact={"dien_thoai": ""},
    )
    sub = submission(kh178, data)
    errors = sorted(p.code for p in sub.problems if p.severity == ERROR)
    warnings = [p.code for p in sub.problems if p.severity == WARNING]
    assert errors == [
        "khong-phai-co-khong",
        "khong-phai-so",
        "phan-lon-hon-tong",
        "thieu-thong-tin",
        "thieu-trang-thai",
    ]
    assert warnings == ["thieu-ket-qua"]
    assert [p.sheet for p in sub.problems] == ["Thông tin"] + ["Chỉ tiêu"] * 3 + ["Nhiệm vụ"] * 2  # form order
    assert all(p.file == "bieu-mau.xlsx" and p.cell and p.message for p in sub.problems)


# --------------------------------------------------------------------------- identification


def test_renamed_file_is_identified_by_the_hidden_id_not_the_name(kh178: Plan, commune: bytes) -> None:
    sub = submission(kh178, commune, "tnmt - Phòng Tài nguyên.xlsx")
    assert sub.unit_id == COMMUNE and sub.provenance.path == "tnmt - Phòng Tài nguyên.xlsx"


def test_form_without_its_hidden_sheet_is_identified_by_the_visible_code(kh178: Plan, commune: bytes) -> None:
    def drop_id(wb, rows):
        del wb["_id"]

    sub = submission(kh178, edit_form(commune, drop_id))
    assert sub.unit_id == COMMUNE and sub.values == submission(kh178, commune).values


def test_sheet_copied_from_another_units_form_is_named(kh178: Plan, commune: bytes) -> None:
    def other_code(wb, rows):
        wb["Chỉ tiêu"][ID_CELL] = f"Mã biểu mẫu: KH178-2021/xa-my-hiep/{YEAR}/v1"

    sub = submission(kh178, edit_form(commune, other_code))
    assert sub.unit_id == COMMUNE
    assert found(sub) == [("ma-khong-khop", "Chỉ tiêu", ID_CELL)]


def test_form_of_another_year_is_rejected_saying_which_year(kh178: Plan) -> None:
    p = rejection(kh178, filled_form(kh178, COMMUNE, 2024), "xa-an-binh.xlsx", year=2025)
    assert p.code == "sai-nam"
    assert "năm 2024" in p.message and "năm 2025" in p.message and "UBND xã An Bình" in p.message


def test_form_of_another_plan_is_rejected_saying_which_plan(kh178: Plan) -> None:
    other = dataclasses.replace(kh178, id="KH99-2024")
    p = rejection(kh178, build_form(other, other.unit(COMMUNE), YEAR))
    assert p.code == "sai-ke-hoach" and "KH99-2024" in p.message and "178/KH-UBND" in p.message


def test_form_of_a_unit_not_in_the_config_is_rejected(kh178: Plan) -> None:
    bigger = dataclasses.replace(kh178, units=(*kh178.units, Unit("xa-moi", "UBND xã Mới", "xa")))
    p = rejection(kh178, build_form(bigger, bigger.unit("xa-moi"), YEAR))
    assert p.code == "sai-don-vi" and "xa-moi" in p.message


def test_older_template_version_with_every_row_is_read_with_a_warning(kh178: Plan, commune: bytes) -> None:
    v = kh178.template_version
    newer = dataclasses.replace(kh178, template_version=v + 1)
    sub = submission(newer, commune)
    assert sub.template_version == v and sub.values == submission(kh178, commune).values
    assert [(p.code, p.severity, p.value, p.expected) for p in sub.problems] == [
        ("phien-ban-cu", WARNING, f"v{v}", f"v{v + 1}")
    ]
    assert sub.accepted


def test_older_template_version_missing_a_row_is_rejected_naming_the_row(kh178: Plan, commune: bytes) -> None:
    def drop_row(wb, rows):
        ws, row = rows["ct.so_cua_hang_tien_loi"]
        ws.delete_rows(row)

    data = edit_form(commune, drop_row)
    p = rejection(dataclasses.replace(kh178, template_version=kh178.template_version + 1), data)
    assert p.code == "phien-ban-cu" and "ct.so_cua_hang_tien_loi" in p.message
    # the same form claiming the current version is read, with the missing row named
    sub = submission(kh178, data)
    assert [(p.code, p.expected) for p in sub.problems] == [("thieu-dong", "ct.so_cua_hang_tien_loi")]
    assert sub.values["so_cua_hang_tien_loi"] is None


@pytest.mark.parametrize("unit_id", ["ktht", "xa-my-hiep"])
def test_a_v1_form_of_this_year_made_before_the_print_layout_is_still_read(kh178: Plan, unit_id: str) -> None:
    # tests/fixtures/v1-*.xlsx: filled with filling.py's defaults, from the forms of version 1
    # (before the print layout of version 2). Every value is read, with one warning.
    data = (ROOT / "tests" / "fixtures" / f"v1-{unit_id}-2026.xlsx").read_bytes()
    res = read_data(data, f"{unit_id}.xlsx", kh178, 2026)
    assert res.rejection is None and res.submission is not None
    sub = res.submission
    assert kh178.template_version == 2 and sub.template_version == 1
    assert sub.values == {
        k: (v == "Có") if isinstance(v, str) else v for k, v in default_values(kh178, unit_id, 2026).items()
    }
    assert sub.contact == Contact(*default_contact(2026).values())
    assert sub.general == default_general(2026)
    assert {t.item_id: t.result for t in sub.tasks} == {
        k: v["result"] for k, v in default_tasks(kh178, unit_id, 2026).items()
    }
    assert [(p.code, p.severity, p.value, p.expected) for p in sub.problems] == [("phien-ban-cu", WARNING, "v1", "v2")]
    assert sub.accepted


def test_newer_template_version_is_rejected(kh178: Plan) -> None:
    newer = dataclasses.replace(kh178, template_version=kh178.template_version + 1)
    p = rejection(kh178, build_form(newer, newer.unit(COMMUNE), YEAR))
    assert p.code == "phien-ban-moi" and f"phiên bản {kh178.template_version + 1}" in p.message


def test_rows_inserted_by_a_user_above_inputs_do_not_shift_the_values(kh178: Plan, commune: bytes) -> None:
    def insert(wb, rows):
        wb["Thông tin"].insert_rows(1, 2)  # above the title and the visible code, too
        wb["Chỉ tiêu"].insert_rows(rows["ct.so_cuoc_tuyen_truyen"][1])  # right above the first input
        wb["Nhiệm vụ"].insert_rows(7)

    data = edit_form(commune, insert)
    assert where(data, "ct.so_cuoc_tuyen_truyen")[1] != where(commune, "ct.so_cuoc_tuyen_truyen")[1]
    before, after = submission(kh178, commune), submission(kh178, data)
    assert (after.values, after.notes, after.contact, after.tasks, after.general) == (
        before.values,
        before.notes,
        before.contact,
        before.tasks,
        before.general,
    )
    assert after.problems == ()


def test_problem_after_an_inserted_row_names_the_cell_where_it_now_is(kh178: Plan, commune: bytes) -> None:
    def insert_then_type(wb, rows):
        wb["Chỉ tiêu"].insert_rows(6, 3)
        cell_of(wb, "ct.so_cua_hang_tien_loi").value = "khoảng 5"

    data = edit_form(commune, insert_then_type)
    sheet, ref = where(data, "ct.so_cua_hang_tien_loi")
    assert ref != where(commune, "ct.so_cua_hang_tien_loi")[1]
    assert found(submission(kh178, data)) == [("khong-phai-so", sheet, ref)]


def test_nfd_file_name_is_read_and_reported_in_nfc(kh178: Plan, commune: bytes, ws: Workspace) -> None:
    name = "Báo cáo xã An Bình năm 2025.xlsx"
    put(ws.inbox, unicodedata.normalize("NFD", name), commune)
    st = read_inbox(ws, kh178, YEAR).statuses[UNIT_IDS.index(COMMUNE)]
    assert st.state == SUBMITTED and st.submission.provenance.path == name


# --------------------------------------------------------------------------- duplicates


def _two(kh178: Plan, ws: Workspace, a: tuple, b: tuple) -> tuple:
    """Two forms of the commune: (name, ngày lập, mtime, campaigns) each; → the unit's status."""
    for name, made, mtime, campaigns in (a, b):
        data = filled_form(kh178, COMMUNE, YEAR, contact={"ngay_lap": made}, values={"so_cuoc_tuyen_truyen": campaigns})
        put(ws.inbox, name, data, mtime)
    result = read_inbox(ws, kh178, YEAR)
    return result.statuses[UNIT_IDS.index(COMMUNE)]


def test_duplicate_with_the_later_ngay_lap_wins_even_if_saved_earlier(kh178: Plan, ws: Workspace) -> None:
    st = _two(
        kh178,
        ws,
        ("an-binh-moi.xlsx", dt.date(2025, 11, 28), dt.datetime(2025, 11, 28, 8), 5),
        ("an-binh-cu.xlsx", dt.date(2025, 11, 20), dt.datetime(2025, 11, 29, 8), 3),
    )
    assert st.state == SUBMITTED and st.submission.provenance.path == "an-binh-moi.xlsx"
    assert st.submission.values["so_cuoc_tuyen_truyen"] == 5
    assert st.set_aside == (
        "«an-binh-cu.xlsx» không dùng: đã có bản lập ngày 28/11/2025 «an-binh-moi.xlsx» (bản này lập ngày 20/11/2025)",
    )


def test_duplicate_with_the_same_ngay_lap_is_decided_by_the_later_file_time(kh178: Plan, ws: Workspace) -> None:
    same = dt.date(2025, 11, 25)
    st = _two(
        kh178,
        ws,
        ("a.xlsx", same, dt.datetime(2025, 11, 30, 16, 45), 7),
        ("b.xlsx", same, dt.datetime(2025, 11, 26, 8, 0), 3),
    )
    assert st.submission.provenance.path == "a.xlsx" and st.submission.values["so_cuoc_tuyen_truyen"] == 7
    assert st.set_aside == (
        "«b.xlsx» không dùng: cùng ngày lập 25/11/2025, tệp «a.xlsx» được lưu sau (30/11/2025 16:45)",
    )


def test_duplicate_with_the_same_date_and_time_is_decided_by_the_path(kh178: Plan, ws: Workspace) -> None:
    same, when = dt.date(2025, 11, 25), dt.datetime(2025, 11, 30, 9, 0)
    st = _two(kh178, ws, ("a.xlsx", same, when, 3), ("b.xlsx", same, when, 4))
    assert st.submission.provenance.path == "b.xlsx" and st.submission.values["so_cuoc_tuyen_truyen"] == 4
    assert st.set_aside == ("«a.xlsx» không dùng: cùng ngày lập và giờ lưu với «b.xlsx»; chọn tệp xếp sau theo tên",)


def test_identical_copy_in_a_subfolder_is_set_aside_as_identical(kh178: Plan, commune: bytes, ws: Workspace) -> None:
    when = dt.datetime(2025, 11, 30, 9, 0)
    put(ws.inbox, "xa-an-binh.xlsx", commune, when)
    put(ws.inbox, "email/xa-an-binh (1).xlsx", commune, when - dt.timedelta(hours=1))
    st = read_inbox(ws, kh178, YEAR).statuses[UNIT_IDS.index(COMMUNE)]
    assert st.submission.provenance.path == "xa-an-binh.xlsx"
    assert st.set_aside == ("«email/xa-an-binh (1).xlsx» không dùng: giống hệt tệp «xa-an-binh.xlsx»",)


# --------------------------------------------------------------------------- late


@pytest.mark.parametrize(
    ("made", "state", "late"),
    [
        (dt.date(2025, 12, 5), SUBMITTED, False),
        (dt.date(2025, 12, 6), LATE, True),
        (dt.date(2025, 11, 1), SUBMITTED, False),
    ],
)
def test_ngay_lap_after_the_deadline_is_late(kh178: Plan, ws: Workspace, made: dt.date, state: str, late: bool) -> None:
    data = filled_form(kh178, COMMUNE, YEAR, contact={"ngay_lap": made})
    put(ws.inbox, "x.xlsx", data, dt.datetime(2025, 12, 10, 9, 0))  # saved after it was dated: ngày lập counts
    result = read_inbox(ws, kh178, YEAR)
    st = result.statuses[UNIT_IDS.index(COMMUNE)]
    assert (st.state, st.late) == (state, late)
    assert [s.unit_id for s in result.accepted()] == [COMMUNE]  # late forms are still used


@pytest.mark.parametrize(
    ("mtime", "late"), [(dt.datetime(2025, 12, 10, 9), True), (dt.datetime(2025, 11, 30, 9), False)]
)
def test_missing_ngay_lap_falls_back_to_the_file_time(
    kh178: Plan, ws: Workspace, mtime: dt.datetime, late: bool
) -> None:
    put(ws.inbox, "x.xlsx", filled_form(kh178, COMMUNE, YEAR, contact={"ngay_lap": None}), mtime)
    st = read_inbox(ws, kh178, YEAR).statuses[UNIT_IDS.index(COMMUNE)]
    assert st.late is late
    assert st.state == HAS_ERRORS  # ngày lập is required
    assert [p.code for p in st.submission.problems] == ["thieu-thong-tin"]


@pytest.mark.parametrize(
    ("made", "saved", "expected"),
    [
        (
            dt.date(2024, 2, 7),
            dt.datetime(2025, 11, 28, 9),
            [
                (
                    "ngay-ngoai-khoang",
                    "«Ngày lập biểu (ngày/tháng/năm)»: "
                    "ngày lập 07/02/2024 trước ngày 01/01/2025 của năm báo cáo 2025: có thể đây là biểu mẫu cũ, "
                    "hoặc ghi nhầm năm. "
                    "Hãy kiểm tra lại số liệu và ngày lập.",
                )
            ],
        ),
        (
            dt.date(2025, 12, 20),
            dt.datetime(2025, 11, 28, 9),
            [
                (
                    "ngay-ngoai-khoang",
                    "«Ngày lập biểu (ngày/tháng/năm)»: "
                    "ngày lập 20/12/2025 sau ngày tệp được lưu (28/11/2025): có thể gõ nhầm ngày. Hãy ghi đúng "
                    "ngày lập biểu.",
                )
            ],
        ),
        (dt.date(2025, 1, 1), dt.datetime(2025, 1, 1, 9), []),
        (dt.date(2025, 11, 28), dt.datetime(2025, 11, 28, 9), []),
    ],
)
def test_ngay_lap_outside_the_reporting_year_and_the_saved_day_is_a_warning_naming_it(
    kh178: Plan, ws: Workspace, made: dt.date, saved: dt.datetime, expected: list
) -> None:
    put(ws.inbox, "x.xlsx", filled_form(kh178, COMMUNE, YEAR, contact={"ngay_lap": made}), saved)
    st = read_inbox(ws, kh178, YEAR).statuses[UNIT_IDS.index(COMMUNE)]
    assert [(p.code, p.message) for p in st.submission.problems] == expected
    assert all(p.severity == "canh-bao" for p in st.submission.problems) and st.state == SUBMITTED
    # a typo after the saved day does not make the form late: it counts as made the day it was saved
    again = read_inbox(ws, kh178, YEAR).statuses[UNIT_IDS.index(COMMUNE)]  # a later run, the same inbox
    assert again.submission.problems == st.submission.problems


def test_whether_the_deadline_day_itself_is_on_time_is_a_config_switch(kh178: Plan, ws: Workspace) -> None:
    strict = dataclasses.replace(kh178, deadline_inclusive=False)
    put(
        ws.inbox,
        "x.xlsx",
        filled_form(kh178, COMMUNE, YEAR, contact={"ngay_lap": dt.date(YEAR, 12, 5)}),
        dt.datetime(YEAR, 12, 5, 16),
    )
    assert read_inbox(ws, kh178, YEAR).statuses[UNIT_IDS.index(COMMUNE)].state == SUBMITTED  # "trước ngày 05/12" = by
    assert read_inbox(ws, strict, YEAR).statuses[UNIT_IDS.index(COMMUNE)].state == LATE  # = before the 5th


# --------------------------------------------------------------------------- two units read


@pytest.fixture
def two_units_result(kh178: Plan, filled: dict[str, bytes], ws: Workspace) -> IntakeResult:
    put(ws.inbox, "xa.xlsx", filled[COMMUNE])
    put(ws.inbox, "tnmt.xlsx", filled_form(kh178, "tnmt", YEAR, values={"so_cuoc_tuyen_truyen": "hai"}))
    return read_inbox(ws, kh178, YEAR)


def test_intake_result_gives_each_unit_its_values_with_their_types_notes_and_file(
    two_units_result: IntakeResult,
) -> None:
    by_unit = {s.unit_id: s for s in two_units_result.statuses}
    commune = by_unit[COMMUNE]
    assert (commune.state, commune.submission.provenance.path) == (SUBMITTED, "xa.xlsx")
    count = commune.submission.values["so_cua_hang_tien_loi"]
    assert count == 40 and type(count) is int
    assert commune.submission.values["tui_nhua_cvm_nam"] == 46.25
    assert commune.submission.notes["so_cuoc_tuyen_truyen"] == NOTE
    tnmt = by_unit["tnmt"]
    assert tnmt.state == HAS_ERRORS and tnmt.submission.values["dung_sp_than_thien"] is True
    assert tnmt.submission.values["so_cuoc_tuyen_truyen"] is None  # "hai": not a number
    assert (by_unit["yte"].state, by_unit["yte"].submission) == (MISSING, None)


# --------------------------------------------------------------------------- baocao kiem-tra


def kiem_tra(ws: Workspace, *args: str):
    return CliRunner().invoke(cli, ["-C", str(ws.root), "kiem-tra", "--nam", str(YEAR), *args])


@pytest.fixture
def mixed_inbox(kh178: Plan, filled: dict[str, bytes], ws: Workspace) -> Workspace:
    """xa-an-binh clean, tnmt with two errors, an empty file; every other unit missing."""
    put(ws.inbox, "xa-an-binh.xlsx", filled[COMMUNE])
    put(
        ws.inbox,
        "Phòng TNMT/bao-cao.xlsx",
        filled_form(
            kh178,
            "tnmt",
            YEAR,
            values={"so_cuoc_tuyen_truyen": "khoảng 5", "so_co_so_kiem_tra": 40, "so_co_so_tuan_thu": 45},
        ),
    )
    put(ws.inbox, "rong.xlsx", b"")
    return ws


def test_kiem_tra_lists_states_and_problems_with_file_sheet_and_cell(mixed_inbox: Workspace) -> None:
    before = snapshot(mixed_inbox.inbox)
    res = kiem_tra(mixed_inbox)
    assert res.exit_code == 0, res.output
    assert snapshot(mixed_inbox.inbox) == before
    out = res.stdout
    lines = out.splitlines()
    assert any("UBND xã An Bình" in line and "Đã nộp" in line and "xa-an-binh.xlsx" in line for line in lines)
    assert any(
        "Phòng Tài nguyên và Môi trường" in line and "Có lỗi" in line and "Phòng TNMT/bao-cao.xlsx" in line
        for line in lines
    )
    assert any("Phòng Y tế" in line and "Chưa nộp" in line for line in lines)
    assert "1 đã nộp đúng hạn, 0 nộp muộn, 1 có lỗi, 24 chưa nộp, 5 đơn vị không bắt buộc chưa nộp." in out
    assert "rong.xlsx: Tệp rỗng (0 byte)" in out
    assert "Phòng TNMT/bao-cao.xlsx — Phòng Tài nguyên và Môi trường" in out
    assert "[Lỗi] trang «Chỉ tiêu», ô E7: «Số cuộc tuyên truyền" in out and "«khoảng 5» không phải là số" in out
    assert "phần không thể lớn hơn tổng" in out
    assert "Traceback" not in res.output


def test_kiem_tra_writes_a_feedback_file_listing_each_problem_for_units_with_errors(mixed_inbox: Workspace) -> None:
    assert kiem_tra(mixed_inbox).exit_code == 0
    folder = mixed_inbox.feedback_dir(YEAR)
    assert sorted(p.name for p in folder.iterdir()) == ["tnmt.xlsx"]  # not for the clean unit
    ws = load_workbook(folder / "tnmt.xlsx").active
    rows = [tuple(c.value for c in row) for row in ws.iter_rows()]
    assert "PHÒNG TÀI NGUYÊN VÀ MÔI TRƯỜNG" in rows[0][0] and "Phòng TNMT/bao-cao.xlsx" in rows[1][0]
    header = rows.index(("STT", "Trang", "Ô", "Giá trị đã nhập", "Lỗi / cần sửa", "Mức độ"))
    problems = rows[header + 1 :]
    assert [(r[0], r[1], r[2], r[3], r[5]) for r in problems] == [
        (1, "Chỉ tiêu", "E7", "khoảng 5", "Lỗi"),
        (2, "Chỉ tiêu", "E10", "45", "Lỗi"),
    ]
    assert "không phải là số" in problems[0][4] and "lớn hơn" in problems[1][4]


def test_feedback_keeps_a_value_typed_like_a_formula_as_text(kh178: Plan, commune: bytes) -> None:
    def typed_as_text(wb, rows):
        c = cell_of(wb, "ct.so_cua_hang_tien_loi", rows=rows)
        c.value, c.data_type = '=HYPERLINK("http://example.invalid","Bấm vào đây")', "s"  # text in a "@" cell

    sub = submission(kh178, edit_form(commune, typed_as_text))
    assert [(p.code, p.value) for p in sub.problems] == [
        ("khong-phai-so", '=HYPERLINK("http://example.invalid","Bấm vào đây")')
    ]
    ws = load_workbook(io.BytesIO(feedback_workbook(kh178, kh178.unit(COMMUNE), sub, YEAR))).active
    value = next(row[3] for row in ws.iter_rows(min_row=6) if row[2].value == sub.problems[0].cell)
    assert value.data_type == "s" and value.value == sub.problems[0].value  # not a live formula


def test_kiem_tra_strict_fails_when_units_are_missing_or_wrong(mixed_inbox: Workspace) -> None:
    res = kiem_tra(mixed_inbox, "--strict")
    assert res.exit_code == 1 and "Có lỗi" in res.stdout


def test_kiem_tra_strict_passes_when_every_unit_submitted(filled: dict[str, bytes], ws: Workspace) -> None:
    for unit_id, data in filled.items():
        put(ws.inbox, f"{unit_id}.xlsx", data)
    res = kiem_tra(ws, "--strict")
    assert res.exit_code == 0, res.output
    assert "31 đã nộp đúng hạn, 0 nộp muộn, 0 có lỗi, 0 chưa nộp" in res.stdout
    assert not ws.feedback_dir(YEAR).exists()


def test_kiem_tra_strict_passes_when_only_optional_units_have_not_sent(
    filled: dict[str, bytes], ws: Workspace, kh178: Plan
) -> None:
    for unit_id, data in filled.items():
        if kh178.unit(unit_id).required:
            put(ws.inbox, f"{unit_id}.xlsx", data)
    res = kiem_tra(ws, "--strict")
    assert res.exit_code == 0, res.output
    assert "26 đã nộp đúng hạn, 0 nộp muộn, 0 có lỗi, 0 chưa nộp, 5 đơn vị không bắt buộc chưa nộp." in res.stdout
    assert re.search(r"Hội Nông dân huyện \*\s+Chưa nộp\s+—", res.stdout)
    assert (
        "* Đơn vị được đề nghị báo cáo, không bắt buộc: chưa nộp thì không tính vào tỷ lệ đơn vị đã nộp; chưa "
        "nộp: Liên đoàn Lao động huyện; Huyện đoàn Cao Lãnh; Hội Liên hiệp Phụ nữ huyện; Hội Nông dân huyện; "
        "Hội Cựu chiến binh huyện."
    ) in res.stdout
    assert "\nChưa nộp:" not in res.stdout


def test_kiem_tra_fails_when_nothing_could_be_read(ws: Workspace) -> None:
    put(ws.inbox, "rong.xlsx", b"")
    put(ws.inbox, "ghi-chu.xlsx", "Số liệu gửi sau".encode())
    res = kiem_tra(ws)
    assert res.exit_code == 1
    assert "Không đọc được biểu mẫu nào trong inbox/." in res.stderr
    assert "26 chưa nộp, 5 đơn vị không bắt buộc chưa nộp." in res.stdout and "Tệp không dùng được (2)" in res.stdout


# --------------------------------------------------------------------------- last year's figures


def _last_year_record(ws: Workspace, values_by_unit: dict, name: str = "nhat-ky-2024.json") -> None:
    import json

    folder = ws.report_dir(YEAR - 1)
    folder.mkdir(parents=True, exist_ok=True)
    record = {
        "record_version": 2,
        "year": YEAR - 1,
        "report_date": f"{YEAR - 1}-12-05",
        "units": [],
        "tasks": [],
        "indicators": [
            {
                "indicator": "co_so_tuan_thu",
                "value": None,
                "expected_units": [],
                "reported_units": [],
                "input_totals": {},
                "values_by_unit": values_by_unit,
            }
        ],
    }
    (folder / name).write_text(json.dumps(record), encoding="utf-8")


def checked(ws: Workspace) -> IntakeResult:
    """The inbox read as ``kiem-tra`` reads it: against last year's run record (``run`` reads it)."""
    return run.check(ws, YEAR).intake


def test_intake_reads_no_record_itself_last_years_figures_are_given(kh178: Plan, ws: Workspace) -> None:
    _last_year_record(ws, {"tnmt": {"so_co_so_kiem_tra": 40, "so_co_so_tuan_thu": 30}})
    put(ws.inbox, "tnmt.xlsx", filled_form(kh178, "tnmt", YEAR, values={"so_co_so_kiem_tra": 400}))
    alone = read_inbox(ws, kh178, YEAR).statuses[UNIT_IDS.index("tnmt")].submission
    given = read_inbox(ws, kh178, YEAR, last_year={"tnmt": {"so_co_so_kiem_tra": 40.0}}).statuses[
        UNIT_IDS.index("tnmt")
    ]
    assert alone.problems == () and [p.code for p in given.submission.problems] == ["bien-dong-lon"]


def test_a_value_ten_times_last_years_is_a_warning_at_its_cell(kh178: Plan, ws: Workspace) -> None:
    _last_year_record(ws, {"tnmt": {"so_co_so_kiem_tra": 40, "so_co_so_tuan_thu": 30}})
    data = filled_form(kh178, "tnmt", YEAR, values={"so_co_so_kiem_tra": 400, "so_co_so_tuan_thu": 35})
    put(ws.inbox, "tnmt.xlsx", data)
    status = next(s for s in checked(ws).statuses if s.unit_id == "tnmt")
    sub = status.submission
    assert status.state in (SUBMITTED, LATE)  # a warning never refuses the form
    assert found(sub) == [("bien-dong-lon", *where(data, "ct.so_co_so_kiem_tra"))]
    p = sub.problems[0]
    assert p.severity == WARNING
    assert "= 400, gấp 10 lần số liệu năm trước (40)" in p.message


def test_a_tenth_of_last_years_value_is_also_flagged_but_small_counts_are_not(kh178: Plan, ws: Workspace) -> None:
    _last_year_record(ws, {"tnmt": {"so_co_so_kiem_tra": 500, "so_cuoc_tuyen_truyen": 1}})
    data = filled_form(
        kh178, "tnmt", YEAR, values={"so_co_so_kiem_tra": 40, "so_co_so_tuan_thu": 30, "so_cuoc_tuyen_truyen": 9}
    )
    put(ws.inbox, "tnmt.xlsx", data)
    sub = next(s for s in checked(ws).statuses if s.unit_id == "tnmt").submission
    assert found(sub) == [("bien-dong-lon", *where(data, "ct.so_co_so_kiem_tra"))]
    assert "= 40, chỉ bằng 1/12,5 số liệu năm trước (500)" in sub.problems[0].message


def test_without_or_with_a_broken_record_of_last_year_nothing_is_flagged(kh178: Plan, ws: Workspace) -> None:
    data = filled_form(kh178, "tnmt", YEAR, values={"so_co_so_kiem_tra": 400, "so_co_so_tuan_thu": 35})
    put(ws.inbox, "tnmt.xlsx", data)
    assert next(s for s in checked(ws).statuses if s.unit_id == "tnmt").submission.problems == ()
    ws.report_dir(YEAR - 1).mkdir(parents=True)
    (ws.report_dir(YEAR - 1) / "nhat-ky-2024.json").write_text("{không phải JSON", encoding="utf-8")
    assert next(s for s in checked(ws).statuses if s.unit_id == "tnmt").submission.problems == ()


def test_many_files_get_a_progress_bar_and_each_file_is_counted(
    kh178: Plan, filled: dict[str, bytes], ws: Workspace
) -> None:
    for unit_id, data in filled.items():  # 31 files: above the bar's threshold of 20
        put(ws.inbox, f"{unit_id}.xlsx", data)
    seen: list[tuple[int, int]] = []
    read_inbox(ws, kh178, YEAR, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(i, 31) for i in range(1, 32)]
    res = kiem_tra(ws)
    assert res.exit_code == 0
    assert "Đang đọc các tệp" in res.stderr  # (not a terminal: click prints the label only)
    assert "Đang đọc các tệp" not in res.stdout


def test_a_few_files_get_no_progress_bar(mixed_inbox: Workspace) -> None:
    assert "Đang đọc các tệp" not in kiem_tra(mixed_inbox).output


# --------------------------------------------------------------------------- the baseline, asked once


def test_a_base_year_figure_differing_from_last_years_is_a_warning_naming_both(kh178: Plan, ws: Workspace) -> None:
    _last_year_record(ws, {COMMUNE: {"tui_nhua_cvm_goc": 84.5, "tui_nhua_cvm_nam": 60.0, "tui_nhua_ntm_goc": 121.5}})
    data = filled_form(kh178, COMMUNE, YEAR, values={"tui_nhua_cvm_goc": 845.0, "tui_nhua_ntm_goc": 121.5})
    put(ws.inbox, "x.xlsx", data)
    sub = checked(ws).statuses[UNIT_IDS.index(COMMUNE)].submission
    assert found(sub) == [("goc-thay-doi", *where(data, "ct.tui_nhua_cvm_goc"))]  # 845 is 10×, but one warning
    p = sub.problems[0]
    assert p.severity == WARNING and sub.accepted
    assert "= 845, khác số năm gốc đơn vị đã báo cáo năm trước (84,5)" in p.message


def test_the_form_prefills_the_base_year_figures_from_last_years_record(kh178: Plan, ws: Workspace) -> None:
    from pipeline.layout import SHEET_INDICATORS

    _last_year_record(ws, {COMMUNE: {"tui_nhua_cvm_goc": 84.5, "tui_nhua_cvm_nam": 60.0, "so_cua_hang_tien_loi": 7}})
    path = next(p for p in run.forms(ws, YEAR).paths if COMMUNE in p.name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sheet = load_workbook(path)[SHEET_INDICATORS]
    rows = {c.value: c.row for (c,) in sheet.iter_rows(min_col=1, max_col=1) if isinstance(c.value, str)}
    base, now = rows["ct.tui_nhua_cvm_goc"], rows["ct.tui_nhua_cvm_nam"]
    assert sheet[f"E{base}"].value == 84.5 and sheet[f"E{base}"].protection.locked is False  # still correctable
    assert sheet[f"C{base}"].value.endswith("— đã điền sẵn số đơn vị báo cáo năm trước; chỉ sửa nếu số đó chưa đúng")
    assert sheet[f"E{now}"].value is None  # this year's figure is asked afresh
    assert sheet[f"E{rows['ct.so_cua_hang_tien_loi']}"].value is None
    assert sheet[f"E{rows['ct.tui_nhua_ntm_goc']}"].value is None  # nothing known: blank
