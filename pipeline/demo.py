"""``baocao demo``: a demo workspace with forms filled the way a district's units would.

Fixed seed, plausible figures for a rural district (dozens of markets and stores, not
millions): most units on time, one late, two missing, one form with an error the clerk must
send back, one unit that sent two versions, and one organisation whose report is optional
that has not sent (listed, not counted).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import shutil
import warnings
from pathlib import Path

from openpyxl import load_workbook

from . import funding
from .errors import WorkspaceError
from .forms import build_form
from .layout import (
    COLUMNS,
    NO,
    TASK_STATUSES,
    YES,
    contact_key,
    funding_key,
    general_key,
    input_key,
    key_prefix,
    task_key,
)
from .ooxml import stable_package
from .plan import Plan
from .workspace import Workspace, init_workspace

SEED = 178

DIFFICULTIES = [
    "Kinh phí thực hiện công tác tuyên truyền còn hạn chế.",
    "Thói quen sử dụng túi ni lông của tiểu thương và người dân còn phổ biến.",
    "Giá bao bì thân thiện môi trường cao hơn túi ni lông thông thường.",
    "Chưa có hướng dẫn cụ thể về mô hình cụm công nghiệp sinh thái.",
    "Lực lượng cán bộ phụ trách môi trường cấp xã còn kiêm nhiệm nhiều việc.",
]
PROPOSALS = [
    "Đề nghị Sở Công Thương hỗ trợ tài liệu tuyên truyền về tiêu dùng bền vững.",
    "Đề nghị bố trí kinh phí hỗ trợ điểm thu gom bao gói thuốc bảo vệ thực vật.",
    "Đề nghị có chính sách hỗ trợ tiểu thương chuyển sang bao bì thân thiện môi trường.",
    "Đề nghị tổ chức tập huấn về sản xuất sạch hơn cho cơ sở sản xuất.",
]
DIRECTIONS = [
    "Tiếp tục tuyên truyền giảm thiểu túi ni lông tại các chợ trên địa bàn.",
    "Nhân rộng mô hình thu gom bao gói thuốc bảo vệ thực vật sau sử dụng.",
    "Vận động cửa hàng tiện lợi sử dụng bao bì thân thiện môi trường.",
    "Phối hợp xây dựng mô hình sản xuất và tiêu dùng bền vững.",
]
RESULTS = [
    "Đã tổ chức {n} cuộc tuyên truyền với khoảng {p} lượt người tham dự.",
    "Đã lồng ghép nội dung vào {n} buổi họp, sinh hoạt định kỳ; phát {p} tờ rơi.",
    "Đã phát {n} tin, bài trên hệ thống truyền thanh; vận động {p} hộ kinh doanh tham gia.",
    "Đã phối hợp kiểm tra, hướng dẫn {n} cơ sở; hỗ trợ {p} hộ áp dụng giải pháp thân thiện môi trường.",
]
PEOPLE = ["Nguyễn Thị Lan", "Trần Văn Hùng", "Lê Thị Mai", "Phạm Minh Tâm", "Võ Thị Hồng", "Huỳnh Văn Phúc"]


def fill_form(data: bytes, cells: dict[str, dict[str, object]], stamp: dt.datetime | None = None) -> bytes:
    """Fill a generated form: ``{"ct.so_ccn": {"value": 2, "note": "…"}, "nv.I.1.a": {"status": …}}``.

    Cells are found by the key in hidden column A, as intake reads them. Returns .xlsx bytes.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(io.BytesIO(data))
    rows = {}
    for ws in wb.worksheets:
        for (key,) in ws.iter_rows(min_col=1, max_col=1):
            if isinstance(key.value, str) and "." in key.value:
                rows[key.value] = (ws, key.row)
    for key, fields in cells.items():
        ws, row = rows[key]
        for field, value in fields.items():
            ws[f"{COLUMNS[key_prefix(key)][field]}{row}"] = value
    buf = io.BytesIO()
    wb.save(buf)
    return stable_package(buf.getvalue(), stamp or dt.datetime(2000, 1, 1))


def plausible_cells(plan: Plan, unit_id: str, year: int, rng: random.Random, made: dt.date) -> dict:
    """Values a unit of a rural district would report, drawn from ``rng``."""
    cells: dict[str, dict[str, object]] = {
        contact_key("nguoi_lap"): {"value": rng.choice(PEOPLE)},
        contact_key("dien_thoai"): {"value": f"0277 38{rng.randint(10000, 99999)}"},
        contact_key("ngay_lap"): {"value": made},
        general_key("kho_khan"): {"value": "\n".join(rng.sample(DIFFICULTIES, rng.randint(1, 2)))},
        general_key("kien_nghi"): {"value": "\n".join(rng.sample(PROPOSALS, rng.randint(0, 2))) or NO},
        general_key("phuong_huong"): {"value": "\n".join(rng.sample(DIRECTIONS, 2))},
    }
    numbers: dict[str, float] = {}
    for ind in plan.indicators_in(year):
        ins = [i for i in ind.inputs if unit_id in i.reporters]
        if not ins:
            continue
        for inp in ins:
            numbers[inp.id] = _draw(inp.id, rng, numbers)
    for inp_id, value in numbers.items():
        kind = plan.all_inputs()[inp_id].kind
        cells[input_key(inp_id)] = {"value": (YES if value else NO) if kind == "co_khong" else value}
    for line in funding.lines_for(plan, unit_id, year):  # triệu đồng: a district unit's modest budget
        amount = {
            funding.STATE_BUDGET: rng.uniform(5, 60),
            funding.OTHER_SOURCES: rng.uniform(0, 15),
            funding.ESTIMATE: rng.uniform(30, 150),
        }[line]
        cells[funding_key(line)] = {"value": round(amount, 1)}
    for task in plan.tasks_of(unit_id, year):
        lead = task.lead == unit_id
        for item in task.items:
            if not lead and rng.random() < 0.6:
                continue  # partners write only where they took part
            status = rng.choices(TASK_STATUSES, weights=(3, 6, 1))[0] if lead else ""
            text = rng.choice(RESULTS).format(n=rng.randint(1, 6), p=rng.randint(30, 400))
            cells[task_key(item.id)] = {"status": status, "result": text}
    return cells


def _draw(input_id: str, rng: random.Random, so_far: dict[str, float]) -> float:
    """One plausible raw figure; parts are drawn after (and below) their wholes."""
    r = rng.randint
    table = {
        "so_cuoc_tuyen_truyen": lambda: r(1, 5),
        "so_co_so_kiem_tra": lambda: r(30, 60),
        "so_co_so_tuan_thu": lambda: so_far["so_co_so_kiem_tra"] - r(0, 4),
        "so_ccn": lambda: 2,
        "so_ccn_pho_bien": lambda: 2,
        "so_lang_nghe": lambda: 3,
        "so_lang_nghe_pho_bien": lambda: r(2, 3),
        "tui_nhua_cvm_goc": lambda: round(rng.uniform(40, 120), 1),
        "tui_nhua_cvm_nam": lambda: round(so_far["tui_nhua_cvm_goc"] * rng.uniform(0.2, 0.45), 1),
        "tui_nhua_ntm_goc": lambda: round(rng.uniform(20, 80), 1),
        "tui_nhua_ntm_nam": lambda: round(so_far["tui_nhua_ntm_goc"] * rng.uniform(0.45, 0.7), 1),
        "so_cua_hang_tien_loi": lambda: r(2, 9),
        "so_cua_hang_bao_bi_xanh": lambda: max(0, so_far["so_cua_hang_tien_loi"] - r(0, 2)),
        "bao_bi_bvtv_phat_sinh": lambda: round(rng.uniform(800, 3000), 1),
        "bao_bi_bvtv_thu_gom": lambda: round(so_far["bao_bi_bvtv_phat_sinh"] * rng.uniform(0.82, 0.99), 1),
        "dung_sp_than_thien": lambda: rng.random() < 0.85,
        "so_co_so_cung_ung_ntp": lambda: r(2, 12),
        "so_co_so_truy_xuat": lambda: r(1, 8),
    }
    return table.get(input_id, lambda: r(1, 4))()


def demo_inbox(plan: Plan, year: int) -> dict[str, tuple[bytes, dt.datetime]]:
    """File name (relative to inbox/) → (bytes, modification time) for the demo's inbox."""
    rng = random.Random(SEED)
    deadline = plan.deadline(year)
    units = [u.id for u in plan.units]
    communes = [u.id for u in plan.units if u.group == "xa"] or units
    missing = communes[2:4] if len(communes) > 4 else units[-2:]
    late = communes[5] if len(communes) > 5 else units[0]
    broken = communes[7] if len(communes) > 7 else units[1]
    twice = communes[9] if len(communes) > 9 else units[2]
    optional_unsent = [u.id for u in plan.units if not u.required][-1:]  # listed, not counted against coverage
    files: dict[str, tuple[bytes, dt.datetime]] = {}
    for unit in plan.units:
        if unit.id in missing or unit.id in optional_unsent:
            continue
        made = deadline - dt.timedelta(days=rng.randint(1, 12))
        if unit.id == late:
            made = deadline + dt.timedelta(days=3)
        cells = plausible_cells(plan, unit.id, year, rng, made)
        if unit.id == broken:  # a part larger than its whole, and text in a number cell
            cells[input_key("so_cua_hang_tien_loi")] = {"value": 6}
            cells[input_key("so_cua_hang_bao_bi_xanh")] = {"value": 9}
            cells[input_key("tui_nhua_ntm_nam")] = {"value": "khoảng 30"}
        stamp = dt.datetime.combine(made, dt.time(9, 30))
        data = fill_form(build_form(plan, unit, year), cells, stamp)
        name = f"{unit.id}.xlsx" if unit.group != "xa" else f"email/BC SXTDBV {year} - {unit.name}.xlsx"
        if unit.id == twice:
            first = dict(cells, **{contact_key("ngay_lap"): {"value": made - dt.timedelta(days=5)}})
            early = made - dt.timedelta(days=5)
            files[f"email/{unit.name} (ban dau).xlsx"] = (
                fill_form(build_form(plan, unit, year), first, stamp),
                dt.datetime.combine(early, dt.time(8)),
            )
            name = f"email/{unit.name} (da sua).xlsx"
        files[name] = (data, stamp)
    return files


def demo_year(plan: Plan, today: dt.date | None = None) -> int:
    """The year the demo runs for when none is given: this year, kept inside the plan's period
    (so `baocao demo` still runs after the plan has ended, or before it starts)."""
    year = (today or dt.date.today()).year
    return min(max(year, plan.start_year), plan.end_year)


def make_demo(folder: Path, year: int | None, source: Path | None) -> tuple[Workspace, Plan, int]:
    """Create the demo workspace at ``folder``: config, templates, forms, a filled inbox/."""
    folder = Path(folder)
    marker = folder / ".baocao-demo"
    if marker.is_file():  # a previous demo run: start its inbox/ and outbox/ afresh
        for sub in ("inbox", "outbox"):
            shutil.rmtree(folder / sub, ignore_errors=True)
    elif folder.exists() and any(folder.iterdir()):
        raise WorkspaceError(f"Thư mục {folder} đã có dữ liệu; hãy chọn một thư mục trống cho bản chạy thử.")
    ws = init_workspace(folder, source)
    marker.write_text("Thư mục chạy thử của baocao; có thể xóa.\n", encoding="utf-8")
    plan = ws.load_plan()
    year = plan.check_year(year if year is not None else demo_year(plan))
    from .forms import write_forms

    write_forms(ws, plan, year)
    for name, (data, mtime) in demo_inbox(plan, year).items():
        path = ws.inbox / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.utime(path, (mtime.timestamp(), mtime.timestamp()))
    return ws, plan, year
