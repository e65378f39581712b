"""The ``baocao`` command: a thin click adapter over the library; it parses, calls, prints."""

from __future__ import annotations

import datetime as dt
import logging
import sys
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import click

from . import package_version, run
from .errors import BaoCaoError, fs_error
from .workspace import CONFIG_NAME, GUIDE_NAME, Workspace

F = TypeVar("F", bound=Callable[..., object])
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
HEADINGS = {"Options": "Tùy chọn", "Commands": "Lệnh", "Arguments": "Tham số"}
NB_HYPHEN = "\u2011"  # stands in for "-" while click wraps help text


class VietnameseFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="Cách dùng: ")

    def write_heading(self, heading: str) -> None:
        super().write_heading(HEADINGS.get(heading, heading))

    # Command names have hyphens (bao-cao): wrap help text at spaces only, never inside a name.
    def write_text(self, text: str) -> None:
        super().write_text(text.replace("-", NB_HYPHEN))

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, text.replace("-", NB_HYPHEN)) for term, text in rows], col_max, col_spacing)

    def getvalue(self) -> str:
        return super().getvalue().replace(NB_HYPHEN, "-")


click.Context.formatter_class = VietnameseFormatter
HELP_TEXT = "Hiện hướng dẫn này rồi thoát."


WORKDIR_HELP = "Thư mục làm việc (chứa config.toml, templates/, inbox/, outbox/). Mặc định: thư mục hiện tại."
WORKDIR_METAVAR = "THƯ_MỤC"


def _set_workdir(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    """``-C`` after the command (``baocao demo -C DIR``): a relative one counts from an earlier -C, as in git."""
    if value is None:
        return
    obj = ctx.ensure_object(dict)
    if obj.get("workdir_given"):
        value = obj["ws"].root / value
    obj["ws"] = Workspace(value)
    obj["workdir_given"] = True


class VietnameseCommand(click.Command):
    """Subcommands in Vietnamese: -h/--help described, ``-C`` accepted after the command too, and
    the summary in the command list is the docstring's first paragraph, never cut mid-sentence."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("options_metavar", "[TÙY_CHỌN]")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.params.append(
            click.Option(
                ["-C", "workdir"],
                type=click.Path(file_okay=False, path_type=Path),
                metavar=WORKDIR_METAVAR,
                expose_value=False,
                callback=_set_workdir,
                help=WORKDIR_HELP,
            )
        )

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        allowed = ctx.allow_extra_args
        ctx.allow_extra_args = True  # left-over words are named by ``ExtraArguments``, not click's English
        try:
            rest = super().parse_args(ctx, args)
        except click.exceptions.UsageError as e:
            e.ctx = e.ctx or ctx  # the parser's errors come without the command they are about
            raise
        finally:
            ctx.allow_extra_args = allowed
        if ctx.args and not allowed and not ctx.resilient_parsing:
            raise ExtraArguments(list(ctx.args), ctx)
        return rest

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_TEXT
        return option

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help or not self.help:
            return super().get_short_help_str(limit)
        return " ".join(self.help.split("\n\n", 1)[0].split())


class ExtraArguments(click.UsageError):
    """Words left over after a command's options and arguments (``args``)."""

    def __init__(self, args: list[str], ctx: click.Context | None = None) -> None:
        super().__init__("thừa tham số", ctx)
        self.words = args


class UnknownCommand(click.UsageError):
    """A command name the group does not have (``name``): raised by ``VietnameseGroup``, so ``main`` names it
    without reading click's English message."""

    def __init__(self, name: str, ctx: click.Context | None = None) -> None:
        super().__init__(f"không có lệnh «{name}»", ctx)
        self.name = name


class VietnameseGroup(click.Group):
    """The ``baocao`` group: commands listed in the order of the year's work, not alphabetically."""

    command_class = VietnameseCommand

    def list_commands(self, ctx: click.Context | None) -> list[str]:
        return list(self.commands)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.exceptions.UsageError as e:
            e.ctx = e.ctx or ctx  # the parser's errors come without the command they are about
            raise

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None and not ctx.resilient_parsing:
            raise UnknownCommand(name, ctx)
        return super().resolve_command(ctx, args)


class YearType(click.ParamType):
    name = "NĂM"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> int:
        try:
            return int(str(value).strip())
        except ValueError:
            self.fail(f"«{value}» không phải là năm (ví dụ 2026).", param, ctx)


def year_option(text: str = "Năm báo cáo (mặc định: năm hiện tại).") -> Callable[[F], F]:
    return click.option("--nam", "year", type=YearType(), default=None, help=text)


class DateType(click.ParamType):
    name = "NGÀY/THÁNG/NĂM"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.datetime.strptime(str(value).strip(), "%d/%m/%Y").date()
        except ValueError:
            self.fail(f"«{value}» không phải ngày dạng ngày/tháng/năm (ví dụ 08/12/2026).", param, ctx)


def _ws(ctx: click.Context) -> Workspace:
    return ctx.obj["ws"]


def period_options(func: F) -> F:
    """``--ky "6 tháng đầu năm" --han-nop 15/06/2027``: an ad-hoc report, given together."""
    func = click.option(
        "--han-nop",
        "period_deadline",
        type=DateType(),
        default=None,
        help="Hạn nộp của kỳ đột xuất, dạng ngày/tháng/năm (đi cùng --ky).",
    )(func)
    return click.option(
        "--ky",
        "period",
        default=None,
        metavar="TÊN_KỲ",
        help='Báo cáo đột xuất theo yêu cầu, ví dụ --ky "6 tháng đầu năm" (đi cùng --han-nop); '
        "biểu mẫu và báo cáo ở thư mục riêng. Mặc định: báo cáo năm.",
    )(func)


def say(text: str = "", err: bool = False) -> None:
    click.echo(text, err=err)


@click.group(
    cls=VietnameseGroup,
    context_settings=CONTEXT,
    invoke_without_command=True,
    options_metavar="[TÙY_CHỌN]",
    subcommand_metavar="LỆNH [THAM_SỐ]...",
)
@click.option(
    "-C",
    "workdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar=WORKDIR_METAVAR,
    help=WORKDIR_HELP,
)
@click.option("--debug", is_flag=True, help="Hiện chi tiết lỗi kỹ thuật (dành cho người bảo trì).")
@click.option(
    "--version", "show_version", is_flag=True, help="Hiện phiên bản, mã kế hoạch trong config.toml rồi thoát."
)
@click.help_option("-h", "--help", help=HELP_TEXT)
@click.pass_context
def cli(ctx: click.Context, workdir: Path | None, debug: bool, show_version: bool) -> None:
    """Tổng hợp báo cáo thực hiện kế hoạch từ biểu mẫu Excel của các đơn vị.

    Bắt đầu: baocao khoi-tao THƯ_MỤC (tạo thư mục làm việc). Trình tự hằng năm:
    tao-mau (gửi biểu mẫu cho đơn vị) → các đơn vị gửi lại, chép vào inbox/ →
    kiem-tra → bao-cao (báo cáo Word trong outbox/).
    """
    ctx.ensure_object(dict)
    ctx.obj["ws"] = Workspace(workdir or Path.cwd())
    ctx.obj["workdir_given"] = workdir is not None
    ctx.obj["debug"] = debug
    if show_version:
        say(_version_line(ctx.obj["ws"]))
        ctx.exit(0)
    if ctx.invoked_subcommand is None:  # `baocao` alone: the help, not an error
        say(ctx.get_help())
        ctx.exit(0)


def _version_line(ws: Workspace) -> str:
    """For a support call: the program's version, and the plan of the config.toml in use, if any."""
    line = f"baocao {package_version()}"
    if not ws.config.is_file():
        return line
    try:
        plan = ws.load_plan()
    except BaoCaoError as e:
        return f"{line} — {ws.config.resolve()} có lỗi: {e}"
    return f"{line} — kế hoạch {plan.id} ({CONFIG_NAME}: {ws.config.resolve()})"


@cli.command("khoi-tao", context_settings=CONTEXT)
@click.argument("folder", required=False, metavar="[THƯ_MỤC]", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--tu",
    "config",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="TỆP_CẤU_HÌNH",
    help="Bắt đầu từ tệp cấu hình này (mặc định: kế hoạch đi kèm chương trình).",
)
@click.pass_context
def khoi_tao(ctx: click.Context, folder: Path | None, config: Path | None) -> None:
    """Tạo thư mục làm việc mới (mặc định: thư mục hiện tại).

    Thư mục gồm config.toml của kế hoạch, templates/ (mẫu báo cáo), inbox/ và outbox/
    trống, và HUONG-DAN.txt. Không bao giờ ghi đè config.toml đã có.
    """
    from .workspace import new_workspace

    root = _ws(ctx).root
    if folder is not None:
        root = root / folder if ctx.obj["workdir_given"] else folder
    made = new_workspace(root, config)
    say(f"Đã tạo thư mục làm việc {root} cho Kế hoạch số {made.plan.number} ({made.plan.id}):")
    origin = f"chép từ {config}" if config else "kế hoạch đi kèm chương trình"
    say(f"  {CONFIG_NAME:<14} {origin}")
    say(f"  {'templates/':<14} {', '.join(made.templates)}")
    say(f"  {'inbox/':<14} chép vào đây các tệp đơn vị gửi về")
    say(f"  {'outbox/':<14} biểu mẫu, tệp phản hồi và báo cáo được ghi vào đây")
    say(f"  {GUIDE_NAME:<14} hướng dẫn nhanh cho chuyên viên")
    for kept in made.kept:
        say(f"Giữ nguyên tệp đã có: {kept}")
    hint = f"cd {root} rồi " if root != Path.cwd() else ""
    say(f"Bước tiếp theo: {hint}baocao ke-hoach (xem lại kế hoạch), rồi baocao tao-mau (tạo biểu mẫu).")


@cli.command("ke-hoach", context_settings=CONTEXT)
@year_option()
@click.pass_context
def ke_hoach(ctx: click.Context, year: int | None) -> None:
    """Xem kế hoạch: đơn vị, nhiệm vụ, số liệu mỗi đơn vị phải báo cáo.

    Dùng để kiểm tra sau khi sửa config.toml.
    """
    from .display import describe_plan

    plan, year = run.plan_for(_ws(ctx), year)
    say(describe_plan(plan, year))


@cli.command("tao-mau", context_settings=CONTEXT)
@year_option()
@period_options
@click.pass_context
def tao_mau(ctx: click.Context, year: int | None, period: str | None, period_deadline: dt.date | None) -> None:
    """Tạo biểu mẫu Excel cho từng đơn vị (outbox/mau-<năm>/).

    Cùng kế hoạch, cùng năm thì tệp giống hệt từng byte.
    """
    made = run.forms(_ws(ctx), year, period, period_deadline)
    plan, year = made.plan, made.year
    say(f"Đã tạo {len(made.paths)} biểu mẫu {plan.period_name(year)} trong {made.paths[0].parent}:")
    for p in made.paths:
        say(f"  {p.name}")
    say(f"Gửi mỗi đơn vị tệp của mình; hạn nộp lại: {plan.deadline(year):%d/%m/%Y}.")
    if made.notice:
        say(f"Lưu ý: {made.notice}")


def _progress() -> run.Progress:
    """A progress bar on stderr while reading many files (20 or more)."""
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if total < 20:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Đang đọc các tệp", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)
        if done == total:
            bar.__exit__(None, None, None)

    return progress


def _show_check(ctx: click.Context, c: run.Checked) -> None:
    from .display import describe_intake

    say(describe_intake(c.plan, c.intake, c.feedback, c.ws.inbox))
    for notice in c.notices:
        say("")
        say(f"Lưu ý: {notice}")
    if ctx.obj.get("debug"):
        for _prov, problem in c.intake.rejected:
            if problem.detail:
                say(f"[--debug] {problem.file}:\n{problem.detail}", err=True)


def _show_report(r: run.Reported) -> None:
    from .display import describe_report, history_issues

    say(describe_report(r.summary, r.files))
    issues = history_issues(r.history)
    if issues:
        say("")
        say(issues)


@cli.command("kiem-tra", context_settings=CONTEXT)
@year_option()
@period_options
@click.option("--strict", is_flag=True, help="Trả mã lỗi khác 0 nếu còn đơn vị chưa nộp hoặc có lỗi.")
@click.pass_context
def kiem_tra(
    ctx: click.Context, year: int | None, period: str | None, period_deadline: dt.date | None, strict: bool
) -> None:
    """Kiểm tra inbox/: ai đã nộp, nộp muộn, có lỗi, chưa nộp.

    Đọc mọi tệp trong inbox/, in mọi lỗi (tệp, trang, ô, cách sửa) và ghi tệp phản hồi
    cho đơn vị có lỗi (outbox/phan-hoi-<năm>/).
    """
    c = run.check(_ws(ctx), year, period, period_deadline, progress=_progress())
    _show_check(ctx, c)
    if c.nothing_read:
        say("Không đọc được biểu mẫu nào trong inbox/.", err=True)
        ctx.exit(1)
    if strict and not c.complete:
        ctx.exit(1)


@cli.command("bao-cao", context_settings=CONTEXT)
@year_option()
@period_options
@click.option("--ghi-de", "overwrite", is_flag=True, help="Ghi đè báo cáo đã có (mặc định: tạo tệp mới đánh số).")
@click.option(
    "--ngay-bao-cao",
    "report_date",
    type=DateType(),
    default=None,
    help="Ngày ghi trên báo cáo, dạng DD/MM/YYYY (mặc định: ngày muộn hơn giữa hạn nộp và ngày lập "
    "muộn nhất của các biểu mẫu được dùng).",
)
@click.option(
    "--theo",
    "request",
    default="",
    metavar="VĂN_BẢN",
    help='Văn bản yêu cầu báo cáo, đưa vào câu mở đầu, ví dụ "Công văn số 123/SCT-QLCN ngày 02/6/2027".',
)
@click.pass_context
def bao_cao(
    ctx: click.Context,
    year: int | None,
    period: str | None,
    period_deadline: dt.date | None,
    overwrite: bool,
    report_date: dt.date | None,
    request: str,
) -> None:
    """Lệnh chính: kiểm tra, tổng hợp và lập báo cáo Word (outbox/).

    Kiểm tra inbox/ như kiem-tra, tổng hợp số liệu, rồi ghi báo cáo Word, bảng tổng hợp
    Excel và nhật ký vào outbox/bao-cao-<năm>/.
    """
    r = run.report(
        _ws(ctx),
        year,
        period,
        period_deadline,
        overwrite=overwrite,
        report_date=report_date,
        request=request,
        progress=_progress(),
        checked=lambda c: _show_check(ctx, c),
    )
    _show_report(r)


@cli.command("nhac-nop", context_settings=CONTEXT)
@year_option()
@period_options
@click.option(
    "--han-moi",
    "deadline",
    type=DateType(),
    default=None,
    help="Hạn gửi ghi trong công văn, dạng ngày/tháng/năm (mặc định: hạn nộp của kỳ báo cáo).",
)
@click.pass_context
def nhac_nop(
    ctx: click.Context, year: int | None, period: str | None, period_deadline: dt.date | None, deadline: dt.date | None
) -> None:
    """Soạn công văn đôn đốc đơn vị chưa gửi hoặc còn lỗi (outbox/).

    Đọc inbox/ như kiem-tra, ghi tệp phản hồi cho đơn vị có lỗi, soạn công văn (thể thức
    Nghị định 30) vào outbox/nhac-nop-<năm>/ và in danh sách để dán vào tin nhắn.
    """
    from .reminder import paste_text

    r = run.reminder(_ws(ctx), year, period, period_deadline, deadline)
    if r.letter is None:
        say(f"Mọi đơn vị phải báo cáo đã gửi báo cáo hợp lệ {r.plan.period_name(r.year)}: không cần đôn đốc.")
        return
    say(f"Đã soạn công văn đôn đốc {len(r.reminder.units)} đơn vị: {r.letter}")
    say(f"Mở bằng Word, ghi số, ngày rồi trình ký; gửi kèm tệp phản hồi cho đơn vị có lỗi ({r.feedback_dir}).")
    say("")
    say("Nội dung để dán vào tin nhắn:")
    say(paste_text(r.plan, r.reminder))


@cli.command("lich-su", context_settings=CONTEXT)
@year_option("Xem đến năm này (mặc định: năm hiện tại); với --mau: sổ gồm các năm trước năm này.")
@click.option(
    "--mau", "template", is_flag=True, help="Tạo sổ Excel để nhập số liệu các năm trước khi dùng chương trình."
)
@click.option("--xlsx", "as_xlsx", is_flag=True, help="Ghi thêm bảng lịch sử ra tệp Excel (outbox/lich-su-<năm>.xlsx).")
@click.pass_context
def lich_su(ctx: click.Context, year: int | None, template: bool, as_xlsx: bool) -> None:
    """Lịch sử các chỉ tiêu từ năm đầu kế hoạch đến nay.

    Mỗi năm: kết quả, mục tiêu, đánh giá, số đơn vị báo cáo.
    """
    from .display import describe_history

    ws = _ws(ctx)
    if template:
        plan, year, path = run.history_template(ws, year)
        say(f"Đã tạo sổ số liệu lịch sử các năm {plan.start_year}–{year - 1}: {path}")
        say(
            f"Điền số liệu các năm chưa có nhật ký bao-cao, lưu rồi chép vào {ws.history_dir}/ và chạy `baocao "
            "lich-su`."
        )
        return
    h = run.history(ws, year, as_xlsx)
    say(describe_history(h.plan, h.history, h.year, h.adhoc))
    if h.workbook is not None:
        say("")
        say(f"Đã ghi bảng lịch sử: {h.workbook}")


@cli.command("so-ket", context_settings=CONTEXT)
@click.option("--giai-doan", "phase", required=True, metavar="NĂM-NĂM", help="Giai đoạn sơ kết, ví dụ 2021-2025.")
@click.pass_context
def so_ket(ctx: click.Context, phase: str) -> None:
    """Báo cáo sơ kết một giai đoạn (Word) từ lịch sử các năm."""
    from .display import history_issues

    r = run.review(_ws(ctx), phase)
    say(f"Đã lập báo cáo sơ kết giai đoạn {r.start}–{r.end}:")
    say(f"  Báo cáo (Word):       {r.files.docx}")
    say(f"  Lịch sử (Excel):      {r.files.xlsx}")
    say("Mở báo cáo bằng Word, đọc lại, bổ sung đánh giá và phương hướng, ghi số văn bản và ngày ký.")
    issues = history_issues(r.files.history, r.files.adhoc.notes if r.files.adhoc else ()) if r.files.history else ""
    if issues:
        say("")
        say(issues)


@cli.command("demo", context_settings=CONTEXT)
@click.argument("folder", required=False, metavar="[THƯ_MỤC]", type=click.Path(file_okay=False, path_type=Path))
@year_option("Năm báo cáo (mặc định: năm hiện tại, trong thời kỳ của kế hoạch).")
@click.pass_context
def demo(ctx: click.Context, folder: Path | None, year: int | None) -> None:
    """Chạy thử trọn quy trình trên dữ liệu mẫu (mặc định: ./demo).

    Tạo thư mục chạy thử riêng, biểu mẫu đã điền sẵn trong inbox/, rồi chạy bao-cao.
    """
    if folder is None:
        folder = ctx.obj["ws"].root if ctx.obj["workdir_given"] else Path.cwd() / "demo"
    source = Path.cwd() if (Path.cwd() / "config.toml").is_file() else None

    def ready(ws: Workspace) -> None:
        say(f"Đã tạo thư mục chạy thử {ws.root} với biểu mẫu đã điền trong inbox/.")
        say("")

    r = run.demo(folder, year, source, progress=_progress(), ready=ready, checked=lambda c: _show_check(ctx, c))
    ws = r.checked.ws
    _show_report(r)
    say("")
    say("Việc tiếp theo của chuyên viên tổng hợp:")
    say(f"  1. Mở {r.files.docx} bằng Word, đọc lại, ghi số văn bản và ngày ký.")
    say(f"  2. Gửi các tệp phản hồi trong {ws.feedback_dir(r.checked.year)} cho đơn vị có lỗi để sửa và gửi lại.")
    say("  3. Nhắc các đơn vị chưa nộp; khi nhận thêm tệp, chép vào inbox/ rồi chạy lại `baocao bao-cao`.")


def _command_path(ctx: click.Context | None) -> str:
    """ "kiem-tra " for an error inside a command (its own --help), "" at the top level."""
    return f"{ctx.info_name} " if ctx is not None and ctx.parent is not None else ""


def _utf8_console() -> None:
    for stream in (sys.stdout, sys.stderr):
        enc = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if enc != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")


class _DebugLog(logging.Handler):
    """``--debug``: the library's log lines on the console (whatever sys.stderr is at the time)."""

    def emit(self, record: logging.LogRecord) -> None:
        sys.stderr.write(f"[--debug] {record.name}: {self.format(record)}\n")


def main(argv: list[str] | None = None) -> int:
    _utf8_console()
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    log, handler = logging.getLogger("pipeline"), _DebugLog()
    if debug:
        log.addHandler(handler)
        log.setLevel(logging.DEBUG)
    try:
        return _main(args, debug)
    finally:
        log.removeHandler(handler)
        log.setLevel(logging.NOTSET)


def _main(args: list[str], debug: bool) -> int:
    try:
        code = cli.main(args=args, prog_name="baocao", standalone_mode=False)  # ctx.exit(n) returns n here
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.exceptions.Abort:  # click's form of Ctrl+C (KeyboardInterrupt) inside a command
        say("Đã dừng theo yêu cầu.", err=True)
        return 130
    except click.exceptions.NoSuchOption as e:
        say(f"Lỗi: không có tùy chọn «{e.option_name}». Xem `baocao --help`.", err=True)
        return 2
    except click.exceptions.MissingParameter as e:
        say(f"Lỗi: thiếu tham số {e.param_hint or ''}. Xem `baocao --help`.", err=True)
        return 2
    except click.exceptions.BadParameter as e:
        names = "/".join(e.param.opts) if e.param is not None else (e.param_hint or "")
        say(f"Lỗi: giá trị của {names} không hợp lệ: {e.message}", err=True)
        return 2
    except click.exceptions.BadOptionUsage as e:  # a value missing after an option, or given to a flag
        flag = e.ctx is not None and any(
            isinstance(p, click.Option) and p.is_flag and e.option_name in p.opts for p in e.ctx.command.params
        )
        what = "không nhận giá trị" if flag else "cần một giá trị"
        say(f"Lỗi: tùy chọn «{e.option_name}» {what}. Xem `baocao {_command_path(e.ctx)}--help`.", err=True)
        return 2
    except ExtraArguments as e:
        say(f"Lỗi: thừa tham số «{' '.join(e.words)}». Xem `baocao {_command_path(e.ctx)}--help`.", err=True)
        return 2
    except UnknownCommand as e:
        say(f"Lỗi: không có lệnh «{e.name}». Các lệnh: {', '.join(cli.list_commands(None))}.", err=True)
        return 2
    except click.exceptions.UsageError as e:
        say(f"Lỗi cách dùng: {e.format_message()} Xem `baocao --help`.", err=True)
        return 2
    except BaoCaoError as e:  # exit code by kind: 1 user's files, 4 file system, 5 another run (errors.py)
        say(f"Lỗi: {e}", err=True)
        return e.exit_code
    except OSError as e:  # the OS refused where no library call named it (khoi-tao, demo…): one line, exit 4
        if debug:
            traceback.print_exc()
        err = fs_error(e, Path(e.filename) if e.filename else None, reading=None)
        say(f"Lỗi: {err}", err=True)
        return err.exit_code
    except KeyboardInterrupt:
        say("Đã dừng theo yêu cầu.", err=True)
        return 130
    except Exception:  # a bug: keep the traceback for maintainers, a plain line for the clerk
        if debug:
            traceback.print_exc()
        else:
            say(
                "Lỗi không mong đợi trong chương trình. Chạy lại với --debug và gửi nội dung cho người bảo trì.",
                err=True,
            )
        return 3
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
