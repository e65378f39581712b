"""Pictures of a printed form for the README: one PNG per sheet, as LibreOffice prints it.

    .venv/bin/python tools/form_pictures.py [--unit xa-my-hiep] [--year 2026] [--out docs]

Builds the unit's blank form from config.toml, prints it to PDF with LibreOffice (headless),
and keeps the first page of each sheet as ``<out>/bieu-mau-<n>-<sheet>.png`` (pdftoppm -r 70).
Needs soffice and pdftoppm/pdftotext (poppler-utils). Run it again after a layout change.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.forms import build_form  # noqa: E402
from pipeline.layout import SHEET_GUIDE, SHEET_INDICATORS, SHEET_INFO, SHEET_TASKS  # noqa: E402
from pipeline.plan import load_plan  # noqa: E402

TITLES = {  # the first words printed on a sheet's first page
    SHEET_GUIDE: ("huong-dan", "BIỂU MẪU BÁO CÁO"),
    SHEET_INFO: ("thong-tin", "THÔNG TIN CHUNG"),
    SHEET_INDICATORS: ("chi-tieu", "SỐ LIỆU CHỈ TIÊU"),
    SHEET_TASKS: ("nhiem-vu", "KẾT QUẢ THỰC HIỆN NHIỆM VỤ"),
}


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--unit", default="xa-my-hiep")
    ap.add_argument("--year", type=int, default=2026)
    ap.add_argument("--out", type=Path, default=ROOT / "docs")
    args = ap.parse_args()
    plan = load_plan(ROOT / "config.toml")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        sys.exit("Cần LibreOffice (soffice) để in biểu mẫu ra PDF.")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        src = tmpdir / "form.xlsx"
        src.write_bytes(build_form(plan, plan.unit(args.unit), args.year))
        profile = (tmpdir / "profile").as_uri()
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(tmpdir),
                str(src),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        pdf = tmpdir / "form.pdf"
        pages = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout.split(
            "\f"
        )
        n = 0
        for sheet, (slug, title) in TITLES.items():
            page = next(i for i, text in enumerate(pages, 1) if squash(title) in squash(text))
            n += 1
            stem = args.out / f"bieu-mau-{n}-{slug}"
            subprocess.run(
                ["pdftoppm", "-r", "70", "-png", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(stem)],
                check=True,
            )
            print(f"{sheet}: trang {page} → {stem.with_suffix('.png').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
