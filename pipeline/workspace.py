"""A workspace folder: config.toml, templates/, inbox/, outbox/ (like a git work tree)."""

from __future__ import annotations

import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import FileSystemError, WorkspaceError
from .plan import Plan, load_plan

CONFIG_NAME = "config.toml"
REPORT_TEMPLATE = "bao-cao.docx"


# Entries of a folder that are never files to read (inbox/, lich-su/)
SYSTEM_FILES = frozenset({"thumbs.db", "ehthumbs.db", "desktop.ini", ".ds_store"})


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def is_skipped_name(name: str) -> bool:
    """Office lock files (~$a.xlsx, .~lock.a.xlsx#), hidden dot-files, Thumbs.db & co."""
    name = nfc(name)
    return name.startswith(("~$", ".")) or name.lower() in SYSTEM_FILES


@dataclass(frozen=True)
class Workspace:
    """The folder a clerk works in: config.toml, templates/, inbox/, outbox/."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    @property
    def report_template(self) -> Path:
        return self.templates / REPORT_TEMPLATE

    @property
    def history_dir(self) -> Path:
        """History workbooks the clerk typed for years before the tool (read only, like inbox/)."""
        return self.root / "lich-su"

    def history_template(self) -> Path:
        return self.outbox / "mau-lich-su.xlsx"

    def history_workbook(self, year: int) -> Path:
        return self.outbox / f"lich-su-{year}.xlsx"

    # ``tag`` is the year, or ``Plan.tag`` ("2027-6-thang-dau-nam") for an ad-hoc period's own folders.
    def forms_dir(self, tag: int | str) -> Path:
        return self.outbox / f"mau-{tag}"

    def feedback_dir(self, tag: int | str) -> Path:
        return self.outbox / f"phan-hoi-{tag}"

    def report_dir(self, tag: int | str) -> Path:
        return self.outbox / f"bao-cao-{tag}"

    def run_record(self, tag: int | str) -> Path:
        """The run record (nhật ký) of ``bao-cao`` for ``tag``; numbered copies sit beside it."""
        return self.report_dir(tag) / f"nhat-ky-{tag}.json"

    def shown(self, path: Path) -> str:
        """``path`` as a clerk's message names it: under the workspace ("outbox/…/nhat-ky-2025.json"),
        else in full."""
        return path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else str(path)

    def load_plan(self) -> Plan:
        if not self.root.is_dir():
            raise WorkspaceError(
                f"Không tìm thấy thư mục làm việc {self.root}. Tạo mới bằng `baocao khoi-tao {self.root}`."
            )
        if self.config.is_dir():
            raise FileSystemError(f"Không đọc được {self.config}: đó là một thư mục, không phải tệp.")
        if not self.config.is_file():
            raise WorkspaceError(
                f"Thư mục {self.root} chưa có tệp {CONFIG_NAME}. Tạo thư mục làm việc mới bằng "
                "`baocao khoi-tao`, hoặc chạy lệnh trong thư mục làm việc đã có (hay chỉ ra bằng -C THƯ_MỤC)."
            )
        return load_plan(self.config)


def bundled_defaults() -> Path:
    """Folder holding the default config.toml and templates/ shipped with the program.

    A wheel and the PyInstaller build carry them as ``pipeline/_default`` (hatch force-include,
    the spec's datas); an editable install or a source checkout finds them at the repository root.
    """
    here = Path(__file__).resolve().parent
    for candidate in (here / "_default", here.parent):
        if (candidate / CONFIG_NAME).is_file() and (candidate / "templates" / REPORT_TEMPLATE).is_file():
            return candidate
    raise WorkspaceError("Không tìm thấy cấu hình mẫu đi kèm chương trình (config.toml, templates/).")


def _fill(ws: Workspace, config: Path, templates: Path) -> list[Path]:
    """Copy ``config`` and the files of ``templates`` into ``ws`` where missing; make inbox/, outbox/.

    Returns the files written (nothing that exists is replaced).
    """
    ws.root.mkdir(parents=True, exist_ok=True)
    written = []
    if not ws.config.exists():
        shutil.copyfile(config, ws.config)
        written.append(ws.config)
    ws.templates.mkdir(exist_ok=True)
    for f in sorted(templates.iterdir()):
        if f.is_file() and not (ws.templates / f.name).exists():
            shutil.copyfile(f, ws.templates / f.name)
            written.append(ws.templates / f.name)
    ws.inbox.mkdir(exist_ok=True)
    ws.outbox.mkdir(exist_ok=True)
    return written


def init_workspace(root: Path, source: Path | None = None) -> Workspace:
    """Create ``root`` with config.toml and templates/ copied from ``source`` (or the defaults)."""
    source = source or bundled_defaults()
    ws = Workspace(root)
    _fill(ws, source / CONFIG_NAME, source / "templates")
    return ws


@dataclass(frozen=True)
class NewWorkspace:
    """What ``baocao khoi-tao`` made: the folder, its plan, where the config and templates came from."""

    workspace: Workspace
    plan: Plan
    config_source: Path | None  # None: the config shipped with the program
    templates: tuple[str, ...]  # names of the files in templates/
    kept: tuple[Path, ...]  # files that were already there and were left as they were


def new_workspace(root: Path, config: Path | None = None) -> NewWorkspace:
    """``baocao khoi-tao``: a working folder with config.toml (the bundled plan, or ``config``),
    templates/, empty inbox/ and outbox/, and HUONG-DAN.txt for the clerk.

    Refuses when ``root`` already has a config.toml. With ``config``, its neighbouring templates/
    are copied if they hold the report template, else the bundled ones. The config is read (and
    so checked) before anything is created.
    """
    ws = Workspace(root)
    if root.exists() and not root.is_dir():
        raise WorkspaceError(f"{root} là một tệp, không phải thư mục: hãy chọn tên thư mục khác.")
    if ws.config.exists():
        raise WorkspaceError(
            f"Thư mục {root} đã có tệp {CONFIG_NAME}: không ghi đè. Muốn tạo lại từ đầu thì chọn "
            f"thư mục khác, hoặc tự đổi tên tệp {CONFIG_NAME} cũ rồi chạy lại."
        )
    defaults = bundled_defaults()
    if config is None:
        source, templates = defaults / CONFIG_NAME, defaults / "templates"
    else:
        if not config.is_file():
            raise WorkspaceError(f"Không tìm thấy tệp cấu hình {config}.")
        source = config
        beside = config.parent / "templates"
        templates = beside if (beside / REPORT_TEMPLATE).is_file() else defaults / "templates"
    plan = load_plan(source)
    existing = {p for p in (ws.templates.iterdir() if ws.templates.is_dir() else ()) if p.is_file()}
    _fill(ws, source, templates)
    guide = ws.root / GUIDE_NAME
    if guide.exists():
        existing.add(guide)
    else:
        guide.write_bytes(guide_bytes(plan))
    return NewWorkspace(
        workspace=ws,
        plan=plan,
        config_source=config,
        templates=tuple(sorted(p.name for p in ws.templates.iterdir() if p.is_file())),
        kept=tuple(sorted(existing)),
    )


GUIDE_NAME = "HUONG-DAN.txt"
GUIDE = """\
HƯỚNG DẪN NHANH — chương trình baocao
Thư mục làm việc cho Kế hoạch số {number} ({plan_id}).

Trong thư mục này:
  config.toml     kế hoạch dưới dạng dữ liệu: đơn vị, nhiệm vụ, chỉ tiêu, mục tiêu, người ký
  templates       mẫu báo cáo Word (bao-cao.docx); mở bằng Word để sửa câu chữ cố định
  inbox           chép vào đây các tệp Excel đơn vị gửi về (chương trình chỉ đọc, không sửa)
  outbox          chương trình ghi biểu mẫu, tệp phản hồi và báo cáo vào đây

Cách gõ lệnh trên Windows: mở thư mục này trong File Explorer, gõ cmd vào thanh địa chỉ rồi
nhấn Enter; trong cửa sổ hiện ra, gõ từng lệnh dưới đây rồi nhấn Enter. Tệp chương trình
baocao.exe cần nằm ngay trong thư mục này, hoặc trong một thư mục có trong PATH.

  1. baocao ke-hoach    xem lại kế hoạch (sau mỗi lần sửa config.toml)
  2. baocao tao-mau     tạo biểu mẫu cho từng đơn vị trong outbox; gửi mỗi đơn vị tệp của mình
  3. Nhận tệp: chép nguyên các tệp đơn vị gửi về vào inbox (không cần đổi tên). Hạn nộp: {deadline}.
  4. baocao kiem-tra    xem đơn vị nào đã nộp, nộp muộn, có lỗi, chưa nộp; gửi tệp phản hồi
                        trong outbox cho đơn vị có lỗi
  5. baocao bao-cao     lập báo cáo Word và bảng tổng hợp Excel trong outbox

Năm báo cáo mặc định là năm hiện tại; năm khác thì thêm --nam, ví dụ: baocao bao-cao --nam {example}
Gõ lệnh ở thư mục khác thì thêm -C và đường dẫn thư mục này, ví dụ: baocao kiem-tra -C "D:\\BaoCao"
Chạy thử trên dữ liệu mẫu: baocao demo (tạo thư mục demo bên cạnh).
Xem mọi lệnh: baocao --help. Khi cần hỗ trợ, gửi kèm dòng in ra của lệnh: baocao --version
"""


def guide_bytes(plan: Plan) -> bytes:
    """HUONG-DAN.txt: UTF-8 with a byte order mark and CRLF line ends, the same on every system.

    Notepad before Windows 10 (1903) reads a file without BOM as the ANSI code page, turning
    «Hướng dẫn» into mojibake, and before Windows 10 (1809) shows LF-only text on one line;
    with BOM and CRLF every Notepad, WordPad and modern editor shows it right.
    """
    text = GUIDE.format(
        number=plan.number,
        plan_id=plan.id,
        deadline=f"{plan.deadline_day:02d}/{plan.deadline_month:02d} hằng năm",
        example=plan.end_year,
    )
    return "\ufeff".encode() + text.replace("\n", "\r\n").encode("utf-8")
