"""The form's layout: what the form writer (``forms``) and the reader (``form_reader``) share.

* a very hidden sheet ``_id`` holds key/value rows (``ID_FIELDS``) identifying plan, unit,
  year and template version; every visible data sheet repeats it in cell B3 as
  ``Mã biểu mẫu: <plan>/<unit>/<year>/v<version>`` (``ID_PATTERN``); an ad-hoc period's form
  adds ``/<period slug>`` there and the rows ``PERIOD_FIELDS`` to ``_id``;
* on every data sheet, hidden column A holds a key per input row (``lh.*`` contact,
  ``chung.*`` general text, ``ct.<input id>`` indicator inputs, ``nv.<task item id>`` tasks);
  the input cells of that row sit in the fixed columns of ``COLUMNS``.

Kept apart from ``forms`` so that reading a form never loads the workbook writer (openpyxl,
numpy: a quarter of a second at start-up, in every worker of the reading pool).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .plan import Indicator, Input, Plan

FORM_KIND = "baocao-bieu-mau"
ID_SHEET = "_id"
ID_FIELDS = ("loai", "ke_hoach", "don_vi", "nam", "phien_ban", "ten_don_vi")
PERIOD_FIELDS = ("ky", "ten_ky")  # an ad-hoc period's form only: its slug and name (none: a yearly form)
ID_PATTERN = re.compile(r"Mã biểu mẫu:\s*([A-Za-z0-9._-]+)/([a-z0-9-]+)/(\d{4})/v(\d+)(?:/([a-z0-9-]+))?")
ID_CELL = "B3"

SHEET_GUIDE = "Hướng dẫn"
SHEET_INFO = "Thông tin"
SHEET_INDICATORS = "Chỉ tiêu"
SHEET_TASKS = "Nhiệm vụ"

# key prefix → field → column letter of the input cell on that row
COLUMNS: dict[str, dict[str, str]] = {
    "lh": {"value": "C"},
    "chung": {"value": "C"},
    "ct": {"value": "E", "note": "F"},
    "kp": {"value": "E", "note": "F"},  # funding (funding.py), on the indicator sheet
    "nv": {"status": "E", "result": "F", "difficulties": "G", "proposals": "H"},
}
CONTACT_FIELDS = {
    "nguoi_lap": "Người lập biểu (họ và tên)",
    "dien_thoai": "Số điện thoại liên hệ",
    "ngay_lap": "Ngày lập biểu (ngày/tháng/năm)",
}
GENERAL_KEYS = ("kho_khan", "kien_nghi", "phuong_huong")
GENERAL_LABELS = {
    "kho_khan": "Khó khăn, vướng mắc",
    "kien_nghi": "Kiến nghị, đề xuất",
    "phuong_huong": "Phương hướng, nhiệm vụ năm {next_year}",
}
YES, NO = "Có", "Không"
# Task status values offered in the form's dropdown
TASK_STATUSES = ("Đã hoàn thành", "Đang thực hiện", "Chưa thực hiện")
KIND_LABELS = {
    "so_nguyen": "số nguyên, không âm",
    "so_thap_phan": "số, không âm, có thể có phần thập phân",
    "co_khong": "chọn Có hoặc Không",
}


# Longest text (characters) each free-text cell takes: the form's validation and intake's
# check use these numbers. Each fits in one printed row of its column (tests/test_print.py).
TEXT_LIMIT = 2_000  # the general texts: difficulties, proposals, next year's direction
TEXT_LIMITS: dict[str, int] = {
    "lh.nguoi_lap": 100,
    "lh.dien_thoai": 15,
    "chung": TEXT_LIMIT,
    "ct.note": 300,
    "kp.note": 300,
    "nv.result": 1_000,
    "nv.difficulties": 500,
    "nv.proposals": 500,
}
PHONE_CHARS = "0123456789 .+"
PHONE_LENGTH = (8, 15)


def text_limit(key: str, field: str = "value") -> int | None:
    """The length limit of the text cell ``field`` of row ``key`` (None: not a free text)."""
    prefix = key.split(".", 1)[0]
    return TEXT_LIMITS.get(key) or TEXT_LIMITS.get(f"{prefix}.{field}") or TEXT_LIMITS.get(prefix)


def _with_year(label: str, words: str, year: int) -> str:
    """``label`` naming ``year``: "…, năm gốc" → "…, năm gốc 2021"; without the words, appended."""
    if re.search(rf"\b{words}\s*$", label):
        return f"{label.rstrip()} {year}"
    return f"{label} ({words} {year})"


def input_label(plan: Plan, ind: Indicator, inp: Input, year: int) -> str:
    """The input's label; a reduction's baseline and current amounts name their year."""
    if ind.formula == "giam":
        if inp.id in ind.denominator:
            return _with_year(inp.label, "năm gốc", plan.baseline_year)
        if inp.id in ind.numerator:
            label = re.sub(r",?\s*năm báo cáo\s*$", "", inp.label)
            return f"{label}, năm {year}" if label != inp.label else f"{label} (năm {year})"
    return inp.label
