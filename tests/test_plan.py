"""The plan as data: config.toml is faithful to the seed and the loader names what is wrong."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from pipeline.errors import BaoCaoError, ConfigError
from pipeline.plan import load_plan, parse_plan

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config.toml"


def raw() -> dict:
    return tomllib.loads(CONFIG.read_text(encoding="utf-8"))


def test_issuer_signer_and_references_come_from_the_plan(plan):
    assert plan.number == "178/KH-UBND" and plan.issued == "13/10/2021"
    assert plan.issuer.parent_line == "ỦY BAN NHÂN DÂN"
    assert plan.issuer.name_line == "HUYỆN CAO LÃNH"
    assert plan.issuer.place == "Cao Lãnh"
    assert plan.issuer.recipient == "Sở Công Thương tỉnh Đồng Tháp"
    assert any("07/KH-UBND" in b and "11 tháng 01 năm 2021" in b for b in plan.bases)
    assert (plan.signer.authority, plan.signer.on_behalf, plan.signer.title) == (
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    )
    assert plan.signer.name == "Nguyễn Minh Tuấn"
    assert (plan.deadline_day, plan.deadline_month) == (5, 12)
    assert plan.unit(plan.drafting_unit).name == "Phòng Kinh tế và Hạ tầng"
    assert plan.recipients[0].startswith("Sở Công Thương") and plan.recipients[-1].startswith("Lưu")


def test_units_are_the_seven_departments_the_front_and_eighteen_communes(plan):
    groups = {g: [u.name for u in plan.units if u.group == g] for g in ("phong", "mttq", "xa")}
    assert len(groups["phong"]) == 7 and "Phòng Tài chính – Kế hoạch" in groups["phong"]
    assert groups["mttq"] == ["Ủy ban Mặt trận Tổ quốc Việt Nam huyện"]
    assert len(groups["xa"]) == 18
    assert "UBND thị trấn Mỹ Thọ" in groups["xa"] and "UBND xã Mỹ Thọ" in groups["xa"]
    assert "UBND xã Tân Hội Trung" in groups["xa"]
    assert all(u.id.isascii() for u in plan.units)


def test_every_task_of_the_appendix_with_its_lead_and_period(plan):
    leads = {t.id: (t.lead, t.start_year, t.end_year) for t in plan.tasks}
    assert leads == {
        "I.1": ("ktht", 2021, 2030),
        "I.2": ("tnmt", 2021, 2030),
        "I.3": ("vhtt", 2021, 2030),
        "I.4": ("vhtt", 2021, 2030),
        "I.5": ("ktht", 2021, 2030),
        "I.6": ("gddt", 2021, 2030),
        "I.7": ("yte", 2021, 2030),
        "II.1": ("ktht", 2021, 2025),
        "II.2": ("nnptnt", 2021, 2025),
        "II.3": ("tnmt", 2021, 2030),
        "II.4": ("ktht", 2021, 2030),
        "II.5": ("ktht", 2021, 2030),
        "II.6": ("nnptnt", 2021, 2030),
        "II.7": ("vhtt", 2021, 2030),
        "III.1": ("ktht", 2021, 2030),
    }
    items = {t.id: [i.id for i in t.items] for t in plan.tasks}
    assert items["I.1"] == ["I.1.a", "I.1.b"]
    assert items["II.2"] == ["II.2.a", "II.2.b"]
    assert items["III.1"] == ["III.1.a", "III.1.b", "III.1.c", "III.1.d"]
    assert items["I.2"] == ["I.2"]
    t = {t.id: t for t in plan.tasks}
    assert t["II.5"].note == "Khi có hướng dẫn của các Sở, ngành liên quan"
    assert "xa-my-hiep" in t["I.1"].partners and "ktht" not in t["I.1"].partners
    assert t["I.4"].content.endswith("thông qua hệ thống truyền thanh.")


def test_indicators_and_targets_of_both_lists(plan):
    targets = {i.id: [(m.year, m.value) for m in i.milestones] for i in plan.indicators}
    assert targets["tui_nhua_cho_van_minh"] == [(2025, 60), (2030, 90)]
    assert targets["tui_nhua_cho_ntm"] == [(2025, 40), (2030, 80)]
    assert targets["cua_hang_tien_loi"] == [(2025, 85), (2030, 100)]
    assert targets["bao_bi_bvtv"] == [(2025, 100)]
    assert targets["co_so_tuan_thu_bvmt"] == [(2025, 100)]
    assert targets["ccn_lang_nghe_pho_bien"] == [(2025, 100)]
    assert targets["co_quan_dung_sp_than_thien"] == [(2025, 100)]
    assert targets["tuyen_truyen"] == [(y, 1) for y in range(2021, 2026)]  # "ít nhất 01 cuộc/năm"
    for count_only in ("thuc_pham_an_toan", "mo_hinh_sxsh_dien_mat_troi", "mo_hinh_sx_tdbv"):
        assert targets[count_only] == [] and plan.indicator(count_only).formula == "dem"
    assert plan.indicator("mo_hinh_sx_tdbv").lists == ("2026-2030",)
    assert plan.indicator("mo_hinh_sx_tdbv").phases == ((2026, 2030),)
    assert plan.indicator("tui_nhua_cho_van_minh").phases == ((2021, 2025), (2026, 2030))
    bags = plan.indicator("tui_nhua_cho_van_minh")
    assert bags.formula == "giam" and bags.denominator == ("tui_nhua_cvm_goc",)
    assert set(plan.indicator("co_quan_dung_sp_than_thien").reporters()) == {
        u.id for u in plan.units if u.group == "phong"
    }
    assert plan.indicator("co_so_tuan_thu_bvmt").reporters() == ("tnmt",)


@pytest.mark.parametrize(("year", "expected"), [(2021, 60), (2025, 60), (2026, 90), (2030, 90)])
def test_target_is_the_first_milestone_at_or_after_the_year(plan, year, expected):
    assert plan.indicator("tui_nhua_cho_van_minh").target_for(year).value == expected


def test_a_target_with_no_later_milestone_carries_forward(plan):
    assert plan.indicator("bao_bi_bvtv").target_for(2028).value == 100


def test_year_outside_the_plan_period_is_refused(plan):
    with pytest.raises(BaoCaoError) as refused:
        plan.check_year(2031)
    assert not isinstance(refused.value, ConfigError)  # the year is --nam's, not a key of config.toml
    assert str(refused.value) == (
        "năm 2031 (--nam) nằm ngoài thời kỳ của kế hoạch 178/KH-UBND (2021–2030); hãy chọn một năm trong thời kỳ này."
    )
    assert plan.check_year(2026) == 2026


def _broken(mutate) -> str:
    data = raw()
    mutate(data)
    with pytest.raises(ConfigError) as err:
        parse_plan(data)
    return str(err.value)


def test_unknown_unit_in_a_task_is_named():
    msg = _broken(lambda d: d["nhiem_vu"][2].update(chu_tri="phong-khong-co"))
    assert "nhiem_vu[2].chu_tri" in msg and "phong-khong-co" in msg


def test_duplicate_unit_id_is_named():
    msg = _broken(lambda d: d["don_vi"][1].update(ma="ktht"))
    assert "don_vi" in msg and "«ktht» bị trùng" in msg


def test_target_outside_0_100_percent_is_named():
    msg = _broken(lambda d: d["chi_tieu"][3]["muc_tieu"][0].update(gia_tri=160))
    assert "chi_tieu[3].muc_tieu[0].gia_tri" in msg and "0–100 %" in msg


def test_missing_field_is_named():
    msg = _broken(lambda d: d["co_quan"].pop("dia_danh"))
    assert "co_quan.dia_danh" in msg and "thiếu" in msg


def test_misspelt_key_is_named():
    msg = _broken(lambda d: d["nhiem_vu"][0].update(chu_trii="ktht"))
    assert "nhiem_vu[0].chu_trii" in msg


def test_unknown_reporting_group_is_named():
    msg = _broken(lambda d: d["chi_tieu"][0]["dau_vao"][0].update(don_vi_bao_cao=["nhom:tinh"]))
    assert "chi_tieu[0].dau_vao[0].don_vi_bao_cao" in msg and "tinh" in msg


def test_bad_toml_is_reported_without_traceback(tmp_path):
    bad = tmp_path / "config.toml"
    bad.write_text("[ke_hoach\nma = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match="sai cú pháp TOML"):
        load_plan(bad)
