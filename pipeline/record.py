"""The run record (nhật ký, ``outbox/bao-cao-<tag>/nhat-ky-<tag>.json``): its schema, written and read here only.

``build_record`` writes what a ``bao-cao`` run used and produced; ``read_record`` reads a record back
as typed data (``RunRecord``). Every key a reader relies on is a constant below, used by both, and
``RECORD_VERSION`` says which shape was written; an older record is upgraded in ``read_record``.
A record that lacks such a key, or holds the wrong kind of value there, raises ``RecordError``
naming the key — callers turn it into a Vietnamese notice naming the file (``unreadable_note``),
never into silence: without last year's record the ``bien-dong-lon`` and ``goc-thay-doi`` warnings
and the base-year pre-fill of the forms are off, and the clerk must know why.

Versions: 1 — records before history existed (no ``record_version``, no per-unit ``late``);
2 — ``record_version``, ``late``; an ad-hoc period's record carries ``period``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import package_version
from .model import LATE, LEAD, STATE_LABELS, SUBMITTED, FundingYear

if TYPE_CHECKING:
    from .aggregate import Summary
    from .model import Problem, Provenance
    from .workspace import Workspace

RECORD_VERSION = 2

# --------------------------------------------------------------------------- keys (written and read)

K_VERSION = "record_version"
K_YEAR = "year"
K_PERIOD = "period"  # ad-hoc periods only: {label, name, slug, deadline}
K_REPORT_DATE = "report_date"
K_UNITS = "units"
K_INDICATORS = "indicators"
K_TASKS = "tasks"
K_FUNDING = "funding"  # null, or absent in records written before forms asked it
# period
K_LABEL, K_NAME, K_SLUG, K_DEADLINE = "label", "name", "slug", "deadline"
# a unit
K_UNIT, K_STATE, K_LATE = "unit", "state", "late"
# an indicator
K_INDICATOR = "indicator"
K_VALUE = "value"
K_EXPECTED_UNITS = "expected_units"
K_REPORTED_UNITS = "reported_units"
K_INPUT_TOTALS = "input_totals"  # input id → {total, answered}
K_TOTAL, K_ANSWERED = "total", "answered"
K_VALUES_BY_UNIT = "values_by_unit"  # unit id → input id → number | bool | null
# a task item
K_ITEM, K_ACTIVE, K_LEAD_REPORTED, K_STATUS = "item", "active", "lead_reported", "status"
# funding (triệu đồng)
K_STATE_BUDGET, K_OTHER_SOURCES = "state_budget", "other_sources"
K_EXPECTED_FUNDING_UNITS, K_BY_UNIT = "expected_units", "by_unit"

Values = dict[str, float | bool | None]


# --------------------------------------------------------------------------- the record as read


@dataclass(frozen=True)
class RecordPeriod:
    """The ad-hoc period a run record was written for."""

    label: str  # "6 tháng đầu năm"
    name: str  # "6 tháng đầu năm 2027"
    slug: str  # "6-thang-dau-nam"
    deadline: dt.date


@dataclass(frozen=True)
class RecordUnit:
    """One unit's state as a run record keeps it."""

    unit: str
    state: str  # model.SUBMITTED | LATE | HAS_ERRORS | MISSING
    late: bool


@dataclass(frozen=True)
class RecordIndicator:
    """One indicator's value as a run record keeps it, with the units expected and heard from."""

    indicator: str
    value: float | None
    expected_units: tuple[str, ...]
    reported_units: tuple[str, ...]
    input_totals: dict[str, tuple[float | None, int]]  # input id → (district total, units answering)
    values_by_unit: dict[str, Values]  # unit id → input id → value


@dataclass(frozen=True)
class RecordTask:
    """One task item as a run record keeps it."""

    item: str
    active: bool
    lead_reported: bool
    status: str


@dataclass(frozen=True)
class RunRecord:
    """A run record (nhat-ky-<year>.json) as read back."""

    file: str  # the record's file name
    version: int  # the version it was written with (read as the current shape)
    year: int
    report_date: dt.date
    period: RecordPeriod | None = None  # an ad-hoc period's record
    units: tuple[RecordUnit, ...] = ()
    indicators: tuple[RecordIndicator, ...] = ()
    tasks: tuple[RecordTask, ...] = ()
    funding: FundingYear | None = None


class RecordError(ValueError):
    """A run record that cannot be read: not JSON, newer than the program, or a key missing or of the
    wrong kind. The message (Vietnamese) names the key; ``unreadable_note`` adds the file."""


# --------------------------------------------------------------------------- reading


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _number(v: object) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) else None


def _shown(v: object) -> str:
    text = json.dumps(v, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


class _Obj:
    """One JSON object of the record, read by key with the key's full path in every error."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, dict):
            raise RecordError(f"«{where or 'nhật ký'}» không phải một đối tượng JSON (giá trị {_shown(data)})")
        self.data = data
        self.where = where

    def path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def has(self, key: str) -> bool:
        return key in self.data

    def get(self, key: str, what: str, ok: Any, optional: bool = False) -> Any:
        if key not in self.data:
            if optional:
                return None
            raise RecordError(f"thiếu khóa «{self.path(key)}»")
        value = self.data[key]
        if not ok(value):
            raise RecordError(f"khóa «{self.path(key)}» có giá trị {_shown(value)}, cần {what}")
        return value

    def text(self, key: str) -> str:
        return str(self.get(key, "một chuỗi ký tự", lambda v: isinstance(v, str)))

    def flag(self, key: str) -> bool:
        return bool(self.get(key, "true hoặc false", lambda v: isinstance(v, bool)))

    def number_or_null(self, key: str, optional: bool = False) -> float | None:
        return _number(self.get(key, "một số hoặc null", lambda v: v is None or _is_number(v), optional))

    def texts(self, key: str) -> tuple[str, ...]:
        ok = lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v)  # noqa: E731
        return tuple(self.get(key, "một danh sách chuỗi ký tự", ok))

    def date(self, key: str) -> dt.date:
        def ok(v: object) -> bool:
            try:
                dt.date.fromisoformat(str(v))
            except ValueError:
                return False
            return isinstance(v, str)

        return dt.date.fromisoformat(self.get(key, "một ngày dạng NĂM-THÁNG-NGÀY", ok))

    def objects(self, key: str, optional: bool = False) -> list[_Obj]:
        items = self.get(key, "một danh sách", lambda v: isinstance(v, list), optional) or []
        return [_Obj(item, f"{self.path(key)}[{i}]") for i, item in enumerate(items)]

    def mapping(self, key: str) -> dict[str, _Obj]:
        items = self.get(key, "một đối tượng JSON", lambda v: isinstance(v, dict))
        return {str(k): _Obj(v, f"{self.path(key)}.{k}") for k, v in items.items()}


def _unit(u: _Obj, version: int) -> RecordUnit:
    state = u.text(K_STATE)
    late = u.flag(K_LATE) if version >= 2 else state == LATE  # version 1: derived from the state
    return RecordUnit(u.text(K_UNIT), state, late)


def _indicator(i: _Obj) -> RecordIndicator:
    totals = {
        k: (
            t.number_or_null(K_TOTAL),
            int(t.get(K_ANSWERED, "một số nguyên", lambda v: isinstance(v, int) and not isinstance(v, bool))),
        )
        for k, t in i.mapping(K_INPUT_TOTALS).items()
    }
    ok_value = lambda v: v is None or isinstance(v, bool) or _is_number(v)  # noqa: E731
    by_unit: dict[str, Values] = {}
    for unit_id, values in i.mapping(K_VALUES_BY_UNIT).items():
        by_unit[unit_id] = {}
        for input_id in values.data:
            v = values.get(input_id, "một số, true, false hoặc null", ok_value)
            by_unit[unit_id][input_id] = v if v is None or isinstance(v, bool) else float(v)
    return RecordIndicator(
        i.text(K_INDICATOR),
        i.number_or_null(K_VALUE),
        i.texts(K_EXPECTED_UNITS),
        i.texts(K_REPORTED_UNITS),
        totals,
        by_unit,
    )


def _funding(record: _Obj) -> FundingYear | None:
    if record.get(K_FUNDING, "một đối tượng JSON hoặc null", lambda v: v is None or isinstance(v, dict), True) is None:
        return None
    f = _Obj(record.data[K_FUNDING], K_FUNDING)
    total = f.number_or_null(K_TOTAL)
    if total is None:
        return None  # no unit reported funding
    by_unit = f.get(K_BY_UNIT, "một đối tượng JSON", lambda v: isinstance(v, dict), True) or {}
    expected = f.get(
        K_EXPECTED_FUNDING_UNITS,
        "một số nguyên hoặc null",
        lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool)),
        True,
    )
    return FundingYear(
        total, f.number_or_null(K_STATE_BUDGET), f.number_or_null(K_OTHER_SOURCES), len(by_unit), expected
    )


def parse_record(data: object, file: str) -> RunRecord:
    """A decoded record as ``RunRecord`` (an older version upgraded); ``RecordError`` names a missing key."""
    record = _Obj(data, "")
    version = record.get(K_VERSION, "một số nguyên", lambda v: isinstance(v, int) and not isinstance(v, bool), True)
    version = 1 if version is None else version
    if version > RECORD_VERSION:
        raise RecordError(
            f"nhật ký phiên bản {version}, mới hơn chương trình (phiên bản {RECORD_VERSION}); hãy cập nhật baocao"
        )
    period = None
    if record.has(K_PERIOD):
        p = _Obj(record.data[K_PERIOD], K_PERIOD)
        period = RecordPeriod(p.text(K_LABEL), p.text(K_NAME), p.text(K_SLUG), p.date(K_DEADLINE))
    year = record.get(K_YEAR, "một số nguyên (năm)", lambda v: isinstance(v, int) and not isinstance(v, bool))
    return RunRecord(
        file=file,
        version=version,
        year=year,
        report_date=record.date(K_REPORT_DATE),
        period=period,
        units=tuple(_unit(u, version) for u in record.objects(K_UNITS)),
        indicators=tuple(_indicator(i) for i in record.objects(K_INDICATORS)),
        tasks=tuple(
            RecordTask(t.text(K_ITEM), t.flag(K_ACTIVE), t.flag(K_LEAD_REPORTED), t.text(K_STATUS))
            for t in record.objects(K_TASKS)
        ),
        funding=_funding(record),
    )


def read_record(path: Path) -> RunRecord:
    """The run record at ``path``; ``RecordError`` (a Vietnamese reason naming the key) when it cannot be used,
    ``OSError`` when it cannot be read at all."""
    raw = Path(path).read_bytes()
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise RecordError("tệp không phải văn bản UTF-8") from None
    except json.JSONDecodeError as err:
        raise RecordError(f"không phải JSON hợp lệ (dòng {err.lineno}, cột {err.colno})") from None
    return parse_record(data, Path(path).name)


def unreadable_note(ws: Workspace, path: Path, err: Exception) -> str:
    """One Vietnamese line naming an unreadable record and why."""
    shown = ws.shown(Path(path))
    reason = str(err) if isinstance(err, RecordError) else f"lỗi đọc tệp: {getattr(err, 'strerror', None) or err}"
    return f"Không đọc được nhật ký «{shown}» ({reason})"


# --------------------------------------------------------------------------- where records are


def newest_record(ws: Workspace, tag: int | str) -> Path | None:
    """The newest of ``nhat-ky-<tag>.json`` and its numbered copies ``nhat-ky-<tag> (2).json`` …"""
    latest = ws.run_record(tag)
    try:
        records = sorted(latest.parent.glob(f"{latest.stem}*.json"), key=lambda p: (p.stat().st_mtime, p.name))
    except OSError:
        return None
    stem = latest.stem
    records = [p for p in records if p.stem == stem or p.stem.startswith(f"{stem} (")]
    return records[-1] if records else None


def adhoc_records(ws: Workspace, year: int) -> list[Path]:
    """The newest record of each ad-hoc period of ``year`` (``outbox/bao-cao-<year>-<slug>/``), by folder name."""
    out = []
    try:
        folders = sorted(p for p in ws.outbox.glob(f"bao-cao-{year}-*") if p.is_dir())
    except OSError:
        return []
    for folder in folders:
        tag = folder.name.removeprefix("bao-cao-")
        path = newest_record(ws, tag)
        if path is not None:
            out.append(path)
    return out


@dataclass(frozen=True)
class LastYear:
    """What each unit reported in the year before, from that year's newest run record."""

    values: dict[str, dict[str, float]]  # unit id → input id → number
    notice: str = ""  # Vietnamese, when the record exists but cannot be read


def last_year(ws: Workspace, year: int) -> LastYear:
    """The numbers each unit reported in ``year - 1`` (``bien-dong-lon``, ``goc-thay-doi``, the forms'
    base-year pre-fill): empty when ``bao-cao`` was not run then; with a notice when its record is unreadable."""
    path = newest_record(ws, year - 1)
    if path is None:
        return LastYear({})
    try:
        record = read_record(path)
    except (OSError, RecordError) as err:
        return LastYear(
            {},
            unreadable_note(ws, path, err) + f": năm nay không so sánh được với số liệu từng đơn vị "
            f"năm {year - 1} (cảnh báo bien-dong-lon, goc-thay-doi) và biểu mẫu không điền sẵn số năm gốc.",
        )
    out: dict[str, dict[str, float]] = {}
    for ind in record.indicators:
        for unit_id, values in ind.values_by_unit.items():
            for input_id, value in values.items():
                if isinstance(value, float):  # numbers are floats once read; bool and null are not figures
                    out.setdefault(unit_id, {})[input_id] = value
    return LastYear(out)


def last_year_values(ws: Workspace, year: int) -> dict[str, dict[str, float]]:
    """``last_year(ws, year).values``: unit id → input id → the number used in ``year - 1``."""
    return last_year(ws, year).values


# --------------------------------------------------------------------------- writing


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file(p: Provenance) -> dict[str, Any]:
    return {
        "path": p.path,
        "sha256": p.sha256,
        "size": p.size,
        "modified": p.modified.isoformat(),
        "application": p.application,
    }


def _problem(p: Problem) -> dict[str, str]:
    out = {
        "code": p.code,
        "severity": p.severity,
        "file": p.file,
        "sheet": p.sheet,
        "cell": p.cell,
        "value": p.value,
        "expected": p.expected,
        "message": p.message,
    }
    if p.detail:
        out["detail"] = p.detail  # a traceback, for the maintainer
    return out


def _json_value(v: float | bool | None) -> float | bool | None:
    return v if v is None or isinstance(v, bool) else float(v)


def build_record(
    summary: Summary,
    config_path: Path,
    rejected: Iterable[tuple[Provenance, Problem]] = (),
    template: Path | None = None,
    *,
    report_date: dt.date,
) -> dict[str, Any]:
    """What this run used and produced, JSON-able, with no wall-clock time in it (``report_date``: the date
    the report is dated). Keys without a ``K_`` constant are for people and audits: no reader uses them."""
    from .aggregate import ASSESSMENT_LABELS  # here, not above: reading a record (last_year) needs none of it

    plan = summary.plan
    units = []
    for s in summary.statuses:
        sub = s.submission
        units.append(
            {
                K_UNIT: s.unit_id,
                "name": plan.unit(s.unit_id).name if plan.has_unit(s.unit_id) else s.unit_id,
                "required": plan.unit(s.unit_id).required if plan.has_unit(s.unit_id) else True,
                K_STATE: s.state,
                "state_label": STATE_LABELS.get(s.state, s.state),
                "used": s.state in (SUBMITTED, LATE),
                K_LATE: s.late,
                "file": _file(sub.provenance) if sub else None,
                "prepared_on": sub.contact.date.isoformat() if sub and sub.contact.date else None,
                "set_aside": list(s.set_aside),
                "problems": [_problem(p) for p in sub.problems] if sub else [],
            }
        )
    indicators = [
        {
            K_INDICATOR: r.indicator.id,
            "formula": r.indicator.formula,
            K_VALUE: r.value,
            "target": {"year": r.target.year, "value": r.target.value} if r.target else None,
            "required": r.required,
            "path_start": {"year": r.start.year, "value": r.start.value} if r.start else None,
            "status": r.status,
            "status_label": ASSESSMENT_LABELS[r.status],
            "reason": r.reason,
            K_EXPECTED_UNITS: list(r.expected),
            K_REPORTED_UNITS: list(r.reported),
            K_INPUT_TOTALS: {t.input.id: {K_TOTAL: t.total, K_ANSWERED: t.answered} for t in r.totals},
            K_VALUES_BY_UNIT: {u: {k: _json_value(v) for k, v in vals.items()} for u, vals in r.by_unit},
        }
        for r in summary.indicators
    ]
    tasks = [
        {
            K_ITEM: t.item.id,
            K_ACTIVE: t.active,
            "lead": t.task.lead,
            K_LEAD_REPORTED: t.lead_reported,
            K_STATUS: t.status,
            "contributors": [c.unit_id for c in t.contributions if c.role != LEAD],
        }
        for t in summary.tasks
    ]
    config_path = Path(config_path)
    period = plan.period
    record: dict[str, Any] = {
        K_VERSION: RECORD_VERSION,
        "product": {"name": "baocao", "version": package_version()},
        "config": {
            "file": config_path.name,
            "sha256": _sha256(config_path.read_bytes()),
            "plan_id": plan.id,
            "plan_number": plan.number,
            "template_version": plan.template_version,
        },
        "report_template": (
            {"file": Path(template).name, "sha256": _sha256(Path(template).read_bytes())} if template else None
        ),
        K_YEAR: summary.year,
        **(
            {
                K_PERIOD: {
                    K_LABEL: period.label,
                    K_NAME: period.name,
                    K_SLUG: period.slug,
                    K_DEADLINE: period.deadline.isoformat(),
                }
            }
            if period is not None
            else {}
        ),
        K_REPORT_DATE: report_date.isoformat(),
        K_UNITS: units,
        "rejected_files": [{"file": _file(p), "problem": _problem(pr)} for p, pr in rejected],
        K_INDICATORS: indicators,
        K_TASKS: tasks,
        K_FUNDING: _funding_record(summary),
    }
    return record


def _funding_record(summary: Summary) -> dict[str, Any] | None:
    f = summary.funding
    if f is None:
        return None
    return {
        "unit": "triệu đồng",
        K_EXPECTED_FUNDING_UNITS: f.expected,
        "estimate_expected_units": f.estimate_expected,
        K_STATE_BUDGET: f.state_budget,
        K_OTHER_SOURCES: f.other_sources,
        K_TOTAL: f.total,
        "estimate_next_year": f.estimate,
        K_BY_UNIT: {
            u.unit_id: {
                K_STATE_BUDGET: u.state_budget,
                K_OTHER_SOURCES: u.other_sources,
                "estimate_next_year": u.estimate,
            }
            for u in f.units
        },
    }


def record_json(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def output_entry(name: str, data: bytes) -> dict[str, str]:
    """An output file as the record lists it (``outputs``): its name and SHA-256."""
    return {"file": name, "sha256": _sha256(data)}
