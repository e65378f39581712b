"""Outputs survive kills, races, full disks and odd folders; environment faults are one line and an exit code.

Through the real entry point (``pipeline.cli.main`` in-process, or ``python -m pipeline.cli`` in a
child process when a run must be raced or killed).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipeline import outbox
from pipeline.cli import main
from pipeline.forms import build_form, form_filename
from pipeline.plan import Plan
from tests.conftest import ROOT
from tests.filling import filled_form

YEAR = 2026
UNITS = ("ktht", "tnmt", "xa-an-binh")
LATER_UNIT = "yte"  # dropped into the inbox after the first report, so later sets differ
KINDS = {"docx": "bao-cao", "xlsx": "tong-hop", "json": "nhat-ky"}
SET_NAME = re.compile(rf"(bao-cao|tong-hop|nhat-ky)-{YEAR}(?: \((\d+)\))?\.(docx|xlsx|json)")
POSIX_ONLY = pytest.mark.skipif(os.name == "nt", reason="SIGKILL và thư mục ẩn kiểu POSIX: chỉ chạy trên Linux/macOS")


@pytest.fixture(scope="module")
def forms(kh178: Plan) -> dict[str, bytes]:
    made = {u: filled_form(kh178, u, YEAR) for u in (*UNITS, LATER_UNIT)}
    made["xa-my-hiep"] = filled_form(kh178, "xa-my-hiep", YEAR, values={"so_cua_hang_tien_loi": "khoảng 5"})
    return made


@pytest.fixture
def ws(tmp_path: Path, forms: dict[str, bytes]) -> Path:
    """A workspace with three valid forms and one with an error (so a feedback workbook is written)."""
    root = tmp_path / "ws"
    root.mkdir()
    shutil.copyfile(ROOT / "config.toml", root / "config.toml")
    shutil.copytree(ROOT / "templates", root / "templates")
    (root / "inbox").mkdir()
    for unit in (*UNITS, "xa-my-hiep"):
        (root / "inbox" / f"{unit}.xlsx").write_bytes(forms[unit])
    return root


@pytest.fixture(scope="module")
def reported_once(tmp_path_factory: pytest.TempPathFactory, forms: dict[str, bytes]) -> Path:
    """A workspace after one ``bao-cao`` (set 1 and the feedback workbook), copied by each test that needs it."""
    root = tmp_path_factory.mktemp("reported") / "ws"
    root.mkdir()
    shutil.copyfile(ROOT / "config.toml", root / "config.toml")
    shutil.copytree(ROOT / "templates", root / "templates")
    (root / "inbox").mkdir()
    for unit in (*UNITS, "xa-my-hiep"):
        (root / "inbox" / f"{unit}.xlsx").write_bytes(forms[unit])
    assert main(["-C", str(root), "bao-cao", "--nam", str(YEAR)]) == 0
    return root


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def bao_cao(capsys: pytest.CaptureFixture[str], root: Path, *extra: str) -> tuple[int, str, str]:
    return run(capsys, "-C", str(root), "bao-cao", "--nam", str(YEAR), *extra)


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


def complete_sets(folder: Path) -> list[int]:
    """The numbers of the report sets in ``folder``, asserting each is complete and consistent and
    that nothing else (no temporary, no journal) is there."""
    groups: dict[int, dict[str, Path]] = {}
    for p in sorted(folder.iterdir()):
        m = SET_NAME.fullmatch(p.name)
        assert m, f"tệp lạ trong {folder}: {p.name}"
        assert KINDS[m[3]] == m[1]
        groups.setdefault(int(m[2] or 1), {})[m[3]] = p
    for n, files in groups.items():
        assert sorted(files) == ["docx", "json", "xlsx"], (n, sorted(files))
        record = json.loads(files["json"].read_text(encoding="utf-8"))
        for ext in ("docx", "xlsx"):
            assert record["outputs"][ext] == {
                "file": files[ext].name,
                "sha256": hashlib.sha256(files[ext].read_bytes()).hexdigest(),
            }
    return sorted(groups)


def debris(root: Path) -> list[str]:
    out = root / "outbox"
    return sorted(
        str(p.relative_to(out)) for p in out.rglob("*") if p.name.startswith(".tmp-") or p.name == outbox.JOURNAL_NAME
    )


def child(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "-C", str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ, PYTHONPATH=str(ROOT), **(env or {})),
    )


# --------------------------------------------------------------------------- one run at a time

HOLD = """
import sys
from pathlib import Path
from pipeline.outbox import workspace_lock
from pipeline.workspace import Workspace
with workspace_lock(Workspace(Path(sys.argv[1]))):
    print("dang-giu", flush=True)
    sys.stdin.read()
"""


def holder(root: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert proc.stdout is not None and proc.stdout.readline() == "dang-giu\n"
    return proc


def test_a_second_run_says_in_one_line_that_another_run_is_in_progress(ws, capsys, monkeypatch):
    monkeypatch.setattr(outbox, "LOCK_WAIT", 0.5)
    proc = holder(ws)
    try:
        code, out, err = bao_cao(capsys, ws)
        assert (code, out) == (5, "")
        assert err == (
            f"Lỗi: Một lần chạy baocao khác đang ghi vào {ws / 'outbox'} (đã đợi 0,5 giây). "
            "Hãy đợi lần chạy đó xong rồi chạy lại.\n"
        )
        assert run(capsys, "-C", str(ws), "kiem-tra", "--nam", str(YEAR))[0] == 5
        assert run(capsys, "-C", str(ws), "tao-mau", "--nam", str(YEAR))[0] == 5
        assert sorted(p.name for p in (ws / "outbox").iterdir()) == [".baocao.lock"]  # nothing written
        assert run(capsys, "-C", str(ws), "ke-hoach", "--nam", str(YEAR))[0] == 0  # reading needs no lock
    finally:
        proc.communicate("", timeout=30)


def test_a_killed_run_never_blocks_the_next_one(ws, capsys, monkeypatch):
    monkeypatch.setattr(outbox, "LOCK_WAIT", 0.5)
    proc = holder(ws)
    proc.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: the OS releases the lock
    proc.wait(timeout=30)
    code, out, err = bao_cao(capsys, ws)
    assert (code, err) == (0, "")
    assert complete_sets(ws / "outbox" / f"bao-cao-{YEAR}") == [1]


def test_two_runs_at_once_end_with_distinct_complete_sets_or_one_says_busy(ws):
    procs = [child(ws, "bao-cao", "--nam", str(YEAR)) for _ in range(2)]
    results = [(p.wait(timeout=300), p.stdout.read().decode(), p.stderr.read().decode()) for p in procs]
    folder = ws / "outbox" / f"bao-cao-{YEAR}"
    written = []
    for code, out, err in results:
        if code == 5:
            assert err == (
                f"Lỗi: Một lần chạy baocao khác đang ghi vào {ws / 'outbox'} (đã đợi 3 giây). "
                "Hãy đợi lần chạy đó xong rồi chạy lại.\n"
            )
        else:
            assert (code, err) == (0, ""), err
            written.append(re.search(r"Báo cáo \(Word\): +(.+\.docx)$", out, re.MULTILINE)[1])
    assert written and len(set(written)) == len(written)  # no run silently replaced the other's report
    assert complete_sets(folder) == list(range(1, len(written) + 1))
    assert sorted(Path(w).name for w in written) == sorted(p.name for p in folder.glob("*.docx"))


def test_the_lock_is_reentrant_within_a_process(ws):
    from pipeline.workspace import Workspace

    space = Workspace(ws)
    with outbox.workspace_lock(space), outbox.workspace_lock(space, wait=0):
        paths = outbox.write_set(space, ws / "outbox" / f"mau-{YEAR}", [("a.txt", b"1")])
    assert [p.read_bytes() for p in paths] == [b"1"]


# --------------------------------------------------------------------------- killed while writing


def stopped_then_killed(root: Path, step: str, *args: str) -> None:
    """Run ``baocao -C root *args`` in a child that stops at ``step``; SIGKILL it there."""
    proc = child(root, *args, env={outbox.STOP_ENV: step})
    assert proc.stderr is not None
    line = proc.stderr.readline().decode()
    if line.strip() != f"{outbox.STOP_ENV}={step}":
        proc.kill()
        pytest.fail(f"tiến trình con không dừng ở {step}: {line}{proc.stderr.read().decode()}")
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL


@POSIX_ONLY
@pytest.mark.parametrize(
    ("step", "overwrite", "sets_after"),
    [
        ("bao-cao-2026:temp-2", False, [1]),  # two of three temporaries written
        ("bao-cao-2026:journal", False, [1]),  # all written, nothing moved yet
        ("bao-cao-2026:rename-2", False, [1]),  # .docx and .xlsx (2) in place, no .json: undone
        ("bao-cao-2026:committed", False, [1, 2]),  # every file in place, journal left: finished
        ("bao-cao-2026:aside-2", True, [1]),  # --ghi-de: old .docx and .xlsx moved aside: put back
        ("bao-cao-2026:rename-1", True, [1]),  # --ghi-de: new .docx in place of the old one: undone
        ("phan-hoi-2026:aside-1", False, [1]),  # the feedback workbook being replaced
    ],
)
def test_a_run_killed_while_writing_leaves_no_trace_after_the_next_run(
    reported_once, tmp_path, forms, capsys, step, overwrite, sets_after
):
    ws = tmp_path / "ws"
    shutil.copytree(reported_once, ws)
    capsys.readouterr()
    folder = ws / "outbox" / f"bao-cao-{YEAR}"
    feedback = ws / "outbox" / f"phan-hoi-{YEAR}"
    first, first_feedback = contents(folder), contents(feedback)
    (ws / "inbox" / f"{LATER_UNIT}.xlsx").write_bytes(forms[LATER_UNIT])  # the killed run writes other bytes

    stopped_then_killed(ws, step, "bao-cao", "--nam", str(YEAR), *(["--ghi-de"] if overwrite else []))
    assert debris(ws)  # the kill did leave temporaries or a journal
    if step.endswith("rename-2") and not overwrite:  # the set as it was found before this issue
        assert {"bao-cao-2026 (2).docx", "tong-hop-2026 (2).xlsx"} <= set(contents(folder))
        assert "nhat-ky-2026 (2).json" not in contents(folder)

    code, _, err = run(capsys, "-C", str(ws), "kiem-tra", "--nam", str(YEAR))  # any run that writes tidies up
    assert (code, err) == (0, "")
    assert debris(ws) == []
    assert complete_sets(folder) == sets_after
    assert {k: v for k, v in contents(folder).items() if k in first} == first  # earlier outputs byte-intact
    assert contents(feedback) == first_feedback

    code, _, err = bao_cao(capsys, ws)  # and the next report is a new complete set
    assert (code, err) == (0, "")
    assert complete_sets(folder) == [*sets_after, sets_after[-1] + 1]
    assert {k: v for k, v in contents(folder).items() if k in first} == first and debris(ws) == []


@POSIX_ONLY
def test_tao_mau_killed_half_way_leaves_no_form_and_the_next_run_writes_all(ws, kh178, capsys):
    stopped_then_killed(ws, f"mau-{YEAR}:rename-10", "tao-mau", "--nam", str(YEAR))
    forms_dir = ws / "outbox" / f"mau-{YEAR}"
    assert len([p for p in forms_dir.iterdir() if not p.name.startswith(".")]) == 10 and debris(ws)
    assert run(capsys, "-C", str(ws), "tao-mau", "--nam", str(YEAR))[0] == 0
    assert sorted(p.name for p in forms_dir.iterdir()) == sorted(form_filename(u, YEAR) for u in kh178.units)
    assert debris(ws) == [] and all(zipfile.ZipFile(p).testzip() is None for p in forms_dir.iterdir())


def test_stale_temporaries_of_older_runs_are_removed_and_other_files_kept(ws, capsys):
    out = ws / "outbox"
    for rel in (
        f"bao-cao-{YEAR}/.tmp-k3j9x2ab.docx",
        f"mau-{YEAR}/.tmp-1.xlsx",
        ".tmp-2.json",
        f"bao-cao-{YEAR}/ghi-chu.txt",
        "gui-so/.tmp-cua-toi.docx",
    ):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(b"x")
    assert run(capsys, "-C", str(ws), "kiem-tra", "--nam", str(YEAR))[0] == 0
    left = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert left == [
        ".baocao.lock",
        f"bao-cao-{YEAR}/ghi-chu.txt",
        "gui-so/.tmp-cua-toi.docx",
        f"phan-hoi-{YEAR}/xa-my-hiep.xlsx",
    ]


# --------------------------------------------------------------------------- the file system refuses


def test_a_file_in_place_of_the_report_folder_is_one_line_exit_4(ws, capsys):
    (ws / "outbox").mkdir()
    (ws / "outbox" / f"bao-cao-{YEAR}").write_bytes(b"not a folder")
    code, _, err = bao_cao(capsys, ws)
    assert code == 4
    assert err == (
        f"Lỗi: Không ghi được {ws / 'outbox' / f'bao-cao-{YEAR}'}: đó là một tệp, không phải thư mục. "
        "Hãy đổi tên hoặc chuyển tệp đó đi rồi chạy lại.\n"
    )
    assert debris(ws) == []


def test_a_file_in_place_of_the_outbox_is_one_line_exit_4(ws, capsys):
    (ws / "outbox").write_bytes(b"")
    code, out, err = bao_cao(capsys, ws)
    assert (code, out) == (4, "")
    assert err == (
        f"Lỗi: Không ghi được {ws / 'outbox'}: đó là một tệp, không phải thư mục. "
        "Hãy đổi tên hoặc chuyển tệp đó đi rồi chạy lại.\n"
    )


def test_a_file_in_place_of_the_feedback_folder_stops_kiem_tra_with_exit_4(ws, capsys):
    (ws / "outbox").mkdir()
    (ws / "outbox" / f"phan-hoi-{YEAR}").write_bytes(b"")
    code, _, err = run(capsys, "-C", str(ws), "kiem-tra", "--nam", str(YEAR))
    assert code == 4
    assert err.startswith(f"Lỗi: Không ghi được {ws / 'outbox' / f'phan-hoi-{YEAR}'}: đó là một tệp")


def test_a_folder_in_place_of_the_report_file_is_one_line_exit_4(ws, capsys):
    folder = ws / "outbox" / f"bao-cao-{YEAR}"
    (folder / f"bao-cao-{YEAR}.docx").mkdir(parents=True)
    code, _, err = bao_cao(capsys, ws, "--ghi-de")
    assert code == 4
    assert err == (
        f"Lỗi: Không ghi được {folder / f'bao-cao-{YEAR}.docx'}: đó là một thư mục, không phải tệp. "
        "Hãy đổi tên hoặc chuyển thư mục đó đi rồi chạy lại.\n"
    )
    assert sorted(p.name for p in folder.iterdir()) == [f"bao-cao-{YEAR}.docx"]


def test_an_outbox_without_write_permission_is_one_line_exit_4(ws, capsys, monkeypatch):
    """chmod does not stop root (CI): the refusal is made where the OS would make it."""

    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(outbox.tempfile, "mkstemp", refused)
    code, _, err = bao_cao(capsys, ws)
    folder = ws / "outbox" / f"phan-hoi-{YEAR}"  # the first file bao-cao writes is the feedback workbook
    assert code == 4
    assert err == (f"Lỗi: Không ghi được {folder / 'xa-my-hiep.xlsx'}: không có quyền ghi vào thư mục {folder}.\n")
    assert debris(ws) == []


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="chmod không chặn được root (hay Windows)")
def test_a_read_only_outbox_is_one_line_exit_4(ws, capsys):
    (ws / "outbox").mkdir()
    (ws / "outbox").chmod(0o500)
    try:
        code, _, err = bao_cao(capsys, ws)
    finally:
        (ws / "outbox").chmod(0o700)
    assert code == 4
    assert err == (
        f"Lỗi: Không ghi được {ws / 'outbox' / '.baocao.lock'}: không có quyền ghi vào thư mục {ws / 'outbox'}.\n"
    )


@pytest.mark.parametrize("nth", [2, 4])  # the .xlsx of the set; the journal after the three files
def test_a_full_disk_leaves_earlier_outputs_intact_and_nothing_partial(ws, capsys, monkeypatch, nth):
    assert bao_cao(capsys, ws)[0] == 0
    folder = ws / "outbox" / f"bao-cao-{YEAR}"
    before = contents(folder)
    write = outbox._write_all
    calls: list[int] = []

    def fills_up(fd: int, data: bytes) -> None:
        calls.append(len(data))
        if len(calls) == nth:
            write(fd, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")
        write(fd, data)

    (ws / "inbox" / "xa-my-hiep.xlsx").unlink()  # no feedback to write: the report set is written first
    monkeypatch.setattr(outbox, "_write_all", fills_up)
    code, _, err = bao_cao(capsys, ws)
    where = folder / (f"tong-hop-{YEAR} (2).xlsx" if nth == 2 else outbox.JOURNAL_NAME)
    assert code == 4
    assert err == f"Lỗi: Không ghi được {where}: ổ đĩa đã đầy. Hãy giải phóng dung lượng rồi chạy lại.\n"
    assert contents(folder) == before and debris(ws) == []


def test_ctrl_c_while_writing_puts_everything_back(ws, capsys, monkeypatch):
    assert bao_cao(capsys, ws)[0] == 0
    folder = ws / "outbox" / f"bao-cao-{YEAR}"
    (folder / f"bao-cao-{YEAR}.docx").write_bytes(b"edited in Word")
    before = contents(folder)
    replace = os.replace

    def interrupted(src, dst):  # Ctrl+C right after the new .docx took its place
        replace(src, dst)
        if Path(dst).name == f"bao-cao-{YEAR}.docx" and not Path(src).name.startswith(".tmp-cu-"):
            raise KeyboardInterrupt

    monkeypatch.setattr(outbox.os, "replace", interrupted)
    code, _, err = bao_cao(capsys, ws, "--ghi-de")
    assert code == 130 and err.strip() == "Đã dừng theo yêu cầu."
    assert contents(folder) == before and debris(ws) == []


def test_a_full_disk_while_writing_forms_leaves_no_form(ws, capsys, monkeypatch):
    write = outbox._write_all
    calls: list[int] = []

    def fills_up(fd: int, data: bytes) -> None:
        calls.append(1)
        if len(calls) == 10:
            raise OSError(errno.ENOSPC, "No space left on device")
        write(fd, data)

    monkeypatch.setattr(outbox, "_write_all", fills_up)
    code, out, err = run(capsys, "-C", str(ws), "tao-mau", "--nam", str(YEAR))
    assert (code, out) == (4, "")
    assert err.endswith(": ổ đĩa đã đầy. Hãy giải phóng dung lượng rồi chạy lại.\n")
    assert list((ws / "outbox" / f"mau-{YEAR}").iterdir()) == []


# --------------------------------------------------------------------------- the template and the config


def template_with(root: Path, old: str, new: str) -> Path:
    path = root / "templates" / "bao-cao.docx"
    src = zipfile.ZipFile(ROOT / "templates" / "bao-cao.docx")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            body = src.read(name)
            if name == "word/document.xml":
                text = body.decode("utf-8")
                assert old in text
                body = text.replace(old, new, 1).encode("utf-8")
            dst.writestr(name, body)
    return path


FIX = "Sửa thẻ này trong Word rồi chạy lại (các thẻ được dùng: templates/README.md)."


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "{{ mo_dau }}",
            "{{ mo dau }}",
            "có thẻ sai: «{{ mo dau }}» (expected token 'end of print statement', got 'dau'). " + FIX,
        ),
        ("{{ mo_dau }}", "{{ ten_moi }}", "có thẻ «{{ ten_moi }}» dùng trường «ten_moi» mà báo cáo không có. " + FIX),
        (
            "{{ mo_dau }}",
            "{{ mo_dau|viet_hoa }}",
            "có thẻ sai: «{{ mo_dau|viet_hoa }}» (No filter named 'viet_hoa'.). " + FIX,
        ),
        ("{%p endif %}", "", "có thẻ «{% if kinh_gui %}» chưa đóng: thiếu thẻ «{%p endif %}» tương ứng. " + FIX),
    ],
)
def test_a_wrong_tag_in_the_template_is_named_exit_1(ws, capsys, old, new, message):
    path = template_with(ws, old, new)
    code, _, err = bao_cao(capsys, ws)
    assert code == 1
    assert err == f"Lỗi: Mẫu báo cáo {path} {message}\n"
    assert not (ws / "outbox" / f"bao-cao-{YEAR}").exists()


@pytest.mark.parametrize("content", [b"Day khong phai Word", b"PK\x03\x04 hong", b"xlsx"])
def test_a_template_that_is_not_a_docx_is_one_line_exit_1(ws, capsys, content):
    path = ws / "templates" / "bao-cao.docx"
    if content == b"xlsx":
        content = build_form_bytes()
    path.write_bytes(content)
    code, _, err = bao_cao(capsys, ws)
    assert code == 1
    assert err == (
        f"Lỗi: Mẫu báo cáo {path} không phải tệp Word .docx (tệp hỏng, hoặc .doc/.pdf/.xlsx đổi tên). "
        "Hãy mở bằng Word và lưu dạng .docx, hoặc chép lại templates/bao-cao.docx từ bản cài đặt.\n"
    )


def build_form_bytes() -> bytes:
    from pipeline.plan import load_plan

    plan = load_plan(ROOT / "config.toml")
    return build_form(plan, plan.units[0], YEAR)


def test_a_missing_template_is_one_line_exit_1(ws, capsys):
    path = ws / "templates" / "bao-cao.docx"
    path.unlink()
    code, _, err = bao_cao(capsys, ws)
    assert code == 1
    assert err == f"Lỗi: Không tìm thấy mẫu báo cáo {path}. Chép lại tệp templates/bao-cao.docx từ bản cài đặt.\n"


def test_a_folder_in_place_of_the_template_is_one_line_exit_4(ws, capsys):
    path = ws / "templates" / "bao-cao.docx"
    path.unlink()
    path.mkdir()
    code, _, err = bao_cao(capsys, ws)
    assert (code, err) == (4, f"Lỗi: Không đọc được {path}: đó là một thư mục, không phải tệp.\n")


def test_a_config_that_is_a_folder_is_one_line_exit_4(ws, capsys):
    cfg = ws / "config.toml"
    cfg.unlink()
    cfg.mkdir()
    code, _, err = run(capsys, "-C", str(ws), "ke-hoach")
    assert (code, err) == (4, f"Lỗi: Không đọc được {cfg}: đó là một thư mục, không phải tệp.\n")


def test_a_config_without_read_permission_is_one_line_exit_4(ws, capsys, monkeypatch):
    read_text = Path.read_text

    def refused(self: Path, *args, **kwargs):
        if self.name == "config.toml":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return read_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", refused)
    code, _, err = run(capsys, "-C", str(ws), "ke-hoach")
    cfg = ws / "config.toml"
    assert (code, err) == (4, f"Lỗi: Không đọc được {cfg}: không có quyền đọc (hoặc đang bị chương trình khác khóa).\n")


def test_a_config_not_in_utf8_is_a_config_error_exit_1(ws, capsys):
    cfg = ws / "config.toml"
    cfg.write_bytes(cfg.read_text(encoding="utf-8").encode("cp1258", errors="replace"))
    code, _, err = run(capsys, "-C", str(ws), "ke-hoach")
    assert (code, err) == (1, "Lỗi: Lỗi cấu hình tại khóa «config.toml»: tệp không ở mã UTF-8.\n")


def test_any_other_refusal_of_the_os_is_one_line_exit_4(tmp_path, capsys):
    (tmp_path / "ho-so").write_bytes(b"")  # a file where khoi-tao must make a folder's parent
    code, out, err = run(capsys, "khoi-tao", str(tmp_path / "ho-so" / "bao-cao"))
    assert (code, out) == (4, "")
    assert err == (
        f"Lỗi: Không truy cập được {tmp_path / 'ho-so' / 'bao-cao'}: {tmp_path / 'ho-so'} là một tệp, "
        "không phải thư mục. Hãy đổi tên hoặc chuyển tệp đó đi rồi chạy lại.\n"
    )


def test_unexpected_error_is_kept_for_real_bugs(ws, capsys, monkeypatch):
    def bug(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("pipeline.report.summary_workbook", bug)
    code, _, err = bao_cao(capsys, ws)
    assert code == 3
    assert err.endswith(
        "Lỗi không mong đợi trong chương trình. Chạy lại với --debug và gửi nội dung cho người bảo trì.\n"
    )
    assert debris(ws) == [] and not (ws / "outbox" / f"bao-cao-{YEAR}").exists()


def test_every_exit_code_is_in_the_readme_table():
    from pipeline import errors

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Mã thoát", 1)[1].split("\n## ", 1)[0]
    codes = [int(m) for m in re.findall(r"^\| (\d+) \|", section, flags=re.MULTILINE)]
    kinds = {c.exit_code for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.BaoCaoError)}
    assert codes == [0, 1, 2, 3, 4, 5, 130] and kinds <= set(codes)
