"""Intake: every file under inbox/ → identified, read and validated submissions.

(The data types it produces are in ``model``: the contract the aggregation and report stages consume.)

Nothing in inbox/ is ever written, renamed or touched: each file is opened read-only, read
once (the sha256 comes from those same bytes) and parsed from memory. The type comes from the
magic bytes and the package is checked for hostile content before any parser sees it
(``xlsx_safety``); the form is identified by its hidden ``_id`` sheet (or the visible code in
B3), never by the file name; cells are found by the key in hidden column A and read by one
bounded pass over the sheet XML (``sheet_cells``); every value is re-validated (``rules``).
``read_file`` is pure and picklable so a process pool can map it, and never raises: whatever a
file holds ends as a submission or a named rejection (the last guard: ``loi-doc``), and a pool
worker that dies has its files read again one by one, so one file never stops the run.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import logging
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .model import (
    HAS_ERRORS,
    LATE,
    MISSING,
    SUBMITTED,
    UNKNOWN_TIME,
    FileResult,
    IntakeResult,
    Problem,
    Provenance,
    Submission,
    UnitStatus,
)
from .values import format_number
from .workspace import is_skipped_name, nfc

if TYPE_CHECKING:
    from .plan import Plan
    from .workspace import Workspace

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------- one file

FILE_LIKE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xltx", ".ods", ".csv", ".pdf", ".docx", ".doc", ".zip")


def _unread(rel: str) -> Provenance:
    """Provenance of an entry whose bytes were never read."""
    return Provenance(rel, "", 0, UNKNOWN_TIME)


def _file_problem(code: str, message: str, rel: str) -> Problem:
    return Problem(code, message, file=rel)


def _unreadable(rel: str, err: OSError) -> Problem:
    return _file_problem(
        "khong-doc-duoc",
        f"Không đọc được tệp ({err.strerror or type(err).__name__}): tệp có thể đang "
        "mở và bị khóa, không có quyền đọc hoặc vừa bị xóa. Hãy đóng tệp/chép lại vào inbox/ rồi chạy lại.",
        rel,
    )


def read_data(
    data: bytes,
    rel: str,
    plan: Plan,
    year: int,
    modified: dt.datetime | None = None,
    last_year: LastYearValues | None = None,
) -> FileResult:
    """Read a file's bytes already in memory (``read_file`` without the disk); never raises for bad input."""
    from .form_reader import read_form
    from .xlsx_safety import Rejected, open_package, sniff

    prov = Provenance(rel, hashlib.sha256(data).hexdigest(), len(data), modified or UNKNOWN_TIME)
    if is_skipped_name(rel.rsplit("/", 1)[-1]):
        return FileResult(prov)
    try:
        sniff(data, rel)
        pkg = open_package(data, rel)
        prov = replace(prov, application=pkg.application())
        return FileResult(prov, submission=read_form(data, pkg, prov, plan, year, last_year))
    except Rejected as rej:
        return FileResult(prov, rejection=rej.problem)
    except RecursionError as err:  # pathological nesting in a hostile file
        log.warning("%s: %r", rel, err)
        return FileResult(
            prov,
            rejection=_file_problem(
                "tep-hong", "Tệp có cấu trúc bất thường, không đọc được. Hãy đề nghị đơn vị gửi lại biểu mẫu gốc.", rel
            ),
        )
    except Exception as err:
        return FileResult(prov, rejection=read_failure(rel, err))


def read_failure(rel: str, err: BaseException | None) -> Problem:
    """``loi-doc``: reading ``rel`` failed in a way no check foresaw (``err``), or, with ``err`` None,
    the process reading it died. The traceback goes to the log, --debug and the run record only."""
    import traceback

    if err is None:
        what = "chương trình đọc tệp bị dừng đột ngột khi đọc tệp này"
        detail = "the child process reading this file died (native crash)"
    else:
        what = f"lỗi bất thường khi đọc tệp ({type(err).__name__})"
        detail = "".join(traceback.format_exception(err)).strip()
    log.warning("%s: %s", rel, detail)
    problem = _file_problem(
        "loi-doc",
        f"Không đọc được tệp: {what}; các tệp khác vẫn được đọc bình thường. Hãy mở "
        "tệp bằng Excel, lưu lại rồi gửi lại; nếu vẫn lỗi, hãy gửi tệp này cho người bảo trì "
        "chương trình.",
        rel,
    )
    return replace(problem, detail=detail)


def read_file(path: Path, rel: str, plan: Plan, year: int, last_year: LastYearValues | None = None) -> FileResult:
    """Read one inbox file read-only (bytes read once; sha256 of those bytes). Pure, picklable; never raises."""
    rel = nfc(rel)
    try:
        return _read_file(path, rel, plan, year, last_year)
    except Exception as err:
        return FileResult(_unread(rel), rejection=read_failure(rel, err))


def _read_file(path: Path, rel: str, plan: Plan, year: int, last_year: LastYearValues | None) -> FileResult:
    from .xlsx_safety import MAX_FILE_BYTES

    empty = _unread(rel)
    if is_skipped_name(rel.rsplit("/", 1)[-1]):
        return FileResult(empty)
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
        with os.fdopen(fd, "rb", buffering=0) as fh:
            st = os.fstat(fh.fileno())
            modified = dt.datetime.fromtimestamp(st.st_mtime)
            if not stat.S_ISREG(st.st_mode):
                return FileResult(
                    replace(empty, modified=modified),
                    rejection=_file_problem(
                        "khong-doc-duoc",
                        "Đây không phải tệp thường (thiết bị, ống dẫn…) nên không đọc. Hãy xóa mục này "
                        "khỏi inbox/ và chép đúng tệp biểu mẫu .xlsx vào.",
                        rel,
                    ),
                )
            if st.st_size > MAX_FILE_BYTES:
                prov = Provenance(rel, "", st.st_size, modified)
                return FileResult(
                    prov,
                    rejection=_file_problem(
                        "tep-qua-lon",
                        f"Tệp lớn {format_number(round(st.st_size / 2**20, 1))} MB, "
                        f"vượt giới hạn {MAX_FILE_BYTES // 2**20} MB "
                        "của một biểu mẫu (biểu mẫu đã điền chỉ vài chục KB); không đọc. Có thể đã gửi nhầm tệp, hoặc "
                        "biểu mẫu bị chèn ảnh lớn: hãy gửi lại đúng biểu mẫu.",
                        rel,
                    ),
                )
            chunks, size, want = [], 0, st.st_size + 1  # the size it has (+1 to see it grow), then by 64 KB
            while size <= MAX_FILE_BYTES:
                chunk = fh.read(min(want, MAX_FILE_BYTES + 1 - size))  # an unbuffered read allocates what it asks
                want = 1 << 16
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
    except OSError as err:
        return FileResult(empty, rejection=_unreadable(rel, err))
    data = b"".join(chunks)
    if len(data) > MAX_FILE_BYTES:  # grew while being read
        return FileResult(
            Provenance(rel, "", len(data), modified),
            rejection=_file_problem(
                "tep-qua-lon", f"Tệp lớn hơn giới hạn {MAX_FILE_BYTES // 2**20} MB; không đọc.", rel
            ),
        )
    return read_data(data, rel, plan, year, modified, last_year)


# --------------------------------------------------------------------------- the inbox

POOL_FROM = (
    60  # files; below this one process is faster: measured, a pool of 2 costs ~50 ms of CPU and saves ~0,8 ms a form
)
MAX_WORKERS = 8  # enough for an office PC; Windows refuses more than 61
CHUNK_FILES = 32  # files per task sent to a worker at most (~40 ms of work); fewer near the end (``_chunks``)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def scan_inbox(inbox: Path) -> tuple[list[tuple[Path, str]], list[tuple[Provenance, Problem]]]:
    """Every file to read under ``inbox`` (path, NFC relative name), sorted; and the entries refused."""
    root = os.path.realpath(inbox)
    files: list[tuple[Path, str]] = []
    refused: list[tuple[Provenance, Problem]] = []
    seen_dirs = {root}
    stack: list[tuple[str, str]] = [(str(inbox), "")]

    def refuse(rel: str, code: str, message: str) -> None:
        refused.append((_unread(rel), _file_problem(code, message, rel)))

    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: nfc(e.name))
        except OSError as err:
            refuse(prefix.rstrip("/") or ".", "khong-doc-duoc", f"Không đọc được thư mục ({err.strerror}); bỏ qua.")
            continue
        subdirs = []
        for entry in entries:
            rel = prefix + nfc(entry.name)
            if is_skipped_name(entry.name):
                continue
            try:
                is_dir = entry.is_dir()  # follows a symlink
                if entry.is_symlink():
                    real = os.path.realpath(entry.path)
                    if not _inside(real, root):
                        refuse(
                            rel,
                            "lien-ket-ngoai",
                            "Đây là liên kết (shortcut/symlink) trỏ ra ngoài thư mục inbox/; "
                            "chương trình không theo. Hãy chép chính tệp vào inbox/.",
                        )
                        continue
                    if is_dir and real in seen_dirs:
                        continue
                if is_dir:
                    seen_dirs.add(os.path.realpath(entry.path))
                    if entry.name.lower().endswith(FILE_LIKE_SUFFIXES):
                        refuse(
                            rel + "/",
                            "thu-muc",
                            f"«{entry.name}» là một thư mục chứ không phải tệp; các tệp bên "
                            "trong vẫn được đọc. Nếu đây là biểu mẫu, hãy chép đúng tệp .xlsx vào inbox/.",
                        )
                    subdirs.append((entry.path, rel + "/"))
                else:
                    files.append((Path(entry.path), rel))
            except OSError as err:
                refused.append((_unread(rel), _unreadable(rel, err)))
        stack.extend(reversed(subdirs))
    files.sort(key=lambda f: f[1])
    refused.sort(key=lambda r: r[0].path)
    return files, refused


LastYearValues = dict[str, dict[str, float]]  # unit id → input id → the number used last year


def _fmt_date(d: dt.date | None) -> str:
    return f"{d:%d/%m/%Y}" if d else "không ghi"


def choose(subs: list[Submission]) -> tuple[Submission, tuple[str, ...]]:
    """The file to use among several for one unit — later ngày lập, then later mtime, then path —
    and a Vietnamese line for each file set aside."""

    def key(s: Submission) -> tuple:
        return (s.contact.date or dt.date.min, s.provenance.modified, s.provenance.path)

    ordered = sorted(subs, key=key, reverse=True)
    used = ordered[0]
    notes = []
    u = used.provenance
    for s in ordered[1:]:
        p = s.provenance
        head = f"«{p.path}» không dùng: "
        if p.sha256 and p.sha256 == u.sha256:
            notes.append(head + f"giống hệt tệp «{u.path}»")
        elif used.contact.date and s.contact.date != used.contact.date:
            notes.append(
                head
                + f"đã có bản lập ngày {_fmt_date(used.contact.date)} «{u.path}»"
                + (
                    f" (bản này lập ngày {_fmt_date(s.contact.date)})"
                    if s.contact.date
                    else " (bản này không ghi ngày lập)"
                )
            )
        elif p.modified != u.modified:
            notes.append(
                head + f"cùng ngày lập {_fmt_date(used.contact.date)}, tệp «{u.path}» được lưu sau "
                f"({u.modified:%d/%m/%Y %H:%M})"
            )
        else:
            notes.append(head + f"cùng ngày lập và giờ lưu với «{u.path}»; chọn tệp xếp sau theo tên")
    return used, tuple(notes)


def unit_status(plan: Plan, unit_id: str, subs: list[Submission], year: int) -> UnitStatus:
    if not subs:
        return UnitStatus(unit_id, MISSING, None)
    used, aside = choose(subs)
    late = plan.is_late(used.made_on, year)
    state = HAS_ERRORS if not used.accepted else (LATE if late else SUBMITTED)
    return UnitStatus(unit_id, state, used, aside, late)


def read_inbox(
    ws: Workspace,
    plan: Plan,
    year: int,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    *,
    last_year: LastYearValues | None = None,
    while_reading: Callable[[], None] | None = None,
) -> IntakeResult:
    """Read every file under ``inbox/`` (sorted by path) and give each unit of the plan its state.

    What came before is given, never read here (``run`` reads it): ``last_year``, unit id → input
    id → the number the unit used the year before (``record.last_year``), for the checks against
    last year (``bien-dong-lon``, ``goc-thay-doi``). The result's ``history`` is left empty: ``run``
    loads the years before while the files are read and sets it.

    ``while_reading``: the caller's own work that needs no file of inbox/ (loading the years before,
    importing what comes after reading), done while the pool's workers read, when this process would
    only wait (in one process: before reading).

    ``workers=None`` picks: one process for a district-sized inbox, a process pool over every
    core when there are many files (start-up of a pool costs more than reading 100 forms).
    """
    files, rejected = scan_inbox(ws.inbox)
    total = len(files)
    last = last_year or {}
    if workers is None:
        workers = 1 if total < POOL_FROM else max(1, min(os.cpu_count() or 1, MAX_WORKERS))
    results: list[FileResult] = []
    if workers > 1 and total > 1:
        results = _read_pooled(files, plan, year, last, workers, progress, while_reading)
    else:
        if while_reading is not None:
            while_reading()
        with no_cycle_collector():
            for i, (path, rel) in enumerate(files, 1):
                results.append(read_file(path, rel, plan, year, last))
                if progress:
                    progress(i, total)
    by_unit: dict[str, list[Submission]] = {}
    for res in results:
        if res.rejection is not None:
            rejected.append((res.provenance, res.rejection))
        elif res.submission is not None:
            by_unit.setdefault(res.submission.unit_id, []).append(res.submission)
    rejected.sort(key=lambda r: r[0].path)
    statuses = [unit_status(plan, u.id, by_unit.get(u.id, []), year) for u in plan.units]
    return IntakeResult(year, statuses, rejected)


@contextmanager
def no_cycle_collector() -> Iterator[None]:
    """Reading with Python's cycle collector paused. Reading a file makes no reference cycles
    (``tests/test_intake.py`` checks it, good files and bad): reference counting frees everything
    it makes, and the collector's passes over the reader's short-lived objects, and over all the
    results kept (a full pass walks every object in the process), cost ~2 % of reading (measured
    on 1 000 forms, results kept)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


_WORKER: dict[str, object] = {}  # in a pool worker: the plan, year and last year's figures it reads with


def _init_worker(plan: Plan, year: int, last_year: LastYearValues) -> None:
    """Given once per worker (inherited with the process where it forks, pickled once elsewhere),
    not with every chunk: a province's plan pickles to ~0,5 MB."""
    _WORKER.update(plan=plan, year=year, last_year=last_year)
    # What a forked worker inherits (modules, the plan) lives as long as it does: frozen, the collector
    # never walks it. The parent forked with its collector paused (no_cycle_collector): on again here,
    # for the time between chunks.
    gc.freeze()
    gc.enable()


def _read_chunk(files: list[tuple[Path, str]]) -> list[FileResult]:
    plan, year, last_year = _WORKER["plan"], _WORKER["year"], _WORKER["last_year"]
    with no_cycle_collector():
        return [read_file(path, rel, plan, year, last_year) for path, rel in files]  # type: ignore[arg-type]


def _chunks(total: int, workers: int) -> list[range]:
    """The files' indexes in tasks for the workers, in order: up to ``CHUNK_FILES`` at a time, fewer as
    the end nears (a quarter of what is left per worker), so that the workers finish together."""
    most = max(1, min(CHUNK_FILES, total // (workers * 8)))
    chunks, i = [], 0
    while i < total:
        size = max(min(4, most), min(most, (total - i) // (workers * 4)))
        chunks.append(range(i, min(i + size, total)))
        i += size
    return chunks


def _read_pooled(
    files: list[tuple[Path, str]],
    plan: Plan,
    year: int,
    last_year: LastYearValues,
    workers: int,
    progress: Callable[[int, int], None] | None,
    while_reading: Callable[[], None] | None = None,
) -> list[FileResult]:
    """Read in a process pool (``while_reading`` is called when the first task's files are read). When a worker
    dies (a native crash in a library), the files it had not returned are read again one by one, each in
    a child process: the file that kills its child is rejected (``loi-doc``) and every other file is read."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    total = len(files)
    results: list[FileResult | None] = [None] * total
    chunks = _chunks(total, workers)
    done = 0
    futures = []
    try:
        from . import form_reader  # noqa: F401 — imported once here, inherited by workers that fork

        # paused in this process too, while thousands of results arrive and are kept
        with no_cycle_collector():
            pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(plan, year, last_year))
            try:
                futures = [pool.submit(_read_chunk, [files[i] for i in c]) for c in chunks]
                for c, fut in zip(chunks, futures, strict=True):
                    for i, res in zip(c, fut.result(), strict=True):
                        results[i] = res
                    done += len(c)
                    if progress:
                        progress(done, total)
                    if while_reading is not None:
                        # once the first task is back: the workers are busy with the next ones, queued by the
                        # pool's threads, which would wait for this thread to let them run if called as they start
                        while_reading()
                        while_reading = None
            finally:
                # Not waiting here for the workers to end (~10 ms at the end of a run, 20 at 2 000 files): told to
                # stop, they exit and are reaped while this process goes on (at the latest as it exits).
                pool.shutdown(wait=False, cancel_futures=True)
    except BrokenProcessPool:
        log.warning("a worker reading the inbox died; reading its files one by one")
        for c, fut in zip(chunks, futures, strict=False):
            if fut.done() and not fut.cancelled() and fut.exception() is None and results[c[0]] is None:
                for i, res in zip(c, fut.result(), strict=True):
                    results[i] = res
    if while_reading is not None:  # the pool broke before the first task came back
        while_reading()
    left = [i for i, r in enumerate(results) if r is None]
    for i, res in zip(left, _read_isolated([files[i] for i in left], plan, year, last_year), strict=True):
        results[i] = res
        done += 1
        if progress:
            progress(min(done, total), total)
    return [r for r in results if r is not None]


def _read_isolated(files: list[tuple[Path, str]], plan: Plan, year: int, last_year: LastYearValues) -> list[FileResult]:
    """Each file read in a child process, one at a time; a child that dies names its file."""
    from concurrent.futures import ProcessPoolExecutor

    out = []
    pool: ProcessPoolExecutor | None = None
    try:
        for path, rel in files:
            if pool is None:
                pool = ProcessPoolExecutor(max_workers=1)
            try:
                out.append(pool.submit(read_file, path, rel, plan, year, last_year).result())
            except Exception as err:
                from concurrent.futures.process import BrokenProcessPool

                crashed = isinstance(err, BrokenProcessPool)
                out.append(FileResult(_unread(nfc(rel)), rejection=read_failure(nfc(rel), None if crashed else err)))
                pool.shutdown(wait=True, cancel_futures=True)
                pool = None
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    return out
