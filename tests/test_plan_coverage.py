"""What the plan asks beyond targets and tasks: its own notes and partner wording, the
socio-political organisations, funding, ad-hoc periods and reminder letters."""

from __future__ import annotations

import io
import warnings

from docx import Document
from openpyxl import load_workbook

from pipeline.aggregate import aggregate
from pipeline.display import describe_plan
from pipeline.forms import build_form
from pipeline.layout import SHEET_TASKS
from pipeline.report import render_report
from pipeline.report_appendix import appendix_tasks
from pipeline.report_context import build_context
from tests.conftest import ROOT, small_intake

from .print_check import pdf_text

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
        "STT",
        "Nội dung nhiệm vụ",
        "Đơn vị chủ trì",
        "Đơn vị phối hợp",
        "Thời gian",
        "Tình trạng",
        "Kết quả thực hiện",
        "Ghi chú",
    ]
    row = next(r for r in table.rows if r.cells[1].text == "Xây dựng mô hình cụm công nghiệp sinh thái.")
    assert [c.text for c in row.cells[2:5]] == ["Phòng Kinh tế và Hạ tầng", PARTNERS_WORDING, "2021–2030"]
    assert row.cells[7].text == NOTE


# --------------------------------------------------------------------------- (b) the socio-political organisations

ORGANISATIONS = ["ldld", "huyen-doan", "hoi-phu-nu", "hoi-nong-dan", "hoi-ccb"]


def test_the_organisations_are_optional_units_of_their_own_group(kh178):
    units = [kh178.unit(u) for u in ORGANISATIONS]
    assert [u.name for u in units] == [
        "Liên đoàn Lao động huyện",
        "Huyện đoàn Cao Lãnh",
        "Hội Liên hiệp Phụ nữ huyện",
        "Hội Nông dân huyện",
        "Hội Cựu chiến binh huyện",
    ]
    assert {(u.group, u.required) for u in units} == {("doan_the", False)}
    assert kh178.unit("mttq").required and kh178.unit("xa-an-binh").required


def test_an_organisation_form_asks_the_session_count_and_its_partner_tasks(kh178):
    # 2025: the session count (ít nhất 01 cuộc/năm) belongs to the 2021–2025 list
    wb = open_wb(build_form(kh178, kh178.unit("hoi-phu-nu"), 2025))
    keys = {
        c.value
        for ws in wb.worksheets
        for (c,) in ws.iter_rows(min_col=1, max_col=1)
        if isinstance(c.value, str) and c.value.startswith(("ct.", "nv."))
    }
    active = [i.id for t in kh178.tasks if t.active_in(2025) for i in t.items]
    assert keys == {"ct.so_cuoc_tuyen_truyen"} | {f"nv.{i}" for i in active}
    ws = wb[SHEET_TASKS]
    assert {ws[f"D{row_of(ws, f'nv.{i}')}"].value for i in active} == {"Phối hợp"}
    assert kh178.tasks_led_by("hoi-phu-nu", 2025) == []


def _statuses(kh178, subs: dict, errors: tuple[str, ...] = ()):
    from pipeline.model import HAS_ERRORS, MISSING, SUBMITTED, IntakeResult, UnitStatus
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
    subs = {
        "ktht": {"so_cuoc_tuyen_truyen": 4},
        "xa-an-binh": {"so_cuoc_tuyen_truyen": 1},
        "hoi-phu-nu": {"so_cuoc_tuyen_truyen": 3},
    }
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
    assert context["tinh_hinh"][0] == (
        "Đến ngày lập báo cáo, 26/27 đơn vị đã gửi báo cáo hợp lệ; còn 1 đơn vị chưa gửi báo cáo: Phòng Y tế."
    )
    assert context["tinh_hinh"][1] == (
        "Ngoài ra, 4 đơn vị được đề nghị báo cáo (không bắt buộc) chưa gửi báo cáo: Liên đoàn Lao động huyện, "
        "Huyện đoàn Cao Lãnh, Hội Nông dân huyện, Hội Cựu chiến binh huyện; các đơn vị này không tính vào số đơn vị "
        "phải báo cáo."
    )
    states = {r["don_vi"]: r["tinh_trang"] for r in context["phu_luc_3"]}
    assert states["Hội Nông dân huyện"] == "Chưa nộp (không bắt buộc)"
    assert states["Phòng Y tế"] == "Chưa nộp" and states["Hội Liên hiệp Phụ nữ huyện"] == "Đã nộp"


# --------------------------------------------------------------------------- (c) funding


def test_funding_goes_from_messy_cells_to_the_report_and_the_workbook(kh178, tmp_path):
    from pipeline.funding import FundingSummary
    from pipeline.intake import read_inbox
    from pipeline.model import HAS_ERRORS
    from pipeline.report import summary_workbook
    from pipeline.workspace import init_workspace
    from tests.filling import filled_form

    ws = init_workspace(tmp_path / "ws")
    sent = {  # as typed: Vietnamese thousands and decimal comma, text cells, a plain number
        "ktht": {"ngan_sach": "1.250,5", "huy_dong": "12,5", "du_toan": " 300 "},
        "xa-an-binh": {"ngan_sach": 20, "huy_dong": "0"},
        "hoi-phu-nu": {"ngan_sach": "7,5", "huy_dong": 2},  # optional unit that sent: counted
        "xa-ba-sao": {"ngan_sach": "-5", "huy_dong": "1e999"},  # errors: the form is not used
    }
    for unit_id, funding in sent.items():
        (ws.inbox / f"{unit_id}.xlsx").write_bytes(filled_form(kh178, unit_id, 2026, funding=funding))
    result = read_inbox(ws, kh178, 2026)
    ba_sao = next(s for s in result.statuses if s.unit_id == "xa-ba-sao")
    assert ba_sao.state == HAS_ERRORS
    assert [(p.code, p.cell) for p in ba_sao.submission.problems] == [("so-am", "E16"), ("khong-phai-so", "E17")]
    ktht = next(s for s in result.statuses if s.unit_id == "ktht").submission
    assert ktht.funding == {"ngan_sach": 1250.5, "huy_dong": 12.5, "du_toan": 300.0}

    summary = aggregate(kh178, result)
    f = summary.funding
    assert isinstance(f, FundingSummary)
    # 26 required units + Hội Phụ nữ; ktht, tnmt, nnptnt, vhtt, gddt, yte lead tasks in 2027
    assert (len(f.units), f.expected, f.estimate_expected) == (3, 27, 6)
    assert (f.state_budget, f.other_sources, f.total, f.estimate) == (1278.0, 14.5, 1292.5, 300.0)

    context = build_context(summary)
    assert context["kinh_phi_tieu_de"] == "4. Kinh phí thực hiện"
    assert context["kinh_phi"] == [
        "Theo báo cáo của 3/27 đơn vị, kinh phí thực hiện Kế hoạch năm 2026 là 1.292,5 triệu đồng, trong đó ngân "
        "sách nhà nước 1.278 triệu đồng, nguồn huy động hợp pháp khác 14,5 triệu đồng.",
        "Dự toán kinh phí năm 2027 do 1/6 đơn vị chủ trì nhiệm vụ đề xuất là 300 triệu đồng, gửi Phòng Tài chính – Kế "
        "hoạch thẩm định. Kinh phí của từng đơn vị tại bảng tổng hợp kèm theo (trang «Kinh phí»).",
    ]
    text = "\n".join(p.text for p in Document(io.BytesIO(render_report(TEMPLATE, summary))).paragraphs)
    assert "4. Kinh phí thực hiện\nTheo báo cáo của 3/27 đơn vị" in text

    sheet = open_wb(summary_workbook(summary))["Kinh phí"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=1)]
    assert rows[0][4:] == [
        "Ngân sách nhà nước (triệu đồng)",
        "Nguồn huy động hợp pháp khác (triệu đồng)",
        "Cộng năm 2026 (triệu đồng)",
        "Dự toán năm 2027 (triệu đồng)",
    ]
    by_id = {r[2]: r for r in rows[1:]}
    assert by_id["ktht"][3:] == ["Đã nộp", 1250.5, 12.5, 1263, 300]
    assert by_id["hoi-phu-nu"][3:] == ["Đã nộp", 7.5, 2, 9.5, None]
    assert by_id["xa-ba-sao"][3:] == ["Có lỗi", None, None, None, None]
    assert rows[-1][1:] == ["Cộng (3/27 đơn vị báo cáo)", None, None, 1278, 14.5, 1292.5, 300]


def test_an_older_form_without_funding_rows_is_still_read(kh178):
    import dataclasses

    from pipeline.intake import read_data
    from tests.filling import edit_form, filled_form

    def drop_funding(wb, rows):
        for key in ("kp.du_toan", "kp.huy_dong", "kp.ngan_sach"):
            if key in rows:
                ws, row = rows[key]
                ws.delete_rows(row)
        wb["_id"]["B5"] = 1  # the version of this year's first forms

    old = edit_form(filled_form(kh178, "ktht", 2026), drop_funding)
    sub = read_data(old, "ktht-v1.xlsx", kh178, 2026).submission
    assert [(p.code, p.severity) for p in sub.problems] == [("phien-ban-cu", "canh-bao")]
    assert sub.accepted and sub.funding == {} and sub.values["so_mo_hinh_sx_tdbv"] == 3
    # a current form that lost a funding row is told so
    same = read_data(old, "ktht.xlsx", dataclasses.replace(kh178, template_version=1), 2026).submission
    assert same.funding == {} and [p.code for p in same.problems] == ["thieu-dong", "thieu-dong", "thieu-dong"]


# --------------------------------------------------------------------------- (e) reminder letters


def _inbox_for_reminder(kh178, tmp_path):
    from pipeline.workspace import init_workspace
    from tests.filling import filled_form

    ws = init_workspace(tmp_path / "ws")
    for u in kh178.units:
        if u.id in ("yte", "xa-ba-sao", "hoi-ccb"):
            continue  # two required units missing; an optional one too (not urged)
        values = {"so_cua_hang_tien_loi": "khoảng 5"} if u.id == "xa-my-hiep" else {}
        (ws.inbox / f"{u.id}.xlsx").write_bytes(filled_form(kh178, u.id, 2026, values=values))
    return ws


def test_nhac_nop_writes_an_nd30_letter_and_prints_the_list_to_paste(kh178, tmp_path, libreoffice):
    from click.testing import CliRunner

    from pipeline.cli import cli

    ws = _inbox_for_reminder(kh178, tmp_path)
    res = CliRunner().invoke(cli, ["-C", str(ws.root), "nhac-nop", "--nam", "2026", "--han-moi", "15/12/2026"])
    assert res.exit_code == 0, res.output
    letter = ws.outbox / "nhac-nop-2026" / "nhac-nop-2026.docx"
    assert res.output.splitlines()[0] == f"Đã soạn công văn đôn đốc 3 đơn vị: {letter}"
    assert res.output.split("Nội dung để dán vào tin nhắn:\n", 1)[1] == (
        "Đề nghị các đơn vị sau gửi báo cáo kết quả thực hiện Kế hoạch số 178/KH-UBND năm 2026 trước ngày 15/12/2026:\n"
        "- Phòng Y tế: chưa gửi báo cáo;\n"
        "- UBND xã Ba Sao: chưa gửi báo cáo;\n"
        "- UBND xã Mỹ Hiệp: biểu mẫu còn 1 lỗi, sửa theo tệp phản hồi xa-my-hiep.xlsx rồi gửi lại.\n"
        "Thông tin liên hệ: bà Nguyễn Thị Lan, chuyên viên, Phòng Kinh tế và Hạ tầng; điện thoại 0277 3851234; "
        "thư điện tử pktht.caolanh@dongthap.gov.vn.\n"
    )
    assert (ws.outbox / "phan-hoi-2026" / "xa-my-hiep.xlsx").is_file()

    doc = Document(io.BytesIO(letter.read_bytes()))
    head = doc.tables[0]
    assert [p.text for p in head.rows[1].cells[0].paragraphs] == [
        "Số:      /UBND-KTHT",
        "V/v đôn đốc gửi báo cáo kết quả thực hiện Kế hoạch số 178/KH-UBND năm 2026",
    ]
    assert head.rows[1].cells[1].paragraphs[0].text == "Cao Lãnh, ngày      tháng      năm 2026"
    texts = [p.text for p in doc.paragraphs]
    start = texts.index("Kính gửi:")
    assert texts[start + 1 : start + 4] == ["- Phòng Y tế;", "- UBND xã Ba Sao;", "- UBND xã Mỹ Hiệp."]
    assert "Đến nay, 2 đơn vị chưa gửi báo cáo kết quả thực hiện năm 2026: Phòng Y tế, UBND xã Ba Sao." in texts
    assert texts[-1] == "Ủy ban nhân dân huyện Cao Lãnh đề nghị Thủ trưởng các đơn vị quan tâm thực hiện./."
    assert "Hội Cựu chiến binh" not in "\n".join(texts)

    pdf = libreoffice(letter, "pdf", tmp_path / "pdf")

    words = " ".join(pdf_text(pdf).split())
    for expected in (
        "ỦY BAN NHÂN DÂN HUYỆN CAO LÃNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "V/v đôn đốc gửi báo cáo",
        "Kính gửi:",
        "- Phòng Y tế;",
        "Nơi nhận:",
        "- Như trên;",
        "- Lưu: VT, KTHT.",
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Nguyễn Minh Tuấn",
    ):
        assert expected in words, expected


def test_one_unit_is_addressed_on_the_kinh_gui_line_and_nobody_when_all_sent(kh178):
    from pipeline.model import MISSING, SUBMITTED, IntakeResult, UnitStatus
    from pipeline.reminder import build_reminder, reminder_context
    from tests.conftest import make_submission

    statuses = [
        UnitStatus(
            u.id,
            MISSING if u.id in ("yte", "hoi-ccb") else SUBMITTED,
            None if u.id in ("yte", "hoi-ccb") else make_submission(u.id, {}),
        )
        for u in kh178.units
    ]
    reminder = build_reminder(kh178, IntakeResult(2026, statuses, []))
    context = reminder_context(kh178, reminder)
    assert (reminder.units, context["kinh_gui_mot"], context["kinh_gui"]) == (("yte",), "Kính gửi: Phòng Y tế.", [])
    assert reminder.deadline.isoformat() == "2026-12-05"
    everyone = [
        UnitStatus(s.unit_id, SUBMITTED, make_submission(s.unit_id, {})) if s.unit_id == "yte" else s for s in statuses
    ]
    assert build_reminder(kh178, IntakeResult(2026, everyone, [])).units == ()


def test_the_report_carries_a_kinh_gui_line_when_config_sets_one(kh178):
    import dataclasses

    summary = aggregate(dataclasses.replace(kh178, addressee="Sở Công Thương tỉnh Đồng Tháp"), small_intake(kh178))
    texts = [p.text for p in Document(io.BytesIO(render_report(TEMPLATE, summary))).paragraphs]
    i = texts.index("Kính gửi: Sở Công Thương tỉnh Đồng Tháp.")
    assert texts[i - 2].startswith("Kết quả thực hiện Kế hoạch số 178/KH-UBND")
    plain = [
        p.text for p in Document(io.BytesIO(render_report(TEMPLATE, aggregate(kh178, small_intake(kh178))))).paragraphs
    ]
    assert not any(t.startswith("Kính gửi") for t in plain)


# --------------------------------------------------------------------------- (d) a report asked by letter


def test_bao_cao_theo_answers_the_letter_in_the_opening(kh178, tmp_path):
    import dataclasses

    from click.testing import CliRunner

    from pipeline.cli import cli
    from pipeline.report_context import opening

    assert opening(kh178, 2026) == "Ủy ban nhân dân huyện Cao Lãnh báo cáo kết quả thực hiện năm 2026 như sau:"
    asked = dataclasses.replace(kh178, request="Công văn số 123/SCT-QLCN ngày 02/12/2026")
    assert opening(asked, 2026) == (
        "Thực hiện Công văn số 123/SCT-QLCN ngày 02/12/2026 của Sở Công Thương tỉnh Đồng "
        "Tháp, Ủy ban nhân dân huyện Cao Lãnh báo cáo kết quả thực hiện năm 2026 như sau:"
    )
    own = dataclasses.replace(kh178, request="Công văn số 45/UBND-KTHT ngày 01/12/2026 của Ủy ban nhân dân tỉnh.")
    assert opening(own, 2026).startswith(
        "Thực hiện Công văn số 45/UBND-KTHT ngày 01/12/2026 của Ủy ban nhân dân "
        "tỉnh, Ủy ban nhân dân huyện Cao Lãnh báo cáo"
    )

    ws = _inbox_for_reminder(kh178, tmp_path)
    res = CliRunner().invoke(
        cli, ["-C", str(ws.root), "bao-cao", "--nam", "2026", "--theo", "Công văn số 123/SCT-QLCN ngày 02/12/2026"]
    )
    assert res.exit_code == 0, res.output
    docx = ws.outbox / "bao-cao-2026" / "bao-cao-2026.docx"
    texts = [p.text for p in Document(io.BytesIO(docx.read_bytes())).paragraphs]
    assert opening(asked, 2026) in texts
