"""End to end through LibreOffice (issue #6): a real office program, not our code, in the loop.

Forms generated for 2026 are filled as staff fill them (some numbers typed as text the
Vietnamese way: "85,5", "1.250"; a percent where only raw figures belong), then opened and
re-saved as .xlsx by LibreOffice headless — its own shared strings, styles, validation and
protection records. Intake must read exactly what was entered; ``baocao bao-cao`` must report
those figures; LibreOffice renders the Word report to PDF, whose text must hold the header,
the title, every indicator and the signer.

All LibreOffice work is done in two soffice calls for the whole module (forms → .xlsx,
report → PDF), in module-scoped fixtures.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from pipeline.cli import cli
from pipeline.forms import write_forms
from pipeline.intake import read_data, read_inbox
from pipeline.layout import NO, YES
from pipeline.model import HAS_ERRORS, LATE, SUBMITTED, Contact, TaskReport
from pipeline.plan import Plan
from pipeline.workspace import Workspace, init_workspace

from .conftest import ROOT
from .filling import cell_of, default_values, edit_form, fill_form, form_cells, role_of

YEAR = 2025  # the year the plan asks the most indicators
LO_XLSX = "xlsx:Calc MS Excel 2007 XML"


def _contact(name: str, phone: str, made: object) -> dict[str, object]:
    return {"nguoi_lap": name, "dien_thoai": phone, "ngay_lap": made}


# What each unit types, keyed as ``filling.form_cells`` takes it; every other input cell keeps
# the plausible defaults of ``filling``. READ is what intake must give back for the typed cells.
ENTRIES: dict[str, dict] = {
    "ktht": {
        "values": {"dung_sp_than_thien": YES, "so_cuoc_tuyen_truyen": 4},
        "contact": _contact("Trần Thị Ngọc Hạnh", "0277 3851234", dt.date(YEAR, 11, 20)),
        "tasks": {
            "I.1.a": {
                "status": "Đã hoàn thành",
                "result": "Tổ chức 02 hội nghị tuyên truyền cho 180 lượt doanh nghiệp, tiểu thương; "
                "đạt 85% kế hoạch năm",
                "difficulties": "Kinh phí tuyên truyền còn hạn chế",
                "proposals": "Đề nghị Sở Công Thương hỗ trợ tài liệu tuyên truyền",
            },
            "II.4": {"status": "Đang thực hiện", "result": "Khảo sát 03 chuỗi cung ứng nông sản ở xã Mỹ Hiệp"},
        },
        "general": {"kho_khan": "Thói quen dùng túi ni lông còn phổ biến.\nGiá bao bì thân thiện môi trường cao."},
    },
    "tnmt": {
        "values": {"dung_sp_than_thien": NO, "so_co_so_kiem_tra": 40, "so_co_so_tuan_thu": 34},
        "notes": {"so_co_so_tuan_thu": "Đạt 85% số cơ sở được kiểm tra"},
        "contact": _contact("Lê Văn Đức", "0918 123 456", dt.date(YEAR, 12, 1)),
    },
    "xa-an-binh": {
        "values": {
            "bao_bi_bvtv_phat_sinh": 100,
            "bao_bi_bvtv_thu_gom": "85,5",
            "so_co_so_cung_ung_ntp": "1.250",
            "so_cua_hang_tien_loi": 10,
            "so_cua_hang_bao_bi_xanh": 8,
        },
        "contact": _contact("Huỳnh Thị Thúy Hằng", "0277 3860123", dt.date(YEAR, 11, 28)),
    },
    "xa-my-hiep": {  # the date typed as text, after the 05/12 deadline: accepted, late
        "values": {
            "bao_bi_bvtv_phat_sinh": 80,
            "bao_bi_bvtv_thu_gom": 68.25,
            "so_co_so_cung_ung_ntp": 7,
            "so_cua_hang_tien_loi": 20,
            "so_cua_hang_bao_bi_xanh": 12,
        },
        "contact": _contact("Nguyễn Văn Lượm", "0277 3870456", f"08/12/{YEAR}"),
    },
    "xa-ba-sao": {  # a percent where the raw count belongs: typed as text, and into a %-formatted cell
        "values": {"so_cua_hang_tien_loi": "85%", "so_cua_hang_bao_bi_xanh": 0.85},
    },
}
READ: dict[str, dict[str, object]] = {
    "ktht": {"dung_sp_than_thien": True, "so_cuoc_tuyen_truyen": 4},
    "tnmt": {"dung_sp_than_thien": False, "so_co_so_kiem_tra": 40, "so_co_so_tuan_thu": 34},
    "xa-an-binh": {
        "bao_bi_bvtv_phat_sinh": 100,
        "bao_bi_bvtv_thu_gom": 85.5,
        "so_co_so_cung_ung_ntp": 1250,
        "so_cua_hang_tien_loi": 10,
        "so_cua_hang_bao_bi_xanh": 8,
    },
    "xa-my-hiep": {
        "bao_bi_bvtv_phat_sinh": 80,
        "bao_bi_bvtv_thu_gom": 68.25,
        "so_co_so_cung_ung_ntp": 7,
        "so_cua_hang_tien_loi": 20,
        "so_cua_hang_bao_bi_xanh": 12,
    },
}
MADE = {
    "ktht": dt.date(YEAR, 11, 20),
    "tnmt": dt.date(YEAR, 12, 1),
    "xa-an-binh": dt.date(YEAR, 11, 28),
    "xa-my-hiep": dt.date(YEAR, 12, 8),
}
ACCEPTED = ("ktht", "tnmt", "xa-an-binh", "xa-my-hiep")


def _as_read(value: object) -> object:
    return {YES: True, NO: False}.get(value, value) if isinstance(value, str) else value


def require_tool(name: str, package: str) -> str:
    """The tool's path; skip (reason printed) when missing, fail under CI like conftest's soffice."""
    exe = shutil.which(name)
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI: thiếu {name} ({package}); kiểm thử này là bắt buộc trong CI (xem .ci/run).")
        reason = f"{name} ({package}) không có trên máy này: bỏ qua kiểm thử cần chương trình này."
        print(reason)
        pytest.skip(reason)
    return exe


def squash(text: str) -> str:
    """No whitespace at all: PDF text wraps lines, pads columns and may split words."""
    return re.sub(r"\s+", "", text)


def docx_text(path: Path) -> str:
    """Every paragraph (table cells included) on its own line; a line break inside one is "\\n" too."""
    doc = Document(str(path))
    t, br = qn("w:t"), qn("w:br")
    return "\n".join(
        "".join((el.text or "") if el.tag == t else "\n" for el in p.iter(t, br))
        for p in doc.element.body.iter(qn("w:p"))
    )


def distinctive_prefix(text: str, others: list[str], min_words: int = 6) -> str:
    """The first words of ``text`` (at least ``min_words``) that no other text starts with."""
    words = text.split()
    for k in range(min(min_words, len(words)), len(words) + 1):
        prefix = " ".join(words[:k])
        if not any(o != text and o.startswith(prefix) for o in others):
            return prefix
    return text


# --------------------------------------------------------------------------- fixtures


def _percent_format(data: bytes) -> bytes:
    """Format the green-packaging count cell as a percent, as a unit that typed 85% into it would."""

    def change(wb, rows) -> None:
        cell_of(wb, "ct.so_cua_hang_bao_bi_xanh", rows=rows).number_format = "0%"

    return edit_form(data, change)


@pytest.fixture(scope="module")
def ws(libreoffice, kh178: Plan, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A workspace whose inbox holds the filled forms as LibreOffice re-saved them (one soffice call)."""
    root = tmp_path_factory.mktemp("e2e")
    ws = init_workspace(root / "ws", ROOT)
    forms = dict(zip((u.id for u in kh178.units), write_forms(ws, kh178, YEAR), strict=True))
    staging = root / "filled"
    staging.mkdir()
    filled = []
    for unit_id, entry in ENTRIES.items():
        data = fill_form(forms[unit_id].read_bytes(), form_cells(kh178, unit_id, YEAR, **entry))
        if unit_id == "xa-ba-sao":
            data = _percent_format(data)
        path = staging / f"{unit_id}.xlsx"
        path.write_bytes(data)
        filled.append(path)
    for saved in libreoffice(filled, LO_XLSX, root / "libreoffice"):
        shutil.copyfile(saved, ws.inbox / saved.name)
    return ws


@pytest.fixture(scope="module")
def intake(ws: Workspace, kh178: Plan):
    return read_inbox(ws, kh178, YEAR)


@pytest.fixture(scope="module")
def subs(intake):
    return {s.unit_id: s for s in intake.statuses}


@pytest.fixture(scope="module")
def bao_cao(ws: Workspace):
    """``baocao bao-cao --nam 2026`` on the workspace; (click result, report folder)."""
    result = CliRunner().invoke(cli, ["-C", str(ws.root), "bao-cao", "--nam", str(YEAR)])
    return result, ws.report_dir(YEAR)


@pytest.fixture(scope="module")
def pdf(bao_cao, libreoffice, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, int]:
    """The report converted to PDF by LibreOffice: (pdftotext -layout text, page count)."""
    pdftotext = require_tool("pdftotext", "poppler-utils")
    result, folder = bao_cao
    assert result.exit_code == 0, result.output
    out = libreoffice([folder / f"bao-cao-{YEAR}.docx"], "pdf", tmp_path_factory.mktemp("pdf"))[0]
    text = subprocess.run([pdftotext, "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo:
        info = subprocess.run([pdfinfo, str(out)], capture_output=True, text=True, check=True).stdout
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])
    else:
        pages = text.count("\f")
    return text, pages


# --------------------------------------------------------------------------- the files LibreOffice wrote


def test_the_inbox_files_were_written_by_libreoffice_with_its_own_records(ws: Workspace, subs):
    files = sorted(ws.inbox.glob("*.xlsx"))
    assert [f.stem for f in files] == sorted(ENTRIES)
    for f in files:
        with zipfile.ZipFile(f) as zf:
            app = zf.read("docProps/app.xml").decode()
            sheets = [zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
            names = zf.namelist()
        assert "LibreOffice" in re.search(r"<Application>([^<]*)</Application>", app)[1], f.name
        assert "xl/sharedStrings.xml" in names  # LibreOffice's own string table, not openpyxl's
        assert any("<sheetProtection" in s for s in sheets) and any("<dataValidation " in s for s in sheets)
        assert "LibreOffice" in subs[f.stem].submission.provenance.application


# --------------------------------------------------------------------------- intake reads what was typed


def test_text_typed_the_vietnamese_way_is_read_as_the_number_meant(subs):
    an_binh = subs["xa-an-binh"].submission.values
    assert an_binh["bao_bi_bvtv_thu_gom"] == 85.5  # "85,5" in a decimal field
    assert an_binh["so_co_so_cung_ung_ntp"] == 1250 and isinstance(an_binh["so_co_so_cung_ung_ntp"], int)  # "1.250"
    assert subs["ktht"].submission.values["dung_sp_than_thien"] is True
    assert subs["tnmt"].submission.values["dung_sp_than_thien"] is False


@pytest.mark.parametrize("unit_id", ACCEPTED)
def test_intake_reads_exactly_the_values_entered(kh178: Plan, subs, unit_id):
    sub = subs[unit_id].submission
    expected = {k: _as_read(v) for k, v in default_values(kh178, unit_id, YEAR).items()} | READ[unit_id]
    assert sub.values == expected
    assert sub.notes == ENTRIES[unit_id].get("notes", {})
    assert sub.problems == ()  # not even a warning: "1.250" in a count is not ambiguous


@pytest.mark.parametrize("unit_id", ACCEPTED)
def test_contact_tasks_and_texts_keep_their_vietnamese_diacritics(kh178: Plan, subs, unit_id):
    sub = subs[unit_id].submission
    cells = form_cells(kh178, unit_id, YEAR, **ENTRIES[unit_id])
    contact = {k[3:]: v["value"] for k, v in cells.items() if k.startswith("lh.")}
    assert sub.contact == Contact(contact["nguoi_lap"], contact["dien_thoai"], MADE[unit_id])
    assert sub.general == {k[6:]: v["value"] for k, v in cells.items() if k.startswith("chung.")}
    expected_tasks = tuple(
        TaskReport(
            k[3:],
            role_of(kh178, unit_id, k[3:]),
            v.get("status", ""),
            v.get("result", ""),
            v.get("difficulties", ""),
            v.get("proposals", ""),
        )
        for k, v in cells.items()
        if k.startswith("nv.")
    )
    assert sub.tasks == expected_tasks


def test_the_typed_results_survive_word_for_word(subs):
    ktht = {t.item_id: t for t in subs["ktht"].submission.tasks}
    assert ktht["I.1.a"].status == "Đã hoàn thành"
    assert ktht["I.1.a"].result.endswith("tiểu thương; đạt 85% kế hoạch năm")
    assert ktht["II.4"].status == "Đang thực hiện"
    assert subs["tnmt"].submission.notes == {"so_co_so_tuan_thu": "Đạt 85% số cơ sở được kiểm tra"}
    assert subs["tnmt"].submission.contact.phone == "0918 123 456"


def test_units_are_accepted_on_time_or_late_by_their_date(intake, subs):
    assert {u: subs[u].state for u in ACCEPTED} == {
        "ktht": SUBMITTED,
        "tnmt": SUBMITTED,
        "xa-an-binh": SUBMITTED,
        "xa-my-hiep": LATE,
    }
    assert sorted(s.unit_id for s in intake.accepted()) == sorted(ACCEPTED)
    assert intake.rejected == []


def test_a_percent_instead_of_the_raw_count_is_refused_after_libreoffice(subs):
    st = subs["xa-ba-sao"]
    assert st.state == HAS_ERRORS
    found = [(p.code, p.sheet, p.value, p.message.split("»")[0]) for p in st.submission.problems if p.is_error]
    # "85%" typed as text, and 85% typed into a %-formatted cell (stored by LibreOffice as 0,85)
    assert found == [
        ("nhap-phan-tram", "Chỉ tiêu", "85%", "«Tổng số cửa hàng tiện lợi trên địa bàn"),
        ("nhap-phan-tram", "Chỉ tiêu", "85%", "«Trong đó: số cửa hàng tiện lợi sử dụng bao bì thân thiện môi trường"),
    ]
    assert st.submission.values["so_cua_hang_tien_loi"] is None
    assert st.submission.values["so_cua_hang_bao_bi_xanh"] is None


# --------------------------------------------------------------------------- a second office program


@pytest.fixture(scope="module")
def gnumeric(kh178: Plan, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[bytes, bytes]]:
    """unit → (the filled form as typed, the same form re-saved as .xlsx by Gnumeric's ssconvert)."""
    exe = require_tool("ssconvert", "gnumeric")
    root = tmp_path_factory.mktemp("gnumeric")
    ws = init_workspace(root / "ws", ROOT)
    forms = dict(zip((u.id for u in kh178.units), write_forms(ws, kh178, YEAR), strict=True))
    out = {}
    for unit_id in ACCEPTED:
        typed = fill_form(forms[unit_id].read_bytes(), form_cells(kh178, unit_id, YEAR, **ENTRIES[unit_id]))
        src, dst = root / f"{unit_id}.xlsx", root / f"{unit_id}-gnumeric.xlsx"
        src.write_bytes(typed)
        proc = subprocess.run(
            [exe, "--export-type=Gnumeric_Excel:xlsx2", str(src), str(dst)], capture_output=True, text=True, timeout=120
        )
        assert proc.returncode == 0 and dst.is_file(), proc.stderr
        out[unit_id] = (typed, dst.read_bytes())
    return out


@pytest.mark.parametrize("unit_id", ACCEPTED)
def test_a_form_resaved_by_gnumeric_reads_the_same_as_the_original(kh178: Plan, gnumeric, unit_id):
    typed, resaved = gnumeric[unit_id]
    original = read_data(typed, f"{unit_id}.xlsx", kh178, YEAR).submission
    again = read_data(resaved, f"{unit_id}.xlsx", kh178, YEAR)
    assert again.rejection is None and again.submission is not None
    sub = again.submission
    assert "gnumeric" in sub.provenance.application.lower()  # really Gnumeric's file, not ours
    assert (sub.values, sub.notes, sub.contact, sub.tasks, sub.general, sub.problems) == (
        original.values,
        original.notes,
        original.contact,
        original.tasks,
        original.general,
        original.problems,
    )
    assert sub.values == {k: _as_read(v) for k, v in default_values(kh178, unit_id, YEAR).items()} | READ[unit_id]


# --------------------------------------------------------------------------- the report


def test_bao_cao_reports_the_states_of_the_units(bao_cao, kh178: Plan):
    result, folder = bao_cao
    assert result.exit_code == 0, result.output
    n = len(kh178.units)
    optional = sum(1 for u in kh178.units if not u.required)
    assert (
        f"Tổng số {n} đơn vị: 3 đã nộp đúng hạn, 1 nộp muộn, 1 có lỗi, {n - 5 - optional} chưa nộp, "
        f"{optional} đơn vị không bắt buộc chưa nộp."
    ) in result.output
    assert sorted(p.name for p in folder.iterdir()) == [
        f"bao-cao-{YEAR}.docx",
        f"nhat-ky-{YEAR}.json",
        f"tong-hop-{YEAR}.xlsx",
    ]


def test_the_report_shows_the_figures_that_went_through_libreoffice(bao_cao):
    _, folder = bao_cao
    text = docx_text(folder / f"bao-cao-{YEAR}.docx")
    # by hand: bao gói BVTV thu gom (85,5 + 68,25) / phát sinh (100 + 80) = 153,75 / 180 = 85,4 %
    assert "85,4 %\n(153,75/180 kg)" in text
    # cửa hàng tiện lợi (8 + 12) / (10 + 20) = 66,7 %; cơ sở tuân thủ 34 / 40 = 85 %; Có 1 of 2 answers = 50 %
    assert "66,7 %\n(20/30 cửa hàng)" in text
    assert "85 %\n(34/40 cơ sở)" in text
    assert "50 %\n(1/2 đơn vị trả lời «Có»)" in text
    # cơ sở cung ứng nông sản an toàn: 1.250 + 7
    assert "Số doanh nghiệp, cơ sở tham gia cung ứng, phân phối nông sản thực phẩm an toàn: 1.257 cơ sở" in text
    # Phụ lục I, xã An Bình's own row: 100 | 85,5 | 85,5 %
    assert "UBND xã An Bình\n100\n85,5\n85,5 %" in text
    assert "đạt 85% kế hoạch năm" in text
    assert "UBND xã Ba Sao (có lỗi, chưa tổng hợp)" in text


def test_the_summary_workbook_and_record_hold_the_same_numbers(bao_cao, kh178: Plan):
    _, folder = bao_cao
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(io.BytesIO((folder / f"tong-hop-{YEAR}.xlsx").read_bytes()))
    order = [ind.id for ind in kh178.indicators_in(YEAR)]
    row = order.index("bao_bi_bvtv") + 2
    assert wb["Chỉ tiêu"].cell(row, 6).value == pytest.approx(100 * 153.75 / 180)
    by_unit = {(r[2], r[4]): r[5] for r in wb["Theo đơn vị"].iter_rows(min_row=2, values_only=True)}
    labels = kh178.all_inputs()
    assert by_unit[("xa-an-binh", labels["bao_bi_bvtv_thu_gom"].label)] == 85.5
    assert by_unit[("xa-an-binh", labels["so_co_so_cung_ung_ntp"].label)] == 1250
    assert by_unit[("tnmt", labels["dung_sp_than_thien"].label)] == "Không"
    record = json.loads((folder / f"nhat-ky-{YEAR}.json").read_text(encoding="utf-8"))
    used = {u["unit"]: u for u in record["units"] if u["file"]}
    assert sorted(used) == sorted(ENTRIES)
    assert all("LibreOffice" in u["file"]["application"] for u in used.values())
    bvtv = next(i for i in record["indicators"] if i["indicator"] == "bao_bi_bvtv")
    assert bvtv["values_by_unit"]["xa-an-binh"] == {"bao_bi_bvtv_phat_sinh": 100.0, "bao_bi_bvtv_thu_gom": 85.5}
    assert bvtv["input_totals"]["bao_bi_bvtv_thu_gom"] == {"total": 153.75, "answered": 2}


def test_the_pdf_of_the_report_holds_header_title_indicators_and_signer(pdf, kh178: Plan):
    text, pages = pdf
    flat = squash(text)
    for needle in (
        "ỦY BAN NHÂN DÂN",
        "HUYỆN CAO LÃNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO",
        f"Cao Lãnh, ngày 08 tháng 12 năm {YEAR}",
        kh178.signer.name,
        "85,4 %",
        "153,75/180",
    ):
        assert squash(needle) in flat, needle
    texts = [ind.text for ind in kh178.indicators]
    for i, ind in enumerate(kh178.indicators_in(YEAR), 1):  # Phụ lục I heads each indicator "1. <wording>"
        prefix = distinctive_prefix(ind.text, texts)
        assert squash(f"{i}. {prefix}") in flat, ind.id
    # The body (header to signature) is a few pages; the appendices list every unit per indicator.
    sheets = text.split("\f")
    body = next(i for i, page in enumerate(sheets) if squash("SỐ LIỆU CÁC CHỈ TIÊU THEO TỪNG ĐƠN VỊ") in squash(page))
    assert squash(kh178.signer.name) in squash("".join(sheets[:body]))  # signed before Phụ lục I begins
    assert 3 <= body <= 15, body
    assert body < pages <= 40, pages
