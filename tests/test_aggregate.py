"""Aggregation: ratios of sums against the target that applies to the year; missing is never zero."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.aggregate import (
    BEHIND,
    FIRST_YEAR,
    MET,
    NO_DATA,
    NO_TARGET,
    NOT_MET,
    ON_TRACK,
    aggregate,
    aggregate_indicator,
    baseline_for,
    judge,
    merge_texts,
)
from pipeline.model import (
    HAS_ERRORS,
    LATE,
    LEAD,
    MISSING,
    PARTNER,
    SUBMITTED,
    IntakeResult,
    Problem,
    Submission,
    TaskReport,
    UnitStatus,
)
from pipeline.plan import Milestone, load_plan
from tests.conftest import make_submission

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2026


def intake_of(
    plan, subs: list[Submission], errors: dict[str, Submission] | None = None, year: int = YEAR
) -> IntakeResult:
    by_unit = {s.unit_id: s for s in subs}
    statuses = []
    for u in plan.units:
        if u.id in by_unit:
            statuses.append(UnitStatus(u.id, SUBMITTED, by_unit[u.id]))
        elif errors and u.id in errors:
            statuses.append(UnitStatus(u.id, HAS_ERRORS, errors[u.id]))
        else:
            statuses.append(UnitStatus(u.id, MISSING, None))
    return IntakeResult(year, statuses, [])


def lenient(plan):
    return dataclasses.replace(plan, min_coverage=0.1)


def test_reduction_is_one_minus_sum_current_over_sum_baseline(plan):
    subs = {
        "xa-an-binh": make_submission("xa-an-binh", {"tui_nhua_cvm_goc": 100.0, "tui_nhua_cvm_nam": 40.0}),
        "xa-ba-sao": make_submission("xa-ba-sao", {"tui_nhua_cvm_goc": 50.0, "tui_nhua_cvm_nam": 20.0}),
        "xa-my-hiep": make_submission("xa-my-hiep", {"tui_nhua_cvm_goc": 50.0, "tui_nhua_cvm_nam": 30.0}),
    }
    r = aggregate_indicator(lenient(plan), plan.indicator("tui_nhua_cho_van_minh"), YEAR, subs)
    assert r.value == pytest.approx(55.0)  # 1 − 90/200
    assert r.target.value == 90 and r.target.year == 2030
    assert r.required == pytest.approx(66.0)  # 60 % (2025) + 1/5 of the way to 90 % (2030)
    assert r.status == BEHIND
    assert r.reported == ("xa-an-binh", "xa-ba-sao", "xa-my-hiep") and len(r.expected) == 18
    assert len(r.missing) == 15
    totals = {t.input.id: t.total for t in r.totals}
    assert totals == {"tui_nhua_cvm_goc": 200.0, "tui_nhua_cvm_nam": 90.0}


def test_ratio_is_from_summed_parts_not_an_average_of_percentages(plan):
    subs = {
        "xa-an-binh": make_submission("xa-an-binh", {"so_cua_hang_tien_loi": 1, "so_cua_hang_bao_bi_xanh": 1}),
        "xa-ba-sao": make_submission("xa-ba-sao", {"so_cua_hang_tien_loi": 100, "so_cua_hang_bao_bi_xanh": 50}),
    }
    r = aggregate_indicator(lenient(plan), plan.indicator("cua_hang_tien_loi"), YEAR, subs)
    assert r.value == pytest.approx(100 * 51 / 101)  # 50,5 %, not (100 % + 50 %) / 2 = 75 %
    assert r.status == BEHIND and r.target.value == 100 and r.required == pytest.approx(88.0)


def test_target_met_when_value_reaches_it(plan):
    subs = {"tnmt": make_submission("tnmt", {"so_co_so_kiem_tra": 40, "so_co_so_tuan_thu": 40})}
    r = aggregate_indicator(plan, plan.indicator("co_so_tuan_thu_bvmt"), YEAR, subs)
    assert r.value == 100 and r.target.value == 100 and r.status == MET


def test_below_minimum_coverage_the_assessment_is_not_enough_data(plan):
    subs = {"xa-an-binh": make_submission("xa-an-binh", {"so_cua_hang_tien_loi": 4, "so_cua_hang_bao_bi_xanh": 4})}
    r = aggregate_indicator(plan, plan.indicator("cua_hang_tien_loi"), YEAR, subs)
    assert r.value == 100 and r.status == NO_DATA
    assert "1/18" in r.reason


def test_a_missing_unit_is_never_counted_as_zero(plan):
    phongs = [u.id for u in plan.units if u.group == "phong"]
    subs = {u: make_submission(u, {"dung_sp_than_thien": u != "gddt", "so_cuoc_tuyen_truyen": 2}) for u in phongs[:6]}
    r = aggregate_indicator(plan, plan.indicator("co_quan_dung_sp_than_thien"), YEAR, subs)
    # 6 of 7 departments answered, 5 of them "Có": 83,3 %; Phòng Y tế absent is not a "Không".
    assert r.value == pytest.approx(500 / 6)
    assert r.status == NOT_MET and r.reported == tuple(phongs[:6])
    missing_one = {u: s for u, s in subs.items() if u != "tnmt"}
    r2 = aggregate_indicator(plan, plan.indicator("co_quan_dung_sp_than_thien"), YEAR, missing_one)
    assert r2.value == 80.0  # 4 "Có" of 5 answers, not 4 of 7


def test_no_form_at_all_means_no_data(plan):
    r = aggregate_indicator(plan, plan.indicator("bao_bi_bvtv"), YEAR, {})
    assert r.value is None and r.status == NO_DATA and r.reported == ()


def test_zero_denominator_is_no_data_not_a_division_error(plan):
    subs = {"tnmt": make_submission("tnmt", {"so_co_so_kiem_tra": 0, "so_co_so_tuan_thu": 0})}
    r = aggregate_indicator(plan, plan.indicator("co_so_tuan_thu_bvmt"), YEAR, subs)
    assert r.value is None and r.status == NO_DATA and "mẫu số bằng 0" in r.reason


def test_count_only_indicators_show_their_totals(plan):
    subs = {"ktht": make_submission("ktht", {"so_mo_hinh_sxsh": 3, "so_mo_hinh_dien_mat_troi": 2})}
    r = aggregate_indicator(plan, plan.indicator("mo_hinh_sxsh_dien_mat_troi"), YEAR, subs)
    assert r.status == NO_TARGET and r.value is None
    assert [(t.input.id, t.total) for t in r.totals] == [("so_mo_hinh_sxsh", 3), ("so_mo_hinh_dien_mat_troi", 2)]


def test_sum_indicator_compares_with_the_minimum_count(plan):
    everyone = {u.id: make_submission(u.id, {"so_cuoc_tuyen_truyen": 0}) for u in plan.units}
    everyone["ktht"] = make_submission("ktht", {"so_cuoc_tuyen_truyen": 2})
    r = aggregate_indicator(plan, plan.indicator("tuyen_truyen"), YEAR, everyone)
    assert r.value == 2 and r.target.value == 1 and r.status == MET


def test_forms_with_errors_are_not_aggregated(plan):
    good = make_submission("tnmt", {"so_co_so_kiem_tra": 10, "so_co_so_tuan_thu": 9})
    bad = make_submission("xa-an-binh", {"so_cuoc_tuyen_truyen": 3}, problems=[Problem("so-am", "…")])
    summary = aggregate(plan, intake_of(plan, [good], errors={"xa-an-binh": bad}, year=2025))
    r = next(r for r in summary.indicators if r.indicator.id == "tuyen_truyen")
    assert "xa-an-binh" not in r.reported and r.reported == ("tnmt",)


def test_task_results_carry_the_leads_status_and_partners_contributions(plan):
    lead = make_submission("tnmt", {}, tasks=[TaskReport("I.2", LEAD, "Đang thực hiện", "Đã tổ chức 3 cuộc.", "", "")])
    partner = make_submission("xa-my-hiep", {}, tasks=[TaskReport("I.2", PARTNER, "", "Phát 200 tờ rơi.", "", "")])
    silent = make_submission("xa-ba-sao", {}, tasks=[TaskReport("I.2", PARTNER, "", "", "", "")])
    summary = aggregate(plan, intake_of(plan, [lead, partner, silent]))
    item = next(t for t in summary.tasks if t.item.id == "I.2")
    assert item.lead_reported and item.status == "Đang thực hiện"
    assert [c.unit_id for c in item.contributions] == ["tnmt", "xa-my-hiep"]
    other = next(t for t in summary.tasks if t.item.id == "I.7")
    assert not other.lead_reported and other.status == ""
    ended = next(t for t in summary.tasks if t.task.id == "II.1")
    assert ended.active is False


def test_general_texts_merge_without_duplicates(plan):
    a = make_submission("xa-an-binh", {}, general={"kho_khan": "- Kinh phí còn hạn chế.\n- Thiếu nhân lực"})
    b = make_submission("xa-ba-sao", {}, general={"kho_khan": "kinh phí còn hạn chế"})
    summary = aggregate(plan, intake_of(plan, [a, b]))
    assert [(m.text, m.units) for m in summary.difficulties] == [
        ("Kinh phí còn hạn chế.", ("xa-an-binh", "xa-ba-sao")),
        ("Thiếu nhân lực", ("xa-an-binh",)),
    ]


def test_merge_texts_keeps_first_wording_and_all_writers():
    merged = merge_texts([("a", "1. Đề nghị hỗ trợ kinh phí;"), ("b", "Đề nghị hỗ trợ  kinh phí")])
    assert len(merged) == 1 and merged[0].units == ("a", "b")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 500), st.integers(0, 500)), min_size=1, max_size=18), st.randoms())
def test_order_of_units_does_not_change_the_result(pairs, rnd):
    plan = lenient(load_plan(ROOT / "config.toml"))
    communes = [u.id for u in plan.units if u.group == "xa"]
    subs = {
        communes[i]: make_submission(
            communes[i], {"bao_bi_bvtv_phat_sinh": float(max(a, b)), "bao_bi_bvtv_thu_gom": float(min(a, b))}
        )
        for i, (a, b) in enumerate(pairs)
    }
    shuffled = list(subs.items())
    rnd.shuffle(shuffled)
    ind = plan.indicator("bao_bi_bvtv")
    r1 = aggregate_indicator(plan, ind, YEAR, subs)
    r2 = aggregate_indicator(plan, ind, YEAR, dict(shuffled))
    assert r1.value == r2.value and r1.status == r2.status
    total = sum(max(a, b) for a, b in pairs)
    assert next(t.total for t in r1.totals if t.input.id == "bao_bi_bvtv_phat_sinh") == total
    if total:
        assert r1.value == pytest.approx(100 * sum(min(a, b) for a, b in pairs) / total)


def test_late_units_are_aggregated_like_the_others(plan):
    s = make_submission("tnmt", {"so_co_so_kiem_tra": 10, "so_co_so_tuan_thu": 10})
    result = IntakeResult(2025, [UnitStatus("tnmt", LATE, s, late=True)], [])
    summary = aggregate(plan, result)
    r = next(r for r in summary.indicators if r.indicator.id == "co_so_tuan_thu_bvmt")
    assert r.value == 100 and r.status == MET


# --------------------------------------------------------------------------- progress judgement, 2021–2030


def _indicator(milestones, formula="ti_le", direction="tang", base=None):
    from pipeline.plan import Indicator, Milestone

    return Indicator(
        "x",
        "x",
        ("2021-2030",),
        formula,
        ("a",),
        ("b",),
        "%" if formula != "tong" else "cuộc",
        direction,
        tuple(Milestone(y, v) for y, v in milestones),
        (),
        ((2021, 2030),),
        Milestone(*base) if base else None,
    )


S, M = "status", "required"
JUDGEMENT_TABLES = {
    # one milestone (100 % in 2025); 2021 is the first year with data (its 40 % is in the run record
    # history from 2022 on); the milestone stays in force after 2025
    "one milestone": (
        dict(milestones=[(2025, 100)]),
        (2021, 40),
        [
            (2021, 40, FIRST_YEAR, None),
            (2022, 50, BEHIND, 55),
            (2023, 70, ON_TRACK, 70),
            (2024, 90, ON_TRACK, 85),
            (2025, 95, NOT_MET, 100),
            (2026, 100, MET, 100),
            (2027, 99, NOT_MET, 100),
            (2028, 100, MET, 100),
            (2029, None, NO_DATA, 100),
            (2030, 100, MET, 100),
        ],
    ),
    # two milestones of a reduction (60 % in 2025, 90 % in 2030): 0 % in the base year 2021
    "two milestones": (
        dict(milestones=[(2025, 60), (2030, 90)], formula="giam"),
        None,
        [
            (2021, 0, ON_TRACK, 0),
            (2022, 14.9, BEHIND, 15),
            (2023, 30, ON_TRACK, 30),
            (2024, 50, ON_TRACK, 45),
            (2025, 59.9, NOT_MET, 60),
            (2026, 68.8, ON_TRACK, 66),
            (2027, 71.9, BEHIND, 72),
            (2028, 78, ON_TRACK, 78),
            (2029, 84, ON_TRACK, 84),
            (2030, 90, MET, 90),
        ],
    ),
    # lower is better: at most 20 by 2025, 10 by 2030, from 100 in 2021 (gia_tri_goc)
    "decreasing": (
        dict(milestones=[(2025, 20), (2030, 10)], direction="giam", base=(2021, 100)),
        None,
        [
            (2021, 100, ON_TRACK, 100),
            (2022, 81, BEHIND, 80),
            (2023, 60, ON_TRACK, 60),
            (2024, 35, ON_TRACK, 40),
            (2025, 20, MET, 20),
            (2026, 19, BEHIND, 18),
            (2027, 16, ON_TRACK, 16),
            (2028, 14, ON_TRACK, 14),
            (2029, 12, ON_TRACK, 12),
            (2030, 10.5, NOT_MET, 10),
        ],
    ),
    "count only": (dict(milestones=[], formula="tong"), None, [(y, 7, NO_TARGET, None) for y in range(2021, 2031)]),
}


@pytest.mark.parametrize("shape", JUDGEMENT_TABLES)
def test_judgement_over_the_plan_period_matches_the_hand_computed_table(plan, shape):
    kwargs, history_base, table = JUDGEMENT_TABLES[shape]
    ind = _indicator(**kwargs)
    history = {history_base[0]: history_base[1]} if history_base else None
    got = []
    for year, value, _, _ in table:
        j = judge(value, ind, year, baseline_for(plan, ind, year, history))
        got.append((year, value, j.status, None if j.required is None else round(j.required, 6)))
    assert got == table


def test_before_the_first_milestone_with_no_earlier_level_the_year_is_the_starting_point(plan):
    ind = _indicator(milestones=[(2025, 100)])
    assert baseline_for(plan, ind, 2021, {}) is None
    j = judge(70.0, ind, 2021, None)
    assert (j.status, j.required, j.target.year) == (FIRST_YEAR, None, 2025)
    # next year, last year's result (from its run record) is the start of the path
    assert baseline_for(plan, ind, 2022, {2021: 70.0}) == Milestone(2021, 70.0)
    assert judge(75.0, ind, 2022, Milestone(2021, 70.0)).required == pytest.approx(77.5)


def test_the_old_next_milestone_rule_is_kept_as_an_option(plan):
    ind = _indicator(milestones=[(2025, 60), (2030, 90)], formula="giam")
    old = judge(68.8, ind, 2026, None, rule="moc_tiep_theo")
    assert (old.status, old.target.year, old.required) == (NOT_MET, 2030, 90)
    new = judge(68.8, ind, 2026, baseline_for(plan, ind, 2026))
    assert (new.status, new.target.year, new.required) == (ON_TRACK, 2030, 66)


def test_the_verdict_sentence_shows_the_path(plan):
    from pipeline.wording import verdict_reason, verdict_text

    subs = {
        u.id: make_submission(u.id, {"tui_nhua_cvm_goc": 100.0, "tui_nhua_cvm_nam": 31.2})
        for u in plan.units
        if u.group == "xa"
    }
    r = aggregate_indicator(plan, plan.indicator("tui_nhua_cho_van_minh"), 2026, subs)
    assert r.status == ON_TRACK and r.value == pytest.approx(68.8)
    assert verdict_text(r, 2026, plan.min_coverage) == (
        "Đúng tiến độ\n(cần đạt khoảng 66 % năm 2026 để đạt 90 % năm 2030)"
    )
    low = aggregate_indicator(
        plan,
        plan.indicator("co_so_tuan_thu_bvmt"),
        2026,
        {"tnmt": make_submission("tnmt", {"so_co_so_kiem_tra": 50, "so_co_so_tuan_thu": 45})},
    )
    assert verdict_reason(low, 2026, plan.min_coverage) == "mục tiêu ≥ 100 % năm 2025, tiếp tục áp dụng năm 2026"
    down = _indicator(milestones=[(2025, 20), (2030, 10)], direction="giam", base=(2021, 100))
    from pipeline.wording import goal

    assert goal(down, 20) == "≤ 20 %"


def test_indicators_outside_their_phases_are_not_judged(plan):
    summary = aggregate(plan, intake_of(plan, []))
    assert [r.indicator.id for r in summary.indicators] == [
        "tui_nhua_cho_van_minh",
        "tui_nhua_cho_ntm",
        "cua_hang_tien_loi",
        "mo_hinh_sx_tdbv",
    ]
    assert len(summary.outside_phases) == 7
    in_2023 = aggregate(plan, intake_of(plan, [], year=2023))
    assert "mo_hinh_sx_tdbv" not in [r.indicator.id for r in in_2023.indicators]
    assert len(in_2023.indicators) == 10
