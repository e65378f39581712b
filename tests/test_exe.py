"""The one-file program (PyInstaller), run alone on a clean PATH as a clerk would run the download.

Runs only when BAOCAO_EXE names the built file (``make exe-check`` builds it and sets it; CI runs
that after ``make test``). Each command runs as ``env -i PATH=<a folder holding only the program>``:
no Python, no virtual environment, no repository around it. Its outputs must be the library's,
byte for byte, which also proves that matplotlib's, docxtpl's and openpyxl's data files are inside.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from pipeline import __version__
from pipeline.cli import main
from pipeline.plan import load_plan

from .conftest import ROOT

EXE = os.environ.get("BAOCAO_EXE")
pytestmark = pytest.mark.skipif(
    not EXE, reason="BAOCAO_EXE chưa đặt: chạy `make exe-check` để dựng và kiểm tra bản một tệp."
)
YEAR = "2026"
OUTPUTS = (f"bao-cao-{YEAR}.docx", f"tong-hop-{YEAR}.xlsx", f"nhat-ky-{YEAR}.json")
UNITS = len(load_plan(ROOT / "config.toml").units)


@pytest.fixture(scope="module")
def alone(tmp_path_factory: pytest.TempPathFactory):
    """``run(*args, cwd=…)``: the program, copied alone into an empty folder, run with only that on PATH."""
    assert EXE is not None
    bin_dir = tmp_path_factory.mktemp("chi-co-baocao")
    shutil.copy2(EXE, bin_dir / Path(EXE).name)

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["env", "-i", f"PATH={bin_dir}", "baocao", *args],
            cwd=cwd,
            capture_output=True,
            encoding="utf-8",
            timeout=600,
        )

    return run


def in_process(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def test_alone_it_prints_its_help_and_version(alone, tmp_path):
    bare = alone(cwd=tmp_path)
    assert (bare.returncode, bare.stderr) == (0, "")
    assert bare.stdout.startswith("Cách dùng: baocao [TÙY_CHỌN] LỆNH [THAM_SỐ]...\n")
    assert "  khoi-tao  Tạo thư mục làm việc mới (mặc định: thư mục hiện tại).\n" in bare.stdout
    version = alone("--version", cwd=tmp_path)
    assert (version.returncode, version.stdout) == (0, f"baocao {__version__}\n")  # the metadata is inside


def test_khoi_tao_hands_out_the_bundled_config_and_templates(alone, tmp_path):
    made = alone("khoi-tao", "lam-viec", cwd=tmp_path)
    assert (made.returncode, made.stderr) == (0, "")
    assert made.stdout.splitlines()[0] == "Đã tạo thư mục làm việc lam-viec cho Kế hoạch số 178/KH-UBND (KH178-2021):"
    ws = tmp_path / "lam-viec"
    assert (ws / "config.toml").read_bytes() == (ROOT / "config.toml").read_bytes()
    assert (ws / "templates" / "bao-cao.docx").read_bytes() == (ROOT / "templates" / "bao-cao.docx").read_bytes()
    assert (ws / "HUONG-DAN.txt").read_bytes().startswith("\ufeffHƯỚNG DẪN NHANH".encode())
    assert [p.name for p in (ws / "inbox").iterdir()] == [] and (ws / "outbox").is_dir()
    again = alone("khoi-tao", "lam-viec", cwd=tmp_path)
    assert (again.returncode, again.stdout) == (1, "")
    assert again.stderr == (
        "Lỗi: Thư mục lam-viec đã có tệp config.toml: không ghi đè. Muốn tạo lại từ đầu thì chọn "
        "thư mục khác, hoặc tự đổi tên tệp config.toml cũ rồi chạy lại.\n"
    )
    version = alone("--version", cwd=ws)
    assert (
        version.stdout == f"baocao {__version__} — kế hoạch KH178-2021 (config.toml: {ws.resolve() / 'config.toml'})\n"
    )


def test_demo_writes_the_same_report_bytes_as_the_library(alone, tmp_path, capsys):
    frozen = alone("demo", "--nam", YEAR, cwd=tmp_path)
    assert frozen.returncode == 0, frozen.stderr
    assert (
        f"\nTổng số {UNITS} đơn vị: " in frozen.stdout
        and " đúng hạn, 1 nộp muộn, 1 có lỗi, 2 chưa nộp" in frozen.stdout
    )
    assert f"  Báo cáo (Word):        {tmp_path / 'demo'}/outbox/bao-cao-{YEAR}/bao-cao-{YEAR}.docx\n" in frozen.stdout
    code, out = in_process(capsys, "demo", str(tmp_path / "thu-vien"), "--nam", YEAR)
    assert (code, out.replace(str(tmp_path / "thu-vien"), str(tmp_path / "demo"))) == (0, frozen.stdout)
    for name in OUTPUTS:
        made = (tmp_path / "demo" / "outbox" / f"bao-cao-{YEAR}" / name).read_bytes()
        assert made == (tmp_path / "thu-vien" / "outbox" / f"bao-cao-{YEAR}" / name).read_bytes(), name
    docx = zipfile.ZipFile(tmp_path / "demo" / "outbox" / f"bao-cao-{YEAR}" / OUTPUTS[0])
    assert [n for n in docx.namelist() if n.startswith("word/media/")] == [
        "word/media/image1.png"
    ]  # matplotlib's chart
    assert json.loads((tmp_path / "demo" / "outbox" / f"bao-cao-{YEAR}" / OUTPUTS[2]).read_text(encoding="utf-8"))


def test_kiem_tra_over_bad_files_reports_each_and_exits_1(alone, tmp_path, capsys):
    assert alone("khoi-tao", "lv", cwd=tmp_path).returncode == 0
    ws = tmp_path / "lv"
    assert alone("tao-mau", "--nam", YEAR, cwd=ws).returncode == 0
    form = (ws / "outbox" / f"mau-{YEAR}" / sorted(os.listdir(ws / "outbox" / f"mau-{YEAR}"))[0]).read_bytes()
    inbox = ws / "inbox"
    (inbox / "rong.xlsx").write_bytes(b"")
    (inbox / "ghi-chu.xlsx").write_text("Kính gửi Phòng Kinh tế và Hạ tầng,\nsố liệu gửi sau.\n", encoding="utf-8")
    (inbox / "tai-do-dang.xlsx").write_bytes(form[: len(form) // 2])
    other = Workbook()
    other.active.append(["Danh sách hộ kinh doanh", "Số điện thoại"])
    other.save(inbox / "so-khac.xlsx")
    before = {p.name: p.read_bytes() for p in inbox.iterdir()}

    frozen = alone("kiem-tra", "-C", "lv", "--nam", YEAR, cwd=tmp_path)
    assert frozen.returncode == 1
    assert frozen.stderr.endswith("Không đọc được biểu mẫu nào trong inbox/.\n")
    assert f"\nTổng số {UNITS} đơn vị: 0 đã nộp đúng hạn, 0 nộp muộn, 0 có lỗi, " in frozen.stdout
    rejected = frozen.stdout.split("Tệp không dùng được (4):\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [line.split(". ", 1)[0] for line in rejected] == [
        "  - ghi-chu.xlsx: Nội dung tệp là văn bản thuần (hoặc trang web), không phải tệp Excel dù có tên "
        "«ghi-chu.xlsx»",
        "  - rong.xlsx: Tệp rỗng (0 byte): có thể gửi lỗi hoặc tải về chưa xong",
        "  - so-khac.xlsx: Sổ Excel này không phải biểu mẫu báo cáo của kế hoạch (không có mã biểu mẫu ẩn, không có "
        "dòng «Mã biểu mẫu: …» ở đầu các trang)",
        "  - tai-do-dang.xlsx: Tệp Excel bị hỏng hoặc không trọn vẹn (có thể tải về hoặc sao chép chưa xong)",
    ]
    assert {p.name: p.read_bytes() for p in inbox.iterdir()} == before  # inbox/ never modified

    # the frozen program says exactly what the library says over the same folder
    code, out = in_process(capsys, "kiem-tra", "-C", str(tmp_path / "lv"), "--nam", YEAR)
    assert (code, out.replace(str(tmp_path / "lv"), "lv")) == (1, frozen.stdout)
    refused = alone("bao-cao", "--nam", YEAR, cwd=ws)
    assert refused.returncode == 1 and refused.stderr.startswith("Lỗi: ")
