"""Intake: every file under inbox/ → identified, read and validated submissions.

(The data types below are the contract the aggregation and report stages consume.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .rules import Problem

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

# Task status values offered in the form's dropdown
TASK_STATUSES = ("Đã hoàn thành", "Đang thực hiện", "Chưa thực hiện")
LEAD, PARTNER = "chu-tri", "phoi-hop"
GENERAL_KEYS = ("kho_khan", "kien_nghi", "phuong_huong")


@dataclass(frozen=True)
class Provenance:
    path: str  # relative to inbox/, "/" separators
    sha256: str
    size: int
    modified: dt.datetime  # file modification time (local, naive)
    application: str = ""  # program that saved it, from docProps/app.xml when present


@dataclass(frozen=True)
class Contact:
    preparer: str  # người lập
    phone: str  # điện thoại
    date: dt.date | None  # ngày lập


@dataclass(frozen=True)
class TaskReport:
    item_id: str  # "I.1.a"
    role: str  # LEAD | PARTNER
    status: str  # one of TASK_STATUSES, or "" when not chosen
    result: str
    difficulties: str
    proposals: str


@dataclass(frozen=True)
class Submission:
    unit_id: str
    plan_id: str
    year: int
    template_version: int
    contact: Contact
    values: dict[str, float | bool | None]  # input id → number, True/False for Có/Không, None blank
    notes: dict[str, str]  # input id → note text
    tasks: tuple[TaskReport, ...]
    general: dict[str, str]  # GENERAL_KEYS → text
    problems: tuple[Problem, ...]
    provenance: Provenance

    @property
    def accepted(self) -> bool:
        return not any(p.is_error for p in self.problems)


@dataclass(frozen=True)
class UnitStatus:
    unit_id: str
    state: str  # SUBMITTED | LATE | HAS_ERRORS | MISSING
    submission: Submission | None  # the file used (also when it has errors)
    set_aside: tuple[str, ...] = ()  # other files for this unit that were not used, with reason
    late: bool = False


@dataclass
class IntakeResult:
    year: int
    statuses: list[UnitStatus]  # one per unit of the plan, in plan order
    rejected: list[tuple[Provenance, Problem]]  # files that are not usable forms at all
    notices: list[str] = field(default_factory=list)  # Vietnamese lines: duplicates set aside …

    def accepted(self) -> list[Submission]:
        return [
            s.submission
            for s in self.statuses
            if s.submission is not None and s.state in (SUBMITTED, LATE)
        ]
