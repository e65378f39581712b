"""The formula registry (pipeline/formulas.py): a new formula is one entry, config and this test.

``binh_quan`` below is registered for the test only (the registry is restored afterwards): a plan
using it parses, aggregates from summed inputs, and is described by ``ke-hoach`` and the report,
with no other module of the pipeline knowing its name.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from pipeline import formulas
from pipeline.aggregate import FIRST_YEAR, aggregate
from pipeline.display import describe_plan
from pipeline.errors import ConfigError
from pipeline.formulas import FORMULAS, Formula, Sums
from pipeline.plan import parse_plan
from pipeline.report_context import build_context
from tests.conftest import SMALL_YEAR, make_submission, small_intake

ROOT = Path(__file__).resolve().parent.parent


def _per_household(s: Sums) -> tuple[float | None, str]:
    return (s.numerator / s.denominator, "") if s.denominator > 0 else (None, "không có hộ nào")


PER_HOUSEHOLD = Formula(
    "binh_quan",
    percent=False,
    compute=_per_household,
    describe="bình quân = Σ {num} / Σ {den}",
    paired=True,
    column="Bình quân (kg/hộ)",
    detail="({num} kg / {den} hộ)",
)

INDICATOR = {
    "ma": "rac_nhua_binh_quan",
    "noi_dung": "Rác thải nhựa bình quân mỗi hộ dưới 2 kg/tháng.",
    "giai_doan": ["2021-2030"],
    "cong_thuc": "binh_quan",
    "tu_so": ["rac_nhua"],
    "mau_so": ["so_ho"],
    "don_vi_tinh": "kg/hộ",
    "chieu": "giam",
    "muc_tieu": [{"moc": 2030, "gia_tri": 2}],
    "dau_vao": [
        {
            "ma": "so_ho",
            "ten": "Số hộ",
            "kieu": "so_nguyen",
            "don_vi_tinh": "hộ",
            "don_vi_bao_cao": ["xa-an-binh", "xa-my-hiep"],
        },
        {
            "ma": "rac_nhua",
            "ten": "Rác thải nhựa của các hộ",
            "kieu": "so_thap_phan",
            "don_vi_tinh": "kg",
            "don_vi_bao_cao": ["xa-an-binh", "xa-my-hiep"],
        },
    ],
}


@pytest.fixture
def per_household(monkeypatch: pytest.MonkeyPatch) -> Formula:
    """``binh_quan`` in the registry for this test only."""
    monkeypatch.setitem(FORMULAS, PER_HOUSEHOLD.name, PER_HOUSEHOLD)
    return PER_HOUSEHOLD


def _raw(**changes: object) -> dict:
    raw = tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8"))
    raw["chi_tieu"].append(dict(INDICATOR, **changes))
    return raw


def test_a_registered_formula_is_parsed_aggregated_from_sums_and_described(per_household: Formula) -> None:
    plan = parse_plan(_raw())
    ind = plan.indicator("rac_nhua_binh_quan")
    assert ind.spec is per_household and not ind.is_percent

    # ke-hoach: the entry's description, the target with the direction's comparator (chieu = "giam")
    lines = describe_plan(plan, SMALL_YEAR).splitlines()
    at = lines.index(f"  {len(plan.indicators_in(SMALL_YEAR)):>2}. [rac_nhua_binh_quan] {ind.text}")
    assert lines[at + 1] == (
        "      Cách tính: bình quân = Σ rac_nhua / Σ so_ho; mục tiêu: ≤ 2 kg/hộ (2030); giai đoạn 2021–2030"
    )

    # 250 kg / 100 hộ and 50 kg / 50 hộ: 300 / 150 = 2 from the sums (the units' average would be 1,75)
    subs = {
        u: make_submission(u, {"so_ho": n, "rac_nhua": kg})
        for u, n, kg in (("xa-an-binh", 100, 250.0), ("xa-my-hiep", 50, 50.0))
    }
    summary = aggregate(plan, small_intake(plan, subs))
    result = next(r for r in summary.indicators if r.indicator.id == ind.id)
    assert (result.value, result.status, result.reported) == (2.0, FIRST_YEAR, ("xa-an-binh", "xa-my-hiep"))

    # the report: the value with the entry's detail line; Phụ lục I with the entry's column
    ctx = build_context(summary)
    row = next(r for r in ctx["chi_tieu"] if r["noi_dung"] == ind.text)
    assert row["ket_qua"] == "2 kg/hộ\n(300 kg / 150 hộ)\n(2/2 đơn vị)"
    assert row["muc_tieu"] == "≤ 2 kg/hộ (2030)"  # lower is better: the same target text as ke-hoach
    appendix = next(a for a in ctx["phu_luc_1"] if a["tieu_de"].endswith(ind.text))
    assert appendix["cot"] == ["Số hộ (hộ)", "Rác thải nhựa của các hộ (kg)", "Bình quân (kg/hộ)"]
    assert [r["so_lieu"] for r in appendix["dong"]] == [["100", "250", "2,5 kg/hộ"], ["50", "50", "1 kg/hộ"]]
    assert appendix["cong"] == ["150", "300", "2 kg/hộ"]


def test_a_registered_formula_checks_its_config_shape(per_household: Formula) -> None:
    n = len(_raw()["chi_tieu"]) - 1
    with pytest.raises(ConfigError) as err:
        parse_plan(_raw(mau_so=["so_ho", "so_ho"]))
    assert err.value.key == f"chi_tieu[{n}].mau_so"
    with pytest.raises(ConfigError) as err:
        parse_plan(_raw(muc_tieu=[]))
    assert err.value.key == f"chi_tieu[{n}].muc_tieu"


def test_an_unregistered_formula_is_refused_naming_the_registered_ones() -> None:
    with pytest.raises(ConfigError) as err:
        parse_plan(_raw())
    assert str(err.value).endswith("«binh_quan» không thuộc ti_le, giam, ti_le_co, tong, dem.")


def test_every_shipped_formula_has_a_description_naming_its_inputs() -> None:
    for f in FORMULAS.values():
        assert "{num}" in f.describe, f.name
        assert ("{den}" in f.describe) == (f.paired or f.denominator_required), f.name


def test_no_module_but_the_registry_compares_a_formula_name() -> None:
    # ``ind.formula == "giam"``, ``formula in ("ti_le", "giam")``, ``TEXT[ind.formula]`` (not the registry's own)
    bare = re.compile(r"formula\s*(?:==|!=)|formula\s+(?:not\s+)?in\s*[(\[{]|(?<!FORMULAS)\[\w+\.formula\]")
    found = []
    for path in sorted((ROOT / "pipeline").glob("*.py")):
        if path.name == "formulas.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if bare.search(code):
                found.append(f"{path.name}:{n}: {line.strip()}")
    assert found == []


def test_the_reduction_path_starts_at_zero_in_the_base_year() -> None:
    assert formulas.get("giam").baseline and not formulas.get("ti_le").baseline
    assert formulas.get("giam").compute(Sums(30.0, 120.0, 0)) == (75.0, "")
    assert formulas.get("ti_le").compute(Sums(3.0, 0.0, 0)) == (
        None,
        "mẫu số bằng 0 (không phát sinh đối tượng để tính tỷ lệ)",
    )
