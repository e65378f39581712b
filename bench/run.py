"""Benchmark: intake, aggregation, report and the whole `bao-cao` on N generated forms.

    python bench/run.py                 # N = 30, 500, 2000
    python bench/run.py --n 500 --n 2000

Forms are generated once per N with a fixed seed (cached under bench/out/) and spread over
the units; beyond one district the plan is copied for several districts, each with its own
unit ids and `dia_ban`. The naive baseline reads every file with
`pandas.read_excel(path, sheet_name=None)` (openpyxl engine) and nothing else.
Peak memory is the summed RSS of the process tree, sampled from /proc (Linux).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import platform
import random
import shutil
import subprocess
import sys
import threading
import time
import tomllib
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.demo import fill_form, plausible_cells  # noqa: E402
from pipeline.forms import build_form  # noqa: E402
from pipeline.plan import GROUP_REF, Plan, load_plan  # noqa: E402
from pipeline.workspace import Workspace  # noqa: E402

YEAR = 2026
SEED = 2026
OUT = ROOT / "bench" / "out"


def toml_value(v: object) -> str:
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + " }"
    return repr(v)


def dump_toml(data: dict) -> str:
    """Just enough TOML writing for config.toml's shape (tables and arrays of tables)."""
    lines: list[str] = []

    def table(prefix: str, body: dict) -> None:
        subs = []
        for k, v in body.items():
            if isinstance(v, list) and v and all(isinstance(x, dict) for x in v) and k in ("muc", "dau_vao"):
                subs.append((k, v))
            else:
                lines.append(f"{k} = {toml_value(v)}")
        for k, items in subs:
            for item in items:
                lines.append(f"[[{prefix}.{k}]]")
                table(f"{prefix}.{k}", item)

    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"[{key}]")
            table(key, value)
        else:
            for item in value:
                lines.append(f"[[{key}]]")
                table(key, item)
    return "\n".join(lines) + "\n"


def scaled_config(districts: int) -> str:
    """config.toml copied for ``districts`` districts, each with its own unit ids and area."""
    raw = tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8"))
    if districts == 1:
        return (ROOT / "config.toml").read_text(encoding="utf-8")
    base_units = raw["don_vi"]

    def copies(uid: str) -> list[str]:
        return [f"h{k:02d}-{uid}" for k in range(1, districts + 1)]

    raw["don_vi"] = [
        dict(u, ma=f"h{k:02d}-{u['ma']}", ten=f"{u['ten']} (huyện {k:02d})", dia_ban=f"Huyện {k:02d}")
        for k in range(1, districts + 1)
        for u in base_units
    ]
    raw["ke_hoach"]["don_vi_tong_hop"] = copies(raw["ke_hoach"]["don_vi_tong_hop"])[0]
    for task in raw["nhiem_vu"]:
        task["chu_tri"] = copies(task["chu_tri"])[0]
    for ind in raw["chi_tieu"]:
        for inp in ind["dau_vao"]:
            refs = []
            for ref in inp["don_vi_bao_cao"]:
                refs += [ref] if ref.startswith(GROUP_REF) else copies(ref)
            inp["don_vi_bao_cao"] = refs
    return dump_toml(raw)


def _one_form(args: tuple[Path, str, int]) -> tuple[str, bytes, float]:
    config, unit_id, index = args
    plan = _plan(config)
    rng = random.Random(SEED * 100_003 + index)
    deadline = plan.deadline(YEAR)
    made = deadline - dt.timedelta(days=rng.randint(-2, 12))
    cells = plausible_cells(plan, unit_id, YEAR, rng, made)
    stamp = dt.datetime.combine(made, dt.time(9))
    return unit_id, fill_form(build_form(plan, plan.unit(unit_id), YEAR), cells, stamp), stamp.timestamp()


_PLANS: dict[Path, Plan] = {}


def _plan(config: Path) -> Plan:
    if config not in _PLANS:
        _PLANS[config] = load_plan(config)
    return _PLANS[config]


def prepare(n: int) -> tuple[Workspace, Plan]:
    """A workspace with n filled forms in inbox/, generated once and cached."""
    per_district = len(load_plan(ROOT / "config.toml").units)
    districts = max(1, math.ceil(n / per_district)) if n > per_district * 1.25 else 1
    root = OUT / f"n{n}"
    ws = Workspace(root)
    done = root / ".complete"
    if not done.exists():
        shutil.rmtree(root, ignore_errors=True)
        (root / "inbox").mkdir(parents=True)
        shutil.copytree(ROOT / "templates", root / "templates")
        (root / "config.toml").write_text(scaled_config(districts), encoding="utf-8")
        plan = load_plan(ws.config)
        units = [u.id for u in plan.units]
        jobs = [(ws.config, units[i % len(units)], i) for i in range(n)]
        t0 = time.perf_counter()
        with ProcessPoolExecutor() as pool:
            for i, (unit_id, data, mtime) in enumerate(pool.map(_one_form, jobs, chunksize=8)):
                path = ws.inbox / f"{i:05d}-{unit_id}.xlsx"
                path.write_bytes(data)
                os.utime(path, (mtime, mtime))
        done.write_text("ok")
        print(f"  (đã sinh {n} biểu mẫu trong {time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    return ws, load_plan(ws.config)


class PeakRSS:
    """Sum of RSS over this process and its descendants, sampled every 10 ms (Linux /proc)."""

    def __init__(self, pid: int | None = None) -> None:
        self.pid = pid or os.getpid()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _tree(self) -> list[int]:
        pids, frontier = [self.pid], [self.pid]
        while frontier:
            pid = frontier.pop()
            try:
                kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                continue
            pids += [int(k) for k in kids]
            frontier += [int(k) for k in kids]
        return pids

    def sample(self) -> None:
        total = 0
        for pid in self._tree():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            except OSError:
                pass
        self.peak = max(self.peak, total)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            time.sleep(0.01)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


def naive(ws: Workspace) -> float:
    import pandas as pd

    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in sorted(ws.inbox.rglob("*.xlsx")):
            pd.read_excel(path, sheet_name=None, engine="openpyxl")
    return time.perf_counter() - t0


def stages(ws: Workspace, plan: Plan) -> dict[str, float]:
    from pipeline.aggregate import aggregate
    from pipeline.intake import read_inbox
    from pipeline.report import write_report

    t = {}
    t0 = time.perf_counter()
    result = read_inbox(ws, plan, YEAR)
    t["intake"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    summary = aggregate(plan, result)
    t["aggregate"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    write_report(ws, summary, overwrite=True, rejected=result.rejected)
    t["report"] = time.perf_counter() - t0
    accepted = len(result.accepted())
    t["accepted"] = accepted
    return t


def whole(ws: Workspace) -> tuple[float, int]:
    exe = [sys.executable, "-m", "pipeline.cli", "-C", str(ws.root), "bao-cao", "--nam", str(YEAR), "--ghi-de"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t0 = time.perf_counter()
    proc = subprocess.Popen(exe, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    with PeakRSS(proc.pid) as mem:
        _, err = proc.communicate()
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"bao-cao thất bại:\n{err.decode('utf-8', 'replace')}")
    return elapsed, mem.peak


def main() -> None:
    ap = argparse.ArgumentParser(description="Đo tốc độ baocao trên N biểu mẫu sinh ngẫu nhiên (hạt giống cố định).")
    ap.add_argument("--n", type=int, action="append", help="số biểu mẫu (lặp lại được); mặc định 30, 500, 2000")
    args = ap.parse_args()
    sizes = args.n or [30, 500, 2000]
    print(f"# {dt.date.today():%Y-%m-%d} — {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} lõi, Python {platform.python_version()}")  # fmt: skip
    head = f"{'N':>6} {'đọc (s)':>8} {'tổng hợp':>9} {'báo cáo':>8} {'bao-cao':>8} {'tệp/s':>7} {'naive (s)':>10} {'× naive':>8} {'RAM MB':>7}"
    rows = []
    for n in sizes:
        ws, plan = prepare(n)
        t = stages(ws, plan)
        base = naive(ws)
        total, peak = whole(ws)
        rows.append((n, t, base, total, peak))
        print(head if len(rows) == 1 else "", end="\n" if len(rows) == 1 else "")
        print(f"{n:>6} {t['intake']:>8.2f} {t['aggregate']:>9.3f} {t['report']:>8.2f} {total:>8.2f} "
              f"{n / t['intake']:>7.0f} {base:>10.2f} {base / t['intake']:>8.1f} {peak / 2**20:>7.0f}", flush=True)  # fmt: skip
    if len(rows) >= 2 and rows[-1][0] >= 4 * rows[-2][0]:
        (n1, _, _, t1, _), (n2, _, _, t2, _) = rows[-2], rows[-1]
        print(f"\nTỷ lệ thời gian bao-cao {n2}/{n1}: {t2 / t1:.2f} (tuyến tính: {n2 / n1:.0f})")


if __name__ == "__main__":
    main()
