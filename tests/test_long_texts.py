"""Readable at any input: every free-text field at the form's limit in every unit's form still
gives a report whose body and whole fit a bounded number of pages (LibreOffice's own count)."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess

import pytest

from pipeline.aggregate import aggregate
from pipeline.layout import GENERAL_KEYS, TEXT_LIMIT, text_limit
from pipeline.model import LEAD, PARTNER, TaskReport
from pipeline.report import render_report
from pipeline.report_text import excerpt
from tests.conftest import ROOT, make_submission, small_intake

from .print_check import pdf_text

TEMPLATE = ROOT / "templates" / "bao-cao.docx"
YEAR = 2026
WORDS = (
    "tuyên truyền",
    "vận động",
    "tiểu thương",
    "hộ kinh doanh",
    "bao bì thân thiện môi trường",
    "túi ni lông",
    "chợ nông thôn mới",
    "kinh phí",
    "cán bộ phụ trách",
    "tập huấn",
    "thu gom",
    "mô hình",
    "hợp tác xã",
    "người tiêu dùng",
    "cửa hàng tiện lợi",
)


def long_text(seed: str, n: int = TEXT_LIMIT) -> str:
    """Distinct Vietnamese sentences (so no two units' texts merge), exactly ``n`` characters."""
    out, i = [], 0
    while sum(len(s) + 1 for s in out) < n + 200:
        w = [WORDS[(i * 7 + k * 3 + len(seed)) % len(WORDS)] for k in range(4)]
        out.append(f"{seed} đã {w[0]} cho {i + 3} {w[1]}, gắn với {w[2]} và {w[3]} trong đợt {i + 1}.")
        i += 1
    return " ".join(out)[:n]


def full_summary(plan):
    subs = {}
    for unit in plan.units:
        tasks = []
        for task in plan.tasks_of(unit.id, YEAR):
            role = LEAD if task.lead == unit.id else PARTNER
            for item in task.items:
                tag = f"{unit.name} ({item.id})"
                key = f"nv.{item.id}"  # each text at its cell's limit in the form
                tasks.append(
                    TaskReport(
                        item.id,
                        role,
                        "Đang thực hiện" if role == LEAD else "",
                        long_text(tag, text_limit(key, "result")),
                        long_text("Khó khăn của " + tag, text_limit(key, "difficulties")),
                        long_text("Đề xuất của " + tag, text_limit(key, "proposals")),
                    )
                )
        general = {k: long_text(f"{k} {unit.name}") for k in GENERAL_KEYS}
        subs[unit.id] = make_submission(unit.id, {}, tasks=tasks, general=general)
    intake = small_intake(plan, subs)
    return aggregate(
        plan,
        dataclasses.replace(
            intake,
            statuses=[
                dataclasses.replace(s, state="da-nop", late=False) if s.submission is not None else s
                for s in intake.statuses
            ],
        ),
    )


def test_excerpt_cuts_at_a_sentence_or_a_word_never_mid_word():
    text = "Đã tổ chức 3 cuộc tuyên truyền. Phát 500 tờ rơi cho tiểu thương. Vận động 40 hộ kinh doanh."
    assert excerpt(text, 80) == "Đã tổ chức 3 cuộc tuyên truyền. Phát 500 tờ rơi cho tiểu thương…"
    assert excerpt(text, 40) == "Đã tổ chức 3 cuộc tuyên truyền…"
    assert excerpt("Một câu rất dài không có dấu chấm nào cả cho đến tận cuối", 30) == "Một câu rất dài không có dấu…"
    assert excerpt("Ngắn gọn.", 30) == "Ngắn gọn."


def test_every_text_at_its_limit_in_every_form_keeps_the_report_within_its_page_bounds(kh178, libreoffice, tmp_path):
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) không có trên máy này.")
    docx = tmp_path / "bao-cao.docx"
    docx.write_bytes(render_report(TEMPLATE, full_summary(kh178)))
    pdf = libreoffice(docx, "pdf", tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    text = pdf_text(pdf)
    sheets = text.split("\f")
    body = next(i for i, page in enumerate(sheets) if "SỐ LIỆU CÁC CHỈ TIÊU THEO TỪNG ĐƠN VỊ" in " ".join(page.split()))
    print(
        f"Mọi ô chữ {TEXT_LIMIT} ký tự, {len(kh178.units)} đơn vị: phần nội dung {body} trang, cả báo cáo {pages} trang"
    )
    assert body <= 15, body
    assert pages <= 45, pages
    assert kh178.signer.name in " ".join(" ".join(sheets[:body]).split())  # signed before the appendices


def test_a_free_text_over_the_limit_is_a_warning_at_its_cell_and_the_form_states_the_limit(kh178):
    import io
    import warnings

    from openpyxl import load_workbook

    from pipeline.forms import build_form
    from pipeline.intake import read_data
    from pipeline.layout import SHEET_INFO, SHEET_TASKS
    from tests.filling import filled_form

    data = filled_form(kh178, "xa-an-binh", YEAR, general={"kho_khan": long_text("Khó khăn", TEXT_LIMIT + 150)})
    sub = read_data(data, "an-binh.xlsx", kh178, YEAR).submission
    assert [(p.code, p.severity, p.sheet, p.value[:8]) for p in sub.problems] == [
        ("van-ban-qua-dai", "canh-bao", SHEET_INFO, "Khó khăn")
    ]
    assert sub.problems[0].message.startswith("«Khó khăn, vướng mắc»: 2.150 ký tự, dài hơn giới hạn 2.000 ký tự")
    assert sub.accepted and len(sub.general["kho_khan"]) == TEXT_LIMIT + 150  # kept whole, for the workbook
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(io.BytesIO(build_form(kh178, kh178.unit("ktht"), YEAR)))
    for sheet in (SHEET_INFO,):
        limits = [
            dv
            for dv in wb[sheet].data_validations.dataValidation
            if dv.type == "textLength" and dv.formula1 == str(TEXT_LIMIT)
        ]
        assert limits, sheet
    tasks = wb[SHEET_TASKS].data_validations.dataValidation
    assert any(dv.type == "textLength" and dv.formula1 == str(text_limit("nv.I.1.a", "result")) for dv in tasks)


def test_the_body_quotes_each_units_point_once_shortened_and_the_workbook_keeps_the_full_texts(kh178):
    import io

    from openpyxl import load_workbook

    from pipeline.report import summary_workbook
    from pipeline.report_context import build_context

    summary = full_summary(kh178)
    ctx = build_context(summary)
    difficulties = ctx["kho_khan"]
    quoted = [line for line in difficulties if line.startswith("- kho_khan ")]
    assert len(quoted) == len(kh178.units)  # each unit's own general point, once
    assert all(len(line) < 300 and "…" in line for line in quoted)
    assert difficulties[-1].startswith("- Các đơn vị còn nêu thêm ") and "trang «Ý kiến đơn vị»" in difficulties[-1]
    wb = load_workbook(io.BytesIO(summary_workbook(summary)))
    full = [r for r in wb["Ý kiến đơn vị"].iter_rows(min_row=2, values_only=True)]
    assert len(full) == 3 * len(kh178.units) and all(len(r[3]) == TEXT_LIMIT for r in full)
