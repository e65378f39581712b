"""The shared types: what a form gave (``Submission``), what intake made of the inbox
(``IntakeResult``), and a finding in a file (``Problem`` with a stable code from ``CODES``).

The stages pass these along: intake builds them, the rules and the reader fill ``Problem``s,
aggregation, report, workbook and console read them. Kept apart from every stage so that each
imports the types without importing another stage (no import cycles: tests/test_architecture.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TypeGuard

from .values import cell_text, format_number

# --------------------------------------------------------------------------- problems

ERROR = "loi"
WARNING = "canh-bao"
SEVERITY_LABELS = {ERROR: "Lỗi", WARNING: "Cảnh báo"}

# Every code a problem can carry, with its one-line meaning (the reference for the clerk and tests;
# each is explained in the README's code table: tests/test_readme.py). The rules are in ``rules``.
CODES: dict[str, str] = {
    # the file as a whole (IntakeResult.rejected)
    "tep-rong": "tệp rỗng (0 byte)",
    "tep-qua-lon": "tệp (25 MB), một thành phần XML (8 MB) hoặc một trang (50.000 ô) vượt giới hạn, không đọc",
    "khong-phai-excel": "nội dung không phải Excel (văn bản, byte ngẫu nhiên) dù tên là .xlsx",
    "xls-cu": "định dạng Excel 97–2003 (.xls): cần lưu lại thành .xlsx",
    "co-mat-khau": "tệp được đặt mật khẩu (mã hóa): cần gỡ mật khẩu",
    "khong-phai-bieu-mau": "tệp khác loại (PDF, Word, CSV, ảnh, nén…) hoặc sổ Excel không phải biểu mẫu",
    "tep-hong": "tệp hỏng, không trọn vẹn",
    "xml-nguy-hiem": "thành phần XML có khai báo DOCTYPE/ENTITY (tệp độc hại)",
    "zip-bom": "tệp nén bung ra quá lớn hoặc khai báo sai kích thước (zip bomb)",
    "thu-muc": "thư mục đặt tên như tệp (vẫn đọc các tệp bên trong)",
    "lien-ket-ngoai": "liên kết (symlink) trỏ ra ngoài inbox/: không theo",
    "khong-doc-duoc": "hệ điều hành không cho đọc tệp (quyền, tệp bị khóa, vừa bị xóa)",
    "sai-nam": "biểu mẫu của năm khác",
    "sai-ky": "biểu mẫu của kỳ báo cáo khác (báo cáo năm / báo cáo đột xuất --ky)",
    "sai-ke-hoach": "biểu mẫu của kế hoạch khác",
    "sai-don-vi": "mã đơn vị không có trong config",
    "phien-ban-moi": "biểu mẫu mới hơn cấu hình: cần cập nhật config/chương trình",
    "phien-ban-cu": "biểu mẫu phiên bản cũ (lỗi nếu thiếu dòng cần đọc, cảnh báo nếu đủ)",
    "loi-doc": "lỗi bất thường khi đọc tệp (kể cả chương trình đọc bị dừng đột ngột): bỏ qua tệp, đọc tiếp các "
    "tệp khác",
    # cells of a form (Submission.problems)
    "thieu-dong": "không tìm thấy dòng (mã ở cột A) cần đọc",
    "ma-khong-khop": "mã biểu mẫu hiện trên một trang khác mã ẩn của tệp",
    "khoa-trung": "(cảnh báo) một mã dòng xuất hiện nhiều lần, dùng dòng đầu",
    "o-ngoai-vung": "(cảnh báo) có dữ liệu ở ô ngoài vùng của biểu mẫu (ví dụ XFD1048576): bỏ qua các ô đó",
    "o-trung": "một ô được ghi hai lần trong tệp (tệp bị chương trình khác sửa)",
    "so-khong-hop-le": "giá trị không phải số hợp lệ: NaN, vô cực, số tràn (1e999) hoặc lớn quá 10^15",
    "cong-thuc": "(cảnh báo) ô nhập có công thức: dùng kết quả đã lưu, nêu công thức",
    "cong-thuc-ngoai": "ô nhập có công thức DDE, liên kết tệp khác hoặc hàm web (WEBSERVICE…): không dùng",
    "cong-thuc-chua-tinh": "công thức chưa có giá trị đã tính",
    "nhap-phan-tram": "nhập tỷ lệ % thay cho số liệu gốc",
    "khong-phai-so": "chữ hoặc giá trị không phải số ở ô số liệu",
    "so-am": "số âm",
    "khong-phai-so-nguyen": "số lẻ ở ô phải là số nguyên",
    "thieu-so-lieu": "ô số liệu bỏ trống (không có thì nhập 0)",
    "khong-phai-co-khong": "ô Có/Không ghi giá trị khác",
    "phan-lon-hon-tong": "phần lớn hơn tổng (tử số > mẫu số của một tỷ lệ)",
    "thieu-trang-thai": "nhiệm vụ chủ trì chưa chọn tình trạng",
    "trang-thai-khong-hop-le": "tình trạng không thuộc danh sách",
    "thieu-thong-tin": "thiếu người lập, điện thoại hoặc ngày lập",
    "ngay-khong-hop-le": "ngày lập không phải ngày hoặc ngoài kỳ báo cáo",
    "goc-thay-doi": "(cảnh báo) số liệu năm gốc khác số đơn vị đã báo cáo năm trước",
    "van-ban-qua-dai": "(cảnh báo) ô chữ dài hơn giới hạn của ô trong biểu mẫu (layout.TEXT_LIMITS)",
    "ngay-ngoai-khoang": "(cảnh báo) ngày lập trước 01/01 năm báo cáo (biểu mẫu cũ?) hoặc sau ngày tệp được lưu "
    "(gõ nhầm?)",
    "thieu-ket-qua": "(cảnh báo) nhiệm vụ chủ trì đã/đang thực hiện mà chưa ghi kết quả",
    "so-mo-ho": "(cảnh báo) số viết có thể hiểu hai cách; nói rõ đã đọc thế nào",
    "so-qua-lon": "(cảnh báo) số lớn bất thường (trên 1.000.000)",
    "giam-tang": "(cảnh báo) năm báo cáo lớn hơn năm gốc ở chỉ tiêu giảm",
    "bien-dong-lon": "(cảnh báo) số liệu gấp 10 lần trở lên, hoặc chỉ bằng 1/10, số liệu năm trước",
    # the history workbook (lich-su/*.xlsx)
    "lich-su-lech": "(cảnh báo) tổng huyện nhập tay khác tổng số liệu các đơn vị của cùng năm",
    "lich-su-trung": "(cảnh báo) một năm có trong hai sổ lịch sử; dùng sổ xếp trước theo tên",
}


@dataclass(frozen=True)
class Problem:
    """One finding about a file or a cell, with the Vietnamese message a clerk reads."""

    code: str  # stable id, e.g. "so-am", "thieu-trang-thai", "tep-hong"
    message: str  # Vietnamese: what is wrong and what to do
    severity: str = ERROR  # ERROR | WARNING
    file: str = ""  # path relative to inbox/, "/" separators
    sheet: str = ""
    cell: str = ""  # "E12"
    value: str = ""  # the value found, as text
    expected: str = ""  # what is expected, Vietnamese
    detail: str = ""  # technical detail (a traceback) for --debug and the run record; never shown to the clerk

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def where(self) -> str:
        parts = [
            p
            for p in (self.file, f"trang «{self.sheet}»" if self.sheet else "", f"ô {self.cell}" if self.cell else "")
            if p
        ]
        return ", ".join(parts)

    def text(self) -> str:
        """One line for a log or console: place, severity, message."""
        where = self.where()
        return f"{where + ': ' if where else ''}[{SEVERITY_LABELS.get(self.severity, self.severity)}] {self.message}"


@dataclass(frozen=True)
class Cell:
    """One input cell as read: the raw value (``sheet_cells``) plus the package facts about it."""

    file: str
    sheet: str
    ref: str  # "E12"
    raw: object  # str ("" when blank), float, bool, date, datetime…
    label: str = ""  # what the row asks, for messages
    percent: bool = False  # %-formatted (style → numFmt 9/10 or a custom format with "%")
    formula_pending: bool = False  # a formula with no cached value
    error: str = ""  # "#DIV/0!" when the cell holds an error value
    formula: str = ""  # the formula's text when the cell holds one ("SUM(E7:E9)")
    invalid: str = ""  # a number literal in the file that is not a finite number: "NaN", "INF", "1e999"

    @property
    def blank(self) -> bool:
        return not self.error and (self.raw is None or (isinstance(self.raw, str) and not cell_text(self.raw)))

    def shown(self) -> str:
        """The value as the person saw it."""
        if self.formula_pending:
            return "(công thức chưa tính)"
        if self.error:
            return self.error
        if self.percent and is_number(self.raw):
            return format_number(float(self.raw) * 100, grouping=False) + "%"
        return cell_text(self.raw)


def is_number(raw: object) -> TypeGuard[int | float]:
    """A number as a cell holds it (a bool is not one, though Python says it is an int)."""
    return isinstance(raw, int | float) and not isinstance(raw, bool)


# --------------------------------------------------------------------------- submissions

# Unit states shown to the clerk
SUBMITTED = "da-nop"  # đã nộp
LATE = "nop-muon"  # nộp muộn (accepted, after the deadline)
HAS_ERRORS = "co-loi"  # có lỗi (received, rejected until fixed)
MISSING = "chua-nop"  # chưa nộp

STATE_LABELS = {
    SUBMITTED: "Đã nộp",
    LATE: "Nộp muộn",
    HAS_ERRORS: "Có lỗi",
    MISSING: "Chưa nộp",
}

# A unit's role in a task (TaskReport.role)
LEAD, PARTNER = "chu-tri", "phoi-hop"


@dataclass(frozen=True)
class Provenance:
    """Where a submission came from: path in inbox/, hash, size, modified time, saving program."""

    path: str  # relative to inbox/, "/" separators
    sha256: str
    size: int
    modified: dt.datetime  # file modification time (local, naive)
    application: str = ""  # program that saved it, from docProps/app.xml when present


@dataclass(frozen=True)
class Contact:
    """Who prepared the form, their phone, and the date they wrote on it."""

    preparer: str  # người lập
    phone: str  # điện thoại
    date: dt.date | None  # ngày lập


@dataclass(frozen=True)
class TaskReport:
    """A unit's report on one task item."""

    item_id: str  # "I.1.a"
    role: str  # LEAD | PARTNER
    status: str  # one of layout.TASK_STATUSES, or "" when not chosen
    result: str
    difficulties: str
    proposals: str


@dataclass(frozen=True)
class Submission:
    """One accepted form, read: the unit's values, notes, tasks, texts and problems."""

    unit_id: str
    plan_id: str
    year: int
    template_version: int
    contact: Contact
    values: dict[str, float | bool | None]  # input id → number, True/False for Có/Không, None blank
    notes: dict[str, str]  # input id → note text
    tasks: tuple[TaskReport, ...]
    general: dict[str, str]  # layout.GENERAL_KEYS → text
    problems: tuple[Problem, ...]
    provenance: Provenance
    funding: dict[str, float | None] = field(default_factory=dict)  # funding line → triệu đồng (see funding.py)

    @property
    def accepted(self) -> bool:
        return not any(p.is_error for p in self.problems)

    @property
    def made_on(self) -> dt.date:
        """The date the form counts as made: its ngày lập (but never after the day the file was saved:
        such a date is a typo, warned as ``ngay-ngoai-khoang``), else the file's modification date."""
        saved = saved_on(self.provenance)
        if self.contact.date is None:
            return self.provenance.modified.date()
        return min(self.contact.date, saved) if saved else self.contact.date


UNKNOWN_TIME = dt.datetime(1970, 1, 1)  # Provenance.modified of bytes that came without a file time


def saved_on(prov: Provenance) -> dt.date | None:
    """The day the file was last saved (its modification time), None when unknown."""
    return None if prov.modified <= UNKNOWN_TIME else prov.modified.date()


@dataclass(frozen=True)
class UnitStatus:
    """One unit's state for the year and the submission used (the others set aside)."""

    unit_id: str
    state: str  # SUBMITTED | LATE | HAS_ERRORS | MISSING
    submission: Submission | None  # the file used (also when it has errors)
    set_aside: tuple[str, ...] = ()  # other files for this unit that were not used, with reason
    late: bool = False


@dataclass
class IntakeResult:
    """Every unit's state after reading inbox/, the files refused, and the years before."""

    year: int
    statuses: list[UnitStatus]  # one per unit of the plan, in plan order
    rejected: list[tuple[Provenance, Problem]]  # files that are not usable forms at all
    # indicator id → year → the value reported in earlier years (for baselines); set by run, not by intake
    history: dict[str, dict[int, float]] = field(default_factory=dict)

    def accepted(self) -> list[Submission]:
        return [s.submission for s in self.statuses if s.submission is not None and s.state in (SUBMITTED, LATE)]


@dataclass(frozen=True)
class FileResult:
    """What one inbox file gave: a submission, a file-level rejection, or nothing (skipped silently)."""

    provenance: Provenance
    submission: Submission | None = None
    rejection: Problem | None = None  # neither: skipped silently (lock or system file)


# --------------------------------------------------------------------------- history (years before the one reported)

RECORD = "nhat-ky"  # source of a year: a run record of ``bao-cao``
WORKBOOK = "lich-su"  # source of a year: a history workbook typed by the clerk
CURRENT = "bao-cao"  # the year being reported (the summary in memory)

Values = dict[str, float | bool | None]


@dataclass(frozen=True)
class IndicatorYear:
    """One indicator in one year, as history knows it."""

    indicator: str
    value: float | None  # % (0–100) for percent formulas, a count for "tong", None for "dem"
    totals: dict[str, tuple[float | None, int]]  # input id → (district total, units answering)
    reported: int | None  # units that reported it (None: unknown, totals typed as history)
    expected: int | None  # units that had to report it (None: unknown)
    by_unit: dict[str, Values] = field(default_factory=dict)  # unit id → its inputs


@dataclass(frozen=True)
class YearHistory:
    """One earlier year's indicator values, from a run record or a history workbook."""

    year: int
    source: str  # RECORD | WORKBOOK | CURRENT
    file: str  # the record's or the workbook's file name(s)
    indicators: dict[str, IndicatorYear]
    units: dict[str, str] = field(default_factory=dict)  # unit id → SUBMITTED | LATE | HAS_ERRORS | MISSING
    tasks: dict[str, tuple[bool, bool, str]] = field(default_factory=dict)  # item → (active, reported, status)
    funding: FundingYear | None = None  # when the year's run record carries funding


@dataclass(frozen=True)
class FundingYear:
    """Funding of one year as its run record gives it (triệu đồng)."""

    total: float | None
    state_budget: float | None
    other_sources: float | None
    units: int  # units that reported funding
    expected: int | None  # units asked
