"""Printed as a person prints them: forms, feedback and summary workbooks through LibreOffice to PDF.

Forms of each kind of unit — a department that leads tasks (ktht), the Fatherland Front
(mttq), a commune (xa-my-hiep) — blank, and filled with the longest texts the form allows;
the feedback workbook of a form with errors; the summary workbook of units that wrote the
longest texts. One soffice call converts them all. From ``pdftotext -bbox-layout``: every
text line lies inside its A4 page, and no two lines are printed over each other.

A filled form's rows are those an office program leaves after the texts were typed: it grows
a row as text is typed into it (the form's rows carry no fixed-height flag), which the test
does with the same estimator (``fit_rows(grow_only=True)``) — so the print proves the
estimate holds what LibreOffice draws, even for the longest texts.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from pipeline.aggregate import aggregate
from pipeline.feedback import feedback_workbook
from pipeline.forms import build_form
from pipeline.intake import read_data
from pipeline.layout import (
    SHEET_GUIDE,
    SHEET_INDICATORS,
    SHEET_INFO,
    SHEET_TASKS,
    TEXT_LIMIT,
    TEXT_LIMITS,
)
from pipeline.model import PARTNER, TaskReport
from pipeline.plan import Plan
from pipeline.print_layout import fit_rows
from pipeline.summary_xlsx import build_workbook

from .conftest import make_submission, small_intake, small_submissions
from .filling import edit_form, fill_form, filled_form, form_cells
from .print_check import layout_faults, page_text, read_pages

YEAR = 2025  # the year the forms ask the most: both lists of indicators, tasks of 2021–2025
UNITS = ("ktht", "mttq", "xa-my-hiep")  # leads tasks; the Fatherland Front; a commune
A4 = (595.3, 841.9)
PHRASE = (
    "Tổ chức tuyên truyền về sản xuất và tiêu dùng bền vững cho 180 lượt hộ kinh doanh, tiểu thương "
    "tại chợ Mỹ Hiệp; phát 1.500 tờ rơi, treo 12 băng rôn; vận động 35 cửa hàng dùng túi thân thiện "
    "môi trường. "
)


def longest(limit: int, lines: int = 1) -> str:
    """A realistic text of exactly ``limit`` characters, in ``lines`` paragraphs."""
    text = (PHRASE * (limit // len(PHRASE) + 1))[:limit]
    if lines > 1:
        step = limit // lines
        chars = list(text)
        for i in range(1, lines):
            chars[i * step] = "\n"
        text = "".join(chars)
    return text


def longest_cells(plan: Plan, unit_id: str) -> dict:
    """Every text cell of the unit's form at its limit; numbers at their widest plausible."""
    cells = form_cells(plan, unit_id, YEAR)
    cells["lh.nguoi_lap"] = {"value": longest(TEXT_LIMITS["lh.nguoi_lap"])}
    cells["lh.dien_thoai"] = {"value": "+84 277 3851234"}
    for key in [k for k in cells if k.startswith("chung.")]:
        cells[key] = {"value": longest(TEXT_LIMIT, lines=4)}
    for key, fields in cells.items():
        if key.startswith("ct."):
            if not isinstance(fields["value"], str):
                fields["value"] = 999_999.75 if isinstance(fields["value"], float) else 999_999
            fields["note"] = longest(TEXT_LIMITS["ct.note"])
        elif key.startswith("nv."):
            fields.update(
                result=longest(TEXT_LIMITS["nv.result"], lines=3),
                difficulties=longest(TEXT_LIMITS["nv.difficulties"], lines=2),
                proposals=longest(TEXT_LIMITS["nv.proposals"], lines=2),
            )
    return cells


def typed_in(data: bytes, cells: dict) -> bytes:
    """``cells`` typed into the form, the rows grown as an office program grows them."""

    def grow(wb, rows) -> None:
        for sheet in (SHEET_INFO, SHEET_INDICATORS, SHEET_TASKS):
            fit_rows(wb[sheet], grow_only=True)

    return edit_form(fill_form(data, cells), grow)


def _feedback(plan: Plan) -> bytes:
    """The feedback workbook of a commune form with errors, warnings and a long text typed as a number."""
    data = filled_form(
        plan,
        "xa-my-hiep",
        YEAR,
        values={
            "so_cua_hang_tien_loi": "khoảng 5 cửa hàng, chưa thống kê đầy đủ " * 10,
            "bao_bi_bvtv_phat_sinh": 1800.0,
            "bao_bi_bvtv_thu_gom": 2500.0,
            "tui_nhua_cvm_nam": "1.250",
            "so_co_so_truy_xuat": -3,
        },
        contact={"dien_thoai": ""},
        tasks={"I.1.a": {"status": "xong"}},
    )
    sub = read_data(
        data,
        f"email/BC SXTDBV {YEAR} - UBND xã Mỹ Hiệp (bản sửa lần hai, gửi lại).xlsx",
        plan,
        YEAR,
        dt.datetime(YEAR, 12, 1, 9, 30),
    ).submission
    assert sub is not None and len(sub.problems) >= 5
    return feedback_workbook(plan, plan.unit("xa-my-hiep"), sub, YEAR)


def _summary(plan: Plan) -> bytes:
    """The summary workbook where units wrote the longest texts the form allows."""
    subs = small_submissions()
    long_tasks = [
        TaskReport(
            t.item_id,
            t.role,
            t.status,
            longest(TEXT_LIMITS["nv.result"], 3),
            longest(TEXT_LIMITS["nv.difficulties"]),
            longest(TEXT_LIMITS["nv.proposals"]),
        )
        for t in subs["ktht"].tasks
    ]
    subs["ktht"] = make_submission(
        "ktht",
        subs["ktht"].values,
        long_tasks,
        {k: longest(TEXT_LIMIT, 4) for k in ("kho_khan", "kien_nghi", "phuong_huong")},
    )
    subs["xa-an-binh"] = make_submission(
        "xa-an-binh",
        subs["xa-an-binh"].values,
        [
            TaskReport("I.1.a", PARTNER, "", longest(TEXT_LIMITS["nv.result"]), "", ""),
            TaskReport("I.2", PARTNER, "", longest(TEXT_LIMITS["nv.result"]), "", ""),
        ],
    )
    summary = aggregate(plan, small_intake(plan, subs))
    return build_workbook(summary, dt.datetime(2026, 12, 5))


@pytest.fixture(scope="module")
def printed(libreoffice, kh178: Plan, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """name → the PDF LibreOffice printed (one soffice call for every workbook)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) không có trên máy này: bỏ qua kiểm thử bản in.")
    src = tmp_path_factory.mktemp("print-src")
    books: dict[str, bytes] = {}
    for unit_id in UNITS:
        blank = build_form(kh178, kh178.unit(unit_id), YEAR)
        books[f"blank-{unit_id}"] = blank
        books[f"filled-{unit_id}"] = typed_in(blank, longest_cells(kh178, unit_id))
    books["feedback"] = _feedback(kh178)
    books["summary"] = _summary(kh178)
    paths = []
    for name, data in books.items():
        path = src / f"{name}.xlsx"
        path.write_bytes(data)
        paths.append(path)
    pdfs = libreoffice(paths, "pdf", tmp_path_factory.mktemp("print-pdf"))
    return {p.stem: p for p in pdfs}


@pytest.mark.parametrize(
    "name", [f"{kind}-{u}" for u in UNITS for kind in ("blank", "filled")] + ["feedback", "summary"]
)
def test_every_line_is_on_an_a4_page_and_none_is_printed_over_another(printed, name):
    assert layout_faults(printed[name]) == []
    for page in read_pages(printed[name]):
        assert sorted((round(page.width, 1), round(page.height, 1))) == sorted(A4), page.number


def squash(text: str) -> str:
    """No whitespace: pdftotext splits a word where a fallback font draws one of its letters."""
    return re.sub(r"\s+", "", text)


def _sheet_of(text: str) -> str:
    titles = {
        "BIỂU MẪU BÁO CÁO": SHEET_GUIDE,
        "THÔNG TIN CHUNG": SHEET_INFO,
        "SỐ LIỆU CHỈ TIÊU": SHEET_INDICATORS,
        "KẾT QUẢ THỰC HIỆN NHIỆM VỤ": SHEET_TASKS,
    }
    return next((sheet for title, sheet in titles.items() if squash(title) in text), "")


def test_the_longest_texts_print_whole(printed):
    printed_text = squash("".join(page_text(printed["filled-ktht"])))
    for text in (longest(TEXT_LIMIT, 4), longest(TEXT_LIMITS["nv.result"], 3), longest(TEXT_LIMITS["ct.note"])):
        assert squash(text[-80:]) in printed_text  # the end of each longest text is on paper


def test_each_sheet_starts_a_page_with_its_title_and_every_page_has_number_and_code(printed):
    pages = [squash(t) for t in page_text(printed["blank-xa-my-hiep"])]
    starts = [_sheet_of(t) for t in pages]
    assert [s for s in starts if s] == [SHEET_GUIDE, SHEET_INFO, SHEET_INDICATORS, SHEET_TASKS]
    for n, text in enumerate(pages, 1):
        assert f"Trang{n}/{len(pages)}" in text
        assert f"KH178-2021/xa-my-hiep/{YEAR}/v2" in text


def test_task_header_row_repeats_on_every_printed_page(printed):
    pages = [squash(t) for t in page_text(printed["filled-ktht"])]
    task_pages = [t for t in pages if squash("KẾT QUẢ THỰC HIỆN NHIỆM VỤ") in t or squash("Nội dung nhiệm vụ") in t]
    assert len(task_pages) >= 2
    assert all(squash("Nội dung nhiệm vụ") in t and squash("Tình trạng") in t for t in task_pages)
