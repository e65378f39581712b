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
from pipeline.report import build_context, render_report
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


# --------------------------------------------------------------------------- (b) the socio-political organisations

ORGANISATIONS = ["ldld", "huyen-doan", "hoi-phu-nu", "hoi-nong-dan", "hoi-ccb"]


def test_the_organisations_are_optional_units_of_their_own_group(kh178):
    units = [kh178.unit(u) for u in ORGANISATIONS]
    assert [u.name for u in units] == ["Liên đoàn Lao động huyện", "Huyện đoàn Cao Lãnh", "Hội Liên hiệp Phụ nữ huyện",
                                       "Hội Nông dân huyện", "Hội Cựu chiến binh huyện"]  # fmt: skip
    assert {(u.group, u.required) for u in units} == {("doan_the", False)}
    assert kh178.unit("mttq").required and kh178.unit("xa-an-binh").required


def test_an_organisation_form_asks_the_session_count_and_its_partner_tasks(kh178):
    # 2025: the session count (ít nhất 01 cuộc/năm) belongs to the 2021–2025 list
    wb = open_wb(build_form(kh178, kh178.unit("hoi-phu-nu"), 2025))
    keys = {c.value for ws in wb.worksheets for (c,) in ws.iter_rows(min_col=1, max_col=1)
            if isinstance(c.value, str) and c.value.startswith(("ct.", "nv."))}  # fmt: skip
    active = [i.id for t in kh178.tasks if t.active_in(2025) for i in t.items]
    assert keys == {"ct.so_cuoc_tuyen_truyen"} | {f"nv.{i}" for i in active}
    ws = wb[SHEET_TASKS]
    assert {ws[f"D{row_of(ws, f'nv.{i}')}"].value for i in active} == {"Phối hợp"}
    assert kh178.tasks_led_by("hoi-phu-nu", 2025) == []


def _statuses(kh178, subs: dict, errors: tuple[str, ...] = ()):
    from pipeline.intake import HAS_ERRORS, MISSING, SUBMITTED, IntakeResult, UnitStatus
    from tests.conftest import make_submission

    out = []
    for u in kh178.units:
        if u.id in errors:
            out.append(UnitStatus(u.id, HAS_ERRORS, make_submission(u.id, {"so_cuoc_tuyen_truyen": None})))
        elif u.id in subs:
            out.append(UnitStatus(u.id, SUBMITTED, make_submission(u.id, subs[u.id])))
        else:
            out.append(UnitStatus(u.id, MISSING, None))
    return IntakeResult(2025, out, [])  # the year the session count (2021–2025 list) is asked


def test_an_optional_unit_that_has_not_sent_is_not_counted_against_coverage(kh178):
    from pipeline.aggregate import MET

    required = {u.id: {"so_cuoc_tuyen_truyen": 1} for u in kh178.units if u.required}
    r = aggregate(kh178, _statuses(kh178, required)).indicators[0]
    assert r.indicator.id == "tuyen_truyen"
    assert (len(r.expected), len(r.reported), r.value, r.status) == (26, 26, 26.0, MET)
    assert not set(ORGANISATIONS) & set(r.expected)


def test_an_optional_unit_that_sent_is_counted_with_its_figures(kh178):
    subs = {"ktht": {"so_cuoc_tuyen_truyen": 4}, "xa-an-binh": {"so_cuoc_tuyen_truyen": 1},
            "hoi-phu-nu": {"so_cuoc_tuyen_truyen": 3}}  # fmt: skip
    summary = aggregate(kh178, _statuses(kh178, subs, errors=("hoi-ccb",)))
    r = summary.indicators[0]
    # 26 required units + Hội Phụ nữ (sent); Hội Cựu chiến binh's form has errors: not counted either way
    assert (len(r.expected), r.reported, r.value) == (27, ("ktht", "hoi-phu-nu", "xa-an-binh"), 8.0)
    context_rows = {row["don_vi"]: row for row in build_context(summary)["phu_luc_1"][0]["dong"]}
    assert context_rows["Hội Liên hiệp Phụ nữ huyện"]["so_lieu"] == ["3"]
    assert "Liên đoàn Lao động huyện" not in str(context_rows)


def test_the_report_lists_optional_units_not_sent_apart_from_the_missing(kh178):
    subs = {u.id: {"so_cuoc_tuyen_truyen": 1} for u in kh178.units if u.required and u.id != "yte"}
    subs["hoi-phu-nu"] = {"so_cuoc_tuyen_truyen": 2}
    context = build_context(aggregate(kh178, _statuses(kh178, subs)))
    assert context["tinh_hinh"][0] == ("Đến ngày lập báo cáo, 26/27 đơn vị đã gửi báo cáo hợp lệ; còn 1 đơn vị chưa "
                                       "gửi báo cáo: Phòng Y tế.")  # fmt: skip
    assert context["tinh_hinh"][1] == (
        "Ngoài ra, 4 đơn vị được đề nghị báo cáo (không bắt buộc) chưa gửi báo cáo: Liên đoàn Lao động huyện, "
        "Huyện đoàn Cao Lãnh, Hội Nông dân huyện, Hội Cựu chiến binh huyện; các đơn vị này không tính vào số đơn vị "
        "phải báo cáo.")  # fmt: skip
    states = {r["don_vi"]: r["tinh_trang"] for r in context["phu_luc_3"]}
    assert states["Hội Nông dân huyện"] == "Chưa nộp (không bắt buộc)"
    assert states["Phòng Y tế"] == "Chưa nộp" and states["Hội Liên hiệp Phụ nữ huyện"] == "Đã nộp"
