"""The baocao command: Vietnamese messages, workspace by -C, one-line errors without tracebacks."""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def workspace(tmp_path):
    shutil.copyfile(ROOT / "config.toml", tmp_path / "config.toml")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    (tmp_path / "inbox").mkdir()
    return tmp_path


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_is_in_vietnamese(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "Cách dùng:" in out and "Tùy chọn" in out and "Lệnh" in out
    assert "tao-mau" in out and "Tạo biểu mẫu Excel" in out and "Thư mục làm việc" in out


@pytest.mark.parametrize("command", ["ke-hoach", "tao-mau", "kiem-tra", "bao-cao", "demo"])
def test_every_subcommand_help_is_in_vietnamese(capsys, command):
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    assert "Cách dùng: baocao " + command in out
    assert re.search(r"-h, --help +Hiện hướng dẫn này rồi thoát\.", out)
    assert "Show this message" not in out and "Options" not in out


def test_ke_hoach_prints_units_tasks_inputs_and_targets(capsys, workspace):
    code, out, _ = run(capsys, "-C", str(workspace), "ke-hoach", "--nam", "2026")
    assert code == 0
    assert "Kế hoạch số 178/KH-UBND" in out
    assert "- Phòng Tài nguyên và Môi trường [tnmt]" in out
    assert "Chủ trì 2 nhiệm vụ: I.2, II.3" in out
    assert "≥ 60 % (2025); ≥ 90 % (2030); giai đoạn 2021–2025, 2026–2030" in out
    assert "Không hỏi năm 2026 (ngoài giai đoạn): tuyen_truyen (2021–2025)" in out
    assert "• Tổng số cửa hàng tiện lợi trên địa bàn (cửa hàng)" in out
    assert "II.1 (2021–2025)" in out


def test_tao_mau_writes_one_form_per_unit(capsys, workspace):
    code, out, _ = run(capsys, "-C", str(workspace), "tao-mau", "--nam", "2026")
    assert code == 0
    files = sorted((workspace / "outbox" / "mau-2026").glob("*.xlsx"))
    assert len(files) == 31
    assert "Đã tạo 31 biểu mẫu năm 2026" in out and "05/12/2026" in out


def test_year_outside_the_plan_is_a_one_line_message(capsys, workspace):
    code, out, err = run(capsys, "-C", str(workspace), "tao-mau", "--nam", "2035")
    assert (code, out) == (1, "")
    assert err == (
        "Lỗi: năm 2035 (--nam) nằm ngoài thời kỳ của kế hoạch 178/KH-UBND (2021–2030); hãy chọn một năm "
        "trong thời kỳ này.\n"
    )


def test_year_that_is_not_a_number_is_explained(capsys, workspace):
    code, out, err = run(capsys, "-C", str(workspace), "tao-mau", "--nam", "hai")
    assert (code, out) == (2, "")
    assert err == "Lỗi: giá trị của --nam không hợp lệ: «hai» không phải là năm (ví dụ 2026).\n"


def test_missing_config_names_the_folder(capsys, tmp_path):
    code, out, err = run(capsys, "-C", str(tmp_path), "ke-hoach")
    assert (code, out) == (1, "")
    assert err == (
        f"Lỗi: Thư mục {tmp_path} chưa có tệp config.toml. Tạo thư mục làm việc mới bằng `baocao khoi-tao`, "
        "hoặc chạy lệnh trong thư mục làm việc đã có (hay chỉ ra bằng -C THƯ_MỤC).\n"
    )


def test_broken_config_names_the_key(capsys, workspace):
    cfg = workspace / "config.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace('chu_tri = "yte"', 'chu_tri = "y-te"'), encoding="utf-8")
    code, _, err = run(capsys, "-C", str(workspace), "ke-hoach")
    assert code == 1 and "nhiem_vu[6].chu_tri" in err and "y-te" in err


def test_unknown_command_is_named(capsys):
    code, out, err = run(capsys, "in-bao-cao")
    assert (code, out) == (2, "")
    assert err == (
        "Lỗi: không có lệnh «in-bao-cao». Các lệnh: khoi-tao, ke-hoach, tao-mau, kiem-tra, bao-cao, "
        "nhac-nop, lich-su, so-ket, demo.\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["kiem-tra", "--nam"], "Lỗi: tùy chọn «--nam» cần một giá trị. Xem `baocao kiem-tra --help`.\n"),
        (["kiem-tra", "--strict=co"], "Lỗi: tùy chọn «--strict» không nhận giá trị. Xem `baocao kiem-tra --help`.\n"),
        (["--debug=co", "ke-hoach"], "Lỗi: tùy chọn «--debug» không nhận giá trị. Xem `baocao --help`.\n"),
        (["ke-hoach", "--nam", "2026", "2027"], "Lỗi: thừa tham số «2027». Xem `baocao ke-hoach --help`.\n"),
        (["demo", "a", "b", "c"], "Lỗi: thừa tham số «b c». Xem `baocao demo --help`.\n"),
    ],
)
def test_usage_errors_are_one_vietnamese_line_naming_the_option(capsys, workspace, args, message):
    code, out, err = run(capsys, "-C", str(workspace), *args)
    assert (code, out, err) == (2, "", message)


def test_the_cli_reads_click_errors_by_type_never_by_their_english_text():
    source = (ROOT / "pipeline" / "cli.py").read_text(encoding="utf-8")
    assert "in e.message" not in source and "message.split" not in source  # the message is shown, never parsed
    assert "No such" not in source and "requires an argument" not in source


def test_version_comes_from_package_metadata(capsys, tmp_path):
    code, out, err = run(capsys, "-C", str(tmp_path), "--version")
    assert (code, out, err) == (0, f"baocao {importlib.metadata.version('baocao')}\n", "")


def test_version_names_the_plan_of_the_workspace(capsys, workspace):
    code, out, _ = run(capsys, "-C", str(workspace), "--version")
    version = importlib.metadata.version("baocao")
    assert (code, out) == (
        0,
        f"baocao {version} — kế hoạch KH178-2021 (config.toml: {(workspace / 'config.toml').resolve()})\n",
    )


def test_output_survives_a_windows_code_page(workspace):
    env = dict(os.environ, PYTHONIOENCODING="cp1252", PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "-C", str(workspace), "ke-hoach", "--nam", "2026"],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert "Kế hoạch số 178/KH-UBND".encode() in proc.stdout
