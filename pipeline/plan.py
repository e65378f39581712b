"""The plan as data: config.toml → frozen dataclasses.

Nothing about a particular district lives in code: every name, unit, task, indicator and
target comes from the config file. The loader is strict: an unknown key, a wrong type, a
duplicate id or a dangling reference is a ``ConfigError`` naming the key.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import tomli  # the compiled build of the standard library's tomllib: reads a province's config.toml 3× faster

from .errors import BaoCaoError, ConfigError, fs_error
from .formulas import CO_KHONG, FORMULAS, Formula
from .values import format_number

INPUT_KINDS = ("so_nguyen", "so_thap_phan", CO_KHONG)
UNIT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
KEY_ID = re.compile(r"^[a-z0-9_]{1,60}$")
GROUP_REF = "nhom:"


@dataclass(frozen=True)
class Unit:
    """A reporting unit (phòng, xã, thị trấn…) of the plan."""

    id: str
    name: str
    group: str  # "phong", "mttq", "xa" … as the config names them
    area: str = ""  # optional: the district/area a unit belongs to, for a province-wide roll-up
    required: bool = True  # False: asked to report (bat_buoc = false); not sending does not count against coverage


@dataclass(frozen=True)
class Issuer:
    """The body that issues the report (its header lines in the ND30 layout)."""

    parent_line: str  # "ỦY BAN NHÂN DÂN"
    name_line: str  # "HUYỆN CAO LÃNH"
    full_name: str  # "Ủy ban nhân dân huyện Cao Lãnh"
    province: str
    place: str  # place name of the date line
    code: str  # "UBND" in "Số: /BC-UBND"
    recipient: str  # the body the report is sent to


@dataclass(frozen=True)
class Liaison:
    """The officer the province may call about the report."""

    name: str  # "bà Nguyễn Thị Lan, chuyên viên"
    phone: str
    email: str


@dataclass(frozen=True)
class Signer:
    """Who signs the report, and on whose behalf."""

    authority: str  # "TM. ỦY BAN NHÂN DÂN"
    on_behalf: str  # "KT. CHỦ TỊCH" (may be empty)
    title: str  # "PHÓ CHỦ TỊCH"
    name: str


@dataclass(frozen=True)
class TaskItem:
    """One item of a task in the plan's appendix."""

    id: str  # "I.1.a"; equals the task id when the task has a single item
    content: str


@dataclass(frozen=True)
class Task:
    """One task of the plan's appendix: lead unit, partners, period and items."""

    id: str  # "I.1"
    group: str  # "I"
    number: int
    content: str
    lead: str
    partners: tuple[str, ...]  # resolved unit ids, lead excluded
    partners_text: str
    start_year: int
    end_year: int
    note: str
    items: tuple[TaskItem, ...]

    def active_in(self, year: int) -> bool:
        return self.start_year <= year <= self.end_year

    @property
    def period(self) -> str:
        return f"{self.start_year}–{self.end_year}"

    def with_note(self, text: str) -> str:
        """``text`` followed by the plan's own note on the task, when it has one."""
        return f"{text}\n(Ghi chú của Kế hoạch: {self.note})" if self.note.strip() else text


@dataclass(frozen=True)
class TaskGroup:
    """A heading of the plan's appendix grouping tasks."""

    id: str
    title: str


@dataclass(frozen=True)
class Input:
    """One figure a unit types for an indicator (a count, a quantity, yes/no)."""

    id: str
    label: str
    kind: str  # so_nguyen | so_thap_phan | co_khong
    unit_of_measure: str
    reporters: tuple[str, ...]  # resolved unit ids
    indicator: str


@dataclass(frozen=True)
class Milestone:
    """An indicator's target for one year."""

    year: int
    value: float


PROGRESS_RULES = ("tuyen_tinh", "moc_tiep_theo")  # [danh_gia] tien_do
LINEAR, NEXT_MILESTONE = PROGRESS_RULES


@dataclass(frozen=True)
class Indicator:
    """One indicator (chỉ tiêu) of the plan: its inputs, formula and targets."""

    id: str
    text: str
    lists: tuple[str, ...]  # the plan's list(s) of section II it sits in, as configured: "2021-2025", "2026-2030"
    formula: str  # the config's cong_thuc, a key of formulas.FORMULAS (its entry: ``spec``)
    numerator: tuple[str, ...]  # ti_le: parts; giam: current year; tong/dem/ti_le_co: inputs
    denominator: tuple[str, ...]  # ti_le: wholes; giam: baseline
    unit_of_measure: str
    direction: str  # "tang": higher is better; "giam": lower is better
    milestones: tuple[Milestone, ...]
    inputs: tuple[Input, ...]
    phases: tuple[tuple[int, int], ...] = ()  # years it is asked and judged (lists + duy_tri_den)
    base: Milestone | None = None  # gia_tri_goc: the level the path to the first milestone starts from
    method_note: str = ""  # cach_tinh: how the figure is measured, printed under it

    @property
    def spec(self) -> Formula:
        """The formula's registry entry: its checks, computation and wording (formulas.py)."""
        return FORMULAS[self.formula]

    @property
    def is_percent(self) -> bool:
        return self.spec.percent

    def active_in(self, year: int) -> bool:
        """Whether the plan asks this indicator in ``year`` (its phases as configured)."""
        return any(a <= year <= b for a, b in self.phases)

    @property
    def period(self) -> str:
        return ", ".join(f"{a}–{b}" for a, b in self.phases)

    def target_for(self, year: int) -> Milestone | None:
        """The first milestone at or after ``year``; past the last one, the last one."""
        if not self.milestones:
            return None
        for m in self.milestones:
            if m.year >= year:
                return m
        return self.milestones[-1]

    def reporters(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for inp in self.inputs:
            for u in inp.reporters:
                seen[u] = None
        return tuple(seen)


@dataclass(frozen=True)
class Period:
    """An ad-hoc reporting period (``--ky "6 tháng đầu năm" --han-nop 15/06/2027``) within ``year``.

    The yearly report has none (``Plan.period is None``); its names, folders and bytes are the
    year's alone. Made by ``Plan.for_period``, the one place a period is created.
    """

    year: int
    label: str  # "6 tháng đầu năm"
    deadline: dt.date
    slug: str  # "6-thang-dau-nam": folder names, the form's hidden identification

    @property
    def name(self) -> str:
        """ "6 tháng đầu năm 2027"; a label already naming the year is kept as it is."""
        return self.label if str(self.year) in self.label else f"{self.label} {self.year}"


def period_slug(label: str) -> str:
    """ASCII folder-safe form of a label: "6 tháng đầu năm" → "6-thang-dau-nam"."""
    plain = unicodedata.normalize("NFKD", label.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:60].strip("-")


@dataclass(frozen=True)
class Plan:
    """The plan as config.toml gives it: units, indicators, tasks, the report's issuer and deadline."""

    id: str
    number: str  # "178/KH-UBND"
    issued: str  # "13/10/2021"
    title: str
    field: str  # short subject, used in the report's trích yếu
    start_year: int
    end_year: int
    baseline_year: int
    template_version: int
    deadline_day: int
    deadline_month: int
    deadline_inclusive: bool  # han_nop_tinh_ca_ngay: a form made ON the deadline is on time
    drafting_unit: str
    bases: tuple[str, ...]
    issuer: Issuer
    signer: Signer
    recipients: tuple[str, ...]
    min_coverage: float
    progress_rule: str  # LINEAR | NEXT_MILESTONE
    units: tuple[Unit, ...]
    task_groups: tuple[TaskGroup, ...]
    tasks: tuple[Task, ...]
    indicators: tuple[Indicator, ...]
    liaison: Liaison | None = None  # [lien_he]: who units call about their form (reminder letters)
    addressee: str = ""  # [bao_cao] kinh_gui: the report's "Kính gửi" line, when it carries one
    request: str = ""  # --theo: the letter asking for this report ("Công văn số 123/SCT-QLCN ngày …")
    period: Period | None = None  # --ky/--han-nop: an ad-hoc report; None: the yearly one

    @cached_property
    def _unit_index(self) -> dict[str, Unit]:
        # frozen dataclasses still have a __dict__, so cached_property works; O(1) lookups
        # matter for a province-sized plan with thousands of units
        return {u.id: u for u in self.units}

    def unit(self, unit_id: str) -> Unit:
        return self._unit_index[unit_id]

    def areas(self) -> list[str]:
        """Distinct areas in unit order (empty when the config names none)."""
        return list(dict.fromkeys(u.area for u in self.units if u.area))

    def has_unit(self, unit_id: str) -> bool:
        return unit_id in self._unit_index

    def deadline(self, year: int) -> dt.date:
        if self.period is not None:
            return self.period.deadline
        return dt.date(year, self.deadline_month, self.deadline_day)

    def period_name(self, year: int) -> str:
        """What is reported on: "năm 2027", or an ad-hoc period's "6 tháng đầu năm 2027"."""
        return self.period.name if self.period is not None else f"năm {year}"

    def period_title(self, year: int) -> str:
        """``period_name`` starting a sentence: "Năm 2027", "6 tháng đầu năm 2027"."""
        name = self.period_name(year)
        return name[:1].upper() + name[1:]

    def tag(self, year: int) -> str:
        """The run's part of folder and file names: "2027", or "2027-6-thang-dau-nam"."""
        return f"{year}-{self.period.slug}" if self.period is not None else str(year)

    def for_period(self, year: int, label: str | None, deadline: dt.date | None) -> Plan:
        """This plan reporting on an ad-hoc period of ``year`` (both options given), or the year's
        (neither); ``BaoCaoError`` (one line) when only one is given or the label is empty."""
        if label is None and deadline is None:
            return self
        if label is None or deadline is None:
            raise BaoCaoError(
                'Báo cáo đột xuất cần cả --ky "TÊN KỲ" và --han-nop NGÀY/THÁNG/NĂM, '
                'ví dụ --ky "6 tháng đầu năm" --han-nop 15/06/2027.'
            )
        label = " ".join(label.split())
        slug = period_slug(label)
        if not slug:
            raise BaoCaoError('Tên kỳ báo cáo (--ky) trống: hãy ghi tên kỳ, ví dụ --ky "6 tháng đầu năm".')
        return replace(self, period=Period(year, label, deadline, slug))

    def is_late(self, made: dt.date, year: int) -> bool:
        """Made after the deadline (or on it, when ``han_nop_tinh_ca_ngay = false``)."""
        deadline = self.deadline(year)
        return made > deadline if self.deadline_inclusive else made >= deadline

    def indicators_in(self, year: int) -> tuple[Indicator, ...]:
        """The indicators the plan asks in ``year`` (phases as configured)."""
        return tuple(ind for ind in self.indicators if ind.active_in(year))

    def tasks_led_by(self, unit_id: str, year: int) -> list[Task]:
        return [t for t in self.tasks if t.lead == unit_id and t.active_in(year)]

    @cached_property
    def _partnered(self) -> dict[str, list[Task]]:
        out: dict[str, list[Task]] = {}
        for t in self.tasks:
            for u in dict.fromkeys(t.partners):
                out.setdefault(u, []).append(t)
        return out

    @cached_property
    def _inputs_by_unit(self) -> dict[str, list[Input]]:
        out: dict[str, list[Input]] = {}
        for ind in self.indicators:
            for i in ind.inputs:
                for u in dict.fromkeys(i.reporters):
                    out.setdefault(u, []).append(i)
        return out

    def tasks_partnered_by(self, unit_id: str, year: int) -> list[Task]:
        return [t for t in self._partnered.get(unit_id, ()) if t.active_in(year)]

    def tasks_of(self, unit_id: str, year: int) -> list[Task]:
        """The tasks the unit leads, then those it partners on, active in ``year``."""
        return self.tasks_led_by(unit_id, year) + self.tasks_partnered_by(unit_id, year)

    def inputs_for(self, unit_id: str, year: int | None = None) -> list[Input]:
        """The unit's inputs; with ``year``, only those of indicators asked in that year."""
        inputs = self._inputs_by_unit.get(unit_id, ())
        if year is None:
            return list(inputs)
        return [i for i in inputs if self.indicator(i.indicator).active_in(year)]

    def all_inputs(self) -> dict[str, Input]:
        return {i.id: i for ind in self.indicators for i in ind.inputs}

    @cached_property
    def _indicator_index(self) -> dict[str, Indicator]:
        return {ind.id: ind for ind in self.indicators}

    def indicator(self, indicator_id: str) -> Indicator:
        return self._indicator_index[indicator_id]

    def check_year(self, year: int) -> int:
        """``year`` when the plan covers it; else ``BaoCaoError`` (the year comes from ``--nam``, not the config)."""
        if not self.start_year <= year <= self.end_year:
            raise BaoCaoError(
                f"năm {year} (--nam) nằm ngoài thời kỳ của kế hoạch {self.number} "
                f"({self.start_year}–{self.end_year}); hãy chọn một năm trong thời kỳ này."
            )
        return year


# --------------------------------------------------------------------------- loading


class _Table:
    """A TOML table read key by key; ``done()`` rejects keys nobody asked for."""

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, dict):
            raise ConfigError(path, "phải là một bảng (table).")
        self.data = data
        self.path = path
        self.used: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def get(self, name: str, typ: type | tuple[type, ...], default: Any = ...) -> Any:
        self.used.add(name)
        if name not in self.data:
            if default is ...:
                raise ConfigError(self.key(name), "thiếu khóa bắt buộc.")
            return default
        value = self.data[name]
        if typ is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, typ) or (isinstance(value, bool) and typ is not bool):
            raise ConfigError(self.key(name), f"kiểu giá trị không đúng ({value!r}).")
        if isinstance(value, str) and not value.strip() and default is ...:
            raise ConfigError(self.key(name), "không được để trống.")
        return value

    def strings(self, name: str, default: Any = ...) -> tuple[str, ...]:
        values = self.get(name, list, default)
        for i, v in enumerate(values):
            if not isinstance(v, str) or not v.strip():
                raise ConfigError(f"{self.key(name)}[{i}]", "phải là chuỗi ký tự không rỗng.")
        return tuple(values)

    def tables(self, name: str) -> list[_Table]:
        values = self.get(name, list, [])
        return [_Table(v, f"{self.key(name)}[{i}]") for i, v in enumerate(values)]

    def done(self) -> None:
        extra = sorted(set(self.data) - self.used)
        if extra:
            raise ConfigError(self.key(extra[0]), "khóa không được hỗ trợ (gõ sai tên khóa?).")


def _years(text: str, key: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d{4})\s*[-–]\s*(\d{4})\s*", text)
    if not m or int(m[1]) > int(m[2]):
        raise ConfigError(key, f"thời gian «{text}» phải có dạng 2021-2030.")
    return int(m[1]), int(m[2])


def _unique(ids: list[str], key: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ConfigError(key, f"mã «{i}» bị trùng.")
        seen.add(i)


class _UnitRefs:
    """Unit references of config.toml (an id, or ``nhom:<group>``) resolved against [[don_vi]], its ids
    and groups indexed once: a province lists thousands of units, looked up by every task and input."""

    def __init__(self, units: tuple[Unit, ...]) -> None:
        self.ids = {u.id for u in units}
        self.groups: dict[str, list[str]] = {}
        for u in units:
            self.groups.setdefault(u.group, []).append(u.id)

    def resolve(self, refs: tuple[str, ...], key: str) -> tuple[str, ...]:
        out: dict[str, None] = {}
        for ref in refs:
            if ref.startswith(GROUP_REF):
                group = ref[len(GROUP_REF) :]
                if group not in self.groups:
                    raise ConfigError(key, f"nhóm đơn vị «{group}» không có trong danh sách đơn vị.")
                out.update(dict.fromkeys(self.groups[group]))
            elif ref in self.ids:
                out[ref] = None
            else:
                raise ConfigError(key, f"đơn vị «{ref}» không có trong danh sách [[don_vi]].")
        return tuple(out)


def load_plan(path: Path) -> Plan:
    """Read and check ``config.toml``; raise ``ConfigError`` naming the faulty key."""
    try:
        raw = tomli.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError("config.toml", f"không tìm thấy tệp {path}.") from None
    except OSError as err:  # no permission, a folder named config.toml, a file locked by another program
        raise fs_error(err, Path(path), reading=True) from None
    except UnicodeDecodeError:
        raise ConfigError("config.toml", "tệp không ở mã UTF-8.") from None
    except tomli.TOMLDecodeError as err:
        raise ConfigError("config.toml", f"sai cú pháp TOML: {err}.") from None
    return parse_plan(raw)


def parse_plan(raw: dict[str, Any]) -> Plan:
    """The plan from config.toml's tables; ``ConfigError`` naming the first faulty key."""
    root = _Table(raw, "")
    head = _plan_head(_Table(root.get("ke_hoach", dict), "ke_hoach"))
    issuer = _issuer(_Table(root.get("co_quan", dict), "co_quan"))
    signer = _signer(_Table(root.get("nguoi_ky", dict), "nguoi_ky"))
    recipients, addressee = _report_table(_Table(root.get("bao_cao", dict), "bao_cao"))
    liaison = _liaison(_Table(root.get("lien_he", dict), "lien_he")) if "lien_he" in raw else None
    progress_rule, min_coverage = _assessment(_Table(root.get("danh_gia", dict, {}), "danh_gia"))
    units = _units(root.tables("don_vi"), head["drafting_unit"])
    task_groups = _task_groups(root.tables("nhom_nhiem_vu"))
    refs = _UnitRefs(units)
    tasks = _tasks(root.tables("nhiem_vu"), task_groups, refs)
    indicators = _indicators(root.tables("chi_tieu"), refs, head["start_year"], head["end_year"])
    root.done()
    return Plan(
        **head,
        issuer=issuer,
        signer=signer,
        recipients=recipients,
        min_coverage=min_coverage,
        progress_rule=progress_rule,
        units=units,
        task_groups=task_groups,
        tasks=tasks,
        indicators=indicators,
        liaison=liaison,
        addressee=addressee,
    )


def _plan_head(kh: _Table) -> dict[str, Any]:
    """[ke_hoach]: the plan's own fields, as ``Plan`` keyword arguments."""
    plan_id = kh.get("ma", str)
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,40}", plan_id):
        raise ConfigError("ke_hoach.ma", "chỉ dùng chữ không dấu, số, dấu chấm, gạch ngang.")
    start, end = kh.get("nam_bat_dau", int), kh.get("nam_ket_thuc", int)
    if not 2000 <= start <= end <= 2100:
        raise ConfigError("ke_hoach.nam_ket_thuc", "thời kỳ kế hoạch không hợp lệ.")
    baseline = kh.get("nam_goc", int, start)
    deadline = kh.get("han_nop", str)
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})", deadline.strip())
    try:
        if not m:
            raise ValueError
        dt.date(2024, int(m[2]), int(m[1]))
    except ValueError:
        raise ConfigError("ke_hoach.han_nop", f"«{deadline}» phải có dạng ngày/tháng, ví dụ 05/12.") from None
    inclusive = kh.get("han_nop_tinh_ca_ngay", bool, True)
    version = kh.get("phien_ban_mau", int)
    if version < 1:
        raise ConfigError("ke_hoach.phien_ban_mau", "phải là số nguyên dương.")
    head = {
        "id": plan_id,
        "number": kh.get("so_hieu", str),
        "issued": kh.get("ngay_ban_hanh", str),
        "title": kh.get("trich_yeu", str),
        "field": kh.get("linh_vuc", str),
        "start_year": start,
        "end_year": end,
        "baseline_year": baseline,
        "template_version": version,
        "deadline_day": int(m[1]),
        "deadline_month": int(m[2]),
        "deadline_inclusive": inclusive,
        "drafting_unit": kh.get("don_vi_tong_hop", str),
        "bases": kh.strings("can_cu", ()),
    }
    kh.done()
    return head


def _issuer(cq: _Table) -> Issuer:
    issuer = Issuer(
        parent_line=cq.get("cap_tren", str),
        name_line=cq.get("ten", str),
        full_name=cq.get("ten_day_du", str),
        province=cq.get("tinh", str),
        place=cq.get("dia_danh", str),
        code=cq.get("ky_hieu", str),
        recipient=cq.get("noi_gui", str),
    )
    cq.done()
    return issuer


def _signer(nk: _Table) -> Signer:
    signer = Signer(
        authority=nk.get("tham_quyen", str),
        on_behalf=nk.get("ky_thay", str, ""),
        title=nk.get("chuc_vu", str),
        name=nk.get("ho_ten", str),
    )
    nk.done()
    return signer


def _report_table(bc: _Table) -> tuple[tuple[str, ...], str]:
    """[bao_cao]: the recipients (nơi nhận) and the "Kính gửi" line."""
    recipients = bc.strings("noi_nhan")
    addressee = bc.get("kinh_gui", str, "").strip()
    bc.done()
    return recipients, addressee


def _liaison(lh: _Table) -> Liaison:
    liaison = Liaison(
        name=lh.get("can_bo", str, "").strip(),
        phone=lh.get("dien_thoai", str, "").strip(),
        email=lh.get("thu_dien_tu", str, "").strip(),
    )
    lh.done()
    return liaison


def _assessment(dg: _Table) -> tuple[str, float]:
    """[danh_gia]: the progress rule and the minimum coverage to judge an indicator."""
    rule = dg.get("tien_do", str, LINEAR)
    if rule not in PROGRESS_RULES:
        raise ConfigError("danh_gia.tien_do", f"«{rule}» không thuộc {', '.join(PROGRESS_RULES)}.")
    coverage = dg.get("do_phu_toi_thieu", float, 1.0)
    if not 0 < coverage <= 1:
        raise ConfigError("danh_gia.do_phu_toi_thieu", "phải nằm trong khoảng (0; 1].")
    dg.done()
    return rule, coverage


def _units(tables: list[_Table], drafting: str) -> tuple[Unit, ...]:
    """[[don_vi]], with the drafting unit ([ke_hoach] don_vi_tong_hop) among them."""
    units: list[Unit] = []
    for t in tables:
        uid = t.get("ma", str)
        if not UNIT_ID.fullmatch(uid):
            raise ConfigError(t.key("ma"), f"«{uid}»: chỉ dùng chữ thường không dấu, số, gạch ngang.")
        units.append(
            Unit(
                id=uid,
                name=t.get("ten", str),
                group=t.get("nhom", str),
                area=t.get("dia_ban", str, ""),
                required=t.get("bat_buoc", bool, True),
            )
        )
        t.done()
    if not units:
        raise ConfigError("don_vi", "cần ít nhất một đơn vị báo cáo.")
    _unique([u.id for u in units], "don_vi")
    if drafting not in {u.id for u in units}:
        raise ConfigError("ke_hoach.don_vi_tong_hop", f"đơn vị «{drafting}» không có trong [[don_vi]].")
    return tuple(units)


def _task_groups(tables: list[_Table]) -> tuple[TaskGroup, ...]:
    groups = []
    for t in tables:
        groups.append(TaskGroup(id=t.get("ma", str), title=t.get("ten", str)))
        t.done()
    _unique([g.id for g in groups], "nhom_nhiem_vu")
    return tuple(groups)


def _tasks(tables: list[_Table], groups: tuple[TaskGroup, ...], refs: _UnitRefs) -> tuple[Task, ...]:
    """[[nhiem_vu]] with their [[nhiem_vu.muc]] items (a task without items is its own single item)."""
    tasks: list[Task] = []
    for t in tables:
        group = t.get("nhom", str)
        if group not in {g.id for g in groups}:
            raise ConfigError(t.key("nhom"), f"nhóm «{group}» không có trong [[nhom_nhiem_vu]].")
        num = t.get("stt", int)
        tid = f"{group}.{num}"
        lead = t.get("chu_tri", str)
        if lead not in refs.ids:
            raise ConfigError(t.key("chu_tri"), f"đơn vị «{lead}» không có trong danh sách [[don_vi]].")
        partners = tuple(p for p in refs.resolve(t.strings("phoi_hop", ()), t.key("phoi_hop")) if p != lead)
        y0, y1 = _years(t.get("thoi_gian", str), t.key("thoi_gian"))
        content = t.get("noi_dung", str)
        items = []
        for it in t.tables("muc"):
            item_id = it.get("ma", str)
            if not re.fullmatch(r"[a-z]", item_id):
                raise ConfigError(it.key("ma"), "mã mục là một chữ cái thường: a, b, c…")
            items.append(TaskItem(id=f"{tid}.{item_id}", content=it.get("noi_dung", str)))
            it.done()
        _unique([i.id for i in items], t.key("muc"))
        if not items:
            items = [TaskItem(id=tid, content=content)]
        tasks.append(
            Task(
                id=tid,
                group=group,
                number=num,
                content=content,
                lead=lead,
                partners=partners,
                partners_text=t.get("phoi_hop_van_ban", str, ""),
                start_year=y0,
                end_year=y1,
                note=t.get("ghi_chu", str, ""),
                items=tuple(items),
            )
        )
        t.done()
    _unique([t.id for t in tasks], "nhiem_vu")
    return tuple(tasks)


def _indicators(tables: list[_Table], refs: _UnitRefs, start: int, end: int) -> tuple[Indicator, ...]:
    """[[chi_tieu]]; input ids are unique across the plan."""
    indicators = [_indicator(t, refs, start, end) for t in tables]
    _unique([i.id for i in indicators], "chi_tieu")
    _unique([i.id for ind in indicators for i in ind.inputs], "chi_tieu.dau_vao")
    return tuple(indicators)


def _indicator(t: _Table, refs: _UnitRefs, start: int, end: int) -> Indicator:
    """One [[chi_tieu]]: its formula's entry (formulas.py) checks the formula-specific shape."""
    iid = t.get("ma", str)
    if not KEY_ID.fullmatch(iid):
        raise ConfigError(t.key("ma"), f"«{iid}»: chỉ dùng chữ thường không dấu, số, gạch dưới.")
    formula = t.get("cong_thuc", str)
    if formula not in FORMULAS:
        raise ConfigError(t.key("cong_thuc"), f"«{formula}» không thuộc {', '.join(FORMULAS)}.")
    spec = FORMULAS[formula]
    inputs = _inputs(t.tables("dau_vao"), iid, refs)
    if not inputs:
        raise ConfigError(t.key("dau_vao"), "chỉ tiêu cần ít nhất một đầu vào.")
    own = {i.id for i in inputs}
    num = t.strings(spec.numerator_key)
    den = t.strings(spec.denominator_key) if spec.denominator_required else t.strings(spec.denominator_key, ())
    for name, ids in (("tu_so/hien_tai", num), ("mau_so/goc", den)):
        for ref in ids:
            if ref not in own:
                raise ConfigError(t.key(name), f"đầu vào «{ref}» không thuộc chỉ tiêu «{iid}».")
    spec.check(num, den, (i.kind for i in inputs), t.key)
    milestones = _milestones(t, spec, start, end)
    direction = t.get("chieu", str, "tang")
    if direction not in ("tang", "giam"):
        raise ConfigError(t.key("chieu"), "chỉ nhận «tang» hoặc «giam».")
    lists = t.strings("giai_doan")
    phases = _phases(t, lists, start, end)
    base = None
    if "gia_tri_goc" in t.data:
        bt = _Table(t.get("gia_tri_goc", dict), t.key("gia_tri_goc"))
        base = Milestone(year=bt.get("nam", int), value=bt.get("gia_tri", float))
        bt.done()
        if milestones and base.year >= milestones[0].year:
            raise ConfigError(bt.key("nam"), f"năm gốc phải trước mốc đầu tiên ({milestones[0].year}).")
    indicator = Indicator(
        id=iid,
        text=t.get("noi_dung", str),
        lists=lists,
        formula=formula,
        numerator=num,
        denominator=den,
        unit_of_measure=t.get("don_vi_tinh", str),
        direction=direction,
        milestones=milestones,
        inputs=inputs,
        phases=phases,
        base=base,
        method_note=t.get("cach_tinh", str, "").strip(),
    )
    t.done()
    return indicator


def _inputs(tables: list[_Table], indicator_id: str, refs: _UnitRefs) -> tuple[Input, ...]:
    inputs = []
    for it in tables:
        in_id = it.get("ma", str)
        if not KEY_ID.fullmatch(in_id):
            raise ConfigError(it.key("ma"), f"«{in_id}»: chỉ dùng chữ thường không dấu, số, gạch dưới.")
        kind = it.get("kieu", str)
        if kind not in INPUT_KINDS:
            raise ConfigError(it.key("kieu"), f"«{kind}» không thuộc {', '.join(INPUT_KINDS)}.")
        reporters = refs.resolve(it.strings("don_vi_bao_cao"), it.key("don_vi_bao_cao"))
        inputs.append(
            Input(
                id=in_id,
                label=it.get("ten", str),
                kind=kind,
                unit_of_measure=it.get("don_vi_tinh", str),
                reporters=reporters,
                indicator=indicator_id,
            )
        )
        it.done()
    return tuple(inputs)


def _milestones(t: _Table, spec: Formula, start: int, end: int) -> tuple[Milestone, ...]:
    """[[chi_tieu.muc_tieu]], in year order; a percent formula's targets lie in 0–100 %."""
    milestones = []
    for j, mt in enumerate(t.get("muc_tieu", list, [])):
        mk = _Table(mt, f"{t.key('muc_tieu')}[{j}]")
        year, value = mk.get("moc", int), mk.get("gia_tri", float)
        mk.done()
        if spec.percent and not 0 <= value <= 100:
            raise ConfigError(mk.key("gia_tri"), f"mục tiêu {format_number(value)} % nằm ngoài 0–100 %.")
        if value < 0:
            raise ConfigError(mk.key("gia_tri"), "mục tiêu không được âm.")
        if not start <= year <= end:
            raise ConfigError(mk.key("moc"), f"mốc {year} nằm ngoài thời kỳ {start}–{end}.")
        milestones.append(Milestone(year=year, value=value))
    milestones.sort(key=lambda m: m.year)
    _unique([str(m.year) for m in milestones], t.key("muc_tieu"))
    spec.check_targets(len(milestones), t.key("muc_tieu"))
    return tuple(milestones)


def _phases(t: _Table, lists: tuple[str, ...], start: int, end: int) -> tuple[tuple[int, int], ...]:
    """The years an indicator is asked: its lists (giai_doan), the last one extended to duy_tri_den."""
    phases = [_years(text, f"{t.key('giai_doan')}[{j}]") for j, text in enumerate(lists)]
    for a, b in phases:
        if not start <= a <= b <= end:
            raise ConfigError(t.key("giai_doan"), f"giai đoạn {a}–{b} nằm ngoài thời kỳ {start}–{end}.")
    phases.sort()
    extend = t.get("duy_tri_den", int, 0)
    if extend:
        if not phases[-1][1] <= extend <= end:
            raise ConfigError(t.key("duy_tri_den"), f"năm {extend} phải từ {phases[-1][1]} đến {end}.")
        phases[-1] = (phases[-1][0], extend)
    return tuple(phases)
