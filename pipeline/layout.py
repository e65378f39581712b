"""The form's layout: what the form writer (``forms``) and the reader (``form_reader``) share.

* a very hidden sheet ``_id`` holds key/value rows (``ID_FIELDS``) identifying plan, unit,
  year and template version; every visible data sheet repeats it in cell B3 as
  ``Mã biểu mẫu: <plan>/<unit>/<year>/v<version>`` (``ID_PATTERN``); an ad-hoc period's form
  adds ``/<period slug>`` there and the rows ``PERIOD_FIELDS`` to ``_id``;
* on every data sheet, hidden column A holds a key per input row, built by the ``*_key``
  functions below (``lh.*`` contact, ``chung.*`` general text, ``ct.<input id>`` indicator
  inputs, ``kp.<line>`` funding, ``nv.<task item id>`` tasks); the input cells of that row sit
  in the fixed columns of ``COLUMNS``. Rows are found by key, never by number, so an inserted
  row does not break reading;
* the ngày lập dates a form accepts (``date_range``) and those it expects (``reporting_window``),
  the task statuses of the dropdown and the yes/no words are the same for writer and reader.

Kept apart from ``forms`` so that reading a form never loads the workbook writer (openpyxl,
numpy: a quarter of a second at start-up, in every worker of the reading pool).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
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

# The key prefixes in column A, one per kind of row
CONTACT, GENERAL, INPUT, FUNDING, TASK = "lh", "chung", "ct", "kp", "nv"


def contact_key(field: str) -> str:
    """``lh.nguoi_lap``: a contact row (``CONTACT_FIELDS``)."""
    return f"{CONTACT}.{field}"


def general_key(name: str) -> str:
    """``chung.kho_khan``: a general text (``GENERAL_KEYS``)."""
    return f"{GENERAL}.{name}"


def input_key(input_id: str) -> str:
    """``ct.so_ccn``: the row of an indicator's input."""
    return f"{INPUT}.{input_id}"


def funding_key(line: str) -> str:
    """``kp.ngan_sach``: a funding line (``funding.py``)."""
    return f"{FUNDING}.{line}"


def task_key(item_id: str) -> str:
    """``nv.I.1.a``: a task item's row."""
    return f"{TASK}.{item_id}"


def key_prefix(key: str) -> str:
    """The kind of row a key names: ``nv.I.1.a`` → ``nv`` (a key of ``COLUMNS``)."""
    return key.split(".", 1)[0]


# key prefix → field → column letter of the input cell on that row
COLUMNS: dict[str, dict[str, str]] = {
    CONTACT: {"value": "C"},
    GENERAL: {"value": "C"},
    INPUT: {"value": "E", "note": "F"},
    FUNDING: {"value": "E", "note": "F"},  # on the indicator sheet
    TASK: {"status": "E", "result": "F", "difficulties": "G", "proposals": "H"},
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
YES, NO = "Có", "Không"  # the answers of a co_khong input (the dropdown)
# A task's status: the form's dropdown, in this order
DONE, IN_PROGRESS, NOT_STARTED = "Đã hoàn thành", "Đang thực hiện", "Chưa thực hiện"
TASK_STATUSES = (DONE, IN_PROGRESS, NOT_STARTED)
NEEDS_RESULT = frozenset({DONE, IN_PROGRESS})  # a led task in these states needs a result text
KIND_LABELS = {
    "so_nguyen": "số nguyên, không âm",
    "so_thap_phan": "số, không âm, có thể có phần thập phân",
    "co_khong": "chọn Có hoặc Không",
}


# Longest text (characters) each free-text cell takes: the form's validation and intake's
# check use these numbers. Each fits in one printed row of its column (tests/test_print.py).
TEXT_LIMIT = 2_000  # the general texts: difficulties, proposals, next year's direction
# Keyed by a row's key, by "<prefix>.<field>" or by a prefix (``text_limit`` looks in this order).
TEXT_LIMITS: dict[str, int] = {
    contact_key("nguoi_lap"): 100,
    contact_key("dien_thoai"): 15,
    GENERAL: TEXT_LIMIT,
    f"{INPUT}.note": 300,
    f"{FUNDING}.note": 300,
    f"{TASK}.result": 1_000,
    f"{TASK}.difficulties": 500,
    f"{TASK}.proposals": 500,
}
PHONE_CHARS = "0123456789 .+"
PHONE_LENGTH = (8, 15)


@lru_cache(maxsize=4096)
def text_limit(key: str, field: str = "value") -> int | None:
    """The length limit of the text cell ``field`` of row ``key`` (None: not a free text). Cached: intake
    asks it for every text cell of every form."""
    prefix = key_prefix(key)
    return TEXT_LIMITS.get(key) or TEXT_LIMITS.get(f"{prefix}.{field}") or TEXT_LIMITS.get(prefix)


def date_range(year: int) -> tuple[dt.date, dt.date]:
    """The ngày lập a form for ``year`` can have: outside, the date is refused (``ngay-khong-hop-le``)."""
    return dt.date(year - 1, 1, 1), dt.date(year + 1, 12, 31)


def reporting_window(year: int) -> tuple[dt.date, dt.date]:
    """The ngày lập a form for ``year`` normally has: the form's validation warns outside, and
    intake warns before its start (``ngay-ngoai-khoang``)."""
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _with_year(label: str, words: str, year: int) -> str:
    """``label`` naming ``year``: "…, năm gốc" → "…, năm gốc 2021"; without the words, appended."""
    if re.search(rf"\b{words}\s*$", label):
        return f"{label.rstrip()} {year}"
    return f"{label} ({words} {year})"


def input_label(plan: Plan, ind: Indicator, inp: Input, year: int) -> str:
    """The input's label; a reduction's baseline and current amounts name their year."""
    if ind.spec.baseline:
        if inp.id in ind.denominator:
            return _with_year(inp.label, "năm gốc", plan.baseline_year)
        if inp.id in ind.numerator:
            label = re.sub(r",?\s*năm báo cáo\s*$", "", inp.label)
            return f"{label}, năm {year}" if label != inp.label else f"{label} (năm {year})"
    return inp.label
