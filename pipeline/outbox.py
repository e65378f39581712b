"""Writing into outbox/: one run at a time, files written all-or-nothing, no debris after a kill.

``workspace_lock`` — an operating-system lock on ``outbox/.baocao.lock`` (``fcntl.flock`` on
POSIX, ``msvcrt.locking`` on Windows). The OS releases it when the process ends, however it
ends, so a killed run never blocks the next one. Every command that writes holds it for its
whole run; ``write_set`` takes it too (re-entrant within a process), so library callers are
covered. A second run waits ``LOCK_WAIT`` seconds, then raises ``RunInProgressError``.

``write_set`` — a set of files (the report's docx + xlsx + json, the forms of a year, the
feedback workbooks) appears together or not at all:
1. every file is written to a temporary ``.tmp-*`` beside its target and fsynced;
2. a journal (``.baocao-dang-ghi.json``) lists the moves: temporary → target, and for a target
   that already exists (overwriting) the name it is moved aside to;
3. existing targets are moved aside (a file open in Word stops the set here, before anything
   changed), then the temporaries are renamed into place in order (the run record last);
4. the set-aside files and the journal are removed.
On any exception (or Ctrl+C) the moves done are undone. A run killed half-way leaves the
journal: the next run holding the lock undoes it — or, when every file was already in place,
finishes it — and then removes stale ``.tmp-*`` files (no other run can be writing them).
Undoing restores set-aside files first and removes temporaries last, so "no temporary left"
always means "every file is in place", even when the undoing itself is killed.

Every ``OSError`` becomes a ``FileSystemError`` naming the path (``errors.fs_error``).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .errors import FileSystemError, OutputLockedError, RunInProgressError, fs_error
from .workspace import Workspace

LOCK_NAME = ".baocao.lock"
JOURNAL_NAME = ".baocao-dang-ghi.json"
TEMP_PREFIX = ".tmp-"
LOCK_WAIT = 3.0  # seconds a second run waits for the first one before it says it is busy
# outbox/ subfolders this program writes: mau-2026, phan-hoi-2026, bao-cao-2026, nhac-nop-2026, so-ket-2021-2025…
OUR_FOLDERS = re.compile(r"[a-z]+(?:-[a-z]+)*-\d{4}(?:-\d{4})?")
STOP_ENV = "BAOCAO_TEST_STOP_AT"  # tests: "<folder>:<step>" makes the run stop there, to be killed

_thread_lock = threading.RLock()
_held: dict[str, int] = {}  # normalised outbox path → depth of the lock held by this process


# --------------------------------------------------------------------------- errors


def _locked(path: Path) -> OutputLockedError:
    return OutputLockedError(
        f"Không ghi được {path}: tệp đang mở trong Word/Excel hoặc bị khóa. Hãy đóng tệp rồi chạy lại."
    )


def make_folder(folder: Path) -> Path:
    """``folder`` created if needed; a file in its place or no permission is a ``FileSystemError``."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise fs_error(err, folder) from None
    return folder


# --------------------------------------------------------------------------- the lock


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


@contextlib.contextmanager
def workspace_lock(ws: Workspace, wait: float | None = None) -> Iterator[Path]:
    """Hold the lock of ``ws``'s outbox/ (created if needed); on first taking it, tidy after killed runs.

    Re-entrant within the process. Raises ``RunInProgressError`` when another process still holds
    it after ``wait`` seconds (default ``LOCK_WAIT``), ``FileSystemError`` when outbox/ cannot be used.
    """
    wait = LOCK_WAIT if wait is None else wait
    outbox = Path(ws.outbox)
    key = os.path.normcase(os.path.abspath(outbox))
    busy = RunInProgressError(
        f"Một lần chạy baocao khác đang ghi vào {outbox} (đã đợi {f'{wait:g}'.replace('.', ',')} giây). "
        "Hãy đợi lần chạy đó xong rồi chạy lại."
    )
    if not _thread_lock.acquire(timeout=max(wait, 0.001)):
        raise busy
    try:
        if key in _held:
            _held[key] += 1
            try:
                yield outbox / LOCK_NAME
            finally:
                _held[key] -= 1
            return
        path = make_folder(outbox) / LOCK_NAME
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as err:
            raise fs_error(err, path) from None
        try:
            deadline = time.monotonic() + wait
            try:
                while not _try_lock(fd):
                    if time.monotonic() >= deadline:
                        raise busy
                    time.sleep(0.1)
            except OSError as err:  # e.g. a network drive without locks
                raise fs_error(err, path) from None
            _held[key] = 1
            try:
                tidy(outbox)
                yield path
            finally:
                del _held[key]
                _unlock(fd)
        finally:
            os.close(fd)
    finally:
        _thread_lock.release()


# --------------------------------------------------------------------------- after a killed run


def _safe_name(name: object) -> str:
    """A plain file name from a journal (never a path that could point elsewhere)."""
    if not isinstance(name, str) or not name or Path(name).name != name or name in (".", ".."):
        raise ValueError(f"tên tệp không hợp lệ trong nhật ký ghi: {name!r}")
    return name


def _read_journal(folder: Path) -> list[tuple[str, str, str | None]] | None:
    """The journal's moves (temporary, target, set-aside name), or None when it was cut short."""
    try:
        entries = json.loads((folder / JOURNAL_NAME).read_text(encoding="utf-8"))["entries"]
        return [
            (_safe_name(e["tmp"]), _safe_name(e["final"]), _safe_name(e["aside"]) if e["aside"] else None)
            for e in entries
        ]
    except (ValueError, KeyError, TypeError):
        return None


def _settle(folder: Path) -> None:
    """Finish or undo the set whose journal is in ``folder`` (see the module docstring)."""
    journal = folder / JOURNAL_NAME
    moves = _read_journal(folder)
    if moves is None:  # killed while writing the journal: nothing was moved yet
        journal.unlink(missing_ok=True)
        return
    if not any((folder / tmp).exists() for tmp, _, _ in moves):  # every file in place: finish
        for _, _, aside in moves:
            if aside:
                (folder / aside).unlink(missing_ok=True)
        journal.unlink()
        return
    for _, final, aside in moves:  # undo: set-aside files back first (replacing ours atomically)…
        if aside and (folder / aside).exists():
            os.replace(folder / aside, folder / final)
    for tmp, final, aside in moves:  # …then our files that took a free name…
        if not aside and not (folder / tmp).exists():
            (folder / final).unlink(missing_ok=True)
    for tmp, _, _ in moves:  # …temporaries last: none left means every file is in place
        (folder / tmp).unlink(missing_ok=True)
    journal.unlink()


def tidy(outbox: Path) -> None:
    """Settle sets left half-written by killed runs, then remove their temporaries (lock held)."""
    folders = [outbox]
    folder = outbox
    try:
        subfolders = sorted(p for p in outbox.iterdir() if p.is_dir())
        for folder in [outbox, *subfolders]:  # a journal is ours wherever it is
            if (folder / JOURNAL_NAME).exists():
                _settle(folder)
        folders += [p for p in subfolders if OUR_FOLDERS.fullmatch(p.name)]
        for folder in folders:
            for p in folder.iterdir():
                if p.name.startswith(TEMP_PREFIX) and p.is_file():
                    with contextlib.suppress(OSError):  # e.g. held by an antivirus: next time
                        p.unlink()
    except OSError as err:  # e.g. a file open in Word on Windows while a set-aside copy is put back
        raise fs_error(err, Path(err.filename) if err.filename else folder) from None


# --------------------------------------------------------------------------- writing a set


def _checkpoint(folder: Path, step: str) -> None:
    """Tests only: stop here (to be killed) when ``BAOCAO_TEST_STOP_AT`` names this step."""
    if os.environ.get(STOP_ENV) == f"{folder.name}:{step}":
        sys.stderr.write(f"{STOP_ENV}={folder.name}:{step}\n")
        sys.stderr.flush()
        time.sleep(600)


def _sync_dir(folder: Path) -> None:
    """Best effort: make renames in ``folder`` durable (POSIX; Windows has no directory handles here)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _write_temp(folder: Path, name: str, data: bytes) -> Path:
    """``data`` in a new fsynced temporary beside ``folder / name``; errors name the target."""
    make_folder(folder)
    try:
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=Path(name).suffix, dir=folder)
    except OSError as err:
        raise fs_error(err, folder / name) from None
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException as err:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise fs_error(err, folder / name) from None
        raise
    return Path(tmp)


def free_names(folder: Path, names: list[str]) -> list[Path]:
    """The first numbering ("name (2).ext", …) under which none of ``names`` exists in ``folder``.

    Hold ``workspace_lock`` while choosing and writing, so the names stay free.
    """
    n = 1
    while True:
        paths = [folder / (name if n == 1 else f"{Path(name).stem} ({n}){Path(name).suffix}") for name in names]
        if not any(os.path.lexists(p) for p in paths):
            return paths
        n += 1


def _move(src: Path, dst: Path, shown: Path) -> None:
    try:
        os.replace(src, dst)
    except PermissionError:
        raise _locked(shown) from None
    except OSError as err:
        raise fs_error(err, shown) from None


def _commit(folder: Path, moves: list[tuple[Path, Path]]) -> None:
    entries: list[dict[str, Any]] = []  # the journal (JSON)
    for tmp, final in moves:
        aside = None
        if os.path.lexists(final):
            if final.is_dir():
                raise FileSystemError(
                    f"Không ghi được {final}: đó là một thư mục, không phải tệp. "
                    "Hãy đổi tên hoặc chuyển thư mục đó đi rồi chạy lại."
                )
            aside = f"{TEMP_PREFIX}cu-{secrets.token_hex(4)}-{final.name}"
        entries.append({"tmp": tmp.name, "final": final.name, "aside": aside})
    journal = folder / JOURNAL_NAME
    try:
        fd = os.open(journal, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        try:
            _write_all(fd, json.dumps({"entries": entries}, ensure_ascii=False, indent=1).encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as err:
        journal.unlink(missing_ok=True)
        raise fs_error(err, journal) from None
    _sync_dir(folder)
    _checkpoint(folder, "journal")
    try:
        for k, e in enumerate((e for e in entries if e["aside"]), start=1):
            _move(folder / e["final"], folder / e["aside"], folder / e["final"])
            _checkpoint(folder, f"aside-{k}")
        for k, (tmp, final) in enumerate(moves, start=1):
            _move(tmp, final, final)
            _checkpoint(folder, f"rename-{k}")
    except BaseException:
        with contextlib.suppress(OSError, ValueError):  # if undoing fails, the next run settles it
            _settle(folder)
        raise
    _sync_dir(folder)
    _checkpoint(folder, "committed")
    try:
        _settle(folder)  # every file in place: removes the set-aside files and the journal
    except OSError:
        pass  # the set is complete; the next run removes what is left


def write_set(ws: Workspace, folder: Path, items: Iterable[tuple[str, bytes]]) -> list[Path]:
    """Write ``items`` (file name, bytes) into ``folder`` all-or-nothing, in order; return the paths.

    ``items`` may be a generator: each file is written to a temporary as it comes. Existing
    files are replaced (only once every new file is ready). Nothing is written for no items.
    """
    folder = Path(folder)
    with workspace_lock(ws):
        temps: list[tuple[Path, Path]] = []
        try:
            for k, (name, data) in enumerate(items, start=1):
                temps.append((_write_temp(folder, _safe_name(name), data), folder / name))
                _checkpoint(folder, f"temp-{k}")
            if temps:
                _commit(folder, temps)
        except BaseException:
            if not (folder / JOURNAL_NAME).exists():  # a journal left means: the next run settles it
                for tmp, _ in temps:
                    tmp.unlink(missing_ok=True)
            raise
        return [final for _, final in temps]


def write_file(ws: Workspace, path: Path, data: bytes) -> Path:
    """One file written like a set of one (``path`` in outbox/ or one of its subfolders)."""
    return write_set(ws, Path(path).parent, [(Path(path).name, data)])[0]
