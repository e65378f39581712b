"""One wording for what the console, the workbook and the report all say (pipeline/wording.py)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from pipeline.plan import Milestone
from pipeline.wording import amount, change, goal, phan_tram, so_lieu, so_vn, target


def test_numbers_the_vietnamese_way():
    assert so_vn(1250) == "1.250"
    assert so_vn(1234567) == "1.234.567"
    assert so_vn(1234.5, 1) == "1.234,5"
    assert so_vn(0) == "0" and so_vn(None) == "—"
    assert phan_tram(85.5) == "85,5 %"
    assert phan_tram(60.0) == "60 %"
    assert phan_tram(100 * 25 / 35) == "71,4 %"
    assert phan_tram(99.96) == "100 %"
    assert so_lieu(120.5) == "120,5" and so_lieu(1250.0) == "1.250" and so_lieu(0.25) == "0,25"


def test_a_target_is_worded_once_with_its_direction(kh178):
    cut = kh178.indicator("tui_nhua_cho_van_minh")  # a reduction, in %: higher is better
    lower = dataclasses.replace(cut, direction="giam")
    assert target(cut, Milestone(2030, 90.0)) == "≥ 90 % (2030)"
    assert target(lower, Milestone(2030, 20.0)) == "≤ 20 % (2030)"
    assert target(cut, None) == "—"
    count = next(i for i in kh178.indicators if not i.is_percent and i.milestones)
    assert (
        goal(count, 1.0) == f"≥ 1 {count.unit_of_measure}" and amount(count, 1250.0) == f"1.250 {count.unit_of_measure}"
    )


def test_a_change_from_last_year_is_worded_in_points_or_in_the_unit(kh178):
    rate = kh178.indicator("tui_nhua_cho_van_minh")
    count = next(i for i in kh178.indicators if not i.is_percent and i.milestones)
    assert change(rate, 40.0, 45.2) == "tăng 5,2 điểm %"
    assert change(rate, 50.0, 40.0) == "giảm 10 điểm %"
    assert change(rate, 50.0, 50.04) == "không đổi"  # below what the report shows (one decimal)
    assert change(count, 3.0, 5.0) == f"tăng 2 {count.unit_of_measure}"
    assert change(count, 2.5, 1.25) == f"giảm 1,25 {count.unit_of_measure}"
    assert change(rate, None, 45.0) == "" and change(rate, 45.0, None) == ""


def test_numbers_are_formatted_in_wording_only():
    """No module writes its own "1.250" / "85,5 %": the report, console and workbook text use wording's."""
    own = re.compile(r"maketrans\(\",\.\"|def (?:so_vn|so_lieu|phan_tram|shown_value)\b|:,\.?\d*f\}")
    pipeline = Path(__file__).resolve().parent.parent / "pipeline"
    found = [
        f"{p.name}:{n}"
        for p in sorted(pipeline.glob("*.py"))
        if p.name not in ("wording.py", "values.py")
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if own.search(line)
    ]
    assert found == []
