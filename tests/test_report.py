"""Report: Vietnamese numbers and dates, safe rendering, the ND30 layout read back, files, determinism."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docxtpl import DocxTemplate
from openpyxl import load_workbook

from pipeline.aggregate import aggregate
from pipeline.charts import bar_chart
from pipeline.errors import BaoCaoError, OutputLockedError, TemplateError
from pipeline.model import LEAD, MISSING, PARTNER, IntakeResult, TaskReport, UnitStatus
from pipeline.report import render_report, summary_workbook, write_report
from pipeline.report_context import build_context, report_stamp
from pipeline.report_docx import make_env, render_docx
from pipeline.report_text import ngay_thang
from pipeline.workspace import Workspace
from tests.conftest import make_submission, small_intake, small_submissions

from .print_check import pdf_text

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "bao-cao.docx"
SPECIAL = "Phòng Kinh tế & Hạ tầng <thí điểm> \"xanh\" 'mới'"


def body_paragraphs(data: bytes) -> list[str]:
    """Every paragraph's text in document order, table cells included."""
    doc = Document(io.BytesIO(data))
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in doc.element.body.iter(qn("w:p"))]


def text_of(data: bytes) -> str:
    return "\n".join(body_paragraphs(data))


@pytest.fixture(scope="module")
def module_summary(kh178):
    return aggregate(kh178, small_intake(kh178))


@pytest.fixture(scope="module")
def report_2025(kh178) -> bytes:
    """The same forms reported for 2025, the year the plan asks its first list (10 indicators)."""
    return render_report(TEMPLATE, aggregate(kh178, dataclasses.replace(small_intake(kh178), year=2025)))


@pytest.fixture(scope="module")
def report(module_summary) -> bytes:
    return render_report(TEMPLATE, module_summary)


@pytest.fixture
def workspace(tmp_path) -> Workspace:
    shutil.copyfile(ROOT / "config.toml", tmp_path / "config.toml")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    (tmp_path / "inbox").mkdir()
    return Workspace(tmp_path)


# --------------------------------------------------------------------------- Vietnamese text


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (dt.date(2026, 12, 5), "Cao Lãnh, ngày 05 tháng 12 năm 2026"),
        (dt.date(2027, 2, 1), "Cao Lãnh, ngày 01 tháng 02 năm 2027"),
        (dt.date(2027, 3, 9), "Cao Lãnh, ngày 09 tháng 3 năm 2027"),
        (dt.date(2027, 1, 15), "Cao Lãnh, ngày 15 tháng 01 năm 2027"),
    ],
)
def test_date_line(date, expected):
    assert ngay_thang("Cao Lãnh", date) == expected


def test_context_header_lines_come_from_the_config(module_summary):
    ctx = build_context(module_summary)
    assert ctx["ngay_thang"] == "Cao Lãnh, ngày 08 tháng 12 năm 2026"  # xã Bình Thạnh's form, used, is dated 08/12
    assert ctx["so_hieu"] == "Số:      /BC-UBND"
    assert ctx["co_quan_cap_tren"] == "ỦY BAN NHÂN DÂN" and ctx["co_quan_ten"] == "HUYỆN CAO LÃNH"
    assert ctx["trich_yeu"] == (
        "Kết quả thực hiện Kế hoạch số 178/KH-UBND ngày 13/10/2021 về sản xuất và tiêu dùng bền vững năm 2026"
    )
    assert ctx["mo_dau"] == "Ủy ban nhân dân huyện Cao Lãnh báo cáo kết quả thực hiện năm 2026 như sau:"
    assert ctx["can_cu"][0].startswith("Căn cứ Kế hoạch số 07/KH-UBND") and ctx["can_cu"][0].endswith(";")
    assert ctx["can_cu"][-1].endswith("huyện Cao Lãnh.")
    assert ctx["noi_nhan"][0] == "- Sở Công Thương tỉnh Đồng Tháp (b/c);"
    assert ctx["noi_nhan"][-1] == "- Lưu: VT, KTHT."
    assert (ctx["ky_tham_quyen"], ctx["ky_thay"], ctx["ky_chuc_vu"], ctx["ky_ho_ten"]) == (
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Nguyễn Minh Tuấn",
    )
    assert ctx["kem_theo"] == (
        "(Kèm theo Báo cáo số      /BC-UBND ngày    tháng    năm 2026 của Ủy ban nhân dân huyện Cao Lãnh)"
    )


# --------------------------------------------------------------------------- safe rendering


def test_special_characters_survive_with_the_paragraph_after_them(kh178):
    subs = small_submissions()
    tnmt = subs["tnmt"]
    subs["tnmt"] = dataclasses.replace(tnmt, tasks=(TaskReport("I.2", LEAD, "Đang thực hiện", SPECIAL, "", ""),))
    data = render_report(TEMPLATE, aggregate(kh178, small_intake(kh178, subs)))
    paras = body_paragraphs(data)
    line = f"- Phòng Tài nguyên và Môi trường (chủ trì, đang thực hiện): {SPECIAL}."
    assert line in paras
    after = paras[paras.index(line) + 1]
    assert after.startswith("d) Phổ biến, tuyên truyền, định hướng về phát triển loại hình du lịch sinh thái")


def test_special_characters_in_any_context_value(module_summary):
    ctx = build_context(module_summary)
    ctx["mo_dau"] = SPECIAL
    ctx["tinh_hinh"] = ["Đoạn sau vẫn còn nguyên & đủ."]
    paras = body_paragraphs(render_docx(TEMPLATE, ctx, report_stamp(module_summary)))
    i = paras.index(SPECIAL)
    assert paras[i + 1] == "Đoạn sau vẫn còn nguyên & đủ."


def test_a_missing_context_key_raises_instead_of_leaving_a_blank(module_summary):
    ctx = build_context(module_summary)
    del ctx["mo_dau"]
    with pytest.raises(TemplateError) as err:
        render_docx(TEMPLATE, ctx, report_stamp(module_summary))
    assert str(err.value) == (
        f"Mẫu báo cáo {TEMPLATE} có thẻ «{{{{ mo_dau }}}}» dùng trường «mo_dau» mà báo cáo "
        "không có. Sửa thẻ này trong Word rồi chạy lại (các thẻ được dùng: templates/README.md)."
    )


def test_every_template_variable_is_in_the_context(module_summary):
    env = make_env()
    names = DocxTemplate(str(TEMPLATE)).get_undeclared_template_variables(jinja_env=env)
    ctx = build_context(module_summary)
    assert {"trich_yeu", "chi_tieu", "phu_luc_1", "ky_ho_ten", "bieu_do"} <= names
    assert names <= set(ctx)


# --------------------------------------------------------------------------- ND30 layout


def _mm(length) -> float:
    return length / Mm(1)


def style_size(style):
    while style is not None and style.font.size is None:
        style = style.base_style
    return style.font.size if style is not None else None


def test_page_setup_fonts_and_page_numbers(report):
    doc = Document(io.BytesIO(report))
    first = doc.sections[0]
    assert abs(_mm(first.page_width) - 210) <= 1 and abs(_mm(first.page_height) - 297) <= 1
    assert [round(_mm(m)) for m in (first.top_margin, first.bottom_margin, first.left_margin, first.right_margin)] == [
        20,
        20,
        30,
        15,
    ]
    assert first.different_first_page_header_footer
    header_xml = first.header._element.xml
    assert "PAGE" in header_xml and "fldChar" in header_xml
    assert "PAGE" not in first.first_page_header._element.xml
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(14)
    fonts = normal.element.rPr.rFonts
    assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
    body = doc.styles["BC Nội dung"].paragraph_format
    assert body.alignment == 3 and round(_mm(body.first_line_indent)) == 10  # justified, 1 cm
    assert body.space_after >= Pt(6) and 1.0 <= body.line_spacing <= 1.5


def test_header_table_title_and_signature(report):
    doc = Document(io.BytesIO(report))
    head = doc.tables[0]
    left, right = head.rows[0].cells
    assert [p.text for p in left.paragraphs if p.text] == ["ỦY BAN NHÂN DÂN", "HUYỆN CAO LÃNH"]
    assert [p.text for p in right.paragraphs if p.text] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    for cell in (left, right):
        assert all(r.bold for p in cell.paragraphs for r in p.runs)
        lines = [p for p in cell.paragraphs if not p.text]
        assert lines and lines[0]._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")) is not None
    assert round(_mm(head.columns[0].width)) == 66 and round(_mm(head.columns[1].width)) == 99
    number, date = head.rows[1].cells
    assert number.text == "Số:      /BC-UBND" and number.paragraphs[0].runs[0].font.size == Pt(13)
    assert date.text == "Cao Lãnh, ngày 08 tháng 12 năm 2026"
    assert all(r.italic for r in date.paragraphs[0].runs)
    assert head._tbl.tblPr.find(qn("w:tblBorders")).find(qn("w:top")).get(qn("w:val")) == "nil"

    title = next(p for p in doc.paragraphs if p.text == "BÁO CÁO")
    assert title.style.font.bold and title.style.paragraph_format.alignment == 1  # centred
    assert "_" * 3 not in text_of(report)

    closing = next(t for t in doc.tables if t.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:")
    recipients, signature = closing.rows[0].cells
    label = recipients.paragraphs[0].runs[0]
    assert label.bold and label.italic and label.font.size == Pt(12)
    assert [p.text for p in recipients.paragraphs[1:]][-1] == "- Lưu: VT, KTHT."
    assert recipients.paragraphs[1].style.font.size == Pt(11)
    lines = [p.text for p in signature.paragraphs if p.text]
    assert lines == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Minh Tuấn"]
    assert all(r.bold for p in signature.paragraphs for r in p.runs)


def test_appendices_are_landscape_sections_numbered_on_their_own(report):
    doc = Document(io.BytesIO(report))
    assert len(doc.sections) == 4
    for section in doc.sections[1:]:
        assert section.orientation == 1  # landscape
        assert abs(_mm(section.page_width) - 297) <= 1 and abs(_mm(section.page_height) - 210) <= 1
        assert section._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    paras = body_paragraphs(report)
    for n in ("I", "II", "III"):
        assert f"Phụ lục {n}" in paras
    assert "SỐ LIỆU CÁC CHỈ TIÊU THEO TỪNG ĐƠN VỊ NĂM 2026" in paras
    assert (
        paras.count("(Kèm theo Báo cáo số      /BC-UBND ngày    tháng    năm 2026 của Ủy ban nhân dân huyện Cao Lãnh)")
        == 3
    )


def test_grid_tables_repeat_a_bold_header_row(report):
    doc = Document(io.BytesIO(report))
    grids = [t for t in doc.tables if t.rows[0].cells[0].text == "STT"]
    assert len(grids) == 1 + 4 + 2  # indicators, one per indicator asked in 2026 in Phụ lục I, Phụ lục II, III
    for t in grids:
        assert t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert t.rows[0].cells[0].paragraphs[0].style.font.bold
        assert style_size(t.rows[1].cells[0].paragraphs[0].style) == Pt(12)


def test_appendix_i_value_columns_share_the_width(report_2025):
    doc = Document(io.BytesIO(report_2025))
    ccn = next(t for t in doc.tables if t.rows[0].cells[-1].text == "Tỷ lệ (%)" and len(t.columns) == 7)
    widths = [int(c.get(qn("w:w"))) for c in ccn._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert len(set(widths[2:])) == 1
    assert abs(sum(widths) - int(ccn._tbl.tblPr.find(qn("w:tblW")).get(qn("w:w")))) < 7
    rows = [[c.text for c in r.cells] for r in ccn.rows]
    assert rows[1] == ["1", "Phòng Kinh tế và Hạ tầng", "2", "2", "", "", "100 %"]
    assert rows[2][1] == "Phòng Nông nghiệp và Phát triển nông thôn (chưa nộp)"
    assert rows[-1] == ["", "Cộng", "2", "2", "—", "—", "100 %"]


# --------------------------------------------------------------------------- contents


def test_report_names_the_missing_units_and_says_the_figures_are_provisional(report):
    text = text_of(report)
    assert "Đến ngày lập báo cáo, 6/26 đơn vị đã gửi báo cáo, trong đó 5 đơn vị gửi báo cáo hợp lệ" in text
    assert "1 đơn vị gửi sau ngày 05/12/2026: UBND xã Bình Thạnh" in text
    assert "1 đơn vị gửi báo cáo có lỗi chưa khắc phục: UBND xã Ba Sao" in text
    assert "còn 20 đơn vị chưa gửi báo cáo: Phòng Tài chính – Kế hoạch," in text
    assert "UBND xã Mỹ Long" in text and "Phòng Y tế," in text
    assert "số liệu tạm tổng hợp từ 5/26 đơn vị" in text


def test_tasks_are_attributed_and_gaps_said_properly(report):
    paras = body_paragraphs(report)
    text = "\n".join(paras)
    assert "1. Triển khai, tuyên truyền, hướng dẫn về sản xuất và tiêu dùng bền vững" in paras
    assert (
        "- Phòng Kinh tế và Hạ tầng (chủ trì, đã hoàn thành): Tổ chức 02 hội nghị tuyên truyền cho 180 lượt "
        "doanh nghiệp, tiểu thương."
    ) in paras
    assert "- UBND xã An Bình (phối hợp): Lồng ghép tuyên truyền trong các cuộc họp ấp." in paras
    assert "- Phòng Kinh tế và Hạ tầng (chủ trì): đang thực hiện, chưa nêu kết quả cụ thể." in paras
    assert "Phòng Văn hóa và Thông tin chưa báo cáo kết quả nhiệm vụ này." in paras
    assert "Phòng Y tế chưa báo cáo kết quả nhiệm vụ này." in paras
    assert "Nhiệm vụ thực hiện trong giai đoạn 2021–2025, đã kết thúc; năm 2026 không tiếp tục báo cáo." in paras
    assert "Tình hình thực hiện từng nhiệm vụ tại Phụ lục II" in text
    assert "số liệu của từng đơn vị tại Phụ lục I" in text and "tại Phụ lục III" in text


def test_section_one_quotes_three_partners_and_names_the_others(kh178):
    subs = small_submissions()
    for unit in ("tnmt", "xa-my-hiep", "xa-binh-thanh"):  # with xa-an-binh: four partners on I.1.a
        extra = TaskReport("I.1.a", PARTNER, "", f"Kết quả phối hợp của {unit}", "", "")
        subs[unit] = dataclasses.replace(subs[unit], tasks=subs[unit].tasks + (extra,))
    item = build_context(aggregate(kh178, small_intake(kh178, subs)))["nhiem_vu"][0]["muc"][0]
    assert item["tieu_de"].startswith("a) Tuyên truyền, phổ biến nâng cao nhận thức") and item["tieu_de"].endswith(".")
    assert item["doan"] == [
        "- Phòng Kinh tế và Hạ tầng (chủ trì, đã hoàn thành): Tổ chức 02 hội nghị tuyên truyền cho 180 lượt "
        "doanh nghiệp, tiểu thương.",
        "- Phòng Tài nguyên và Môi trường (phối hợp): Kết quả phối hợp của tnmt.",
        "- UBND xã An Bình (phối hợp): Lồng ghép tuyên truyền trong các cuộc họp ấp.",
        "- UBND xã Bình Thạnh (phối hợp): Kết quả phối hợp của xa-binh-thanh.",
        "- Ngoài ra, 1 đơn vị phối hợp khác có báo cáo kết quả thực hiện: xã Mỹ Hiệp.",
    ]


def test_difficulties_directions_proposals_are_attributed_points(report):
    paras = body_paragraphs(report)
    assert "- Kinh phí thực hiện còn hạn chế (Phòng Kinh tế và Hạ tầng; các xã An Bình, Mỹ Hiệp)." in paras
    assert "- Tiếp tục tuyên truyền (Phòng Kinh tế và Hạ tầng)." in paras
    assert "- Bố trí thêm kinh phí tuyên truyền (xã An Bình);" in paras
    last = "- Đề nghị tỉnh hỗ trợ kinh phí xây dựng mô hình (Phòng Kinh tế và Hạ tầng)./."
    assert last in paras and paras[paras.index(last) + 1] == "Nơi nhận:"


def test_empty_sections_get_a_proper_sentence(kh178):
    subs = {"vhtt": make_submission("vhtt", {"so_cuoc_tuyen_truyen": 2})}
    ctx = build_context(aggregate(kh178, small_intake(kh178, subs)))
    assert ctx["kho_khan"] == ["Các đơn vị không phản ánh khó khăn, vướng mắc."]
    assert ctx["kien_nghi"] == ["Các đơn vị không có kiến nghị, đề xuất./."]
    assert ctx["bieu_do"] is None  # no percent indicator has a value: a sentence instead of a chart
    data = render_docx(TEMPLATE, ctx, dt.datetime(2026, 12, 5))
    assert ctx["bieu_do_thay_the"] in body_paragraphs(data)
    assert not [n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith("word/media/")]


def test_indicator_table_shows_vietnamese_values_targets_and_basis(report_2025):
    doc = Document(io.BytesIO(report_2025))
    table = next(t for t in doc.tables if [c.text for c in t.rows[0].cells][:2] == ["STT", "Chỉ tiêu"])
    assert [c.text for c in table.rows[0].cells] == [
        "STT",
        "Chỉ tiêu",
        "Mục tiêu (năm mốc)",
        "Kết quả năm 2025",
        "Đánh giá",
    ]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    assert rows["2"][2:] == [
        "≥ 100 % (2025)",
        "85 %\n(34/40 cơ sở)\n(1/1 đơn vị)\nCách tính: tính trên số cơ sở được kiểm tra về bảo vệ môi trường "
        "trong năm, không phải toàn bộ cơ sở trên địa bàn.",
        "Chưa đạt\n(mục tiêu ≥ 100 % năm 2025)",
    ]
    assert rows["3"][3].startswith("100 %\n(2/2 cụm công nghiệp; 0/0 làng nghề)\n(1/2 đơn vị)")
    assert rows["4"][2:4] == [
        "≥ 60 % (2025)",
        "55 %\n(từ 200 xuống 90 kg/tháng)\n(3/18 đơn vị)\n"
        "Cách tính: so với khối lượng năm gốc 2021 do các xã, thị trấn báo cáo.",
    ]
    assert rows["6"][3] == "71,4 %\n(25/35 cửa hàng)\n(3/18 đơn vị)"
    assert rows["6"][4] == "Không đủ số liệu\n(dưới 80 % số đơn vị báo cáo)"
    assert rows["9"][2] == "—" and "1.250 cơ sở" in rows["9"][3] and rows["9"][4] == "Không có chỉ tiêu định lượng"
    assert rows["5"][3].startswith("—\n(3/18 đơn vị)\n")
    images = [n for n in zipfile.ZipFile(io.BytesIO(report_2025)).namelist() if n.startswith("word/media/")]
    assert len(images) == 1 and images[0].endswith(".png")


def test_pooled_ratio_shows_each_part_in_its_own_unit(kh178):
    from pipeline.report_context import indicator_table

    subs = {
        "ktht": make_submission("ktht", {"so_ccn": 2, "so_ccn_pho_bien": 2}),
        "nnptnt": make_submission("nnptnt", {"so_lang_nghe": 3, "so_lang_nghe_pho_bien": 2}),
    }
    summary = aggregate(kh178, dataclasses.replace(small_intake(kh178, subs), year=2025))
    rows, _ = indicator_table(summary)
    ccn = next(r for r in rows if r["noi_dung"].startswith("100% cụm công nghiệp"))
    assert ccn["ket_qua"] == "80 %\n(2/2 cụm công nghiệp; 2/3 làng nghề)\n(2/2 đơn vị)"


# --------------------------------------------------------------------------- determinism and files


def test_same_summary_gives_byte_identical_files(module_summary):
    first = render_report(TEMPLATE, module_summary)
    bar_chart.cache_clear()  # draw the chart again too
    assert render_report(TEMPLATE, module_summary) == first
    assert summary_workbook(module_summary) == summary_workbook(module_summary)
    core = zipfile.ZipFile(io.BytesIO(first)).read("docProps/core.xml").decode()
    assert "2026-12-08T00:00:00Z" in core


def test_write_report_numbers_new_files_and_overwrites_on_request(workspace, module_summary):
    files = write_report(workspace, module_summary)
    folder = workspace.root / "outbox" / "bao-cao-2026"
    assert (files.docx, files.xlsx, files.record) == (
        folder / "bao-cao-2026.docx",
        folder / "tong-hop-2026.xlsx",
        folder / "nhat-ky-2026.json",
    )
    again = write_report(workspace, module_summary)
    assert again.docx.name == "bao-cao-2026 (2).docx" and again.xlsx.name == "tong-hop-2026 (2).xlsx"
    assert again.record.name == "nhat-ky-2026 (2).json"
    files.docx.write_bytes(b"old")
    replaced = write_report(workspace, module_summary, overwrite=True)
    assert replaced.docx == files.docx and replaced.docx.read_bytes()[:2] == b"PK"
    assert sorted(p.name for p in folder.iterdir()) == [
        "bao-cao-2026 (2).docx",
        "bao-cao-2026.docx",
        "nhat-ky-2026 (2).json",
        "nhat-ky-2026.json",
        "tong-hop-2026 (2).xlsx",
        "tong-hop-2026.xlsx",
    ]  # no temporary files left
    record = json.loads(replaced.record.read_text(encoding="utf-8"))
    assert record["outputs"]["docx"] == {
        "file": "bao-cao-2026.docx",
        "sha256": hashlib.sha256(replaced.docx.read_bytes()).hexdigest(),
    }


def test_a_summary_open_in_excel_stops_the_whole_set_unchanged(workspace, module_summary, monkeypatch):
    files = write_report(workspace, module_summary)
    files.docx.write_bytes(b"old report")
    before = {p.name: p.read_bytes() for p in files.docx.parent.iterdir()}
    replace = os.replace

    def locked(src, dst):  # Windows refuses to move a file open in Excel
        if Path(src).name == "tong-hop-2026.xlsx":
            raise PermissionError(13, "Permission denied")
        replace(src, dst)

    monkeypatch.setattr("pipeline.outbox.os.replace", locked)
    with pytest.raises(OutputLockedError) as err:
        write_report(workspace, module_summary, overwrite=True)
    assert str(err.value) == (
        f"Không ghi được {files.xlsx}: tệp đang mở trong Word/Excel hoặc bị khóa. Hãy đóng tệp rồi chạy lại."
    )
    assert {p.name: p.read_bytes() for p in files.docx.parent.iterdir()} == before  # the docx was put back


def test_write_report_refuses_when_no_form_was_accepted(workspace, kh178):
    nothing = IntakeResult(2026, [UnitStatus(u.id, MISSING, None) for u in kh178.units], [])
    with pytest.raises(BaoCaoError) as err:
        write_report(workspace, aggregate(kh178, nothing))
    assert str(err.value) == (
        "Chưa có biểu mẫu hợp lệ nào trong inbox/ — không thể lập báo cáo năm 2026. "
        "Chạy `baocao kiem-tra` để xem chi tiết."
    )
    assert not (workspace.root / "outbox" / "bao-cao-2026").exists()


def test_summary_workbook_sheets_and_values(module_summary):
    wb = load_workbook(io.BytesIO(summary_workbook(module_summary)))
    assert wb.sheetnames == [
        "Chỉ tiêu",
        "Tổng số liệu",
        "Theo đơn vị",
        "Nhiệm vụ",
        "Tình trạng nộp",
        "Ý kiến đơn vị",
        "Lịch sử",
        "Kinh phí",
    ]
    ws = wb["Chỉ tiêu"]
    assert ws.freeze_panes == "A2" and ws["A1"].font.b
    row = next(r for r in ws.iter_rows(min_row=2) if r[1].value.startswith("Cửa hàng tiện lợi"))
    assert row[5].value == pytest.approx(100 * 25 / 35) and row[5].number_format == '0.0"%"'
    assert row[4].value == pytest.approx(88)  # 85 % (2025) + 1/5 of the way to 100 % (2030)
    assert row[2].value == 100 and row[3].value == 2030 and row[7].value == "Không đủ số liệu"
    assert row[8].value == "dưới 80 % số đơn vị báo cáo" and (row[9].value, row[10].value) == (3, 18)
    units = wb["Theo đơn vị"]
    cells = {(r[2].value, r[4].value): r[5] for r in units.iter_rows(min_row=2)}
    assert cells[("xa-an-binh", "Tổng số cửa hàng tiện lợi trên địa bàn")].value == 10
    assert cells[("ktht", "Số mô hình sản xuất và tiêu dùng bền vững được phổ biến, nhân rộng")].value == 5
    status = {r[1].value: r for r in wb["Tình trạng nộp"].iter_rows(min_row=2)}
    assert status["UBND xã Ba Sao"][2].value == "Có lỗi" and status["UBND xã Ba Sao"][6].value == 1
    assert status["UBND xã Bình Thạnh"][2].value == "Nộp muộn" and len(status["UBND xã Bình Thạnh"][4].value) == 12
    tasks = [[c.value for c in r] for r in wb["Nhiệm vụ"].iter_rows(min_row=2)]
    assert [r[2:7] for r in tasks if r[0] == "I.1.a"] == [
        [
            "Phòng Kinh tế và Hạ tầng",
            "Chủ trì",
            "2021–2030",
            "Đã hoàn thành",
            "Tổ chức 02 hội nghị tuyên truyền cho 180 lượt doanh nghiệp, tiểu thương",
        ],
        ["UBND xã An Bình", "Phối hợp", "2021–2030", None, "Lồng ghép tuyên truyền trong các cuộc họp ấp"],
    ]
    assert next(r for r in tasks if r[0] == "II.1")[5] == "Đã kết thúc"
    assert next(r for r in tasks if r[0] == "I.3")[5] == "Chưa báo cáo"
    for sheet in wb:
        assert not any(isinstance(c.value, str) and c.value.startswith("=") for r in sheet.iter_rows() for c in r)


def test_a_large_summary_workbook_is_written_by_a_second_process_to_the_same_bytes(
    module_summary, monkeypatch, tmp_path
):
    """From ``WORKBOOK_APART_FROM`` units a forked child writes the workbook while the report renders;
    the bytes are the ones written here, and a child that dies leaves the work to this process."""
    import os

    from pipeline import report

    here = summary_workbook(module_summary)
    monkeypatch.setattr(report, "WORKBOOK_APART_FROM", 1)
    mark, real_child = tmp_path / "child-pid", report._workbook_child
    monkeypatch.setattr(report, "_workbook_child", lambda *a: (mark.write_text(str(os.getpid())), real_child(*a)))
    assert report.workbook_meanwhile(module_summary)() == here
    monkeypatch.setattr(report, "_workbook_child", lambda *a: os._exit(3))  # a child that dies at once
    assert report.workbook_meanwhile(module_summary)() == here
    monkeypatch.setattr(report, "WORKBOOK_APART_FROM", len(module_summary.statuses) + 1)
    assert report.workbook_meanwhile(module_summary)() == here  # a district's: written here
    if "fork" in __import__("multiprocessing").get_all_start_methods() and (os.cpu_count() or 1) >= 2:
        assert int(mark.read_text()) != os.getpid()  # the first was written by a child


def test_a_workbook_that_cannot_be_written_fails_in_this_process_with_its_own_error(module_summary, monkeypatch):
    from pipeline import report

    def broken(*_a):
        raise BaoCaoError("không ghi được bảng tổng hợp")

    monkeypatch.setattr(report, "WORKBOOK_APART_FROM", 1)
    monkeypatch.setattr(report, "summary_workbook", broken)
    get = report.workbook_meanwhile(module_summary)
    with pytest.raises(BaoCaoError, match="không ghi được bảng tổng hợp"):
        get()


def test_summary_workbook_totals_every_input_of_every_indicator_count_only_included(kh178):
    summary = aggregate(kh178, dataclasses.replace(small_intake(kh178), year=2025))
    wb = load_workbook(io.BytesIO(summary_workbook(summary)))
    totals = [[c.value for c in r] for r in wb["Tổng số liệu"].iter_rows(min_row=2)]
    assert len(totals) == sum(len(ind.inputs) for ind in kh178.indicators_in(2025)) == 20
    by_input = {r[2]: r[3:] for r in totals}
    # count-only (9, 10): by hand, cơ sở cung ứng 1000 + 200 + 50 (3 communes), truy xuất 2 + 2 + 2
    assert by_input["Số doanh nghiệp, cơ sở tham gia cung ứng, phân phối nông sản thực phẩm an toàn"] == [
        1250,
        "cơ sở",
        3,
        18,
    ]
    assert by_input["Số doanh nghiệp, cơ sở áp dụng truy xuất nguồn gốc (tem truy xuất, mã QR)"] == [6, "cơ sở", 3, 18]
    assert by_input["Số mô hình sản xuất sạch hơn được phổ biến, nhân rộng"] == [3, "mô hình", 1, 1]
    assert by_input["Số cuộc tuyên truyền, phổ biến về lối sống, tiêu dùng bền vững do đơn vị tổ chức trong năm"][
        :1
    ] == [9]
    count_2026 = [
        [c.value for c in r]
        for r in load_workbook(io.BytesIO(summary_workbook(aggregate(kh178, small_intake(kh178)))))[
            "Tổng số liệu"
        ].iter_rows(min_row=2)
        if r[1].value == "mo_hinh_sx_tdbv"
    ]
    assert count_2026 == [
        [4, "mo_hinh_sx_tdbv", "Số mô hình sản xuất và tiêu dùng bền vững được phổ biến, nhân rộng", 5, "mô hình", 1, 2]
    ]


def test_workbook_and_report_word_a_task_not_yet_started_the_same_way(kh178):
    from pipeline.report_appendix import appendix_tasks

    # Kế hoạch 178 starts every task in 2021: start II.1 in 2027 for this test
    plan = dataclasses.replace(
        kh178, tasks=tuple(dataclasses.replace(t, start_year=2027) if t.id == "II.1" else t for t in kh178.tasks)
    )
    summary = aggregate(plan, dataclasses.replace(small_intake(plan), year=2025))
    in_report = {r["stt"]: r["tinh_trang"] for g in appendix_tasks(summary) for r in g["dong"] if g["ma"] == "II"}
    wb = load_workbook(io.BytesIO(summary_workbook(summary)))
    in_workbook = {r[0]: r[5] for r in wb["Nhiệm vụ"].iter_rows(min_row=2, values_only=True) if r[3] == "Chủ trì"}
    assert in_report["1"] == in_workbook["II.1"] == "Chưa đến thời gian thực hiện"
    # and a task whose lead has not reported reads the same in both too
    assert in_report["3"] == in_workbook["II.3"] == "Không báo cáo nội dung này"  # tnmt sent a form without it
    assert in_report["6"] == in_workbook["II.6"] == "Chưa báo cáo"  # nnptnt sent nothing


# --------------------------------------------------------------------------- LibreOffice


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_libreoffice_opens_the_report_and_the_workbook(libreoffice, workspace, module_summary, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) không có trên máy này.")
    files = write_report(workspace, module_summary)
    t0 = time.perf_counter()
    pdf, xlsx_pdf = libreoffice([files.docx, files.xlsx], "pdf", tmp_path / "pdf")
    print(f"LibreOffice: 2 tệp → PDF trong {time.perf_counter() - t0:.1f} s")
    text = pdf_text(pdf)
    pages = text.count("\f")
    assert 3 <= pages <= 30
    flat = _squash(text)
    for needle in (
        "ỦY BAN NHÂN DÂN",
        "HUYỆN CAO LÃNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "BÁO CÁO",
        "Cao Lãnh, ngày 08 tháng 12 năm 2026",
        "Nguyễn Minh Tuấn",
        "Phụ lục III",
        "71,4 %",
    ):
        assert _squash(needle) in flat, needle
    for ind in module_summary.plan.indicators_in(2026):
        assert _squash(ind.text[:30]) in flat, ind.id
    sheet_text = pdf_text(xlsx_pdf)
    assert _squash("Chỉ tiêu") in _squash(sheet_text) and _squash("Kết quả năm 2026") in _squash(sheet_text)


def test_text_a_unit_typed_like_a_formula_stays_text_in_the_summary_workbook(kh178):
    subs = small_submissions()
    subs["tnmt"] = dataclasses.replace(
        subs["tnmt"],
        tasks=(
            TaskReport("I.2", LEAD, "Đang thực hiện", '=HYPERLINK("http://x.invalid","bấm vào đây")', "", "+1 cán bộ"),
        ),
    )
    wb = load_workbook(io.BytesIO(summary_workbook(aggregate(kh178, small_intake(kh178, subs)))))
    row = next(r for r in wb["Nhiệm vụ"].iter_rows(min_row=2) if r[0].value == "I.2" and r[3].value == "Chủ trì")
    assert row[6].value == '=HYPERLINK("http://x.invalid","bấm vào đây")' and row[6].data_type == "s"
    assert row[8].value == "+1 cán bộ" and row[8].data_type == "s"


def test_the_report_is_dated_no_earlier_than_a_form_it_uses_or_as_given(kh178):
    from pipeline.report_context import report_date

    late = aggregate(kh178, small_intake(kh178))  # xã Bình Thạnh's form, used, is dated 08/12/2026
    assert report_date(late) == dt.date(2026, 12, 8)
    on_time = {k: v for k, v in small_submissions().items() if k != "xa-binh-thanh"}  # all dated 28/11/2026
    assert report_date(aggregate(kh178, small_intake(kh178, on_time))) == dt.date(2026, 12, 5)  # the deadline
    given = aggregate(kh178, small_intake(kh178), report_date=dt.date(2026, 12, 15))
    ctx = build_context(given)
    assert ctx["ngay_thang"] == "Cao Lãnh, ngày 15 tháng 12 năm 2026"
    assert report_date(given) == dt.date(2026, 12, 15)  # the run record's date too (record.build_record)


def test_late_forms_are_described_by_the_configured_deadline_rule(kh178):
    text = " ".join(build_context(aggregate(kh178, small_intake(kh178)))["tinh_hinh"])
    assert "1 đơn vị gửi sau ngày 05/12/2026: UBND xã Bình Thạnh" in text
    strict = dataclasses.replace(kh178, deadline_inclusive=False)
    text = " ".join(build_context(aggregate(strict, small_intake(strict)))["tinh_hinh"])
    assert "1 đơn vị gửi từ ngày 05/12/2026 trở đi: UBND xã Bình Thạnh" in text and "sau ngày 05/12" not in text


def test_a_unit_saying_there_is_nothing_is_not_quoted_as_a_point(kh178):
    subs = small_submissions()
    subs["tnmt"] = dataclasses.replace(subs["tnmt"], general={"kien_nghi": "Không"})
    proposals = build_context(aggregate(kh178, small_intake(kh178, subs)))["kien_nghi"]
    assert not any(line.startswith("- Không") for line in proposals)
    assert proposals[-1] == "- Đề nghị tỉnh hỗ trợ kinh phí xây dựng mô hình (Phòng Kinh tế và Hạ tầng)./."
