"""A province-sized plan: the report summarises and groups by area instead of listing every unit."""

from __future__ import annotations

import io

import pytest
from docx import Document

from bench.run import scaled_config
from pipeline.aggregate import Summary, aggregate
from pipeline.model import MISSING, SUBMITTED, IntakeResult, UnitStatus
from pipeline.plan import Plan, load_plan
from pipeline.report import render_report
from pipeline.report_context import build_context
from pipeline.report_text import unit_names
from tests.conftest import ROOT, make_submission


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    path = tmp_path_factory.mktemp("tinh") / "config.toml"
    path.write_text(scaled_config(3), encoding="utf-8")
    return load_plan(path)


@pytest.fixture(scope="module")
def summary(province: Plan) -> Summary:
    """Every unit of district 01 reports 10 convenience stores, 4 of them eco-friendly; the rest are missing."""
    statuses = []
    for u in province.units:
        if u.area == "Huyện 01":
            values = {"so_cua_hang_tien_loi": 10, "so_cua_hang_bao_bi_xanh": 4} if u.group == "xa" else {}
            statuses.append(UnitStatus(u.id, SUBMITTED, make_submission(u.id, values)))
        else:
            statuses.append(UnitStatus(u.id, MISSING, None))
    return aggregate(province, IntakeResult(2026, statuses, []))


@pytest.fixture(scope="module")
def context(summary: Summary) -> dict:
    return build_context(summary)


def test_submission_appendix_has_one_row_per_area(context):
    rows = context["phu_luc_3"]
    assert [r["don_vi"] for r in rows] == ["Huyện 01 (31 đơn vị)", "Huyện 02 (31 đơn vị)", "Huyện 03 (31 đơn vị)"]
    assert rows[0]["tinh_trang"] == "Đã nộp: 31"
    assert rows[1]["tinh_trang"] == "Chưa nộp: 31"
    assert rows[1]["tep"] == "0 tệp"
    assert rows[1]["ghi_chu"].startswith("Chưa nộp: Phòng Kinh tế và Hạ tầng (huyện 02)")
    assert rows[1]["ghi_chu"].endswith("và 25 đơn vị khác")


def test_indicator_appendix_sums_each_area_from_raw_counts(context):
    stores = next(p for p in context["phu_luc_1"] if "Cửa hàng tiện lợi" in p["tieu_de"])
    rows = stores["dong"]
    assert len(rows) == 3
    assert rows[0]["don_vi"] == "Huyện 01 (18/18 đơn vị đã báo cáo)"
    assert rows[0]["so_lieu"] == ["180", "72", "40 %"]
    assert rows[2]["so_lieu"] == ["—", "—", "—"]
    assert stores["cong"][:2] == ["180", "72"]


def test_body_points_to_the_appendix_instead_of_naming_52_missing_units(context):
    text = " ".join(context["tinh_hinh"])
    assert "còn 52 đơn vị chưa gửi báo cáo (danh sách tại Phụ lục III)" in text
    assert "xã Tân Nghĩa (huyện 02)" not in text


def test_a_long_attribution_names_six_units_and_counts_the_rest(province):
    ids = [u.id for u in province.units if u.group == "xa"][:20]
    text = unit_names(province, ids)
    assert text.endswith("và 14 đơn vị khác")
    assert text.startswith("thị trấn Mỹ Thọ (huyện 01); các xã An Bình (huyện 01)")


def test_the_word_report_renders_the_grouped_appendices(summary):
    doc = Document(io.BytesIO(render_report(ROOT / "templates" / "bao-cao.docx", summary)))
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert {
        "Huyện 01 (31 đơn vị)",
        "Huyện 03 (31 đơn vị)",
        "Huyện 01 (18/18 đơn vị đã báo cáo)",
        "Huyện 02 (0/18 đơn vị đã báo cáo)",
    } <= cells
    assert not any("xã Tân Nghĩa (huyện 03)" == c for c in cells)
