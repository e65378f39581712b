"""A workspace folder: config.toml, templates/, inbox/, outbox/ (like a git work tree)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from .errors import WorkspaceError
from .plan import Plan, load_plan

CONFIG_NAME = "config.toml"
REPORT_TEMPLATE = "bao-cao.docx"


@dataclass(frozen=True)
class Workspace:
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

    def forms_dir(self, year: int) -> Path:
        return self.outbox / f"mau-{year}"

    def feedback_dir(self, year: int) -> Path:
        return self.outbox / f"phan-hoi-{year}"

    def report_dir(self, year: int) -> Path:
        return self.outbox / f"bao-cao-{year}"

    def run_record(self, year: int) -> Path:
        """The run record (nhật ký) of ``bao-cao`` for ``year``; numbered copies sit beside it."""
        return self.report_dir(year) / f"nhat-ky-{year}.json"

    def load_plan(self) -> Plan:
        if not self.root.is_dir():
            raise WorkspaceError(f"Không tìm thấy thư mục làm việc {self.root}.")
        if not self.config.is_file():
            raise WorkspaceError(
                f"Thư mục {self.root} chưa có tệp {CONFIG_NAME}. "
                "Hãy chạy lệnh trong thư mục làm việc hoặc chỉ định bằng -C THƯ_MỤC."
            )
        return load_plan(self.config)


def bundled_defaults() -> Path:
    """Folder holding the default config.toml and templates/ shipped with the program."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_default", here.parent):
        if (candidate / CONFIG_NAME).is_file() and (candidate / "templates" / REPORT_TEMPLATE).is_file():
            return candidate
    raise WorkspaceError("Không tìm thấy cấu hình mẫu đi kèm chương trình (config.toml, templates/).")


def init_workspace(root: Path, source: Path | None = None) -> Workspace:
    """Create ``root`` with config.toml and templates/ copied from ``source`` (or the defaults)."""
    source = source or bundled_defaults()
    root.mkdir(parents=True, exist_ok=True)
    ws = Workspace(root)
    if not ws.config.exists():
        shutil.copyfile(source / CONFIG_NAME, ws.config)
    ws.templates.mkdir(exist_ok=True)
    for f in sorted((source / "templates").iterdir()):
        if f.is_file() and not (ws.templates / f.name).exists():
            shutil.copyfile(f, ws.templates / f.name)
    ws.inbox.mkdir(exist_ok=True)
    ws.outbox.mkdir(exist_ok=True)
    return ws
