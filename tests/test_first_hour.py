"""The clerk's first hour, through ``main()``: the help at the bare prompt, a working folder made by
``khoi-tao``, ``-C`` after the command, ``--version`` for a support call, tables that cut nothing."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipeline import __version__
from pipeline.cli import main
from pipeline.plan import load_plan
from pipeline.workspace import bundled_defaults

from .conftest import ROOT
from .filling import filled_form

HELP = """\
Cách dùng: baocao [TÙY_CHỌN] LỆNH [THAM_SỐ]...

  Tổng hợp báo cáo thực hiện kế hoạch từ biểu mẫu Excel của các đơn vị.

  Bắt đầu: baocao khoi-tao THƯ_MỤC (tạo thư mục làm việc). Trình tự hằng năm:
  tao-mau (gửi biểu mẫu cho đơn vị) → các đơn vị gửi lại, chép vào inbox/ →
  kiem-tra → bao-cao (báo cáo Word trong outbox/).

Tùy chọn:
  -C THƯ_MỤC  Thư mục làm việc (chứa config.toml, templates/, inbox/,
              outbox/). Mặc định: thư mục hiện tại.
  --debug     Hiện chi tiết lỗi kỹ thuật (dành cho người bảo trì).
  --version   Hiện phiên bản, mã kế hoạch trong config.toml rồi thoát.
  -h, --help  Hiện hướng dẫn này rồi thoát.

Lệnh:
  khoi-tao  Tạo thư mục làm việc mới (mặc định: thư mục hiện tại).
  ke-hoach  Xem kế hoạch: đơn vị, nhiệm vụ, số liệu mỗi đơn vị phải báo cáo.
  tao-mau   Tạo biểu mẫu Excel cho từng đơn vị (outbox/mau-<năm>/).
  kiem-tra  Kiểm tra inbox/: ai đã nộp, nộp muộn, có lỗi, chưa nộp.
  bao-cao   Lệnh chính: kiểm tra, tổng hợp và lập báo cáo Word (outbox/).
  nhac-nop  Soạn công văn đôn đốc đơn vị chưa gửi hoặc còn lỗi (outbox/).
  lich-su   Lịch sử các chỉ tiêu từ năm đầu kế hoạch đến nay.
  so-ket    Báo cáo sơ kết một giai đoạn (Word) từ lịch sử các năm.
  demo      Chạy thử trọn quy trình trên dữ liệu mẫu (mặc định: ./demo).
"""


@pytest.fixture(autouse=True)
def eighty_columns(monkeypatch):
    """click wraps help to the terminal's width: pin it to a classic 80-column console."""
    monkeypatch.setenv("COLUMNS", "80")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_baocao_alone_prints_the_help_not_an_error(capsys):
    assert run(capsys) == (0, HELP, "")
    assert run(capsys, "--help") == (0, HELP, "")


def test_every_command_has_one_clean_summary_line_in_workflow_order(capsys):
    _, out, _ = run(capsys, "--help")
    listed = out.split("Lệnh:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in listed] == [
        "khoi-tao",
        "ke-hoach",
        "tao-mau",
        "kiem-tra",
        "bao-cao",
        "nhac-nop",
        "lich-su",
        "so-ket",
        "demo",
    ]
    assert all(line.endswith(".") and "..." not in line for line in listed)


def test_subcommand_usage_and_options_are_vietnamese(capsys):
    code, out, _ = run(capsys, "khoi-tao", "--help")
    assert code == 0
    assert (
        out
        == """\
Cách dùng: baocao khoi-tao [TÙY_CHỌN] [THƯ_MỤC]

  Tạo thư mục làm việc mới (mặc định: thư mục hiện tại).

  Thư mục gồm config.toml của kế hoạch, templates/ (mẫu báo cáo), inbox/ và
  outbox/ trống, và HUONG-DAN.txt. Không bao giờ ghi đè config.toml đã có.

Tùy chọn:
  --tu TỆP_CẤU_HÌNH  Bắt đầu từ tệp cấu hình này (mặc định: kế hoạch đi kèm
                     chương trình).
  -C THƯ_MỤC         Thư mục làm việc (chứa config.toml, templates/, inbox/,
                     outbox/). Mặc định: thư mục hiện tại.
  -h, --help         Hiện hướng dẫn này rồi thoát.
"""
    )


def test_unknown_command_lists_every_command(capsys):
    assert run(capsys, "khoitao") == (
        2,
        "",
        "Lỗi: không có lệnh «khoitao». Các lệnh: khoi-tao, ke-hoach, tao-mau, kiem-tra, bao-cao, nhac-nop, "
        "lich-su, so-ket, demo.\n",
    )


# --------------------------------------------------------------------------- khoi-tao


def test_khoi_tao_makes_a_working_folder_from_the_bundled_plan(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "khoi-tao", "lam-viec")
    assert (code, err) == (0, "")
    assert (
        out
        == """\
Đã tạo thư mục làm việc lam-viec cho Kế hoạch số 178/KH-UBND (KH178-2021):
  config.toml    kế hoạch đi kèm chương trình
  templates/     README.md, bao-cao.docx, nhac-nop.docx, so-ket.docx
  inbox/         chép vào đây các tệp đơn vị gửi về
  outbox/        biểu mẫu, tệp phản hồi và báo cáo được ghi vào đây
  HUONG-DAN.txt  hướng dẫn nhanh cho chuyên viên
Bước tiếp theo: cd lam-viec rồi baocao ke-hoach (xem lại kế hoạch), rồi baocao tao-mau (tạo biểu mẫu).
"""
    )
    ws = tmp_path / "lam-viec"
    assert sorted(p.name for p in ws.iterdir()) == ["HUONG-DAN.txt", "config.toml", "inbox", "outbox", "templates"]
    assert (ws / "config.toml").read_bytes() == (ROOT / "config.toml").read_bytes()
    for name in ("README.md", "bao-cao.docx"):
        assert (ws / "templates" / name).read_bytes() == (ROOT / "templates" / name).read_bytes()
    assert list((ws / "inbox").iterdir()) == [] and list((ws / "outbox").iterdir()) == []
    # the folder works at once
    assert run(capsys, "-C", str(ws), "tao-mau", "--nam", "2026")[0] == 0
    assert len(list((ws / "outbox" / "mau-2026").glob("*.xlsx"))) == 31


def test_huong_dan_opens_right_in_windows_notepad(capsys, tmp_path):
    run(capsys, "khoi-tao", str(tmp_path / "lv"))
    data = (tmp_path / "lv" / "HUONG-DAN.txt").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: old Notepad would read the ANSI code page
    assert data.count(b"\n") == data.count(b"\r\n") == 24  # CRLF only: old Notepad ignores a bare LF
    text = data[3:].decode("utf-8")
    lines = text.split("\r\n")
    assert lines[:2] == [
        "HƯỚNG DẪN NHANH — chương trình baocao",
        "Thư mục làm việc cho Kế hoạch số 178/KH-UBND (KH178-2021).",
    ]
    assert (
        "  3. Nhận tệp: chép nguyên các tệp đơn vị gửi về vào inbox (không cần đổi tên). Hạn nộp: 05/12 hằng năm."
        in lines
    )
    assert (
        'Gõ lệnh ở thư mục khác thì thêm -C và đường dẫn thư mục này, ví dụ: baocao kiem-tra -C "D:\\BaoCao"' in lines
    )


def test_khoi_tao_refuses_to_overwrite_a_config(capsys, tmp_path):
    ws = tmp_path / "lv"
    assert run(capsys, "khoi-tao", str(ws))[0] == 0
    (ws / "config.toml").write_text("# đã sửa\n", encoding="utf-8")
    assert run(capsys, "khoi-tao", str(ws)) == (
        1,
        "",
        (
            f"Lỗi: Thư mục {ws} đã có tệp config.toml: không ghi đè. Muốn tạo lại từ đầu thì chọn "
            "thư mục khác, hoặc tự đổi tên tệp config.toml cũ rồi chạy lại.\n"
        ),
    )
    assert (ws / "config.toml").read_text(encoding="utf-8") == "# đã sửa\n"


def test_khoi_tao_in_the_current_folder_keeps_what_is_there(capsys, tmp_path, monkeypatch):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "bao-cao.docx").write_bytes(b"my own template")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "khoi-tao")
    assert code == 0
    assert out.splitlines()[0] == f"Đã tạo thư mục làm việc {tmp_path} cho Kế hoạch số 178/KH-UBND (KH178-2021):"
    assert out.splitlines()[-2:] == [
        f"Giữ nguyên tệp đã có: {tmp_path / 'templates' / 'bao-cao.docx'}",
        "Bước tiếp theo: baocao ke-hoach (xem lại kế hoạch), rồi baocao tao-mau (tạo biểu mẫu).",
    ]
    assert (tmp_path / "templates" / "bao-cao.docx").read_bytes() == b"my own template"


def test_khoi_tao_tu_starts_from_another_config_and_its_templates(capsys, tmp_path):
    other = tmp_path / "huyen-khac"
    other.mkdir()
    config = (ROOT / "config.toml").read_text(encoding="utf-8").replace('ma = "KH178-2021"', 'ma = "KH42-2024"')
    (other / "config.toml").write_text(config, encoding="utf-8")
    shutil.copytree(ROOT / "templates", other / "templates")
    (other / "templates" / "thu-nhac.docx").write_bytes(b"letter")
    code, out, _ = run(capsys, "khoi-tao", str(tmp_path / "lv"), "--tu", str(other / "config.toml"))
    assert code == 0
    assert out.splitlines()[:3] == [
        f"Đã tạo thư mục làm việc {tmp_path / 'lv'} cho Kế hoạch số 178/KH-UBND (KH42-2024):",
        f"  config.toml    chép từ {other / 'config.toml'}",
        "  templates/     README.md, bao-cao.docx, nhac-nop.docx, so-ket.docx, thu-nhac.docx",
    ]
    assert (tmp_path / "lv" / "config.toml").read_text(encoding="utf-8") == config


def test_khoi_tao_tu_checks_the_config_before_making_anything(capsys, tmp_path):
    bad = tmp_path / "sai.toml"
    bad.write_text('[ke_hoach]\nma = "X"\n', encoding="utf-8")
    code, out, err = run(capsys, "khoi-tao", str(tmp_path / "lv"), "--tu", str(bad))
    assert (code, out) == (1, "")
    assert err.startswith("Lỗi: Lỗi cấu hình tại khóa «")
    assert not (tmp_path / "lv").exists()
    assert run(capsys, "khoi-tao", str(tmp_path / "lv"), "--tu", str(tmp_path / "khong-co.toml")) == (
        1,
        "",
        f"Lỗi: Không tìm thấy tệp cấu hình {tmp_path / 'khong-co.toml'}.\n",
    )


def test_a_folder_without_config_points_to_khoi_tao(capsys, tmp_path):
    for command in ("ke-hoach", "tao-mau", "kiem-tra", "bao-cao"):
        assert run(capsys, "-C", str(tmp_path), command) == (
            1,
            "",
            (
                f"Lỗi: Thư mục {tmp_path} chưa có tệp config.toml. Tạo thư mục làm việc mới bằng "
                "`baocao khoi-tao`, hoặc chạy lệnh trong thư mục làm việc đã có (hay chỉ ra bằng -C THƯ_MỤC).\n"
            ),
        )


def test_a_missing_working_folder_points_to_khoi_tao(capsys, tmp_path):
    assert run(capsys, "ke-hoach", "-C", str(tmp_path / "chua-co")) == (
        1,
        "",
        (
            f"Lỗi: Không tìm thấy thư mục làm việc {tmp_path / 'chua-co'}. "
            f"Tạo mới bằng `baocao khoi-tao {tmp_path / 'chua-co'}`.\n"
        ),
    )


def test_the_bundled_defaults_are_the_repository_files_in_a_checkout():
    assert bundled_defaults() == ROOT
    assert load_plan(bundled_defaults() / "config.toml").id == "KH178-2021"


# --------------------------------------------------------------------------- -C after the command


@pytest.fixture
def workspace(capsys, tmp_path) -> Path:
    ws = tmp_path / "lv"
    assert run(capsys, "khoi-tao", str(ws))[0] == 0
    return ws


def test_C_is_accepted_after_the_command(capsys, workspace):
    before = run(capsys, "-C", str(workspace), "ke-hoach", "--nam", "2026")
    assert before[0] == 0
    assert run(capsys, "ke-hoach", "-C", str(workspace), "--nam", "2026") == before
    code, out, _ = run(capsys, "kiem-tra", "-C", str(workspace), "--nam", "2026")
    assert code == 1  # nothing in inbox/ yet
    assert out.splitlines()[0] == f"KIỂM TRA HỒ SƠ NĂM 2026 — thư mục {workspace / 'inbox'} — hạn nộp 05/12/2026"


def test_a_relative_C_after_the_command_counts_from_the_first_one(capsys, tmp_path):
    assert run(capsys, "-C", str(tmp_path), "khoi-tao", "-C", "lv")[1].splitlines()[0] == (
        f"Đã tạo thư mục làm việc {tmp_path / 'lv'} cho Kế hoạch số 178/KH-UBND (KH178-2021):"
    )


def test_demo_with_C_after_the_command_runs_in_that_folder(capsys, tmp_path):
    folder = tmp_path / "thu"
    code, out, _ = run(capsys, "demo", "-C", str(folder), "--nam", "2026")
    assert code == 0
    assert out.splitlines()[0] == f"Đã tạo thư mục chạy thử {folder} với biểu mẫu đã điền trong inbox/."
    assert (folder / "outbox" / "bao-cao-2026" / "bao-cao-2026.docx").is_file()


# --------------------------------------------------------------------------- --version


def test_version_alone_outside_a_working_folder(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "--version") == (0, f"baocao {__version__}\n", "")


def test_version_names_the_plan_of_the_config_in_use(capsys, workspace, monkeypatch):
    line = f"baocao {__version__} — kế hoạch KH178-2021 (config.toml: {workspace.resolve() / 'config.toml'})\n"
    assert run(capsys, "-C", str(workspace), "--version") == (0, line, "")
    monkeypatch.chdir(workspace)
    assert run(capsys, "--version") == (0, line, "")


def test_version_with_a_broken_config_still_answers(capsys, workspace):
    (workspace / "config.toml").write_text('[ke_hoach]\nma = "X"\n', encoding="utf-8")
    code, out, err = run(capsys, "-C", str(workspace), "--version")
    assert (code, err) == (0, "")
    assert out.startswith(
        f"baocao {__version__} — {workspace.resolve() / 'config.toml'} có lỗi: Lỗi cấu hình tại khóa «"
    )


# --------------------------------------------------------------------------- tables


LONG_NAME = "Ủy ban nhân dân xã Mỹ Hiệp, huyện Cao Lãnh, tỉnh Đồng Tháp (đơn vị thí điểm)"


def test_kiem_tra_table_cuts_neither_a_long_name_nor_a_late_error_status(capsys, workspace):
    config = workspace / "config.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("UBND xã Mỹ Hiệp", LONG_NAME), encoding="utf-8")
    plan = load_plan(config)
    late_and_wrong = filled_form(
        plan,
        "xa-my-hiep",
        2026,
        values={"so_cua_hang_tien_loi": "khoảng 5"},
        contact={"ngay_lap": dt.date(2026, 12, 8)},
    )
    (workspace / "inbox" / "my-hiep.xlsx").write_bytes(late_and_wrong)
    saved = dt.datetime(2026, 12, 8, 10).timestamp()  # saved the day it is dated (a later date would be a typo)
    os.utime(workspace / "inbox" / "my-hiep.xlsx", (saved, saved))
    (workspace / "inbox" / "yte.xlsx").write_bytes(filled_form(plan, "yte", 2026))
    code, out, _ = run(capsys, "kiem-tra", "--nam", "2026", "-C", str(workspace))
    assert code == 0
    lines = out.splitlines()
    assert lines[2:4] == [
        "STT  Đơn vị                                            Tình trạng     Tệp",
        "  1  Phòng Kinh tế và Hạ tầng                          Chưa nộp       —",
    ]
    assert lines[lines.index("  7  Phòng Y tế                                        Đã nộp         yte.xlsx") :][
        :17
    ] == [
        "  7  Phòng Y tế                                        Đã nộp         yte.xlsx",
        "  8  Ủy ban Mặt trận Tổ quốc Việt Nam huyện            Chưa nộp       —",
        "  9  Liên đoàn Lao động huyện *                        Chưa nộp       —",
        " 10  Huyện đoàn Cao Lãnh *                             Chưa nộp       —",
        " 11  Hội Liên hiệp Phụ nữ huyện *                      Chưa nộp       —",
        " 12  Hội Nông dân huyện *                              Chưa nộp       —",
        " 13  Hội Cựu chiến binh huyện *                        Chưa nộp       —",
        " 14  UBND thị trấn Mỹ Thọ                              Chưa nộp       —",
        " 15  UBND xã An Bình                                   Chưa nộp       —",
        " 16  UBND xã Ba Sao                                    Chưa nộp       —",
        " 17  UBND xã Bình Hàng Tây                             Chưa nộp       —",
        " 18  UBND xã Bình Hàng Trung                           Chưa nộp       —",
        " 19  UBND xã Bình Thạnh                                Chưa nộp       —",
        " 20  UBND xã Gáo Giồng                                 Chưa nộp       —",
        " 21  Ủy ban nhân dân xã Mỹ Hiệp, huyện Cao Lãnh, tỉnh  Có lỗi (muộn)  my-hiep.xlsx",
        "     Đồng Tháp (đơn vị thí điểm)",
        " 22  UBND xã Mỹ Hội                                    Chưa nộp       —",
    ]


def test_a_wheel_carries_the_config_and_templates_that_khoi_tao_hands_out(capsys, tmp_path):
    """Installed from a wheel (no repository around), khoi-tao finds pipeline/_default inside the package."""
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = tmp_path.glob("baocao-*.whl")
    unpacked = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(unpacked)
    for name in ("config.toml", "templates/bao-cao.docx", "templates/README.md"):
        assert (unpacked / "pipeline" / "_default" / name).read_bytes() == (ROOT / name).read_bytes()
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, pipeline.cli, pipeline.workspace as w; print(w.bundled_defaults(), "
            "file=sys.stderr); sys.exit(pipeline.cli.main(['khoi-tao', 'lv']))",
        ],
        cwd=tmp_path,
        env=dict(os.environ, PYTHONPATH=str(unpacked)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (proc.returncode, proc.stderr) == (0, f"{unpacked / 'pipeline' / '_default'}\n")
    assert proc.stdout.splitlines()[:2] == [
        "Đã tạo thư mục làm việc lv cho Kế hoạch số 178/KH-UBND (KH178-2021):",
        "  config.toml    kế hoạch đi kèm chương trình",
    ]
    assert (tmp_path / "lv" / "config.toml").read_bytes() == (ROOT / "config.toml").read_bytes()
