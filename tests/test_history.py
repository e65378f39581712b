"""History: three years produced end to end (forms → inbox → bao-cao) plus a history workbook for two
earlier years; ``lich-su`` series and verdicts, the report's comparisons, refused workbooks, the review.

Figures are chosen so every value is hand-computable:

* cửa hàng tiện lợi (ti_le): each of the 18 communes has 10 shops, of which 6 (2024), 7 (2025),
  8 (2026) use green packaging → 60 %, 70 %, 80 %; the history workbook gives 2022 as district
  totals 72/180 = 40 % and 2023 per unit 5/10 each → 50 % (18/18 units).
* túi nhựa chợ văn minh (giam): each commune 100 kg baseline and 50, 45, 40 kg → 50 %, 55 %, 60 %;
  the workbook gives totals 1 800 → 1 260 (2022, 30 %) and 1 800 → 1 080 (2023, 40 %).
* 2024: xã Mỹ Hiệp late; 2025: xã Ba Sao missing; 2026: every unit on time.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from pipeline.aggregate import aggregate
from pipeline.cli import main
from pipeline.history import load_history, series
from pipeline.history_xlsx import SHEET_TOTALS, SHEET_UNITS, build_history_template
from pipeline.intake import read_inbox
from pipeline.plan import Plan
from pipeline.record import read_record
from pipeline.report import write_report
from pipeline.workspace import Workspace, init_workspace

from .conftest import ROOT
from .filling import filled_form, open_form, save
from .print_check import pdf_text

GREEN = {2024: 6, 2025: 7, 2026: 8}
BAGS_NOW = {2024: 50.0, 2025: 45.0, 2026: 40.0}
LATE_UNIT = {2024: "xa-my-hiep"}
MISSING_UNIT = {2025: "xa-ba-sao"}


def produce_year(ws: Workspace, plan: Plan, year: int) -> None:
    """Fill every unit's form for ``year``, put them in a fresh inbox/, run intake → aggregate → bao-cao."""
    shutil.rmtree(ws.inbox, ignore_errors=True)
    ws.inbox.mkdir()
    for unit in plan.units:
        if MISSING_UNIT.get(year) == unit.id:
            continue
        values: dict[str, object] = {}
        if unit.group == "xa":
            values = {
                "so_cua_hang_tien_loi": 10,
                "so_cua_hang_bao_bi_xanh": GREEN[year],
                "tui_nhua_cvm_goc": 100,
                "tui_nhua_cvm_nam": BAGS_NOW[year],
            }
        made = dt.date(year, 12, 10) if LATE_UNIT.get(year) == unit.id else dt.date(year, 11, 25)
        data = filled_form(plan, unit.id, year, values=values, contact={"ngay_lap": made})
        (ws.inbox / f"{unit.id}.xlsx").write_bytes(data)
    result = read_inbox(ws, plan, year)
    write_report(ws, aggregate(plan, result), overwrite=True, rejected=result.rejected)


def history_workbook(plan: Plan, *, typed_total_2023: float | None = 100) -> bytes:
    """The template for years before 2024, filled: 2022 as totals, 2023 per unit (and one differing total)."""
    wb = open_form(build_history_template(plan, 2024))
    years = {ws.cell(row=5, column=c).value: c for ws in [wb[SHEET_TOTALS]] for c in range(5, 8)}
    col22, col23 = years[2022], years[2023]
    totals = wb[SHEET_TOTALS]
    for (key,) in totals.iter_rows(min_col=1, max_col=1):
        row = key.row
        if key.value == "ls.so_cua_hang_tien_loi":
            totals.cell(row=row, column=col22, value=180)
            if typed_total_2023 is not None:
                totals.cell(row=row, column=col23, value=typed_total_2023)  # units say 180: a warning
        elif key.value == "ls.so_cua_hang_bao_bi_xanh":
            totals.cell(row=row, column=col22, value=72)
        elif key.value == "ls.tui_nhua_cvm_goc":
            totals.cell(row=row, column=col22, value=1800)
            totals.cell(row=row, column=col23, value=1800)
        elif key.value == "ls.tui_nhua_cvm_nam":
            totals.cell(row=row, column=col22, value=1260)
            totals.cell(row=row, column=col23, value=1080)
    units = wb[SHEET_UNITS]
    for (key,) in units.iter_rows(min_col=1, max_col=1):
        if isinstance(key.value, str) and key.value.endswith(".so_cua_hang_tien_loi"):
            units.cell(row=key.row, column=col23, value=10)
        elif isinstance(key.value, str) and key.value.endswith(".so_cua_hang_bao_bi_xanh"):
            units.cell(row=key.row, column=col23, value=5)
    return save(wb)


@pytest.fixture(scope="module")
def three_years(tmp_path_factory: pytest.TempPathFactory, kh178: Plan) -> Workspace:
    ws = init_workspace(tmp_path_factory.mktemp("history") / "ws", ROOT)
    ws.history_dir.mkdir()
    (ws.history_dir / "so-lieu-2022-2023.xlsx").write_bytes(history_workbook(kh178))
    for year in (2024, 2025, 2026):
        produce_year(ws, kh178, year)
    return ws


def _series(ws: Workspace, plan: Plan, indicator: str, until: int = 2026) -> list[tuple]:
    history = load_history(ws, plan, until)
    return [
        (
            p.year,
            None if p.value is None else round(p.value, 6),
            p.target.value if p.target else None,
            p.label if p.source else "",
            p.reported,
            p.expected,
            p.source,
        )
        for p in series(plan, history, plan.indicator(indicator), until)
    ]


def test_series_of_a_ratio_matches_hand_computed_values(three_years: Workspace, kh178: Plan) -> None:
    # 2022 is the first year with data (the start of the path to 85 % in 2025); by hand, the path needs
    # 40 + 45 × 1/3 = 55 % in 2023 and 70 % in 2024; 2025 is the milestone; 2026 needs 85 + 15/5 = 88 %.
    assert _series(three_years, kh178, "cua_hang_tien_loi") == [
        (2021, None, 85.0, "", None, None, ""),
        (2022, 40.0, 85.0, "Chưa đánh giá tiến độ", None, None, "lich-su"),
        (2023, 50.0, 85.0, "Chậm tiến độ", 18, 18, "lich-su"),
        (2024, 60.0, 85.0, "Chậm tiến độ", 18, 18, "nhat-ky"),
        (2025, 70.0, 85.0, "Chưa đạt", 17, 18, "nhat-ky"),
        (2026, 80.0, 100.0, "Chậm tiến độ", 18, 18, "nhat-ky"),
    ]


def test_series_of_a_reduction_matches_hand_computed_values(three_years: Workspace, kh178: Plan) -> None:
    # a reduction starts at 0 % in the base year 2021: by hand 15 %, 30 %, 45 % needed in 2022–2024,
    # 60 % is the 2025 milestone, 66 % is needed in 2026 on the way to 90 % in 2030
    assert _series(three_years, kh178, "tui_nhua_cho_van_minh") == [
        (2021, None, 60.0, "", None, None, ""),
        (2022, 30.0, 60.0, "Đúng tiến độ", None, None, "lich-su"),
        (2023, 40.0, 60.0, "Đúng tiến độ", None, None, "lich-su"),
        (2024, 50.0, 60.0, "Đúng tiến độ", 18, 18, "nhat-ky"),
        (2025, 55.0, 60.0, "Chưa đạt", 17, 18, "nhat-ky"),
        (2026, 60.0, 90.0, "Chậm tiến độ", 18, 18, "nhat-ky"),
    ]


def test_a_typed_total_that_differs_from_the_units_is_a_warning_by_cell(three_years: Workspace, kh178: Plan) -> None:
    history = load_history(three_years, kh178, 2026)
    assert [(p.code, p.severity, p.file, p.sheet, p.cell, p.value) for p in history.problems] == [
        ("lich-su-lech", "canh-bao", "so-lieu-2022-2023.xlsx", SHEET_TOTALS, "G23", "100"),
    ]
    assert history.refused == ()


def test_run_records_carry_a_version_and_each_units_lateness(three_years: Workspace) -> None:
    record = json.loads(three_years.run_record(2024).read_text(encoding="utf-8"))
    assert record["record_version"] == 2
    late = {u["unit"]: (u["state"], u["late"]) for u in record["units"] if u["late"]}
    assert late == {"xa-my-hiep": ("nop-muon", True)}


def test_an_older_record_without_version_is_still_read(tmp_path: Path, three_years: Workspace) -> None:
    record = json.loads(three_years.run_record(2024).read_text(encoding="utf-8"))
    del record["record_version"]
    for u in record["units"]:
        del u["late"]
    path = tmp_path / "nhat-ky-2024.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    upgraded = read_record(path)
    assert upgraded.version == 1 and upgraded.year == 2024
    assert [u.unit for u in upgraded.units if u.late] == ["xa-my-hiep"]


SHOPS_2021_2026 = [  # the yearly series of «Cửa hàng tiện lợi» printed by lich-su (no ad-hoc period)
    ["Năm", "Kết", "quả", "Cần", "đạt", "Mốc", "mục", "tiêu", "Đánh", "giá", "Đơn", "vị", "đã", "báo", "cáo"],
    ["2021", "—", "—", "≥", "85", "%", "(2025)", "Chưa", "có", "số", "liệu", "—"],
    ["2022", "40", "%", "—", "≥", "85", "%", "(2025)", "Chưa", "đánh", "giá", "tiến", "độ", "không", "rõ"],
    ["2023", "50", "%", "55", "%", "≥", "85", "%", "(2025)", "Chậm", "tiến", "độ", "18/18"],
    ["2024", "60", "%", "70", "%", "≥", "85", "%", "(2025)", "Chậm", "tiến", "độ", "18/18"],
    ["2025", "70", "%", "85", "%", "≥", "85", "%", "(2025)", "Chưa", "đạt", "17/18"],
    ["2026", "80", "%", "88", "%", "≥", "100", "%", "(2030)", "Chậm", "tiến", "độ", "18/18"],
]


def test_lich_su_prints_each_year_with_its_source(three_years: Workspace, capsys: pytest.CaptureFixture) -> None:
    assert main(["-C", str(three_years.root), "lich-su", "--nam", "2026"]) == 0
    out = capsys.readouterr().out
    assert "Nguồn: số liệu lịch sử: 2022, 2023; nhật ký bao-cao: 2024, 2025, 2026." in out
    block = out.split(" 6. Cửa hàng tiện lợi")[1].split(" 7. ")[0].splitlines()[1:]
    assert [line.split() for line in block] == SHOPS_2021_2026
    session = out.split(" 1. Tổ chức tuyên truyền")[1].split(" 2. ")[0].splitlines()[-1].split()
    assert session == ["2026", "—", "—", "≥", "1", "cuộc", "(2025)", "Ngoài", "giai", "đoạn", "2021–2025", "—"]


def test_lich_su_xlsx_writes_the_same_table(three_years: Workspace, kh178: Plan) -> None:
    assert main(["-C", str(three_years.root), "lich-su", "--nam", "2026", "--xlsx"]) == 0
    wb = open_form(three_years.history_workbook(2026).read_bytes())
    rows = [[c.value for c in r] for r in wb["Lịch sử"].iter_rows(min_row=2)]
    shops = [(r[2], r[3], r[5], r[6], r[8], r[9], r[11]) for r in rows if r[1].startswith("Cửa hàng tiện lợi")]
    assert shops == [
        (2021, None, None, 85, "Chưa có số liệu", None, None),
        (2022, 40, None, 85, "Chưa đánh giá tiến độ", None, None),
        (2023, 50, 55, 85, "Chậm tiến độ", 18, "tăng 10 điểm %"),
        (2024, 60, 70, 85, "Chậm tiến độ", 18, "tăng 10 điểm %"),
        (2025, 70, 85, 85, "Chưa đạt", 17, "tăng 10 điểm %"),
        (2026, 80, 88, 100, "Chậm tiến độ", 18, "tăng 10 điểm %"),
    ]


def test_a_year_with_a_run_record_keeps_it_and_the_workbook_is_set_aside_with_a_note(
    tmp_path: Path, three_years: Workspace, kh178: Plan
) -> None:
    ws = Workspace(tmp_path / "ws")
    shutil.copytree(three_years.root, ws.root)
    wb = open_form(build_history_template(kh178, 2025))
    totals = wb[SHEET_TOTALS]
    col24 = next(c for c in range(5, 12) if totals.cell(row=5, column=c).value == 2024)
    for (key,) in totals.iter_rows(min_col=1, max_col=1):
        if key.value == "ls.so_cua_hang_tien_loi":
            totals.cell(row=key.row, column=col24, value=999)
    (ws.history_dir / "z-2024.xlsx").write_bytes(save(wb))
    history = load_history(ws, kh178, 2026)
    assert history.notes == (
        "Năm 2024 đã có nhật ký «nhat-ky-2024.json» của lệnh bao-cao: số liệu năm 2024 trong «z-2024.xlsx» không "
        "dùng (nhật ký được ưu tiên).",
    )
    assert round(history.get(2024).indicators["cua_hang_tien_loi"].value, 6) == 60.0


def _with_doctype(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/workbook.xml":
                body = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaa">]>' + body
            dst.writestr(info, body)
    return out.getvalue()


def test_a_hostile_history_workbook_is_refused_by_name(tmp_path: Path, kh178: Plan, capsys) -> None:
    ws = init_workspace(tmp_path / "ws", ROOT)
    ws.history_dir.mkdir()
    (ws.history_dir / "lich-su-doc-hai.xlsx").write_bytes(_with_doctype(history_workbook(kh178)))
    history = load_history(ws, kh178, 2026)
    assert [(p.code, p.file) for p in history.refused] == [("xml-nguy-hiem", "lich-su-doc-hai.xlsx")]
    assert history.years == {}
    assert main(["-C", str(ws.root), "lich-su", "--nam", "2026"]) == 0
    assert "  - lich-su-doc-hai.xlsx: [xml-nguy-hiem] Thành phần «xl/workbook.xml»" in capsys.readouterr().out


def test_a_history_workbook_with_a_bad_value_is_not_used_and_the_cell_is_named(tmp_path: Path, kh178: Plan) -> None:
    ws = init_workspace(tmp_path / "ws", ROOT)
    ws.history_dir.mkdir()
    wb = open_form(history_workbook(kh178, typed_total_2023=None))
    totals = wb[SHEET_TOTALS]
    for (key,) in totals.iter_rows(min_col=1, max_col=1):
        if key.value == "ls.so_cua_hang_bao_bi_xanh":
            totals.cell(row=key.row, column=5, value="khoảng 5")  # 2021
    (ws.history_dir / "ls.xlsx").write_bytes(save(wb))
    history = load_history(ws, kh178, 2026)
    assert [(p.code, p.sheet, p.cell, p.value) for p in history.problems] == [
        ("khong-phai-so", SHEET_TOTALS, "E24", "khoảng 5"),
    ]
    assert history.years == {}


def test_lich_su_mau_writes_the_template_for_the_years_before(tmp_path: Path, capsys) -> None:
    ws = init_workspace(tmp_path / "ws", ROOT)
    assert main(["-C", str(ws.root), "lich-su", "--nam", "2026", "--mau"]) == 0
    wb = open_form(ws.history_template().read_bytes())
    assert [wb[SHEET_TOTALS].cell(row=5, column=c).value for c in range(5, 10)] == [2021, 2022, 2023, 2024, 2025]
    assert wb["_id"].sheet_state == "veryHidden"
    assert capsys.readouterr().out.startswith("Đã tạo sổ số liệu lịch sử các năm 2021–2025: ")


# --------------------------------------------------------------------------- the yearly report compares


def _indicator_table(path: Path) -> list[list[str]]:
    from docx import Document

    doc = Document(str(path))
    table = next(t for t in doc.tables if t.rows[0].cells[1].text == "Chỉ tiêu")
    return [[c.text for c in r.cells] for r in table.rows]


def _images(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return sorted(n for n in zf.namelist() if n.startswith("word/media/"))


def test_the_2026_report_shows_2025_values_and_the_changes(three_years: Workspace) -> None:
    rows = _indicator_table(three_years.report_dir(2026) / "bao-cao-2026.docx")
    assert rows[0] == ["STT", "Chỉ tiêu", "Mục tiêu (năm mốc)", "Kết quả năm 2026", "Năm 2025 (thay đổi)", "Đánh giá"]
    compared = {r[0]: r[4] for r in rows[1:]}
    # 2026 judges the indicators of the 2030 list only (the 2021–2025 ones are outside their phase)
    assert sorted(compared) == ["1", "2", "3", "4"]
    assert compared["1"] == "55 %\n(tăng 5 điểm %)"
    assert compared["2"] == "61,6 %\n(không đổi)"
    assert compared["3"] == "70 %\n(tăng 10 điểm %)"
    assert compared["4"] == "—"  # counted only: no single value to compare


def test_phu_luc_i_puts_last_years_figure_beside_each_units(three_years: Workspace) -> None:
    from docx import Document

    doc = Document(str(three_years.report_dir(2026) / "bao-cao-2026.docx"))
    shops = next(t for t in doc.tables if any("Tổng số cửa hàng tiện lợi" in c.text for c in t.rows[0].cells))
    rows = {r.cells[1].text: [c.text for c in r.cells[2:]] for r in shops.rows[1:]}
    assert rows["UBND xã An Bình"] == ["10\n(2025: 10)", "8\n(2025: 7)", "80 %\n(2025: 70 %)"]
    assert rows["UBND xã Ba Sao"] == ["10", "8", "80 %"]  # it did not report in 2025


def test_the_report_draws_the_trend_only_with_history(three_years: Workspace) -> None:
    assert len(_images(three_years.report_dir(2026) / "bao-cao-2026.docx")) == 2  # result bars, then the trend
    rows = _indicator_table(three_years.report_dir(2026) / "bao-cao-2026.docx")
    assert len(rows[0]) == 6


def test_with_no_history_the_report_says_so_once_and_shows_no_empty_column(tmp_path: Path, kh178: Plan) -> None:
    ws = init_workspace(tmp_path / "ws", ROOT)
    produce_year(ws, kh178, 2024)
    path = ws.report_dir(2024) / "bao-cao-2024.docx"
    rows = _indicator_table(path)
    assert rows[0] == ["STT", "Chỉ tiêu", "Mục tiêu (năm mốc)", "Kết quả năm 2024", "Đánh giá"]
    assert all(len(r) == 5 and all(c.strip() for c in r) for r in rows)
    from docx import Document

    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    sentence = (
        "Chưa có số liệu năm 2023 (chưa có nhật ký báo cáo năm trước hay số liệu lịch sử) nên báo cáo chưa so "
        "sánh với năm trước."
    )
    assert text.count(sentence) == 1
    assert "(2023:" not in text and len(_images(path)) == 1


def test_the_summary_workbook_has_a_history_sheet(three_years: Workspace) -> None:
    wb = open_form((three_years.report_dir(2026) / "tong-hop-2026.xlsx").read_bytes())
    rows = [[c.value for c in r] for r in wb["Lịch sử"].iter_rows(min_row=2)]
    bags = [
        (r[2], r[3], r[11], r[12])
        for r in rows
        if r[1].startswith("Giảm thiểu túi nhựa khó phân hủy được sử dụng đối với chợ đạt")
    ]
    assert bags == [
        (2021, None, None, None),
        (2022, 30, None, "số liệu lịch sử"),
        (2023, 40, "tăng 10 điểm %", "số liệu lịch sử"),
        (2024, 50, "tăng 10 điểm %", "nhật ký bao-cao"),
        (2025, 55, "tăng 5 điểm %", "nhật ký bao-cao"),
        (2026, 60, "tăng 5 điểm %", "báo cáo năm nay"),
    ]


# --------------------------------------------------------------------------- the phase review (sơ kết)


def test_so_ket_figures_match_the_records(three_years: Workspace, kh178: Plan) -> None:
    from pipeline.review import build_review_context

    ctx = build_review_context(kh178, load_history(three_years, kh178, 2025), 2021, 2025)
    rows = {r["stt"]: (r["muc_tieu"], r["ket_qua"], r["danh_gia"]) for r in ctx["chi_tieu"]}
    assert rows["1"] == ("≥ 1 cuộc", "90 cuộc (2025)\ngiảm 3 cuộc so với năm 2024", "Đạt")
    assert rows["4"] == ("≥ 60 %", "55 % (2025)\ntăng 25 điểm % so với năm 2022", "Chưa đạt")
    assert rows["6"] == ("≥ 85 %", "70 % (2025)\ntăng 30 điểm % so với năm 2022", "Chưa đạt")
    assert rows["9"] == ("—", "Chưa có số liệu", "Không có chỉ tiêu định lượng")
    assert ctx["cac_nam"] == ["2021", "2022", "2023", "2024", "2025"]
    assert ctx["chuoi"][5]["gia_tri"] == ["—", "40 %", "50 %", "60 %", "70 %"]
    units = {r["don_vi"]: r["tinh_trang"] for r in ctx["phu_luc_2"]}
    assert units["UBND xã Mỹ Hiệp"] == ["—", "—", "—", "Muộn", "Đúng hạn"]
    assert units["UBND xã Ba Sao"] == ["—", "—", "—", "Đúng hạn", "Chưa nộp"]
    assert ctx["gui_bao_cao"][:2] == [
        "Năm 2024: 30/31 đơn vị gửi đúng hạn, 1 gửi muộn, 0 gửi báo cáo có lỗi chưa khắc phục, 0 chưa gửi.",
        "Năm 2025: 30/31 đơn vị gửi đúng hạn, 0 gửi muộn, 0 gửi báo cáo có lỗi chưa khắc phục, 1 chưa gửi.",
    ]
    tasks = {r["stt"]: r["tinh_trang"] for r in ctx["phu_luc_1"]}
    assert tasks["I.2"] == ["—", "—", "—", "Đã hoàn thành", "Đã hoàn thành"]
    assert ctx["kinh_phi"] == [
        "Năm 2024: 542,5 triệu đồng, trong đó ngân sách nhà nước 480,5 triệu đồng, nguồn huy động hợp pháp khác 62 "
        "triệu đồng (31/31 đơn vị báo cáo).",
        "Năm 2025: 525 triệu đồng, trong đó ngân sách nhà nước 465 triệu đồng, nguồn huy động hợp pháp khác 60 triệu "
        "đồng (30/31 đơn vị báo cáo).",
        "Tổng kinh phí đã báo cáo trong giai đoạn: 1.067,5 triệu đồng (chưa có số liệu kinh phí các năm 2021, 2022, "
        "2023).",
    ]


def test_so_ket_template_reads_only_names_of_the_context(three_years: Workspace, kh178: Plan) -> None:
    from docxtpl import DocxTemplate

    from pipeline.report_docx import make_env
    from pipeline.review import build_review_context

    names = DocxTemplate(str(ROOT / "templates" / "so-ket.docx")).get_undeclared_template_variables(
        jinja_env=make_env()
    )
    ctx = build_review_context(kh178, load_history(three_years, kh178, 2025), 2021, 2025)
    assert {"trich_yeu", "chi_tieu", "chuoi", "phu_luc_1", "phu_luc_2", "ky_ho_ten"} <= names <= set(ctx)


def test_so_ket_writes_an_nd30_review_with_stable_bytes(three_years: Workspace, libreoffice, tmp_path: Path) -> None:

    assert main(["-C", str(three_years.root), "so-ket", "--giai-doan", "2021-2025"]) == 0
    path = three_years.outbox / "so-ket-2021-2025" / "so-ket-2021-2025.docx"
    first = path.read_bytes()
    assert main(["-C", str(three_years.root), "so-ket", "--giai-doan", "2021-2025"]) == 0
    assert path.read_bytes() == first
    pdf = libreoffice(path, "pdf", tmp_path)
    text = " ".join(pdf_text(pdf).split())
    for part in (
        "ỦY BAN NHÂN DÂN HUYỆN CAO LÃNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "/BC-UBND",
        "Cao Lãnh, ngày 05 tháng 12 năm 2025",
        "BÁO CÁO",
        "Sơ kết giai đoạn 2021–2025 thực hiện Kế hoạch số 178/KH-UBND",
        "I. KẾT QUẢ THỰC HIỆN GIAI ĐOẠN",
        "II. ĐÁNH GIÁ CHUNG",
        "III. PHƯƠNG HƯỚNG",
        "Nơi nhận:",
        "TM. ỦY BAN NHÂN DÂN",
        "PHÓ CHỦ TỊCH",
        "Nguyễn Minh Tuấn",
        "Phụ lục I",
        "Phụ lục II",
        "70 % (2025)",
    ):
        assert part in text, part


def test_so_ket_refuses_a_phase_outside_the_plan_and_a_phase_without_history(tmp_path: Path, capsys) -> None:
    ws = init_workspace(tmp_path / "ws", ROOT)
    assert main(["-C", str(ws.root), "so-ket", "--giai-doan", "2019-2025"]) == 1
    assert capsys.readouterr().err == (
        "Lỗi: --giai-doan: giai đoạn 2019–2025 nằm ngoài thời kỳ của kế hoạch (2021–2030).\n"
    )
    assert main(["-C", str(ws.root), "so-ket", "--giai-doan", "2021-2025"]) == 1
    assert "chưa lập được báo cáo sơ kết" in capsys.readouterr().err


def test_bao_cao_names_a_refused_history_workbook(tmp_path: Path, kh178: Plan, capsys) -> None:
    ws = init_workspace(tmp_path / "ws", ROOT)
    ws.history_dir.mkdir()
    (ws.history_dir / "lich-su-doc-hai.xlsx").write_bytes(_with_doctype(history_workbook(kh178)))
    ws.inbox.mkdir(exist_ok=True)
    (ws.inbox / "ktht.xlsx").write_bytes(filled_form(kh178, "ktht", 2024))
    assert main(["-C", str(ws.root), "bao-cao", "--nam", "2024"]) == 0
    tail = capsys.readouterr().out.split("Tệp trong lich-su/ không đọc:\n", 1)[1].splitlines()
    assert tail[0].startswith("  - lich-su-doc-hai.xlsx: [xml-nguy-hiem] Thành phần «xl/workbook.xml»")


# --------------------------------------------------------------------------- ad-hoc periods are history too

ADHOC = ("6 tháng đầu năm", dt.date(2026, 6, 15))  # 9 of each commune's 10 shops green (90 %), bags 100 → 42 (58 %)


def produce_adhoc(ws: Workspace, plan: Plan, year: int) -> None:
    """``bao-cao --ky "6 tháng đầu năm" --han-nop 15/06/<year>`` on every unit's form of that period."""
    period = plan.for_period(year, *ADHOC)
    shutil.rmtree(ws.inbox, ignore_errors=True)
    ws.inbox.mkdir()
    for unit in plan.units:
        values: dict[str, object] = {}
        if unit.group == "xa":
            values = {
                "so_cua_hang_tien_loi": 10,
                "so_cua_hang_bao_bi_xanh": 9,
                "tui_nhua_cvm_goc": 100,
                "tui_nhua_cvm_nam": 42,
            }
        data = filled_form(period, unit.id, year, values=values, contact={"ngay_lap": dt.date(year, 6, 10)})
        (ws.inbox / f"{unit.id}.xlsx").write_bytes(data)
    result = read_inbox(ws, period, year)
    write_report(ws, aggregate(period, result), overwrite=True, rejected=result.rejected)


@pytest.fixture(scope="module")
def with_adhoc(tmp_path_factory: pytest.TempPathFactory, three_years: Workspace, kh178: Plan) -> Workspace:
    """The three years, and a half-year report of 2026 asked by the province."""
    ws = Workspace(tmp_path_factory.mktemp("adhoc") / "ws")
    shutil.copytree(three_years.root, ws.root)
    produce_adhoc(ws, kh178, 2026)
    assert ws.run_record("2026-6-thang-dau-nam").is_file()
    return ws


def _indicator_block(out: str, heading: str, next_heading: str) -> list[str]:
    return out.split(heading)[1].split(next_heading)[0].splitlines()[1:]


def test_lich_su_lists_the_adhoc_period_after_the_yearly_series_with_its_date_and_value(
    with_adhoc: Workspace, capsys: pytest.CaptureFixture
) -> None:
    assert main(["-C", str(with_adhoc.root), "lich-su", "--nam", "2026"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1:4] == [
        "Nguồn: số liệu lịch sử: 2022, 2023; nhật ký bao-cao: 2024, 2025, 2026.",
        "Báo cáo đột xuất: 6 tháng đầu năm 2026 (không tính vào kết quả từng năm).",
        "",
    ]
    shops = _indicator_block(out, " 6. Cửa hàng tiện lợi", " 7. ")
    assert [line.split() for line in shops[:-2]] == SHOPS_2021_2026  # the years and their verdicts: unchanged
    assert shops[-2:] == [
        "      Báo cáo đột xuất:",
        "        6 tháng đầu năm 2026, ngày 15/06/2026: 90 %, 18/18 đơn vị đã báo cáo",
    ]
    bags = _indicator_block(out, " 4. Giảm thiểu túi nhựa", " 5. ")
    assert bags[-3].split()[:3] == ["2026", "60", "%"] and bags[-2:] == [
        "      Báo cáo đột xuất:",
        "        6 tháng đầu năm 2026, ngày 15/06/2026: 58 %, 18/18 đơn vị đã báo cáo",
    ]
    sessions = _indicator_block(out, " 1. Tổ chức tuyên truyền", " 2. ")  # 2021–2025 only: not asked in 2026
    assert "Báo cáo đột xuất" not in "\n".join(sessions)


def test_without_adhoc_periods_lich_su_shows_no_such_section(three_years: Workspace, capsys) -> None:
    assert main(["-C", str(three_years.root), "lich-su", "--nam", "2026", "--xlsx"]) == 0
    out = capsys.readouterr().out
    assert "đột xuất" not in out
    assert [line.split() for line in _indicator_block(out, " 6. Cửa hàng tiện lợi", " 7. ")] == SHOPS_2021_2026
    assert open_form(three_years.history_workbook(2026).read_bytes()).sheetnames == ["Lịch sử"]


def test_lich_su_xlsx_carries_the_adhoc_period_on_its_own_sheet(with_adhoc: Workspace, three_years: Workspace) -> None:
    assert main(["-C", str(with_adhoc.root), "lich-su", "--nam", "2026", "--xlsx"]) == 0
    wb = open_form(with_adhoc.history_workbook(2026).read_bytes())
    assert wb.sheetnames == ["Lịch sử", "Báo cáo đột xuất"]
    assert main(["-C", str(three_years.root), "lich-su", "--nam", "2026", "--xlsx"]) == 0
    yearly = open_form(three_years.history_workbook(2026).read_bytes())["Lịch sử"]
    assert [[c.value for c in r] for r in wb["Lịch sử"].iter_rows()] == [
        [c.value for c in r] for r in yearly.iter_rows()
    ]
    rows = [[c.value for c in r] for r in wb["Báo cáo đột xuất"].iter_rows()]
    assert rows[0] == [
        "STT",
        "Chỉ tiêu",
        "Kỳ báo cáo đột xuất",
        "Năm",
        "Ngày báo cáo",
        "Kết quả",
        "Đơn vị tính",
        "Số đơn vị đã báo cáo",
        "Số đơn vị phải báo cáo",
        "Nhật ký",
    ]
    by_number = {r[0]: r[2:] for r in rows[1:]}
    record = "nhat-ky-2026-6-thang-dau-nam.json"
    assert by_number[6] == ["6 tháng đầu năm 2026", 2026, "15/06/2026", 90, "%", 18, 18, record]
    assert by_number[4] == ["6 tháng đầu năm 2026", 2026, "15/06/2026", 58, "%", 18, 18, record]
    assert 1 not in by_number  # not asked in 2026


def test_so_ket_names_the_adhoc_reports_of_the_phase_in_one_sentence(with_adhoc: Workspace, kh178: Plan) -> None:
    from pipeline.history import adhoc_periods
    from pipeline.review import build_review_context

    history = load_history(with_adhoc, kh178, 2026)
    ctx = build_review_context(kh178, history, 2022, 2026, adhoc_periods(with_adhoc, kh178, 2022, 2026))
    assert ctx["chi_tieu_tong_ket"].endswith(
        " Ngoài báo cáo hằng năm, trong giai đoạn đã lập 1 báo cáo đột xuất theo yêu cầu: 6 tháng đầu năm 2026 (ngày "
        "15/06/2026); số liệu các kỳ này không tính vào kết quả từng năm."
    )
    assert (
        "đột xuất"
        not in build_review_context(kh178, history, 2022, 2025, adhoc_periods(with_adhoc, kh178, 2022, 2025))[
            "chi_tieu_tong_ket"
        ]
    )
    assert main(["-C", str(with_adhoc.root), "so-ket", "--giai-doan", "2022-2026"]) == 0
    sheets = open_form((with_adhoc.outbox / "so-ket-2022-2026" / "lich-su-2022-2026.xlsx").read_bytes()).sheetnames
    assert sheets == ["Lịch sử", "Báo cáo đột xuất"]


def test_an_unreadable_adhoc_record_is_named_in_lich_su(with_adhoc: Workspace, tmp_path: Path, capsys) -> None:
    ws = Workspace(tmp_path / "ws")
    shutil.copytree(with_adhoc.root, ws.root)
    path = ws.run_record("2026-6-thang-dau-nam")
    record = json.loads(path.read_text(encoding="utf-8"))
    del record["period"]["name"]
    path.write_text(json.dumps(record), encoding="utf-8")
    assert main(["-C", str(ws.root), "lich-su", "--nam", "2026"]) == 0
    out = capsys.readouterr().out
    assert "đột xuất:" not in out
    assert (
        "\nLưu ý về số liệu lịch sử:\n  - Không đọc được nhật ký «outbox/bao-cao-2026-6-thang-dau-nam/"
        "nhat-ky-2026-6-thang-dau-nam.json» (thiếu khóa «period.name»); kỳ báo cáo đột xuất này không có trong "
        "lịch sử.\n"
    ) in out


def test_so_ket_names_an_unreadable_record_instead_of_leaving_its_year_out_in_silence(
    three_years: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    ws = Workspace(tmp_path / "ws")
    shutil.copytree(three_years.root, ws.root)
    path = ws.run_record(2025)
    record = json.loads(path.read_text(encoding="utf-8"))
    record["units"] = {"xa-ba-sao": "chua-nop"}  # a hand edit: an object where the list of units was
    path.write_text(json.dumps(record), encoding="utf-8")
    assert main(["-C", str(ws.root), "so-ket", "--giai-doan", "2024-2025"]) == 0
    assert (
        "\nLưu ý về số liệu lịch sử:\n  - Không đọc được nhật ký «outbox/bao-cao-2025/nhat-ky-2025.json» (khóa "
        '«units» có giá trị {"xa-ba-sao": "chua-nop"}, cần một danh sách); năm 2025 không có trong lịch sử.\n'
    ) in capsys.readouterr().out
