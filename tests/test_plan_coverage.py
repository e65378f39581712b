"""What the plan asks beyond targets and tasks: its own notes and partner wording, the
socio-political organisations, funding, ad-hoc periods and reminder letters."""

from __future__ import annotations

import io
import warnings

from docx import Document
from openpyxl import load_workbook

from pipeline.aggregate import aggregate
from pipeline.display import describe_plan
from pipeline.forms import SHEET_TASKS, build_form
from pipeline.report import render_report
from pipeline.report_docx import appendix_tasks
from tests.conftest import ROOT, small_intake

TEMPLATE = ROOT / "templates" / "bao-cao.docx"
PARTNERS_WORDING = "Các ban, ngành, tổ chức chính trị - xã hội, UBND cấp xã và các đơn vị có liên quan"
NOTE = "Khi có hướng dẫn của các Sở, ngành liên quan"


def open_wb(data: bytes):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_workbook(io.BytesIO(data))


def row_of(ws, key: str) -> int:
    return next(c.row for (c,) in ws.iter_rows(min_col=1, max_col=1) if c.value == key)


# --------------------------------------------------------------------------- (a) the plan's own notes


def test_the_task_note_is_shown_in_the_lead_and_partner_forms(kh178):
    for unit_id in ("ktht", "xa-my-hiep"):  # II.5 is led by ktht, partnered by every commune
        ws = open_wb(build_form(kh178, kh178.unit(unit_id), 2026))[SHEET_TASKS]
        r = row_of(ws, "nv.II.5")
        assert ws[f"C{r}"].value == f"Xây dựng mô hình cụm công nghiệp sinh thái.\n(Ghi chú của Kế hoạch: {NOTE})"
        other = row_of(ws, "nv.II.6")
        assert ws[f"C{other}"].value == "Xây dựng mô hình làng nghề sinh thái bền vững."


def test_ke_hoach_lists_each_task_with_the_plans_partner_wording_and_note(kh178):
    text = describe_plan(kh178, 2026)
    assert "  II.5 (2021–2030) chủ trì: Phòng Kinh tế và Hạ tầng\n" in text
    assert f"      Phối hợp: {PARTNERS_WORDING}\n      Ghi chú: {NOTE}\n" in text
    assert "  II.1 (2021–2025, ngoài thời gian năm 2026) chủ trì: Phòng Kinh tế và Hạ tầng" in text
    assert text.count("Ghi chú:") == 1  # only II.5 has a note in Kế hoạch 178


def test_appendix_ii_has_the_plans_partner_wording_and_note_columns(kh178):
    summary = aggregate(kh178, small_intake(kh178))
    rows = {r["noi_dung"]: r for g in appendix_tasks(summary) for r in g["dong"]}
    ii5 = rows["Xây dựng mô hình cụm công nghiệp sinh thái."]
    assert (ii5["stt"], ii5["phoi_hop"], ii5["ghi_chu"]) == ("5", PARTNERS_WORDING, NOTE)
    assert rows["Xây dựng mô hình làng nghề sinh thái bền vững."]["ghi_chu"] == ""

    doc = Document(io.BytesIO(render_report(TEMPLATE, summary)))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "STT" and len(t.columns) == 8)
    assert [c.text for c in table.rows[0].cells] == [
        "STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian", "Tình trạng",
        "Kết quả thực hiện", "Ghi chú"]  # fmt: skip
    row = next(r for r in table.rows if r.cells[1].text == "Xây dựng mô hình cụm công nghiệp sinh thái.")
    assert [c.text for c in row.cells[2:5]] == ["Phòng Kinh tế và Hạ tầng", PARTNERS_WORDING, "2021–2030"]
    assert row.cells[7].text == NOTE
