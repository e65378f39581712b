"""Build the one-file ``baocao`` program with PyInstaller from tools/baocao.spec.

    python tools/build_exe.py     → dist/baocao (Linux) or dist\\baocao.exe (Windows)

Needs the package and PyInstaller installed in the running Python (``pip install -e ".[exe]"``).
PyInstaller builds for the system it runs on: a Windows program is built on Windows.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        print('Thiếu PyInstaller: cài bằng  pip install -e ".[exe]"  rồi chạy lại.', file=sys.stderr)
        return 2
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(ROOT / "dist"),
            "--workpath",
            str(ROOT / "build"),
            str(ROOT / "tools" / "baocao.spec"),
        ],
        check=True,
    )
    exe = ROOT / "dist" / ("baocao.exe" if os.name == "nt" else "baocao")
    print(f"Đã dựng {exe} ({exe.stat().st_size / 2**20:.0f} MB) trong {time.perf_counter() - started:.0f} giây.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
