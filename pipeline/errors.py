"""The one exception family for errors a user can cause (bad config, bad arguments, locked files).

Problems found inside a submitted workbook are data (see ``model.Problem``), not exceptions.
Each class carries the exit code the CLI returns for it (the README lists them):
1 a user's file or argument (config.toml, the report template, an empty inbox…),
4 the file system refuses (no permission, a file where a folder should be, disk full, a file
open in Word), 5 another run is writing to the same outbox/. 2 (usage) and 3 (a bug) come
from the CLI itself.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path


class BaoCaoError(Exception):
    """Base class: the CLI prints ``str(err)`` (Vietnamese, one line) and exits ``exit_code``."""

    exit_code = 1


class ConfigError(BaoCaoError):
    """config.toml is missing, malformed or inconsistent; the message names the key."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(f"Lỗi cấu hình tại khóa «{key}»: {message}")


class WorkspaceError(BaoCaoError):
    """The workspace folder lacks something it needs (config.toml, templates/...)."""


class TemplateError(BaoCaoError):
    """The Word report template is not a .docx, or a tag in it is wrong (the message names the tag)."""


class FileSystemError(BaoCaoError):
    """The operating system refused to read or write a file or folder: permissions, a file where
    a folder should be, disk full. Nothing partial is left behind."""

    exit_code = 4


class OutputLockedError(FileSystemError):
    """An output file cannot be replaced, usually because it is open in Word or Excel."""


class RunInProgressError(BaoCaoError):
    """Another baocao run holds the lock of the same outbox/."""

    exit_code = 5


def _kind(path: Path) -> str:
    """ "dir", "file" (anything else that exists) or "" (missing or not even visible)."""
    try:
        return "dir" if path.is_dir() else "file" if os.path.lexists(path) else ""
    except OSError:
        return ""


def _file_in_the_way(path: Path) -> Path | None:
    """The nearest existing ancestor of ``path`` that is not a folder (a file where a folder should be)."""
    for parent in Path(path).parents:
        kind = _kind(parent)
        if kind:
            return parent if kind == "file" else None
    return None


def fs_error(err: OSError, path: Path | None, reading: bool | None = False) -> FileSystemError:
    """``err`` met while reading or writing ``path``, as one Vietnamese line saying what and where.

    ``reading=None``: not known whether reading or writing; ``path=None``: not known which file
    (the CLI's last net for OS errors no library call named).
    """
    verb = "truy cập" if reading is None else "đọc" if reading else "ghi"
    head = f"Không {verb} được {path if path is not None else 'tệp'}"
    if path is None:
        path = Path(".")
    blocker = _file_in_the_way(path)
    if blocker is not None:
        return FileSystemError(
            f"{head}: {blocker} là một tệp, không phải thư mục. Hãy đổi tên hoặc chuyển tệp đó đi rồi chạy lại."
        )
    if err.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return FileSystemError(f"{head}: ổ đĩa đã đầy. Hãy giải phóng dung lượng rồi chạy lại.")
    if err.errno == errno.EROFS:
        return FileSystemError(f"{head}: ổ đĩa chỉ cho phép đọc.")
    kind = _kind(Path(path))
    if isinstance(err, IsADirectoryError):
        return FileSystemError(f"{head}: đó là một thư mục, không phải tệp.")
    if isinstance(err, FileExistsError) and kind == "file":
        return FileSystemError(
            f"{head}: đó là một tệp, không phải thư mục. Hãy đổi tên hoặc chuyển tệp đó đi rồi chạy lại."
        )
    if isinstance(err, PermissionError):
        if reading is False and not kind:
            return FileSystemError(f"{head}: không có quyền ghi vào thư mục {Path(path).parent}.")
        return FileSystemError(f"{head}: không có quyền {verb} (hoặc đang bị chương trình khác khóa).")
    if isinstance(err, FileNotFoundError):
        return FileSystemError(f"{head}: không tìm thấy.")
    return FileSystemError(f"{head}: lỗi hệ điều hành «{err.strerror or err}» (mã {err.errno}).")
