"""Report stage: an ``aggregate.Summary`` → the Word report, the summary workbook, the run record.

One way through: ``report_context`` builds what the report says, ``report_docx`` renders it,
``summary_xlsx`` writes the workbook, ``record`` the run record; ``write_report`` writes the set.
Outputs are byte-identical for the same input: every date in them derives from the data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class ReportFiles:
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
    docx = render_report(template, summary, history)
    xlsx = summary_workbook(summary, history)
    record = build_record(summary, ws.config, rejected, template, report_date=report_date(summary))
    tag = summary.plan.tag(year)  # an ad-hoc period's own folder and names, never the year's
    folder = ws.report_dir(tag)
    names = [f"bao-cao-{tag}.docx", f"tong-hop-{tag}.xlsx", ws.run_record(tag).name]
    with workspace_lock(ws):
        docx_path, xlsx_path, record_path = [folder / n for n in names] if overwrite else free_names(folder, names)
        record["outputs"] = {"docx": output_entry(docx_path.name, docx), "xlsx": output_entry(xlsx_path.name, xlsx)}
        write_set(ws, folder, [(docx_path.name, docx), (xlsx_path.name, xlsx), (record_path.name, record_json(record))])
    return ReportFiles(docx_path, xlsx_path, record_path)
