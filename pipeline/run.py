"""One library call per command: ``cli.py`` parses options, calls one function here and prints what it
returns; ``bench/run.py`` times the same calls. Each function takes the workspace and the command's
options, runs the stages under the workspace lock where the command writes to outbox/, and returns a
small frozen result (what the clerk is shown is built from it by ``display``/``cli``).

=========  ==========================================================================
tao-mau    ``forms``        the plan's forms for the year (or ad-hoc period)
kiem-tra   ``check``        read inbox/, feedback files for units with errors
bao-cao    ``report``       ``check``, then aggregate and write the report set
nhac-nop   ``reminder``     ``check``'s reading, then the reminder letter
lich-su    ``history`` / ``history_template``
so-ket     ``review``       the phase review
demo       ``demo``         a demo workspace, then ``report`` on it
=========  ==========================================================================

``report`` and ``demo`` call ``checked`` with the check's result before aggregating, so the clerk
sees what was read even when the report then cannot be made (``demo`` calls ``ready`` first, once its
workspace is made); ``on_stage`` is told the name of each
stage as it ends (``STAGES``), which is how the benchmark times them in-process.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import BaoCaoError
from .model import LATE, SUBMITTED
from .outbox import workspace_lock

if TYPE_CHECKING:
    from .aggregate import Summary
    from .history import AdHocHistory, History
    from .model import IntakeResult
    from .plan import Plan
    from .reminder import Reminder
    from .report import ReportFiles
    from .review import ReviewFiles
    from .workspace import Workspace

Progress = Callable[[int, int], None]  # (files read, files in inbox/)
OnStage = Callable[[str], None]
START, READ, FEEDBACK, AGGREGATE, WRITE = "start", "read", "feedback", "aggregate", "report"
STAGES = (START, READ, FEEDBACK, AGGREGATE, WRITE)  # in order; START: plan loaded, lock held


def _noop(stage: str) -> None:
    return None


def _nothing() -> None:
    return None


def plan_for(
    ws: Workspace, year: int | None, period: str | None = None, deadline: dt.date | None = None, request: str = ""
) -> tuple[Plan, int]:
    """The plan and the year a command works on (``ke-hoach`` is this call alone): this year when none is
    given; with ``--ky``/``--han-nop`` the plan of that ad-hoc period; ``--theo`` (``request``) into its opening."""
    plan = ws.load_plan()
    year = plan.check_year(year if year is not None else dt.date.today().year)
    plan = plan.for_period(year, period, deadline)
    if request.strip():
        plan = dataclasses.replace(plan, request=request.strip())
    return plan, year


# --------------------------------------------------------------------------- tao-mau


@dataclass(frozen=True)
class Forms:
    """What tao-mau wrote."""

    plan: Plan
    year: int
    paths: list[Path]  # one form per unit, plan order
    notice: str  # "" or why the base-year figures are not pre-filled (last year's record unreadable)


def forms(ws: Workspace, year: int | None = None, period: str | None = None, deadline: dt.date | None = None) -> Forms:
    from .forms import write_forms
    from .record import last_year

    plan, year = plan_for(ws, year, period, deadline)
    with workspace_lock(ws):
        last = last_year(ws, year)  # each unit's figures in last year's run record, when there is one
        paths = write_forms(ws, plan, year, last.values)
    return Forms(plan, year, paths, last.notice)


# --------------------------------------------------------------------------- kiem-tra


@dataclass(frozen=True)
class Checked:
    """What kiem-tra found."""

    ws: Workspace
    plan: Plan
    year: int
    intake: IntakeResult
    feedback: list[Path]  # feedback files written (units whose used form has errors)
    notices: tuple[str, ...]  # Vietnamese: what the clerk must know beyond the forms (an unreadable record…)
    history: History  # the years before (records, history workbooks), read once for the checks and the report

    @property
    def nothing_read(self) -> bool:
        """No file in inbox/ was a form at all (``kiem-tra`` fails)."""
        accepted = any(s.state in (SUBMITTED, LATE) for s in self.intake.statuses)
        return not accepted and not any(s.submission for s in self.intake.statuses)

    @property
    def complete(self) -> bool:
        """Every unit that owes a form (required, or sent one) has a valid one, and no file was refused
        (``kiem-tra --strict`` fails otherwise)."""
        owed = [s for s in self.intake.statuses if self.plan.unit(s.unit_id).required or s.submission is not None]
        return all(s.state in (SUBMITTED, LATE) for s in owed) and not self.intake.rejected


def _inbox(ws: Workspace) -> None:
    if not ws.inbox.is_dir():
        raise BaoCaoError(f"Không có thư mục inbox/ trong {ws.root}: hãy tạo và chép các tệp đơn vị gửi vào đó.")


def _feedback_stage() -> None:
    from . import feedback  # noqa: F401


def _report_stages() -> None:
    # Not matplotlib (~0,4 s, imported at the first chart): from report.WORKBOOK_APART_FROM units a process forked
    # before the charts are drawn writes the summary workbook, and would carry it too (35 MB more RSS at 2 000).
    from . import aggregate, feedback, report  # noqa: F401


def _check(
    ws: Workspace,
    plan: Plan,
    year: int,
    progress: Progress | None,
    workers: int | None,
    on_stage: OnStage,
    after: Callable[[], None] = _feedback_stage,
) -> Checked:
    """Read inbox/ and write the feedback files; ``after`` imports the stages that follow reading (while
    the pool's workers read)."""
    _inbox(ws)
    on_stage(START)
    result, notice, history = _read_inbox(ws, plan, year, progress, workers, after)
    on_stage(READ)
    from .feedback import write_feedback

    feedback = write_feedback(ws, plan, result)
    on_stage(FEEDBACK)
    return Checked(ws, plan, year, result, feedback, (notice,) if notice else (), history)


def _read_inbox(
    ws: Workspace,
    plan: Plan,
    year: int,
    progress: Progress | None = None,
    workers: int | None = None,
    after: Callable[[], None] = _nothing,
) -> tuple[IntakeResult, str, History]:
    """inbox/ read against what came before: last year's figures per unit (its run record) and each
    indicator's values in the earlier years (records and history workbooks); and the notice when last
    year's record cannot be read. The earlier years, and ``after`` (the imports of the stages that
    follow), are loaded while the pool's workers read: this process would only wait then."""
    from .intake import read_inbox
    from .record import last_year

    last = last_year(ws, year)  # the workers check against it: read before they start
    before: list[History] = []

    def meanwhile() -> None:
        from .history import load_history

        before.append(load_history(ws, plan, year - 1))
        after()

    result = read_inbox(
        ws, plan, year, progress=progress, workers=workers, last_year=last.values, while_reading=meanwhile
    )
    from .history import indicator_values

    history = before[0]
    return dataclasses.replace(result, history=indicator_values(history)), last.notice, history


def check(
    ws: Workspace,
    year: int | None = None,
    period: str | None = None,
    deadline: dt.date | None = None,
    *,
    progress: Progress | None = None,
    workers: int | None = None,
    on_stage: OnStage = _noop,
) -> Checked:
    """``kiem-tra``: read every file of inbox/ and write the feedback files (under the workspace lock)."""
    plan, year = plan_for(ws, year, period, deadline)
    with workspace_lock(ws):
        return _check(ws, plan, year, progress, workers, on_stage)


# --------------------------------------------------------------------------- bao-cao


@dataclass(frozen=True)
class Reported:
    """What bao-cao found and wrote."""

    checked: Checked
    summary: Summary
    files: ReportFiles
    history: History  # the years before, as the report used them (its notes, refused workbooks…)


def _report(c: Checked, overwrite: bool, report_date: dt.date | None, on_stage: OnStage) -> Reported:
    from .aggregate import aggregate
    from .report import write_report

    summary = aggregate(c.plan, c.intake, report_date)
    on_stage(AGGREGATE)
    files = write_report(c.ws, summary, overwrite=overwrite, rejected=c.intake.rejected, history=c.history)
    on_stage(WRITE)
    return Reported(c, summary, files, c.history)


def report(
    ws: Workspace,
    year: int | None = None,
    period: str | None = None,
    deadline: dt.date | None = None,
    *,
    overwrite: bool = False,
    report_date: dt.date | None = None,
    request: str = "",
    progress: Progress | None = None,
    workers: int | None = None,
    checked: Callable[[Checked], None] | None = None,
    on_stage: OnStage = _noop,
) -> Reported:
    """``bao-cao``: ``check``, then aggregate and write the report, workbook and run record — one run at a
    time (the numbered set is reserved under the workspace lock)."""
    plan, year = plan_for(ws, year, period, deadline, request)
    with workspace_lock(ws):
        c = _check(ws, plan, year, progress, workers, on_stage, _report_stages)
        if checked is not None:
            checked(c)
        return _report(c, overwrite, report_date, on_stage)


# --------------------------------------------------------------------------- nhac-nop


@dataclass(frozen=True)
class Reminded:
    """What nhac-nop found and wrote."""

    plan: Plan
    year: int
    reminder: Reminder
    letter: Path | None  # None: every unit that owes a form has sent a valid one
    feedback_dir: Path


def reminder(
    ws: Workspace,
    year: int | None = None,
    period: str | None = None,
    deadline: dt.date | None = None,
    new_deadline: dt.date | None = None,
) -> Reminded:
    """``nhac-nop``: read inbox/ like ``kiem-tra`` (feedback files included), then draft the letter to the units
    that have not sent or whose form has errors (``new_deadline``: the date the letter asks for)."""
    from .feedback import write_feedback
    from .reminder import build_reminder, write_reminder

    plan, year = plan_for(ws, year, period, deadline)
    _inbox(ws)
    with workspace_lock(ws):
        result, _notice, _history = _read_inbox(ws, plan, year)
        write_feedback(ws, plan, result)
        letter = build_reminder(plan, result, new_deadline)
        path = write_reminder(ws, plan, letter) if letter.units else None
    return Reminded(plan, year, letter, path, ws.feedback_dir(plan.tag(year)))


# --------------------------------------------------------------------------- lich-su, so-ket


@dataclass(frozen=True)
class HistoryView:
    """What lich-su shows."""

    plan: Plan
    year: int
    history: History
    adhoc: AdHocHistory  # ad-hoc periods reported in those years: beside the years, never in their series
    workbook: Path | None  # --xlsx


def history(ws: Workspace, year: int | None = None, as_xlsx: bool = False) -> HistoryView:
    """``lich-su``: every year from the plan's first to ``year``, and the ad-hoc periods reported in them."""
    from .history import adhoc_periods, load_history
    from .summary_xlsx import write_history_workbook

    plan, year = plan_for(ws, year)
    past = load_history(ws, plan, year)
    adhoc = adhoc_periods(ws, plan, plan.start_year, year)
    path = write_history_workbook(ws, plan, past, year, adhoc) if as_xlsx else None
    return HistoryView(plan, year, past, adhoc, path)


def history_template(ws: Workspace, year: int | None = None) -> tuple[Plan, int, Path]:
    """``lich-su --mau``: the workbook for the years before ``year``, in outbox/."""
    from .history import write_history_template

    plan, year = plan_for(ws, year)
    return plan, year, write_history_template(ws, plan, year)


@dataclass(frozen=True)
class Reviewed:
    """What so-ket wrote."""

    start: int
    end: int
    files: ReviewFiles


def review(ws: Workspace, phase: str) -> Reviewed:
    """``so-ket --giai-doan 2021-2025``: the phase review and its history table."""
    from .review import parse_phase, write_review

    plan = ws.load_plan()
    start, end = parse_phase(phase, plan)
    return Reviewed(start, end, write_review(ws, plan, start, end))


# --------------------------------------------------------------------------- demo


def demo(
    folder: Path,
    year: int | None = None,
    source: Path | None = None,
    *,
    progress: Progress | None = None,
    ready: Callable[[Workspace], None] | None = None,
    checked: Callable[[Checked], None] | None = None,
) -> Reported:
    """``demo``: a demo workspace at ``folder`` (forms filled the way units would; ``ready`` is told when it is
    made), then ``bao-cao`` on it (overwriting the previous demo's report)."""
    from .demo import make_demo

    ws, plan, year = make_demo(folder, year, source)
    if ready is not None:
        ready(ws)
    with workspace_lock(ws):
        c = _check(ws, plan, year, progress, None, _noop)
        if checked is not None:
            checked(c)
        return _report(c, True, None, _noop)
