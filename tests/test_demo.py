"""``baocao demo``: the README's first command — a whole year's run on generated district data."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from pipeline.cli import cli
from pipeline.demo import demo_year
from pipeline.errors import WorkspaceError
from pipeline.model import HAS_ERRORS, LATE, MISSING, SUBMITTED
from pipeline.plan import Plan

from .filling import snapshot

YEAR = 2026
OUTPUTS = (f"bao-cao-{YEAR}.docx", f"tong-hop-{YEAR}.xlsx", f"nhat-ky-{YEAR}.json")


def invoke(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    return result


def report_bytes(folder: Path) -> dict[str, bytes]:
    return {name: (folder / "outbox" / f"bao-cao-{YEAR}" / name).read_bytes() for name in OUTPUTS}


def file_facts(folder: Path) -> dict[str, tuple]:
    """sha256 and mtime of every file (directories' own mtimes left out)."""
    return {k: v for k, v in snapshot(folder).items() if not v[2]}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """One demo run for 2026: (folder, click result, report bytes, the run record)."""
    folder = tmp_path_factory.mktemp("demo") / "chay thu"
    result = invoke("demo", str(folder), "--nam", str(YEAR))
    outputs = report_bytes(folder)
    return folder, result, outputs, json.loads(outputs[OUTPUTS[2]])


def by_state(record: dict, state: str) -> list[str]:
    return [u["name"] for u in record["units"] if u["state"] == state]


def test_demo_tells_who_is_missing_late_wrong_and_sent_twice(demo, kh178: Plan):
    _, result, _, record = demo
    out = result.output
    n = len(kh178.units)
    assert (
        f"Tổng số {n} đơn vị: {n - 5} đã nộp đúng hạn, 1 nộp muộn, 1 có lỗi, 2 chưa nộp, "
        "1 đơn vị không bắt buộc chưa nộp." in out
    )
    missing, late, wrong = by_state(record, MISSING), by_state(record, LATE), by_state(record, HAS_ERRORS)
    optional = [u["name"] for u in record["units"] if u["state"] == MISSING and not u["required"]]
    assert optional == ["Hội Cựu chiến binh huyện"] and len(missing) == 3 and len(late) == 1 and len(wrong) == 1
    assert f"Chưa nộp: {'; '.join(m for m in missing if m not in optional)}." in out
    assert "chưa nộp: Hội Cựu chiến binh huyện." in out
    assert re.search(re.escape(late[0]) + r"\s+Nộp muộn\s", out)
    assert re.search(re.escape(wrong[0]) + r"\s+Có lỗi\s", out)
    assert "«khoảng 30» không phải là số" in out and "phần không thể lớn hơn tổng" in out
    twice = [u for u in record["units"] if u["set_aside"]]
    assert len(twice) == 1 and twice[0]["state"] == SUBMITTED
    assert "(da sua).xlsx" in twice[0]["file"]["path"]
    assert re.search(r"«email/[^»]+\(ban dau\)\.xlsx» không dùng: đã có bản lập ngày", out)
    assert "Việc tiếp theo của chuyên viên tổng hợp:" in out


def test_demo_writes_report_workbook_record_and_feedback(demo):
    folder, result, outputs, record = demo
    report_dir = folder / "outbox" / f"bao-cao-{YEAR}"
    assert sorted(p.name for p in report_dir.iterdir()) == sorted(OUTPUTS)
    assert str(report_dir / OUTPUTS[0]) in result.output
    assert all(len(data) > 1000 for data in outputs.values())
    text = "\n".join(p.text for p in Document(str(report_dir / OUTPUTS[0])).paragraphs)
    assert "BÁO CÁO" in text and f"năm {YEAR}" in text
    wrong = [u["unit"] for u in record["units"] if u["state"] == HAS_ERRORS]
    feedback = folder / "outbox" / f"phan-hoi-{YEAR}"
    assert sorted(p.name for p in feedback.iterdir()) == [f"{u}.xlsx" for u in wrong]
    assert str(feedback) in result.output
    assert len(list((folder / "outbox" / f"mau-{YEAR}").glob("*.xlsx"))) == len(record["units"])


def test_demo_figures_look_like_a_rural_district(demo):
    *_, record = demo
    values = [
        v
        for ind in record["indicators"]
        for unit in ind["values_by_unit"].values()
        for v in unit.values()
        if not isinstance(v, bool) and v is not None
    ]
    assert values and all(0 <= v <= 5_000 for v in values)  # dozens of stores, tonnes of packaging, not millions
    stores = next(i for i in record["indicators"] if i["indicator"] == "cua_hang_tien_loi")
    assert 20 <= stores["input_totals"]["so_cua_hang_tien_loi"]["total"] <= 200


def test_bao_cao_again_is_byte_identical_and_leaves_the_inbox_alone(demo):
    folder, _, outputs, _ = demo
    before = snapshot(folder / "inbox")
    invoke("-C", str(folder), "bao-cao", "--nam", str(YEAR), "--ghi-de")
    again = report_bytes(folder)
    assert again[OUTPUTS[0]] == outputs[OUTPUTS[0]]
    assert again[OUTPUTS[1]] == outputs[OUTPUTS[1]]
    assert again[OUTPUTS[2]] == outputs[OUTPUTS[2]]
    assert snapshot(folder / "inbox") == before


def test_another_process_with_another_hash_seed_writes_the_same_bytes(demo, tmp_path):
    """Determinism across runs, not only within one process: set order must never leak into outputs."""
    folder, _, outputs, _ = demo
    env = dict(os.environ, PYTHONHASHSEED="12345", PYTHONIOENCODING="utf-8")
    copy = tmp_path / "ban sao"
    shutil.copytree(folder, copy)
    shutil.rmtree(copy / "outbox" / f"bao-cao-{YEAR}")
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "-C", str(copy), "bao-cao", "--nam", str(YEAR)],
        capture_output=True,
        env=env,
        timeout=120,
        cwd=Path(__file__).parent.parent,
    )
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert report_bytes(copy) == outputs


def test_demo_refuses_a_folder_holding_other_data(tmp_path):
    (tmp_path / "bao-cao-cua-toi.docx").write_bytes(b"du lieu that")
    result = CliRunner().invoke(cli, ["demo", str(tmp_path), "--nam", str(YEAR)])
    assert result.exit_code == 1
    assert isinstance(result.exception, WorkspaceError) and "chọn một thư mục trống" in str(result.exception)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bao-cao-cua-toi.docx"]


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (dt.date(2026, 11, 25), 2026),
        (dt.date(2031, 1, 5), 2030),
        (dt.date(2020, 6, 1), 2021),
    ],
)
def test_demo_year_is_this_year_kept_inside_the_plan(kh178: Plan, today, year):
    assert demo_year(kh178, today) == year


def test_demo_again_in_its_folder_starts_afresh_with_the_same_data(demo):
    """Last in the module: it regenerates the shared demo folder (to the same bytes)."""
    folder, _, outputs, _ = demo
    inbox = file_facts(folder / "inbox")
    (folder / "inbox" / "thua.xlsx").write_bytes(b"left over from trying things out")
    invoke("demo", str(folder), "--nam", str(YEAR))
    assert file_facts(folder / "inbox") == inbox  # fixed seed, fixed file times; the stray file is gone
    assert report_bytes(folder) == outputs


def test_demo_report_is_dated_by_its_latest_form_and_bao_cao_can_set_the_date(demo, tmp_path):
    folder, result, _, record = demo
    # xã Bình Thạnh's late form (used) is dated 08/12/2026, after the deadline 05/12/2026
    assert record["report_date"] == "2026-12-08" and "Ngày của báo cáo: 08/12/2026." in result.output
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    out = invoke("-C", str(copy), "bao-cao", "--nam", str(YEAR), "--ghi-de", "--ngay-bao-cao", "10/12/2026").output
    assert "Ngày của báo cáo: 10/12/2026." in out
    again = json.loads((copy / "outbox" / f"bao-cao-{YEAR}" / OUTPUTS[2]).read_text(encoding="utf-8"))
    assert again["report_date"] == "2026-12-10"
    bad = CliRunner().invoke(cli, ["-C", str(copy), "bao-cao", "--ngay-bao-cao", "2026-12-10"])
    assert bad.exit_code == 2 and "không phải ngày dạng ngày/tháng/năm (ví dụ 08/12/2026)" in bad.output
