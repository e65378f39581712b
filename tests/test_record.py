"""The run record's schema lives in record.py: written and read there, versioned, and a record that cannot
be read is named (file and key) on the console instead of silently switching off what depends on it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pipeline import record as rec
from pipeline.aggregate import aggregate
from pipeline.cli import main
from pipeline.history import load_history
from pipeline.model import Problem, Provenance
from pipeline.plan import Plan
from pipeline.record import build_record, last_year, read_record, record_json
from pipeline.report_context import report_date
from pipeline.workspace import Workspace, init_workspace

from .conftest import ROOT, small_intake
from .filling import filled_form

TEMPLATE = ROOT / "templates" / "bao-cao.docx"
YEAR = 2026
FORM_YEAR = 2025  # the kiem-tra below: tnmt's counts are asked in 2021–2025
NOTICE_TAIL = (
    ": năm nay không so sánh được với số liệu từng đơn vị năm 2024 (cảnh báo bien-dong-lon, goc-thay-doi) "
    "và biểu mẫu không điền sẵn số năm gốc."
)


@pytest.fixture(scope="module")
def summary(kh178: Plan):
    return aggregate(kh178, small_intake(kh178))


def keys_in(value: Any) -> set[str]:
    """Every object key at any depth of a JSON value."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_in(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_in(v)}
    return set()


def test_run_record_says_what_was_used(summary) -> None:
    bad = Provenance("ghi chu.docx", "f" * 64, 10, dt.datetime(2026, 11, 2, 8, 0))
    problem = Problem("khong-phai-bieu-mau", "Tệp không phải biểu mẫu Excel.", file="ghi chu.docx")
    date = report_date(summary)
    record = build_record(summary, ROOT / "config.toml", rejected=[(bad, problem)], template=TEMPLATE, report_date=date)
    data = record_json(record)
    assert data == record_json(
        build_record(summary, ROOT / "config.toml", [(bad, problem)], TEMPLATE, report_date=date)
    )
    back = json.loads(data)
    assert back["config"] == {
        "file": "config.toml",
        "plan_id": "KH178-2021",
        "plan_number": "178/KH-UBND",
        "sha256": hashlib.sha256((ROOT / "config.toml").read_bytes()).hexdigest(),
        "template_version": 2,
    }
    assert back["record_version"] == 2 and back["year"] == 2026 and back["report_date"] == "2026-12-08"
    assert back["product"]["version"]
    units = {u["unit"]: u for u in back["units"]}
    assert units["xa-binh-thanh"]["state"] == "nop-muon" and units["xa-binh-thanh"]["used"] is True
    assert units["xa-ba-sao"]["used"] is False and units["xa-ba-sao"]["problems"][0]["cell"] == "E12"
    assert units["xa-ba-sao"]["set_aside"] == ["xa-ba-sao (cu).xlsx: bản cũ hơn"]
    assert units["ktht"]["file"]["application"] == "Microsoft Excel" and units["ktht"]["file"]["size"] == 12345
    assert units["yte"]["file"] is None and units["yte"]["state"] == "chua-nop"
    assert back["rejected_files"] == [
        {
            "file": {
                "application": "",
                "modified": "2026-11-02T08:00:00",
                "path": "ghi chu.docx",
                "sha256": "f" * 64,
                "size": 10,
            },
            "problem": {
                "cell": "",
                "code": "khong-phai-bieu-mau",
                "expected": "",
                "file": "ghi chu.docx",
                "message": "Tệp không phải biểu mẫu Excel.",
                "severity": "loi",
                "sheet": "",
                "value": "",
            },
        }
    ]
    shops = next(i for i in back["indicators"] if i["indicator"] == "cua_hang_tien_loi")
    assert shops["value"] == pytest.approx(100 * 25 / 35) and shops["target"] == {"year": 2030, "value": 100.0}
    assert shops["status"] == "khong-du-so-lieu" and len(shops["expected_units"]) == 18
    assert shops["reported_units"] == ["xa-an-binh", "xa-binh-thanh", "xa-my-hiep"]
    assert shops["input_totals"]["so_cua_hang_tien_loi"] == {"total": 35.0, "answered": 3}
    assert shops["values_by_unit"]["xa-an-binh"] == {"so_cua_hang_bao_bi_xanh": 8.0, "so_cua_hang_tien_loi": 10.0}
    assert back["report_template"]["sha256"] == hashlib.sha256(TEMPLATE.read_bytes()).hexdigest()


def test_every_key_the_reader_relies_on_is_one_the_writer_writes(kh178: Plan) -> None:
    adhoc = aggregate(kh178.for_period(YEAR, "6 tháng đầu năm", dt.date(2026, 6, 15)), small_intake(kh178))
    written = keys_in(build_record(adhoc, ROOT / "config.toml", report_date=report_date(adhoc)))
    read = {v for k, v in vars(rec).items() if k.startswith("K_")}
    assert len(read) == 30 and read <= written


def test_a_written_record_reads_back_with_the_same_figures(summary, tmp_path: Path) -> None:
    path = tmp_path / "nhat-ky-2026.json"
    path.write_bytes(record_json(build_record(summary, ROOT / "config.toml", report_date=report_date(summary))))
    back = read_record(path)
    assert (back.file, back.version, back.year, back.report_date, back.period) == (
        "nhat-ky-2026.json",
        2,
        2026,
        dt.date(2026, 12, 8),
        None,
    )
    shops = next(i for i in back.indicators if i.indicator == "cua_hang_tien_loi")
    assert shops.value == pytest.approx(100 * 25 / 35)
    assert shops.reported_units == ("xa-an-binh", "xa-binh-thanh", "xa-my-hiep") and len(shops.expected_units) == 18
    assert shops.input_totals["so_cua_hang_tien_loi"] == (35.0, 3)
    assert shops.values_by_unit["xa-an-binh"] == {"so_cua_hang_bao_bi_xanh": 8.0, "so_cua_hang_tien_loi": 10.0}
    assert {u.unit: (u.state, u.late) for u in back.units}["xa-binh-thanh"] == ("nop-muon", True)


# --------------------------------------------------------------------------- a record that cannot be read


def last_years_record(ws: Workspace, change: Any = None) -> Path:
    """2024's run record holding tnmt's figures (40 checked, 30 compliant); ``change`` edits the dict first."""
    record = {
        "record_version": 2,
        "year": 2024,
        "report_date": "2024-12-05",
        "units": [],
        "tasks": [],
        "indicators": [
            {
                "indicator": "co_so_tuan_thu",
                "value": 75.0,
                "expected_units": ["tnmt"],
                "reported_units": ["tnmt"],
                "input_totals": {},
                "values_by_unit": {"tnmt": {"so_co_so_kiem_tra": 40, "so_co_so_tuan_thu": 30}},
            }
        ],
    }
    if change is not None:
        change(record)
    path = ws.run_record(2024)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


@pytest.fixture
def ws(tmp_path: Path, kh178: Plan) -> Workspace:
    """tnmt's 2025 form says 400 establishments checked: ten times 2024's 40."""
    ws = init_workspace(tmp_path / "ws")
    data = filled_form(kh178, "tnmt", FORM_YEAR, values={"so_co_so_kiem_tra": 400, "so_co_so_tuan_thu": 35})
    (ws.inbox / "tnmt.xlsx").write_bytes(data)
    return ws


TENFOLD = (
    "    [Cảnh báo] trang «Chỉ tiêu», ô E9: «Số cơ sở sản xuất, kinh doanh được kiểm tra về bảo vệ môi trường "
    "trong năm» = 400, gấp 10 lần số liệu năm trước (40). Nếu đúng thì giữ nguyên (có thể ghi lý do ở cột ghi "
    "chú); nếu nhầm đơn vị tính hay thừa/thiếu chữ số thì sửa lại."
)  # bien-dong-lon, as the clerk sees it


def kiem_tra(ws: Workspace, capsys: pytest.CaptureFixture) -> str:
    assert main(["-C", str(ws.root), "kiem-tra", "--nam", str(FORM_YEAR)]) == 0
    return capsys.readouterr().out


def test_last_years_figures_give_the_tenfold_warning_and_no_notice(ws: Workspace, capsys) -> None:
    last_years_record(ws)
    out = kiem_tra(ws, capsys)
    assert TENFOLD in out.splitlines()
    assert "Lưu ý:" not in out


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda r: r["indicators"][0].pop("values_by_unit"), "thiếu khóa «indicators[0].values_by_unit»"),
        (
            lambda r: r["indicators"][0].update(values_per_unit=r["indicators"][0].pop("values_by_unit")),
            "thiếu khóa «indicators[0].values_by_unit»",
        ),
        (lambda r: r.pop("indicators"), "thiếu khóa «indicators»"),
        (
            lambda r: r["indicators"][0]["values_by_unit"].update(tnmt=[40, 30]),
            "«indicators[0].values_by_unit.tnmt» không phải một đối tượng JSON (giá trị [40, 30])",
        ),
        (
            lambda r: r.update(record_version=3),
            "nhật ký phiên bản 3, mới hơn chương trình (phiên bản 2); hãy cập nhật baocao",
        ),
    ],
)
def test_a_renamed_or_dropped_key_is_named_on_the_console_instead_of_no_warning(
    ws: Workspace, capsys: pytest.CaptureFixture, change: Any, reason: str
) -> None:
    last_years_record(ws, change)
    out = kiem_tra(ws, capsys)
    assert TENFOLD not in out.splitlines() and "số liệu năm trước" not in out  # the comparison is off…
    assert out.endswith(
        f"\n\nLưu ý: Không đọc được nhật ký «outbox/bao-cao-2024/nhat-ky-2024.json» ({reason}){NOTICE_TAIL}\n"
    )  # …and the clerk is told which file and which key


def test_a_record_that_is_not_json_is_named_too(ws: Workspace, capsys: pytest.CaptureFixture) -> None:
    path = last_years_record(ws)
    path.write_text('{"year": 2024,', encoding="utf-8")
    assert last_year(ws, FORM_YEAR).notice == (
        "Không đọc được nhật ký «outbox/bao-cao-2024/nhat-ky-2024.json» (không phải "
        f"JSON hợp lệ (dòng 1, cột 15)){NOTICE_TAIL}"
    )


def test_tao_mau_says_the_base_year_figures_are_not_prefilled(ws: Workspace, capsys: pytest.CaptureFixture) -> None:
    last_years_record(ws, lambda r: r["indicators"][0].pop("values_by_unit"))
    assert main(["-C", str(ws.root), "tao-mau", "--nam", str(FORM_YEAR)]) == 0
    assert capsys.readouterr().out.endswith(
        "Lưu ý: Không đọc được nhật ký «outbox/bao-cao-2024/nhat-ky-2024.json» (thiếu khóa "
        f"«indicators[0].values_by_unit»){NOTICE_TAIL}\n"
    )


def test_history_names_an_unreadable_record_in_its_notes(ws: Workspace, kh178: Plan) -> None:
    last_years_record(ws, lambda r: r.pop("year"))
    assert load_history(ws, kh178, FORM_YEAR).notes == (
        "Không đọc được nhật ký «outbox/bao-cao-2024/nhat-ky-2024.json» (thiếu khóa «year»); năm 2024 không có "
        "trong lịch sử.",
    )


def test_the_report_says_last_years_record_is_unreadable_rather_than_absent(ws: Workspace, kh178: Plan, capsys) -> None:
    last_years_record(ws, lambda r: r.pop("year"))
    assert load_history(ws, kh178, FORM_YEAR).unreadable == {2024: "outbox/bao-cao-2024/nhat-ky-2024.json"}
    assert main(["-C", str(ws.root), "bao-cao", "--nam", str(FORM_YEAR)]) == 0
    from docx import Document

    doc = Document(str(ws.report_dir(FORM_YEAR) / f"bao-cao-{FORM_YEAR}.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert (
        "Nhật ký báo cáo năm 2024 («outbox/bao-cao-2024/nhat-ky-2024.json») không đọc được nên báo cáo chưa "
        "so sánh với năm trước."
    ) in text
    assert "chưa có nhật ký báo cáo năm trước" not in text


def test_an_unreadable_record_reaches_the_console_as_notices_only(ws: Workspace, capsys) -> None:
    """A real process (pytest's own log capture would hide Python's «last resort» lines): the clerk sees
    the notices, not the library's log; ``--debug`` shows the log."""
    path = last_years_record(ws)
    path.write_text("{hỏng", encoding="utf-8")
    command = [sys.executable, "-m", "pipeline.cli", "-C", str(ws.root), "kiem-tra", "--nam", str(FORM_YEAR)]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "nhat-ky-2024.json: " not in done.stdout
    assert "Lưu ý: Không đọc được nhật ký «outbox/bao-cao-2024/nhat-ky-2024.json»" in done.stdout
    assert main(["--debug", "-C", str(ws.root), "kiem-tra", "--nam", str(FORM_YEAR)]) == 0
    err = capsys.readouterr().err
    assert "[--debug] pipeline.history: " in err and "nhat-ky-2024.json: không phải JSON hợp lệ" in err
    assert main(["-C", str(ws.root), "kiem-tra", "--nam", str(FORM_YEAR)]) == 0
    assert capsys.readouterr().err == ""  # the handler went with the --debug run
