"""Report stage: an ``aggregate.Summary`` → the Word report, the summary workbook, the run record.

``build_context`` writes every sentence of the report in Python (Vietnamese administrative
style, numbers the Vietnamese way) so the Word template stays a simple layout a clerk can
edit; ``report_docx`` renders it with docxtpl (autoescape, StrictUndefined) and
``summary_xlsx`` writes the workbook. Outputs are byte-identical for the same input: every
date in them derives from the data (the report date is the plan's deadline in the year).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .aggregate import MergedText, Summary
from .errors import BaoCaoError
from .history import History, load_history
from .layout import TASK_STATUSES
from .model import (
    HAS_ERRORS,
    LATE,
    MISSING,
    SUBMITTED,
    Problem,
    Provenance,
    UnitStatus,
)
from .outbox import free_names, workspace_lock, write_set
from .plan import LINEAR, Plan
from .record import build_record, output_entry, record_json
from .wording import phan_tram, so_lieu, so_vn
from .workspace import Workspace

__all__ = [
    "ReportFiles", "build_context", "excerpt", "jinja_filters", "ngay_thang", "render_context",
    "render_report", "report_date", "summary_workbook", "write_report",
]  # fmt: skip

NUMBER_BLANK = "      "  # the number is written by the records office: "Số:      /BC-UBND"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # \a \f … would break the XML or the layout
_LOCAL_PREFIX = re.compile(r"^(?:UBND|Ủy ban nhân dân)\s+", re.IGNORECASE)
_ADMIN_WORDS = ("thị trấn", "phường", "xã")


# --------------------------------------------------------------------------- Vietnamese text


def ngay_thang(place: str, date: dt.date) -> str:
    """The date line: "Cao Lãnh, ngày 05 tháng 12 năm 2026" (tháng 01, 02 with a leading zero)."""
    month = f"{date.month:02d}" if date.month < 3 else str(date.month)
    return f"{place}, ngày {date.day:02d} tháng {month} năm {date.year}"


def one_paragraph(text: str) -> str:
    """A unit's free text as one paragraph: control characters removed, lines joined by "; "."""
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    lines = [re.sub(r"^\s*(?:[-–•+*]|\d+[.)])\s+", "", ln).strip() for ln in text.split("\n")]
    lines = [re.sub(r"\s+", " ", ln).rstrip(" ;,") for ln in lines if ln.strip()]
    return "; ".join(ln.rstrip(".") if i < len(lines) - 1 else ln for i, ln in enumerate(lines))


_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+")


def excerpt(text: str, limit: int = 240, sentences: int = 2) -> str:
    """A unit's text for the report's body: its first sentence or two within ``limit`` characters,
    cut at a sentence boundary (or, when the first sentence alone is longer, at a word boundary,
    never mid-word), "…" where something was left out. The full text is in the summary workbook."""
    text = one_paragraph(text)
    if len(text) <= limit:
        return text
    parts = _SENTENCE_END.split(text)
    taken = ""
    for part in parts[:sentences]:
        candidate = f"{taken} {part}".strip()
        if len(candidate) > limit:
            break
        taken = candidate
    if not taken:
        head = text[: limit + 1]
        cut = head.rfind(" ")
        taken = head[:cut] if cut > limit // 2 else head[:limit]
    return taken.rstrip(" ,;:.-–") + "…"


def sentence(text: str) -> str:
    """``text`` ending with a full stop (unless it already ends a sentence)."""
    text = text.rstrip(" ;,")
    return text if not text or text[-1] in ".!?…" else text + "."


def join_points(points: Sequence[str]) -> list[str]:
    """List items the Vietnamese way: each ends with ";", the last with "."."""
    out = [p.rstrip(" ;.") + ";" for p in points]
    if out:
        out[-1] = out[-1][:-1] + "."
    return out


def short_name(name: str) -> str:
    """ "UBND xã An Bình" → "xã An Bình"; other names unchanged."""
    return _LOCAL_PREFIX.sub("", name)


NAMES_IN_TEXT = 12  # beyond this many units an attribution names the first few and counts the rest
NAMES_IN_SITUATION = 30  # a district's missing units are all named; a province's are in Phụ lục III


def by_area(plan: Plan) -> bool:
    """Large multi-area plans (a province rolling up districts): the report groups units by area."""
    return len(plan.areas()) > 1 and len(plan.units) > 2 * NAMES_IN_TEXT


def unit_names(plan: Plan, unit_ids: Iterable[str]) -> str:
    """Short names for an attribution: "Phòng Y tế; các xã An Bình, Mỹ Hiệp".

    A long list names the first units and counts the others ("… và 118 đơn vị khác").
    """
    ids = list(unit_ids)
    if len(ids) > NAMES_IN_TEXT:
        shown = NAMES_IN_TEXT // 2
        return f"{unit_names(plan, ids[:shown])} và {len(ids) - shown} đơn vị khác"
    names = [short_name(plan.unit(u).name) if plan.has_unit(u) else u for u in ids]
    groups: dict[str, list[str]] = {}
    order: list[str] = []
    for n in names:
        word = next((w for w in _ADMIN_WORDS if n.lower().startswith(w + " ")), "")
        key = word or n
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(n[len(word) + 1 :] if word else n)
    out = []
    for key in order:
        if key in _ADMIN_WORDS:
            rest = groups[key]
            out.append(f"{key} {rest[0]}" if len(rest) == 1 else f"các {key} {', '.join(rest)}")
        else:
            out.append(key)
    return "; ".join(out)


def is_optional_missing(plan: Plan, status: UnitStatus) -> bool:
    """A unit asked to report without obligation (bat_buoc = false) that has not sent: listed, not counted."""
    return status.state == MISSING and plan.has_unit(status.unit_id) and not plan.unit(status.unit_id).required


def latest_made(summary: Summary) -> dt.date | None:
    """The latest ngày lập among the forms the report uses (from the inbox, never the clock)."""
    dates = [s.submission.made_on for s in summary.statuses
             if s.state in (SUBMITTED, LATE) and s.submission is not None and s.submission.contact.date]  # fmt: skip
    return max(dates) if dates else None


def report_date(summary: Summary) -> dt.date:
    """The date the report is dated: ``--ngay-bao-cao`` when given; else the later of the deadline
    and the latest ngày lập of a form it uses, so it is never earlier than a submission it includes."""
    if summary.report_date is not None:
        return summary.report_date
    deadline = summary.plan.deadline(summary.year)
    made = latest_made(summary)
    return max(deadline, made) if made else deadline


def late_phrase(plan: Plan, year: int) -> str:
    """How a late form is described under the plan's deadline rule ("sau ngày 05/12/2026")."""
    deadline = plan.deadline(year).strftime("%d/%m/%Y")
    return f"sau ngày {deadline}" if plan.deadline_inclusive else f"từ ngày {deadline} trở đi"


def report_stamp(summary: Summary) -> dt.datetime:
    """The time written into the Office packages (derived from the data, never the clock)."""
    return dt.datetime.combine(report_date(summary), dt.time(0, 0))


# --------------------------------------------------------------------------- context


def _situation(summary: Summary) -> list[str]:
    plan = summary.plan
    names = {u.id: u.name for u in plan.units}
    counted = [s for s in summary.statuses if not is_optional_missing(plan, s)]
    of = {k: [s.unit_id for s in counted if s.state == k] for k in (SUBMITTED, LATE, HAS_ERRORS, MISSING)}
    total = len(counted)
    valid = len(of[SUBMITTED]) + len(of[LATE])
    sent = total - len(of[MISSING])
    late = late_phrase(plan, summary.year)

    def listed(ids: list[str], nested: bool = False) -> str:
        if len(ids) > NAMES_IN_SITUATION:
            return ", danh sách tại Phụ lục III" if nested else " (danh sách tại Phụ lục III)"
        return ": " + ", ".join(names[u] for u in ids)

    if valid == sent:
        head = f"Đến ngày lập báo cáo, {sent}/{total} đơn vị đã gửi báo cáo hợp lệ"
    else:
        head = f"Đến ngày lập báo cáo, {sent}/{total} đơn vị đã gửi báo cáo, trong đó {valid} đơn vị gửi báo cáo hợp lệ"
    if of[LATE] and of[SUBMITTED]:
        head += (f" ({len(of[SUBMITTED])} đơn vị gửi đúng hạn, {len(of[LATE])} đơn vị gửi {late}"
                 f"{listed(of[LATE], nested=True)})")  # fmt: skip
    elif of[LATE]:
        head += f" (gửi {late})"
    parts = [head]
    if of[HAS_ERRORS]:
        parts.append(f"{len(of[HAS_ERRORS])} đơn vị gửi báo cáo có lỗi chưa khắc phục{listed(of[HAS_ERRORS])}")
    if of[MISSING]:
        parts.append(f"còn {len(of[MISSING])} đơn vị chưa gửi báo cáo{listed(of[MISSING])}")
    paragraphs = ["; ".join(parts) + "."]
    optional = [s.unit_id for s in summary.statuses if is_optional_missing(plan, s)]
    if optional:
        paragraphs.append(
            f"Ngoài ra, {len(optional)} đơn vị được đề nghị báo cáo (không bắt buộc) chưa gửi báo cáo"
            f"{listed(optional)}; các đơn vị này không tính vào số đơn vị phải báo cáo."
        )
    if of[HAS_ERRORS] or of[MISSING]:
        paragraphs.append(
            f"Số liệu trong báo cáo này là số liệu tạm tổng hợp từ {valid}/{total} đơn vị đã gửi báo cáo "
            f"hợp lệ; chỉ tiêu có dưới {phan_tram(plan.min_coverage * 100)} số đơn vị phải báo cáo đã gửi "
            "số liệu thì chưa đánh giá đạt hay chưa đạt. Số liệu sẽ được cập nhật khi các đơn vị gửi đủ "
            "báo cáo. Tình hình gửi báo cáo của từng đơn vị tại Phụ lục III."
        )
    else:
        paragraphs.append("Tình hình gửi báo cáo của từng đơn vị tại Phụ lục III.")
    return paragraphs


def _tasks_intro(summary: Summary) -> str:
    year = summary.year
    active = [t for t in summary.tasks if t.active]
    ended = {t.task.id for t in summary.tasks if t.task.end_year < year}
    future = {t.task.id for t in summary.tasks if t.task.start_year > year}
    counts: dict[str, int] = {}
    for t in active:
        key = t.status.strip().lower() if t.lead_reported and t.status.strip() else ("" if t.lead_reported else "-")
        counts[key] = counts.get(key, 0) + 1
    text = f"{summary.plan.period_title(year)}, Kế hoạch có {len(active)} nội dung nhiệm vụ trong thời gian thực hiện"
    outside = [f"{len(ended)} nhiệm vụ đã hết thời gian thực hiện"] if ended else []
    outside += [f"{len(future)} nhiệm vụ chưa đến thời gian thực hiện"] if future else []
    if outside:
        text += f" (ngoài ra, {', '.join(outside)})"
    order = [s.lower() for s in TASK_STATUSES]
    keys = sorted((k for k in counts if k not in ("", "-")), key=lambda k: (order.index(k) if k in order else 99, k))
    labelled = [f"{counts[k]} nội dung {k}" for k in keys]
    if counts.get(""):
        labelled.append(f"{counts['']} nội dung chưa xác định tình trạng")
    text += ". Theo báo cáo của các đơn vị chủ trì"
    text += (": " + ", ".join(labelled)) if labelled else ", chưa có nội dung nào được báo cáo"
    if counts.get("-") and labelled:
        text += f"; {counts['-']} nội dung chưa có báo cáo của đơn vị chủ trì"
    return text + ". Tình hình thực hiện từng nhiệm vụ tại Phụ lục II; kết quả cụ thể như sau:"


SECTION_CHARS = 3_000  # sections III–V each: about a page and a half, whatever the units wrote
POINT_CHARS = (90, 300)  # one quoted point: a sentence or two, shorter when many units are quoted
POINTS_PER_UNIT = 1  # points of each unit quoted in the body per section (merged points count once)
FULL_TEXTS = "bảng tổng hợp kèm theo (trang «Ý kiến đơn vị» và «Nhiệm vụ»)"


def _points(items: Sequence[MergedText], plan: Plan, empty: str) -> list[str]:
    """Sections III–V: each unit's point once, shortened; identical points merged with their writers.

    A point is quoted while one of its writers has not yet had ``POINTS_PER_UNIT`` quoted; the rest
    are counted, and the full texts are in the summary workbook.
    """
    if not items:
        return [empty]
    quoted: dict[str, int] = {}
    chosen, left_out, cut = list(items), 0, False
    if sum(min(len(m.text), POINT_CHARS[1]) for m in items) > SECTION_CHARS:  # too long: one point per unit
        chosen = []
        for m in items:
            if not any(quoted.get(u, 0) < POINTS_PER_UNIT for u in m.units):
                left_out += 1
                continue
            for u in m.units:
                quoted[u] = quoted.get(u, 0) + 1
            chosen.append(m)
    limit = max(POINT_CHARS[0], min(POINT_CHARS[1], SECTION_CHARS // len(chosen)))
    lines = []
    for m in chosen:
        short = excerpt(m.text, limit)
        cut = cut or short.endswith("…")
        lines.append(f"- {short.rstrip(' .;:')} ({unit_names(plan, m.units)})")
    if left_out:
        lines.append(f"- Các đơn vị còn nêu thêm {left_out} ý khác; toàn văn ý kiến của từng đơn vị tại {FULL_TEXTS}")
    elif cut:
        lines.append(f"- Toàn văn ý kiến của từng đơn vị tại {FULL_TEXTS}")
    return join_points(lines)


def _indicators_intro(summary: Summary, comparison: str = "") -> str:
    year, plan = summary.year, summary.plan
    text = (f"Kết quả thực hiện các chỉ tiêu {plan.period_name(year)} được tính từ số liệu gốc của các đơn vị đã gửi báo "
            "cáo hợp lệ (tỷ lệ bằng tổng tử số chia tổng mẫu số của các đơn vị, không lấy bình quân các tỷ "
            "lệ); số liệu của từng đơn vị tại Phụ lục I.")  # fmt: skip
    text += comparison + " "
    if plan.progress_rule == LINEAR:
        text += ("Năm có mốc mục tiêu (hoặc sau mốc cuối) đánh giá đạt hay chưa đạt so với mục tiêu của mốc; "
                 "năm giữa hai mốc đánh giá đúng hay chậm tiến độ so với mức cần đạt trên lộ trình đều từ mốc "
                 "trước (hoặc mức xuất phát) đến mốc sau. ")  # fmt: skip
    outside = summary.outside_phases
    if outside:
        periods = sorted({ind.period for ind in outside})
        text += (f"{len(outside)} chỉ tiêu khác của Kế hoạch thuộc giai đoạn {'; '.join(periods)}, "
                 f"không đánh giá {plan.period_name(year)}. ")  # fmt: skip
    return text + "Kết quả cụ thể như sau:"


def opening(plan: Plan, year: int) -> str:
    """The opening sentence; with ``--theo`` it answers the letter that asked for the report."""
    text = f"{plan.issuer.full_name} báo cáo kết quả thực hiện {plan.period_name(year)} như sau:"
    request = plan.request.strip().rstrip(" .;,")
    if not request:
        return text
    if " của " not in request:
        request += f" của {plan.issuer.recipient}"
    return f"Thực hiện {request}, {_lower_admin(text)}"


def _lower_admin(text: str) -> str:
    """ "Ủy ban nhân dân huyện …" keeps its capital inside a sentence (a name); other text starts lower case."""
    return text if text.startswith(("Ủy ban", "UBND")) else text[:1].lower() + text[1:]


def funding_paragraphs(summary: Summary) -> list[str]:
    """The "Kinh phí thực hiện" paragraphs: totals by source, next year's estimate, who reported."""
    f, year = summary.funding, summary.year
    if f is None or not f.units:
        return [f"{summary.plan.period_title(year)}, chưa có đơn vị nào báo cáo kinh phí thực hiện Kế hoạch."]
    out = [
        f"Theo báo cáo của {len(f.units)}/{f.expected} đơn vị, kinh phí thực hiện Kế hoạch {summary.plan.period_name(year)} là "
        f"{so_lieu(f.total)} triệu đồng, trong đó ngân sách nhà nước {so_lieu(f.state_budget)} triệu đồng, "
        f"nguồn huy động hợp pháp khác {so_lieu(f.other_sources)} triệu đồng."
    ]
    if f.estimate_expected:
        given = len(f.estimates)
        if given:
            out.append(f"Dự toán kinh phí năm {year + 1} do {given}/{f.estimate_expected} đơn vị chủ trì nhiệm vụ đề "
                       f"xuất là {so_lieu(f.estimate)} triệu đồng, gửi Phòng Tài chính – Kế hoạch thẩm định.")  # fmt: skip
        else:
            out.append(f"Các đơn vị chủ trì nhiệm vụ chưa đề xuất dự toán kinh phí năm {year + 1}.")
    out[-1] += " Kinh phí của từng đơn vị tại bảng tổng hợp kèm theo (trang «Kinh phí»)."
    return out


def build_context(summary: Summary, history: History | None = None) -> dict[str, Any]:
    """Everything the Word template needs, in Vietnamese and already formatted.

    ``bieu_do`` and ``bieu_do_xu_huong`` hold the charts as PNG bytes (or None); ``render_report`` turns
    them into images. ``history`` (earlier years) adds the comparisons; without it the report says so.
    """
    from . import report_docx as docx_parts
    from . import report_history as compare

    plan, year = summary.plan, summary.year
    issuer, signer = plan.issuer, plan.signer
    indicator_rows, indicator_closing = docx_parts.indicator_table(summary)
    compare_head, compare_cells = compare.comparison_cells(summary, history)
    for row, cells in zip(indicator_rows, compare_cells, strict=True):
        row["so_sanh"] = cells
    chart = docx_parts.chart_rows(summary)
    proposals = _points(summary.proposals, plan, "Các đơn vị không có kiến nghị, đề xuất.")
    proposals[-1] = proposals[-1].rstrip(".;") + "./."
    recipients = [r.rstrip(" ;.") for r in plan.recipients]
    bases = [b if b.lower().startswith("căn cứ") else f"Căn cứ {b}" for b in plan.bases]
    return {
        "nam": str(year),
        "ky": plan.period_name(year),  # "năm 2027", or an ad-hoc period's "6 tháng đầu năm 2027"
        "ky_hoa": plan.period_name(year).upper(),
        "nam_sau": str(year + 1),
        "co_quan_cap_tren": issuer.parent_line,
        "co_quan_ten": issuer.name_line,
        "so_hieu": f"Số:{NUMBER_BLANK}/BC-{issuer.code}",
        "ngay_thang": ngay_thang(issuer.place, report_date(summary)),
        "trich_yeu": f"Kết quả thực hiện Kế hoạch số {plan.number} ngày {plan.issued} về {plan.field} "
                     f"{plan.period_name(year)}",
        "kinh_gui": f"Kính gửi: {plan.addressee.rstrip(' .')}." if plan.addressee else "",
        "can_cu": join_points([b.rstrip(" ;.") for b in bases]),
        "mo_dau": opening(plan, year),
        "tinh_hinh": _situation(summary),
        "nhiem_vu_mo_dau": _tasks_intro(summary),
        "nhiem_vu": docx_parts.task_groups(summary),
        "kinh_phi_tieu_de": f"{len(plan.task_groups) + 1}. Kinh phí thực hiện",
        "kinh_phi": funding_paragraphs(summary),
        "chi_tieu_mo_dau": _indicators_intro(summary, compare.comparison_sentence(summary, history)),
        "chi_tieu_cot_so_sanh": compare_head,
        "chi_tieu": indicator_rows,
        "chi_tieu_tong_ket": indicator_closing,
        "bieu_do": docx_parts.bar_chart(chart, year, plan.period_name(year)) if chart else None,
        "bieu_do_tieu_de": f"Biểu đồ: Kết quả các chỉ tiêu tính theo tỷ lệ {plan.period_name(year)} so với mục tiêu",
        "bieu_do_thay_the": (
            f"{plan.period_title(year)} chưa có chỉ tiêu tính theo tỷ lệ nào đủ số liệu để tính kết quả, "
            "nên báo cáo không kèm biểu đồ so sánh với mục tiêu."
        ),
        "kho_khan": _points(summary.difficulties, plan, "Các đơn vị không phản ánh khó khăn, vướng mắc."),
        "phuong_huong": _points(summary.directions, plan, "Các đơn vị chưa đề xuất phương hướng, nhiệm vụ cho năm tới."),
        "kien_nghi": proposals,
        "noi_nhan": [f"- {r};" for r in recipients[:-1]] + [f"- {r}." for r in recipients[-1:]],
        "ky_tham_quyen": signer.authority,
        "ky_thay": signer.on_behalf,
        "ky_chuc_vu": signer.title,
        "ky_ho_ten": signer.name,
        "kem_theo": (
            f"(Kèm theo Báo cáo số{NUMBER_BLANK}/BC-{issuer.code} ngày    tháng    năm {year} "
            f"của {issuer.full_name})"
        ),
        "phu_luc_1": docx_parts.appendix_indicators(summary, compare.previous_year(summary, history)),
        **compare.trend_context(summary, history),
        "phu_luc_2": docx_parts.appendix_tasks(summary),
        "phu_luc_3": docx_parts.appendix_status(summary),
    }


def jinja_filters() -> dict[str, Any]:
    """Filters available in the template: {{ x|so_vn }}, {{ x|phan_tram }}, {{ d|ngay }}."""
    return {"so_vn": so_vn, "phan_tram": phan_tram, "so_lieu": so_lieu,
            "ngay": lambda d: d.strftime("%d/%m/%Y")}  # fmt: skip


def render_context(template: Path, context: dict[str, Any], stamp: dt.datetime) -> bytes:
    """Render ``context`` into ``template`` (autoescape, StrictUndefined); stable .docx bytes."""
    from .report_docx import render_docx

    return render_docx(template, context, jinja_filters(), stamp)


def render_report(template: Path, summary: Summary, history: History | None = None) -> bytes:
    """The report as .docx bytes; the same summary (and history) always gives the same bytes."""
    return render_context(template, build_context(summary, history), report_stamp(summary))


def summary_workbook(summary: Summary, history: History | None = None) -> bytes:
    """The summary workbook (tổng hợp) as .xlsx bytes, deterministic."""
    from .summary_xlsx import build_workbook

    return build_workbook(summary, report_stamp(summary), history)


# --------------------------------------------------------------------------- files


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
