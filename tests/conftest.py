"""Shared fixtures: a real LibreOffice converter, and a small hand-made Summary for 2026."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from pipeline.aggregate import Summary, aggregate
from pipeline.model import (
    HAS_ERRORS,
    LATE,
    LEAD,
    MISSING,
    PARTNER,
    SUBMITTED,
    Contact,
    IntakeResult,
    Problem,
    Provenance,
    Submission,
    TaskReport,
    UnitStatus,
)
from pipeline.plan import Plan, load_plan

ROOT = Path(__file__).resolve().parent.parent
SMALL_YEAR = 2026


# --------------------------------------------------------------------------- LibreOffice


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path | list[Path]]:
    """``convert(src, fmt, outdir)``: convert one file (or several in ONE soffice call) with LibreOffice.

    ``fmt`` is a LibreOffice filter such as "pdf" or "xlsx"; returns the output path(s).
    Skips (with the reason printed) when soffice is missing, unless the CI variable is set.
    """
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        reason = "LibreOffice (soffice) không có trên máy này: bỏ qua kiểm thử chuyển đổi bằng LibreOffice."
        if os.environ.get("CI"):
            pytest.fail(
                "CI: thiếu LibreOffice (soffice), kiểm thử chuyển đổi là bắt buộc trong CI. "
                "Hãy cài libreoffice-writer, libreoffice-calc (xem .ci/run)."
            )
        print(reason)
        pytest.skip(reason)
    profile = tmp_path_factory.mktemp("libreoffice-profile")  # one profile for the whole session

    def convert(src: Path | Sequence[Path], fmt: str, outdir: Path) -> Path | list[Path]:
        sources = [Path(src)] if isinstance(src, str | Path) else [Path(s) for s in src]
        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        cmd = [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            *map(str, sources),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            pytest.fail(f"LibreOffice không chuyển xong trong 120 giây: {' '.join(cmd)}")
        ext = fmt.split(":")[0]
        outputs = [outdir / f"{s.stem}.{ext}" for s in sources]
        missing = [o.name for o in outputs if not o.is_file()]
        if proc.returncode != 0 or missing:
            pytest.fail(f"LibreOffice thất bại (mã {proc.returncode}), thiếu {missing}:\n{proc.stdout}\n{proc.stderr}")
        return outputs[0] if isinstance(src, str | Path) else outputs

    return convert


# --------------------------------------------------------------------------- a small Summary


@pytest.fixture(scope="session")
def kh178() -> Plan:
    return load_plan(ROOT / "config.toml")


@pytest.fixture(scope="session", name="plan")
def plan_fixture(kh178: Plan) -> Plan:
    """The same plan under the shorter name the plan, forms and aggregation tests use."""
    return kh178


def make_submission(unit_id: str, values: dict, tasks=(), general=None, problems=(), made=None) -> Submission:
    made = made or dt.date(SMALL_YEAR, 11, 28)
    prov = Provenance(
        f"{unit_id}.xlsx",
        hashlib.sha256(unit_id.encode()).hexdigest(),
        12_345,
        dt.datetime.combine(made, dt.time(9, 30)),
        "Microsoft Excel",
    )
    return Submission(
        unit_id,
        "KH178-2021",
        SMALL_YEAR,
        1,
        Contact("Nguyễn Thị Lan", "0277 3851234", made),
        values,
        {},
        tuple(tasks),
        general or {},
        tuple(problems),
        prov,
    )


def small_submissions() -> dict[str, Submission]:
    """Three communes, tnmt and ktht with known numbers (Phòng Y tế, xã Mỹ Long… missing)."""
    commune = {"so_cuoc_tuyen_truyen": 1, "so_co_so_cung_ung_ntp": 0, "so_co_so_truy_xuat": 2}
    return {
        "ktht": make_submission(
            "ktht",
            {
                "so_cuoc_tuyen_truyen": 4,
                "dung_sp_than_thien": True,
                "so_ccn": 2,
                "so_ccn_pho_bien": 2,
                "so_mo_hinh_sxsh": 3,
                "so_mo_hinh_dien_mat_troi": 1,
                "so_mo_hinh_sx_tdbv": 5,
            },
            tasks=[
                TaskReport(
                    "I.1.a",
                    LEAD,
                    "Đã hoàn thành",
                    "Tổ chức 02 hội nghị tuyên truyền cho 180 lượt doanh nghiệp, tiểu thương",
                    "",
                    "",
                ),
                TaskReport("I.1.b", LEAD, "Đang thực hiện", "", "", ""),
                TaskReport(
                    "II.4",
                    LEAD,
                    "Đang thực hiện",
                    "Khảo sát 03 chuỗi cung ứng nông sản",
                    "",
                    "Đề nghị tỉnh hỗ trợ kinh phí xây dựng mô hình",
                ),
            ],
            general={"kho_khan": "- Kinh phí thực hiện còn hạn chế.", "phuong_huong": "Tiếp tục tuyên truyền"},
        ),
        "tnmt": make_submission(
            "tnmt",
            {
                "so_cuoc_tuyen_truyen": 2,
                "dung_sp_than_thien": False,
                "so_co_so_kiem_tra": 40,
                "so_co_so_tuan_thu": 34,
            },
            tasks=[
                TaskReport("I.2", LEAD, "Đang thực hiện", "Phát 1.500 tờ rơi về hạn chế túi ni lông", "", ""),
            ],
        ),
        "xa-an-binh": make_submission(
            "xa-an-binh",
            dict(
                commune,
                **{
                    "so_co_so_cung_ung_ntp": 1000,
                    "tui_nhua_cvm_goc": 100.0,
                    "tui_nhua_cvm_nam": 40.0,
                    "so_cua_hang_tien_loi": 10,
                    "so_cua_hang_bao_bi_xanh": 8,
                    "bao_bi_bvtv_phat_sinh": 120.5,
                    "bao_bi_bvtv_thu_gom": 100.0,
                },
            ),
            tasks=[
                TaskReport("I.1.a", PARTNER, "", "Lồng ghép tuyên truyền trong các cuộc họp ấp", "", ""),
            ],
            general={"kho_khan": "Kinh phí thực hiện còn hạn chế", "kien_nghi": "Bố trí thêm kinh phí tuyên truyền"},
        ),
        "xa-my-hiep": make_submission(
            "xa-my-hiep",
            dict(
                commune,
                **{
                    "so_co_so_cung_ung_ntp": 200,
                    "tui_nhua_cvm_goc": 50.0,
                    "tui_nhua_cvm_nam": 20.0,
                    "so_cua_hang_tien_loi": 20,
                    "so_cua_hang_bao_bi_xanh": 12,
                },
            ),
            general={"kho_khan": "kinh phí thực hiện còn hạn chế;"},
        ),
        "xa-binh-thanh": make_submission(
            "xa-binh-thanh",
            dict(
                commune,
                **{
                    "so_co_so_cung_ung_ntp": 50,
                    "tui_nhua_cvm_goc": 50.0,
                    "tui_nhua_cvm_nam": 30.0,
                    "so_cua_hang_tien_loi": 5,
                    "so_cua_hang_bao_bi_xanh": 5,
                },
            ),
            made=dt.date(SMALL_YEAR, 12, 8),
        ),
    }


def small_intake(plan: Plan, subs: dict[str, Submission] | None = None) -> IntakeResult:
    """xa-binh-thanh late, xa-ba-sao with an error, every other unit missing."""
    subs = small_submissions() if subs is None else subs
    broken = make_submission(
        "xa-ba-sao",
        {"so_cua_hang_tien_loi": None},
        problems=[
            Problem(
                "khong-phai-so", "Ô phải là số.", file="xa-ba-sao.xlsx", sheet="Chỉ tiêu", cell="E12", value="khoảng 5"
            ),
        ],
    )
    statuses = []
    for u in plan.units:
        if u.id in subs:
            late = u.id == "xa-binh-thanh"
            statuses.append(UnitStatus(u.id, LATE if late else SUBMITTED, subs[u.id], late=late))
        elif u.id == "xa-ba-sao":
            statuses.append(UnitStatus(u.id, HAS_ERRORS, broken, set_aside=("xa-ba-sao (cu).xlsx: bản cũ hơn",)))
        else:
            statuses.append(UnitStatus(u.id, MISSING, None))
    return IntakeResult(SMALL_YEAR, statuses, [])


@pytest.fixture
def small_summary(kh178: Plan) -> Summary:
    return aggregate(kh178, small_intake(kh178))
