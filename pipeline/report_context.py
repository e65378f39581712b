"""Everything the yearly report says, as the context its Word template renders.

``build_context`` writes every sentence of the report in Python (Vietnamese administrative
style, numbers the Vietnamese way: wording.py) so the template (templates/bao-cao.docx, edited in
Word: it is the source) stays a layout a clerk can edit; charts are data (charts.py), drawn when
the report is rendered (report_docx.py). Every date derives from the data: the report date is the
plan's deadline in the year, or the latest ngày lập of a form it uses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from . import report_history as compare
from .aggregate import (
    ASSESSMENT_LABELS,
    NO_DATA,
    NO_TARGET,
    SHORTFALLS,
    Contribution,
    IndicatorResult,
    MergedText,
    Summary,
)
from .charts import BarChart
from .history import History
from .layout import TASK_STATUSES
from .model import HAS_ERRORS, LATE, LEAD, MISSING, SUBMITTED
from .plan import LINEAR, Plan, Task
from .report_appendix import (
    appendix_indicators,
    appendix_status,
    appendix_tasks,
    is_optional_missing,
)
from .report_text import (
    NUMBER_BLANK,
    excerpt,
    join_points,
    letter,
    listed,
    lower_first,
    ngay_thang,
    sentence,
    shorten,
    signature,
    unit_names,
)
from .wording import amount, phan_tram, so_lieu, target, verdict_text

PARTNERS_IN_BODY = 3  # partners quoted in section I per item; the others are named (all in the workbook)


# --------------------------------------------------------------------------- the date


def latest_made(summary: Summary) -> dt.date | None:
    """The latest ngày lập among the forms the report uses (from the inbox, never the clock)."""
    dates = [
        s.submission.made_on
        for s in summary.statuses
        if s.state in (SUBMITTED, LATE) and s.submission is not None and s.submission.contact.date
    ]
    return max(dates) if dates else None


def report_date(summary: Summary) -> dt.date:
    """The date the report is dated: ``--ngay-bao-cao`` when given; else the later of the deadline
    and the latest ngày lập of a form it uses, so it is never earlier than a submission it includes."""
    if summary.report_date is not None:
        return summary.report_date
    deadline = summary.plan.deadline(summary.year)
    made = latest_made(summary)
    return max(deadline, made) if made else deadline


def report_stamp(summary: Summary) -> dt.datetime:
    """The time written into the Office packages (derived from the data, never the clock)."""
    return dt.datetime.combine(report_date(summary), dt.time(0, 0))


def late_phrase(plan: Plan, year: int) -> str:
    """How a late form is described under the plan's deadline rule ("sau ngày 05/12/2026")."""
    deadline = plan.deadline(year).strftime("%d/%m/%Y")
    return f"sau ngày {deadline}" if plan.deadline_inclusive else f"từ ngày {deadline} trở đi"


# --------------------------------------------------------------------------- the situation


NAMES_IN_SITUATION = 30  # a district's missing units are all named; a province's are in Phụ lục III


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
        head += (
            f" ({len(of[SUBMITTED])} đơn vị gửi đúng hạn, {len(of[LATE])} đơn vị gửi {late}"
            f"{listed(of[LATE], nested=True)})"
        )
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


# --------------------------------------------------------------------------- section I: tasks


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


LEAD_CHARS, PARTNER_CHARS, APPENDIX_CHARS = 180, 130, 400  # a result quoted in section I / Phụ lục II


PARTNERS_CHARS = 300  # the partners' lines of one item in section I: three short ones, or fewer long ones


NAMED_OTHERS = 5  # partners not quoted are named up to this many, else counted


def _title(letter: str, text: str) -> str:
    return f"{letter}) {text}" + ("" if text.endswith("…") else ".")


def _contribution(plan: Plan, c: Contribution) -> str | None:
    name = plan.unit(c.unit_id).name
    status = lower_first(c.status.strip())
    if c.role == LEAD:
        result = excerpt(c.result, LEAD_CHARS)
        if result:
            return f"- {name} (chủ trì{', ' + status if status else ''}): {sentence(result)}"
        if status:
            return f"- {name} (chủ trì): {status}, chưa nêu kết quả cụ thể."
        return f"- {name} (chủ trì): chưa nêu tình trạng và kết quả thực hiện."
    result = excerpt(c.result, PARTNER_CHARS)
    if result:
        return f"- {name} (phối hợp): {sentence(result)}"
    return f"- {name} (phối hợp): {status}." if status else None


def _not_reported(plan: Plan, lead: str, state: str) -> str:
    name = plan.unit(lead).name
    if state == HAS_ERRORS:
        return f"{name} đã gửi báo cáo nhưng biểu mẫu còn lỗi chưa khắc phục, chưa tổng hợp được kết quả nhiệm vụ này."
    if state in (SUBMITTED, LATE):
        return f"{name} không nêu kết quả thực hiện nhiệm vụ này trong báo cáo."
    return f"{name} chưa báo cáo kết quả nhiệm vụ này."


def _outside_period(task: Task, year: int) -> str:
    if task.end_year < year:
        return f"Nhiệm vụ thực hiện trong giai đoạn {task.period}, đã kết thúc; năm {year} không tiếp tục báo cáo."
    return f"Nhiệm vụ thực hiện trong giai đoạn {task.period}; năm {year} chưa đến thời gian triển khai."


def task_groups(summary: Summary) -> list[dict[str, Any]]:
    """Section I: per task group, its items with the lead's and partners' attributed results."""
    plan, year = summary.plan, summary.year
    state = {s.unit_id: s.state for s in summary.statuses}
    results = {(t.task.id, t.item.id): t for t in summary.tasks}
    groups = []
    for gi, group in enumerate(plan.task_groups, 1):
        entries: list[dict[str, Any]] = []
        for task in (t for t in plan.tasks if t.group == group.id):
            if not task.active_in(year):
                content = "; ".join(shorten(i.content, 10_000) for i in task.items)
                entries.append({"tieu_de": shorten(content, 160), "doan": [_outside_period(task, year)]})
                continue
            for item in task.items:
                r = results.get((task.id, item.id))
                lines: list[str] = []
                if r is None or not r.lead_reported:
                    lines.append(_not_reported(plan, task.lead, state.get(task.lead, MISSING)))
                partners = []
                for c in r.contributions if r else ():
                    line = _contribution(plan, c)
                    if line and c.role == LEAD:
                        lines.append(line)
                    elif line:
                        partners.append((c.unit_id, line))
                quoted, used = 0, 0
                for _, line in partners[:PARTNERS_IN_BODY]:  # a few partners, within the item's budget
                    if quoted and used + len(line) > PARTNERS_CHARS:
                        break
                    lines.append(line)
                    quoted, used = quoted + 1, used + len(line)
                others = [u for u, _ in partners[quoted:]]
                if len(others) > NAMED_OTHERS:
                    lines.append(f"- Ngoài ra, {len(others)} đơn vị phối hợp khác có báo cáo (xem Phụ lục II).")
                elif others:
                    lines.append(
                        f"- Ngoài ra, {len(others)} đơn vị phối hợp khác có báo cáo kết quả thực hiện: "
                        f"{unit_names(plan, others)}."
                    )
                entries.append({"tieu_de": shorten(item.content), "doan": lines})
        for i, e in enumerate(entries):
            e["tieu_de"] = _title(letter(i), e["tieu_de"])
        groups.append({"tieu_de": f"{gi}. {group.title}", "muc": entries})
    return groups


def funding_paragraphs(summary: Summary) -> list[str]:
    """The "Kinh phí thực hiện" paragraphs: totals by source, next year's estimate, who reported."""
    f, year = summary.funding, summary.year
    if f is None or not f.units:
        return [f"{summary.plan.period_title(year)}, chưa có đơn vị nào báo cáo kinh phí thực hiện Kế hoạch."]
    out = [
        f"Theo báo cáo của {len(f.units)}/{f.expected} đơn vị, kinh phí thực hiện Kế hoạch "
        f"{summary.plan.period_name(year)} là "
        f"{so_lieu(f.total)} triệu đồng, trong đó ngân sách nhà nước {so_lieu(f.state_budget)} triệu đồng, "
        f"nguồn huy động hợp pháp khác {so_lieu(f.other_sources)} triệu đồng."
    ]
    if f.estimate_expected:
        given = len(f.estimates)
        if given:
            out.append(
                f"Dự toán kinh phí năm {year + 1} do {given}/{f.estimate_expected} đơn vị chủ trì nhiệm vụ đề "
                f"xuất là {so_lieu(f.estimate)} triệu đồng, gửi Phòng Tài chính – Kế hoạch thẩm định."
            )
        else:
            out.append(f"Các đơn vị chủ trì nhiệm vụ chưa đề xuất dự toán kinh phí năm {year + 1}.")
    out[-1] += " Kinh phí của từng đơn vị tại bảng tổng hợp kèm theo (trang «Kinh phí»)."
    return out


# --------------------------------------------------------------------------- section II: indicators


def _indicators_intro(summary: Summary, comparison: str = "") -> str:
    year, plan = summary.year, summary.plan
    text = (
        f"Kết quả thực hiện các chỉ tiêu {plan.period_name(year)} được tính từ số liệu gốc của các đơn vị đã gửi báo "
        "cáo hợp lệ (tỷ lệ bằng tổng tử số chia tổng mẫu số của các đơn vị, không lấy bình quân các tỷ "
        "lệ); số liệu của từng đơn vị tại Phụ lục I."
    )
    text += comparison + " "
    if plan.progress_rule == LINEAR:
        text += (
            "Năm có mốc mục tiêu (hoặc sau mốc cuối) đánh giá đạt hay chưa đạt so với mục tiêu của mốc; "
            "năm giữa hai mốc đánh giá đúng hay chậm tiến độ so với mức cần đạt trên lộ trình đều từ mốc "
            "trước (hoặc mức xuất phát) đến mốc sau. "
        )
    outside = summary.outside_phases
    if outside:
        periods = sorted({ind.period for ind in outside})
        text += (
            f"{len(outside)} chỉ tiêu khác của Kế hoạch thuộc giai đoạn {'; '.join(periods)}, "
            f"không đánh giá {plan.period_name(year)}. "
        )
    return text + "Kết quả cụ thể như sau:"


def ratio_parts(r: IndicatorResult, values: dict[str, float]) -> str:
    """The parts of a ratio, each pair in its own unit: "2/2 cụm công nghiệp; 2/3 làng nghề"."""
    ind = r.indicator
    units = {i.id: i.unit_of_measure for i in ind.inputs}
    pairs = list(zip(ind.numerator, ind.denominator, strict=True))
    if len({units[d] for _, d in pairs}) == 1:  # one unit: the sums ("51/60 cửa hàng")
        num = sum(values.get(n) or 0 for n, _ in pairs)
        den = sum(values.get(d) or 0 for _, d in pairs)
        return f"{so_lieu(num)}/{so_lieu(den)} {units[pairs[0][1]]}"
    return "; ".join(f"{so_lieu(values.get(n) or 0)}/{so_lieu(values.get(d) or 0)} {units[d]}" for n, d in pairs)


def _result_text(r: IndicatorResult) -> str:
    ind = r.indicator
    totals = {t.input.id: t for t in r.totals}
    sums = {k: t.total or 0 for k, t in totals.items()}

    def total(ids: Iterable[str]) -> float:
        return sum(sums[i] for i in ids)

    if r.status == NO_TARGET and r.value is None:
        dash = "- " if len(r.totals) > 1 else ""
        lines = [
            f"{dash}{t.input.label}: {so_lieu(t.total)} {t.input.unit_of_measure}"
            if t.total is not None
            else f"{dash}{t.input.label}: —"
            for t in r.totals
        ]
    elif r.value is None:
        lines = ["—"]
    else:
        lines = [amount(ind, r.value)]
        if ind.spec.detail:  # the formula's own line: "(51/60 cửa hàng)", "(từ 120 xuống 80 kg)"…
            lines.append(
                ind.spec.detail.format(
                    num=so_lieu(total(ind.numerator)),
                    den=so_lieu(total(ind.denominator)),
                    answered=max((t.answered for t in r.totals), default=0),
                    unit=totals[ind.denominator[0]].input.unit_of_measure if ind.denominator else "",
                    pairs=ratio_parts(r, sums) if ind.spec.paired else "",
                )
            )
    lines.append(f"({len(r.reported)}/{len(r.expected)} đơn vị)")
    if ind.method_note:
        lines.append(f"Cách tính: {lower_first(ind.method_note)}")
    return "\n".join(lines)


def indicator_table(summary: Summary) -> tuple[list[dict[str, Any]], str]:
    """Section II: the indicator table's rows and the sentence that sums it up.

    The closing sentence names only the indicators behind their path or short of a milestone.
    """
    plan, year = summary.plan, summary.year
    rows = [
        {
            "stt": str(i),
            "noi_dung": r.indicator.text,
            "muc_tieu": target(r.indicator, r.target),
            "ket_qua": _result_text(r),
            "danh_gia": verdict_text(r, year, plan.min_coverage),
        }
        for i, r in enumerate(summary.indicators, 1)
    ]
    counts: dict[str, int] = {}
    for r in summary.indicators:
        counts[r.status] = counts.get(r.status, 0) + 1
    parts = [
        f"{n} chỉ tiêu {lower_first(ASSESSMENT_LABELS[s])}"
        for s, n in sorted(counts.items(), key=lambda kv: list(ASSESSMENT_LABELS).index(kv[0]))
    ]
    parts = [
        p.replace("không đủ số liệu", "chưa đủ số liệu để đánh giá").replace(
            "không có chỉ tiêu định lượng", "chỉ thống kê số lượng, không có mục tiêu định lượng"
        )
        for p in parts
    ]
    closing = (
        f"Trong {len(summary.indicators)} chỉ tiêu của Kế hoạch đánh giá {plan.period_name(year)}: "
        + ", ".join(parts)
        + "."
    )
    short = [(str(i), r) for i, r in enumerate(summary.indicators, 1) if r.status in SHORTFALLS]
    if short:
        kinds = " hoặc ".join(
            lower_first(ASSESSMENT_LABELS[s]) for s in SHORTFALLS if any(r.status == s for _, r in short)
        )
        closing += (
            f" Các chỉ tiêu {kinds} (số thứ tự {', '.join(i for i, _ in short)} trong bảng) cần tiếp tục "
            "tập trung thực hiện."
        )
    return rows, closing


def chart_rows(summary: Summary) -> tuple[tuple[str, float, float | None, bool], ...]:
    """(label, value, level required this year, insufficient data) for each percent indicator with a value."""
    rows = []
    for i, r in enumerate(summary.indicators, 1):
        if r.indicator.is_percent and r.value is not None:
            label = shorten(r.indicator.text.split(":")[0], 64)
            rows.append((f"{i}. {label}", float(r.value), r.required, r.status == NO_DATA))
    return tuple(rows)


# --------------------------------------------------------------------------- sections III–V: the units' own words


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


# --------------------------------------------------------------------------- the context


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


def build_context(summary: Summary, history: History | None = None) -> dict[str, Any]:
    """Everything the Word template needs, in Vietnamese and already formatted.

    ``bieu_do`` and ``bieu_do_xu_huong`` hold the charts as data (charts.py, or None); rendering draws
    them. ``history`` (earlier years) adds the comparisons; without it the report says so.
    """
    plan, year = summary.plan, summary.year
    issuer, signer = plan.issuer, plan.signer
    indicator_rows, indicator_closing = indicator_table(summary)
    compare_head, compare_cells = compare.comparison_cells(summary, history)
    for row, cells in zip(indicator_rows, compare_cells, strict=True):
        row["so_sanh"] = cells
    chart = chart_rows(summary)
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
        "nhiem_vu": task_groups(summary),
        "kinh_phi_tieu_de": f"{len(plan.task_groups) + 1}. Kinh phí thực hiện",
        "kinh_phi": funding_paragraphs(summary),
        "chi_tieu_mo_dau": _indicators_intro(summary, compare.comparison_sentence(summary, history)),
        "chi_tieu_cot_so_sanh": compare_head,
        "chi_tieu": indicator_rows,
        "chi_tieu_tong_ket": indicator_closing,
        "bieu_do": BarChart(chart, year, plan.period_name(year)) if chart else None,
        "bieu_do_tieu_de": f"Biểu đồ: Kết quả các chỉ tiêu tính theo tỷ lệ {plan.period_name(year)} so với mục tiêu",
        "bieu_do_thay_the": (
            f"{plan.period_title(year)} chưa có chỉ tiêu tính theo tỷ lệ nào đủ số liệu để tính kết quả, "
            "nên báo cáo không kèm biểu đồ so sánh với mục tiêu."
        ),
        "kho_khan": _points(summary.difficulties, plan, "Các đơn vị không phản ánh khó khăn, vướng mắc."),
        "phuong_huong": _points(
            summary.directions, plan, "Các đơn vị chưa đề xuất phương hướng, nhiệm vụ cho năm tới."
        ),
        "kien_nghi": proposals,
        "noi_nhan": listed(recipients),
        **signature(signer),
        "kem_theo": (
            f"(Kèm theo Báo cáo số{NUMBER_BLANK}/BC-{issuer.code} ngày    tháng    năm {year} của {issuer.full_name})"
        ),
        "phu_luc_1": appendix_indicators(summary, compare.previous_year(summary, history)),
        **compare.trend_context(summary, history),
        "phu_luc_2": appendix_tasks(summary),
        "phu_luc_3": appendix_status(summary),
    }
