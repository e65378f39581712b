"""Validation rules for one submitted form: each rule is a small function returning problems.

Problems are data, not exceptions: a ``Problem`` carries a stable code (tests assert on it),
where it is (file, sheet, cell), the value found, what is expected, and a Vietnamese message
saying what to do.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "loi"
WARNING = "canh-bao"


@dataclass(frozen=True)
class Problem:
    code: str  # stable id, e.g. "so-am", "thieu-trang-thai", "tep-hong"
    message: str  # Vietnamese: what is wrong and what to do
    severity: str = ERROR  # ERROR | WARNING
    file: str = ""  # path relative to inbox/, "/" separators
    sheet: str = ""
    cell: str = ""  # "E12"
    value: str = ""  # the value found, as text
    expected: str = ""  # what is expected, Vietnamese

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def where(self) -> str:
        parts = [p for p in (self.file, f"trang «{self.sheet}»" if self.sheet else "", f"ô {self.cell}" if self.cell else "") if p]
        return ", ".join(parts)
