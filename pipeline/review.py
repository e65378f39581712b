"""The phase review (báo cáo sơ kết, ``baocao so-ket --giai-doan 2021-2025``), written from history only.

Per indicator: the result of the phase's last year against the milestone of that year (or the
latest year with data, said so) and the yearly series; per task item: its state in each year;
funding per year when the records carry it; each unit's submission record per year (on time,
late, with errors, missing). Figures come from ``history`` (run records, then history workbooks)
and verdicts from ``history.series`` — the yearly report's rule. Rendered into
templates/so-ket.docx (edited in Word: it is the source) with the same renderer as the
yearly report (autoescape, StrictUndefined); the bytes depend only on the config and the history.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .aggregate import ASSESSMENT_LABELS, MET, NO_DATA, NO_TARGET, NOT_MET
from .charts import TrendChart
from .errors import BaoCaoError
from .history import (
    AdHocHistory,
    History,
    adhoc_periods,
    load_history,
    milestone_path,
    series,
)
from .layout import DONE, IN_PROGRESS, NOT_STARTED
from .model import HAS_ERRORS, LATE, MISSING, SUBMITTED
from .plan import Plan
from .report_text import NUMBER_BLANK, listed, ngay_thang, signature
from .wording import amount, change, goal, so_lieu
from .workspace import Workspace, bundled_defaults

REVIEW_TEMPLATE = "so-ket.docx"
SUBMISSION_WORDS = {SUBMITTED: "Đúng hạn", LATE: "Muộn", HAS_ERRORS: "Có lỗi", MISSING: "Chưa nộp"}


def parse_phase(text: str, plan: Plan) -> tuple[int, int]:
    """ "2021-2025" → (2021, 2025), within the plan's period."""
    m = re.fullmatch(r"\s*(\d{4})\s*[-–]\s*(\d{4})\s*", text or "")
    if not m or int(m[1]) > int(m[2]):
        raise BaoCaoError(f"--giai-doan «{text}» phải có dạng NĂM-NĂM, ví dụ 2021-2025.")
    start, end = int(m[1]), int(m[2])
    if start < plan.start_year or end > plan.end_year:
        raise BaoCaoError(
            f"--giai-doan: giai đoạn {start}–{end} nằm ngoài thời kỳ của kế hoạch ({plan.start_year}–{plan.end_year})."
        )
    return start, end


def indicator_rows(
    plan: Plan, history: History, start: int, end: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, int]]:
    """The result table (against the phase's last-year milestone), the series table, verdict counts."""
    results, chains = [], []
    counts = {MET: 0, NOT_MET: 0, NO_DATA: 0, NO_TARGET: 0}
    for i, ind in enumerate(plan.indicators, 1):
        points = [p for p in series(plan, history, ind, end) if p.year >= start]
        chains.append({"stt": str(i), "noi_dung": ind.text, "gia_tri": [amount(ind, p.value) for p in points]})
        last = points[-1]
        milestone = next((m for m in ind.milestones if m.year == end), None)
        aim = goal(ind, milestone.value) if milestone else "—"
        if not ind.milestones:
            verdict, status = ASSESSMENT_LABELS[NO_TARGET], NO_TARGET
        elif milestone is None:
            verdict, status = f"Không có mốc năm {end}", NO_TARGET
        elif last.value is not None:
            status = last.status if last.status in (MET, NOT_MET, NO_DATA) else NO_DATA
            verdict = ASSESSMENT_LABELS[status]
        else:
            status = NO_DATA
            verdict = f"{ASSESSMENT_LABELS[NO_DATA]} năm {end}"
        with_value = [p for p in points if p.value is not None]
        if last.value is not None:
            result = amount(ind, last.value) + f" ({end})"
            first = with_value[0]
            if first.year < end:
                result += f"\n{change(ind, first.value, last.value)} so với năm {first.year}"
        elif with_value:
            p = with_value[-1]
            result = amount(ind, p.value) + f" ({p.year}, năm gần nhất có số liệu)"
        else:
            result = "Chưa có số liệu"
        counts[status] += 1
        results.append({"stt": str(i), "noi_dung": ind.text, "muc_tieu": aim, "ket_qua": result, "danh_gia": verdict})
    return results, chains, counts


def task_rows(plan: Plan, history: History, years: list[int]) -> list[dict[str, Any]]:
    """Phụ lục I: each task item's state in each year of the phase ("—": no record of that year)."""
    rows = []
    for task in plan.tasks:
        for item in task.items:
            states = []
            for y in years:
                yh = history.get(y)
                if yh is None or not yh.tasks:
                    states.append("—")
                    continue
                active, reported, status = yh.tasks.get(item.id, (task.active_in(y), False, ""))
                if not active:
                    states.append("Ngoài thời gian")
                elif not reported:
                    states.append("Chưa báo cáo")
                else:
                    states.append(status or "Chưa xác định")
            rows.append(
                {"stt": item.id, "noi_dung": item.content, "chu_tri": plan.unit(task.lead).name, "tinh_trang": states}
            )
    return rows


def unit_rows(plan: Plan, history: History, years: list[int]) -> list[dict[str, Any]]:
    """Phụ lục II: each unit's submission state in each year ("—": no record of that year)."""
    rows = []
    for n, unit in enumerate(plan.units, 1):
        states = []
        for y in years:
            yh = history.get(y)
            states.append(SUBMISSION_WORDS.get(yh.units.get(unit.id, ""), "—") if yh and yh.units else "—")
        rows.append({"stt": str(n), "don_vi": unit.name, "tinh_trang": states})
    return rows


def _task_summary(plan: Plan, history: History, years: list[int]) -> list[str]:
    recorded = [y for y in years if (yh := history.get(y)) is not None and yh.tasks]
    if not recorded:
        return [
            "Chưa có nhật ký báo cáo năm nào trong giai đoạn nên chưa tổng hợp được tình trạng thực hiện "
            "nhiệm vụ qua các năm."
        ]
    out = []
    for y in recorded:
        tasks = history.years[y].tasks
        active = [s for s in tasks.values() if s[0]]
        done = sum(1 for a, r, s in active if r and s == DONE)
        going = sum(1 for a, r, s in active if r and s == IN_PROGRESS)
        not_started = sum(1 for a, r, s in active if r and s == NOT_STARTED)
        unreported = sum(1 for a, r, s in active if not r)
        out.append(
            f"Năm {y}: {len(active)} nội dung nhiệm vụ trong thời gian thực hiện; {done} đã hoàn thành, "
            f"{going} đang thực hiện, {not_started} chưa thực hiện, {unreported} chưa có báo cáo của đơn vị "
            "chủ trì."
        )
    missing = [y for y in years if y not in recorded]
    if missing:
        out.append(f"Các năm {', '.join(map(str, missing))} chưa có nhật ký báo cáo nên không có số liệu về nhiệm vụ.")
    out.append("Tình trạng từng nhiệm vụ qua các năm tại Phụ lục I.")
    return out


def _funding(history: History, years: list[int]) -> list[str]:
    """Funding per year from the run records that carry it (triệu đồng), and the phase's total."""
    known = [(y, f) for y in years if (yh := history.get(y)) is not None and (f := yh.funding) is not None]
    if not known:
        return [
            "Các năm trong giai đoạn chưa có số liệu kinh phí thực hiện (nhật ký báo cáo các năm đó không có "
            "mục kinh phí) nên báo cáo chưa tổng hợp kinh phí theo năm."
        ]
    out = []
    for y, f in known:
        units = f" ({f.units}/{f.expected} đơn vị báo cáo)" if f.expected else ""
        out.append(
            f"Năm {y}: {so_lieu(f.total)} triệu đồng, trong đó ngân sách nhà nước {so_lieu(f.state_budget)} "
            f"triệu đồng, nguồn huy động hợp pháp khác {so_lieu(f.other_sources)} triệu đồng{units}."
        )
    total = sum(f.total or 0 for _, f in known)
    absent = [y for y in years if y not in {y for y, _ in known}]
    tail = f" (chưa có số liệu kinh phí các năm {', '.join(map(str, absent))})" if absent else ""
    out.append(f"Tổng kinh phí đã báo cáo trong giai đoạn: {so_lieu(total)} triệu đồng{tail}.")
    return out


def _submissions(plan: Plan, history: History, years: list[int]) -> list[str]:
    out = []
    for y in years:
        yh = history.get(y)
        if yh is None or not yh.units:
            continue
        n = {k: sum(1 for s in yh.units.values() if s == k) for k in SUBMISSION_WORDS}
        out.append(
            f"Năm {y}: {n[SUBMITTED]}/{len(yh.units)} đơn vị gửi đúng hạn, {n[LATE]} gửi muộn, "
            f"{n[HAS_ERRORS]} gửi báo cáo có lỗi chưa khắc phục, {n[MISSING]} chưa gửi."
        )
    if not out:
        return ["Chưa có nhật ký báo cáo năm nào trong giai đoạn nên chưa tổng hợp được tình hình gửi báo cáo."]
    return out + ["Tình hình gửi báo cáo của từng đơn vị qua các năm tại Phụ lục II."]


def adhoc_sentence(adhoc: AdHocHistory | None) -> str:
    """One sentence naming the phase's ad-hoc reports ("" when there were none): they are said, not counted."""
    if adhoc is None or not adhoc.periods:
        return ""
    named = "; ".join(f"{p.name} (ngày {p.report_date:%d/%m/%Y})" for p in adhoc.periods)
    return (
        f" Ngoài báo cáo hằng năm, trong giai đoạn đã lập {len(adhoc.periods)} báo cáo đột xuất theo yêu cầu: "
        f"{named}; số liệu các kỳ này không tính vào kết quả từng năm."
    )


def build_review_context(
    plan: Plan, history: History, start: int, end: int, adhoc: AdHocHistory | None = None
) -> dict[str, Any]:
    years = list(range(start, end + 1))
    issuer, signer = plan.issuer, plan.signer
    results, chains, counts = indicator_rows(plan, history, start, end)
    sources = sorted(y for y in years if y in history.years)
    if sources:
        origin = (
            f"Số liệu tổng hợp từ nhật ký báo cáo hằng năm và số liệu lịch sử của các năm "
            f"{', '.join(map(str, sources))}"
        )
        absent = [y for y in years if y not in history.years]
        origin += f"; các năm {', '.join(map(str, absent))} chưa có số liệu." if absent else "."
    else:
        origin = "Chưa có số liệu năm nào của giai đoạn (chưa có nhật ký báo cáo hay số liệu lịch sử)."
    not_met = [r["stt"] for r in results if r["danh_gia"] == ASSESSMENT_LABELS[NOT_MET]]
    closing = (
        f"Đến năm {end}, trong {len(plan.indicators)} chỉ tiêu của Kế hoạch: {counts[MET]} chỉ tiêu đạt mốc "
        f"năm {end}, {counts[NOT_MET]} chỉ tiêu chưa đạt, {counts[NO_DATA]} chỉ tiêu chưa đủ số liệu để đánh "
        f"giá, {counts[NO_TARGET]} chỉ tiêu không có mốc định lượng năm {end}."
    ) + adhoc_sentence(adhoc)
    direction = [
        f"Tiếp tục triển khai các nhiệm vụ của Kế hoạch số {plan.number} trong giai đoạn tiếp theo"
        + (f" đến năm {plan.end_year}" if end < plan.end_year else "")
        + "."
    ]
    if not_met:
        direction.append(
            f"Tập trung thực hiện các chỉ tiêu chưa đạt mốc năm {end} (số thứ tự {', '.join(not_met)} "
            "trong bảng kết quả các chỉ tiêu)."
        )
    direction[-1] = direction[-1].rstrip(".") + "./."
    chart_rows = []
    for i, ind in enumerate(plan.indicators, 1):
        if not ind.is_percent:
            continue
        points = series(plan, history, ind, end)
        values = tuple((p.year, round(float(p.value), 6)) for p in points if p.value is not None and p.year >= start)
        if values:
            chart_rows.append((f"{i}. {ind.text.split(':')[0]}", values, tuple(milestone_path(plan, ind, points))))
    recipients = [r.rstrip(" ;.") for r in plan.recipients]
    bases = [b if b.lower().startswith("căn cứ") else f"Căn cứ {b}" for b in plan.bases]
    phase = f"{start}–{end}"
    return {
        "giai_doan": phase,
        "nam_cuoi": str(end),
        "co_quan_cap_tren": issuer.parent_line,
        "co_quan_ten": issuer.name_line,
        "so_hieu": f"Số:{NUMBER_BLANK}/BC-{issuer.code}",
        "ngay_thang": ngay_thang(issuer.place, review_date(plan, end)),
        "trich_yeu": f"Sơ kết giai đoạn {phase} thực hiện Kế hoạch số {plan.number} ngày {plan.issued} về {plan.field}",
        "can_cu": [b.rstrip(" ;.") + ";" for b in bases[:-1]] + [b.rstrip(" ;.") + "." for b in bases[-1:]],
        "mo_dau": f"{issuer.full_name} báo cáo sơ kết kết quả thực hiện Kế hoạch giai đoạn {phase} như sau:",
        "chi_tieu_mo_dau": (
            f"{origin} Kết quả mỗi năm được tính từ số liệu gốc như báo cáo hằng năm; kết quả năm "
            f"{end} được đánh giá so với mốc mục tiêu năm {end}:"
        ),
        "chi_tieu": results,
        "chi_tieu_tong_ket": closing,
        "chuoi_mo_dau": f"Kết quả các chỉ tiêu qua từng năm của giai đoạn {phase} («—»: chưa có số liệu):",
        "cac_nam": [str(y) for y in years],
        "chuoi": chains,
        "bieu_do": TrendChart(tuple(chart_rows), plan.start_year, plan.end_year, end) if chart_rows else None,
        "bieu_do_tieu_de": f"Biểu đồ: Kết quả các chỉ tiêu tính theo tỷ lệ giai đoạn {phase} và lộ trình đến các mốc",
        "nhiem_vu": _task_summary(plan, history, years),
        "kinh_phi": _funding(history, years),
        "gui_bao_cao": _submissions(plan, history, years),
        "danh_gia": [
            f"Sau {len(years)} năm thực hiện, {counts[MET]}/{len(plan.indicators)} chỉ tiêu của Kế hoạch đạt mốc năm "
            f"{end}"
            + (f"; {counts[NOT_MET]} chỉ tiêu chưa đạt cần tiếp tục tập trung thực hiện" if counts[NOT_MET] else "")
            + f". Số liệu tổng hợp được của {len(sources)}/{len(years)} năm trong giai đoạn.",
        ],
        "phuong_huong": direction,
        "noi_nhan": listed(recipients),
        **signature(signer),
        "kem_theo": (
            f"(Kèm theo Báo cáo số{NUMBER_BLANK}/BC-{issuer.code} ngày    tháng    năm {end + 1} "
            f"của {issuer.full_name})"
        ),
        "phu_luc_1": task_rows(plan, history, years),
        "phu_luc_2": unit_rows(plan, history, years),
    }


def review_date(plan: Plan, end: int) -> dt.date:
    """The review is dated at the last year's deadline (derived from the config: stable bytes)."""
    return plan.deadline(end)


@dataclass(frozen=True)
class ReviewFiles:
    """The files of a so-ket review and the history they were written from."""

    docx: Path
    xlsx: Path
    history: History | None = None  # what the review was written from (its notes name unreadable records)
    adhoc: AdHocHistory | None = None


def review_template(ws: Workspace) -> Path:
    path = ws.templates / REVIEW_TEMPLATE
    if path.is_file():
        return path
    bundled = bundled_defaults() / "templates" / REVIEW_TEMPLATE
    if bundled.is_file():
        return bundled
    raise BaoCaoError(
        f"Không tìm thấy mẫu báo cáo sơ kết {path}. Chép lại tệp templates/{REVIEW_TEMPLATE} từ bản cài đặt."
    )


def write_review(ws: Workspace, plan: Plan, start: int, end: int) -> ReviewFiles:
    """outbox/so-ket-<start>-<end>/: the review (.docx) and the history table (.xlsx), written as one set
    under the workspace lock (``outbox.write_set``)."""
    from .outbox import write_set
    from .report_docx import render_docx
    from .summary_xlsx import build_history_workbook

    history = load_history(ws, plan, end)
    adhoc = adhoc_periods(ws, plan, start, end)
    if not any(start <= y <= end for y in history.years):
        raise BaoCaoError(
            f"Chưa có số liệu năm nào của giai đoạn {start}–{end} (không có nhật ký bao-cao, không có "
            "sổ số liệu lịch sử trong lich-su/): chưa lập được báo cáo sơ kết."
        )
    stamp = dt.datetime.combine(review_date(plan, end), dt.time(0, 0))
    folder = ws.outbox / f"so-ket-{start}-{end}"
    docx = render_docx(review_template(ws), build_review_context(plan, history, start, end, adhoc), stamp)
    xlsx = build_history_workbook(plan, history, end, stamp, adhoc)
    docx_path, xlsx_path = write_set(
        ws, folder, [(f"so-ket-{start}-{end}.docx", docx), (f"lich-su-{start}-{end}.xlsx", xlsx)]
    )
    return ReviewFiles(docx_path, xlsx_path, history, adhoc)
