"""The indicator formulas (``cong_thuc`` in config.toml): one registry entry each.

An entry holds everything the program knows about a formula: how config.toml declares it
(which keys name its numerator and denominator, whether they pair up, which input kind it
needs, whether it has numeric targets), how its value is computed from the district's summed
inputs (a ratio of sums, never an average of units' percentages), whether that value is a
percentage, and its wording (the ``ke-hoach`` description, the report's detail line and
Phụ lục I column), and the form-side facts (a numerator that is part of its denominator; a
denominator that is a base-year figure). Callers ask the entry (``Indicator.spec``); no other
module compares a formula's name.

How to add a formula
--------------------
1. Write its computation: a function of ``Sums`` returning (value, why there is none).
2. Add one ``Formula(...)`` to ``FORMULAS`` below (``register`` does the same from outside
   this module, e.g. in a test). Every field has a docstring; copy the closest entry.
3. Use it in config.toml (``cong_thuc = "<name>"``) and add one test: plan parsing, the
   aggregate's value and the ``ke-hoach`` text (tests/test_formulas.py shows one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .errors import ConfigError

CO_KHONG = "co_khong"  # the yes/no input kind


@dataclass(frozen=True)
class Sums:
    """A formula's inputs summed over the reporting units (or one unit's own figures)."""

    numerator: float  # Σ numerator inputs (for co_khong: the number of "Có")
    denominator: float  # Σ denominator inputs (0 when the formula has none)
    answered: int  # units (answers) behind the numerator's co_khong inputs


Compute = Callable[[Sums], tuple[float | None, str]]


@dataclass(frozen=True)
class Formula:
    """One way of computing an indicator from its summed inputs, with what the form and the report say of it."""

    name: str  # the config's ``cong_thuc``
    percent: bool  # the value is a percentage (0–100): targets must lie in 0–100, shown "85,5 %"
    compute: Compute  # Sums → (value, Vietnamese reason when None)
    describe: str  # ``ke-hoach``'s "Cách tính": {num} and {den} are the summed input ids
    numerator_key: str = "tu_so"  # config key listing the numerator inputs (required)
    denominator_key: str = "mau_so"  # config key listing the denominator inputs
    denominator_required: bool = False
    paired: bool = False  # numerator[i] goes with denominator[i] (same count required)
    input_kind: str = ""  # every input must be of this kind ("" = any)
    targets: bool = True  # needs at least one milestone; False: a count with no numeric target (none allowed)
    column: str = ""  # Phụ lục I: the per-unit value column ("Tỷ lệ (%)"), "" = no such column
    detail: str = ""  # the report's line under the value; fields {num} {den} {answered} {unit} {pairs}
    parts_of_whole: bool = False  # form: numerator[i] is a part of denominator[i] (cannot exceed it)
    baseline: bool = False  # the denominator is the base year's figure: asked once, the path starts at 0 then

    def check(
        self,
        numerator: tuple[str, ...],
        denominator: tuple[str, ...],
        input_kinds: Iterable[str],
        key: Callable[[str], str],
    ) -> None:
        """Config checks of one indicator (``key`` builds the key path); ``ConfigError`` when wrong."""
        if self.paired and len(numerator) != len(denominator):
            raise ConfigError(key("mau_so"), "tử số và mẫu số phải có cùng số đầu vào (đi theo cặp).")
        if self.input_kind and any(k != self.input_kind for k in input_kinds):
            raise ConfigError(key("dau_vao"), f"công thức {self.name} cần đầu vào kiểu {self.input_kind}.")

    def check_targets(self, count: int, key: str) -> None:
        if not self.targets and count:
            raise ConfigError(key, f"chỉ tiêu «{self.name}» không có mục tiêu định lượng.")
        if self.targets and not count:
            raise ConfigError(key, "chỉ tiêu định lượng cần ít nhất một mốc mục tiêu.")


# --------------------------------------------------------------------------- computations


def _ratio(s: Sums) -> tuple[float | None, str]:
    if s.denominator > 0:
        return 100 * s.numerator / s.denominator, ""
    return None, "mẫu số bằng 0 (không phát sinh đối tượng để tính tỷ lệ)"


def _reduction(s: Sums) -> tuple[float | None, str]:
    if s.denominator > 0:
        return 100 * (1 - s.numerator / s.denominator), ""
    return None, "không có số liệu năm gốc (bằng 0)"


def _share_yes(s: Sums) -> tuple[float | None, str]:
    return (100 * s.numerator / s.answered, "") if s.answered else (None, "")


def _total(s: Sums) -> tuple[float | None, str]:
    return s.numerator, ""


def _none(s: Sums) -> tuple[float | None, str]:
    return None, ""


# --------------------------------------------------------------------------- the registry

FORMULAS: dict[str, Formula] = {
    f.name: f
    for f in (
        Formula(
            "ti_le",
            True,
            _ratio,
            "tỷ lệ = Σ {num} / Σ {den}",
            paired=True,
            column="Tỷ lệ (%)",
            detail="({pairs})",
            parts_of_whole=True,
        ),
        Formula(
            "giam",
            True,
            _reduction,
            "mức giảm = 1 − Σ {num} / Σ {den}",
            numerator_key="hien_tai",
            denominator_key="goc",
            denominator_required=True,
            paired=True,
            column="Mức giảm (%)",
            detail="(từ {den} xuống {num} {unit})",
            baseline=True,
        ),
        Formula(
            "ti_le_co",
            True,
            _share_yes,
            "tỷ lệ đơn vị trả lời «Có» ({num})",
            input_kind=CO_KHONG,
            detail="({num}/{answered} đơn vị trả lời «Có»)",
        ),
        Formula("tong", False, _total, "tổng {num}"),
        Formula("dem", False, _none, "thống kê số lượng: {num}", targets=False),
    )
}


def register(formula: Formula) -> Formula:
    """Add (or replace) a formula in the registry; config.toml can then name it."""
    FORMULAS[formula.name] = formula
    return formula


def get(name: str) -> Formula:
    """The entry of ``name`` (a name the plan loader has already checked)."""
    return FORMULAS[name]
