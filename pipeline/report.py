"""Report stage: an ``aggregate.Summary`` → the Word report, the summary workbook, the run record.

One way through: ``report_context`` builds what the report says, ``report_docx`` renders it,
``summary_xlsx`` writes the workbook, ``record`` the run record; ``write_report`` writes the set.
Outputs are byte-identical for the same input: every date in them derives from the data.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from .aggregate import Summary
from .errors import BaoCaoError
from .history import History, load_history
from .model import LATE, SUBMITTED, Problem, Provenance
from .outbox import free_names, workspace_lock, write_set
from .record import build_record, output_entry, record_json
from .report_context import build_context, report_date, report_stamp
from .report_docx import render_docx
from .workspace import Workspace


def render_report(template: Path, summary: Summary, history: History | None = None) -> bytes:
    """The report as .docx bytes; the same summary (and history) always gives the same bytes."""
    return render_docx(template, build_context(summary, history), report_stamp(summary))


def summary_workbook(summary: Summary, history: History | None = None) -> bytes:
    """The summary workbook (tổng hợp) as .xlsx bytes, deterministic."""
    from .summary_xlsx import build_workbook

    return build_workbook(summary, report_stamp(summary), history)


WORKBOOK_APART_FROM = 300  # units: from here the workbook is written in a second process meanwhile


def workbook_meanwhile(summary: Summary, history: History | None = None) -> Callable[[], bytes]:
    """Start the summary workbook and return how to get its bytes.

    For a province-sized summary (``WORKBOOK_APART_FROM`` units and more), on a system that forks and
    has two cores, a child process writes it while this one renders the report: the workbook is most
    of the report stage (about 2 s for 2 000 units, the report 0,3 s). A child that fails sends
    nothing, and the workbook is then written here (raising here whatever made the child fail).
    Elsewhere it is written here, when asked for.
    """
    import multiprocessing

    def here() -> bytes:
        return summary_workbook(summary, history)

    apart = len(summary.statuses) >= WORKBOOK_APART_FROM and (os.cpu_count() or 1) >= 2
    if not apart or "fork" not in multiprocessing.get_all_start_methods():
        return here
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_workbook_child, args=(send, summary, history), daemon=True)
    child.start()
    send.close()

    def result() -> bytes:
        try:
            data = receive.recv_bytes()
        except (EOFError, OSError):
            data = b""  # the child died or failed
        finally:
            receive.close()
            child.join()
        return data or here()

    return result


def _workbook_child(send: Connection, summary: Summary, history: History | None) -> None:
    try:
        send.send_bytes(summary_workbook(summary, history))
    except BaseException:  # noqa: B036 — nothing sent: the parent writes it and meets the error itself
        pass
    finally:
        send.close()


@dataclass(frozen=True)
class ReportFiles:
    """The three files of one report: the Word report, the summary workbook, the run record."""

    docx: Path
    xlsx: Path
    record: Path


def write_report(
    ws: Workspace,
    summary: Summary,
    overwrite: bool = False,
    rejected: Iterable[tuple[Provenance, Problem]] = (),
    history: History | None = None,
) -> ReportFiles:
    """Write bao-cao-<year>.docx, tong-hop-<year>.xlsx and nhat-ky-<year>.json to outbox/bao-cao-<year>/.

    An existing set is kept (the three files take the first free number, "bao-cao-2026 (2).docx"…)
    unless ``overwrite``. The set is written all-or-nothing, the run record last, under the
    workspace lock (``outbox.write_set``), so two runs never take the same number.
    """
    year = summary.year
    if not any(s.state in (SUBMITTED, LATE) for s in summary.statuses):
        raise BaoCaoError(
            f"Chưa có biểu mẫu hợp lệ nào trong inbox/ — không thể lập báo cáo {summary.plan.period_name(year)}. "
            "Chạy `baocao kiem-tra` để xem chi tiết."
        )
    template = ws.report_template
    if history is None:  # the years before, unless the caller has read them already
        history = load_history(ws, summary.plan, year - 1)
    workbook = workbook_meanwhile(summary, history)
    docx = render_report(template, summary, history)
    record = build_record(summary, ws.config, rejected, template, report_date=report_date(summary))
    xlsx = workbook()
    tag = summary.plan.tag(year)  # an ad-hoc period's own folder and names, never the year's
    folder = ws.report_dir(tag)
    names = [f"bao-cao-{tag}.docx", f"tong-hop-{tag}.xlsx", ws.run_record(tag).name]
    with workspace_lock(ws):
        docx_path, xlsx_path, record_path = [folder / n for n in names] if overwrite else free_names(folder, names)
        record["outputs"] = {"docx": output_entry(docx_path.name, docx), "xlsx": output_entry(xlsx_path.name, xlsx)}
        write_set(ws, folder, [(docx_path.name, docx), (xlsx_path.name, xlsx), (record_path.name, record_json(record))])
    return ReportFiles(docx_path, xlsx_path, record_path)
