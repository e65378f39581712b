"""Benchmark: `kiem-tra` and `bao-cao` as whole processes against the naive loop, on N forms.

    python bench/run.py                         # N = 30, 520, 2000; 3 rounds each
    python bench/run.py --n 520 --n 2000 --lap 5

Forms are generated once per N with a fixed seed (cached under bench/out/, or --out) and
spread over the units; beyond one district the plan is copied for several districts, each with
its own unit ids and `dia_ban`. In the same run, over the same files, round after round:

- the naive loop: `pandas.read_excel(path, sheet_name=None)` (openpyxl) on every file, inside
  this process (pandas already imported: its start-up is not counted against it), timed in
  quarters with a `baocao kiem-tra` run after each, so that the two are timed over the same
  minutes of a machine whose speed moves (a run of kiem-tra is ~1/25 of a naive loop);
- `baocao bao-cao` once a round; both commands as whole processes (start-up, pool and output
  included);

the table gives the median of the rounds (of kiem-tra: of all its runs). The stages (read on
one core, aggregate, report) are timed in-process once. CPU time of a whole process (its pool
workers included) comes from os.wait4; peak memory is the summed RSS of the command's process
tree, sampled every 10 ms from /proc (Linux; pages shared between the parent and its forked
workers are counted in each, so this is an upper bound; ru_maxrss is not used: after fork +
exec Linux counts the parent's size in it), in one more run of each command after the timed
ones (the sampling thread would take CPU from the timed runs). The package's bytecode is
compiled first, as an installation has it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import math
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
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


def prepare(n: int, out: Path = OUT) -> tuple[Workspace, Plan]:
    """A workspace with n filled forms in inbox/, generated once and cached under ``out``."""
    per_district = len(load_plan(ROOT / "config.toml").units)
    districts = max(1, math.ceil(n / per_district)) if n > per_district * 1.25 else 1
    root = out / f"n{n}"
    ws = Workspace(root)
    done = root / ".complete"
    config = scaled_config(districts)
    stamp = hashlib.sha256(config.encode()).hexdigest()
    if not done.exists() or done.read_text() != stamp:  # generated for another plan: again
        shutil.rmtree(root, ignore_errors=True)
        (root / "inbox").mkdir(parents=True)
        shutil.copytree(ROOT / "templates", root / "templates")
        (root / "config.toml").write_text(config, encoding="utf-8")
        plan = load_plan(ws.config)
        units = [u.id for u in plan.units]
        jobs = [(ws.config, units[i % len(units)], i) for i in range(n)]
        t0 = time.perf_counter()
        with ProcessPoolExecutor(max_workers=min(os.cpu_count() or 1, max(1, n // 8))) as pool:
            for i, (unit_id, data, mtime) in enumerate(pool.map(_one_form, jobs, chunksize=8)):
                path = ws.inbox / f"{i:05d}-{unit_id}.xlsx"
                path.write_bytes(data)
                os.utime(path, (mtime, mtime))
        done.write_text(stamp)
        print(f"  (đã sinh {n} biểu mẫu trong {time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    return ws, load_plan(ws.config)


class PeakRSS:
    """Summed RSS of a process and all its descendants, sampled every 10 ms (Linux /proc)."""

    def __init__(self, pid: int, sample: bool = True) -> None:
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run if sample else self._stop.wait, daemon=True)

    def _tree(self) -> list[int]:
        pids, frontier = [self.pid], [self.pid]
        while frontier:
            pid = frontier.pop()
            try:
                tasks = os.listdir(f"/proc/{pid}/task")
            except OSError:
                continue
            for tid in tasks:  # children are listed under the thread that started them
                try:
                    kids = [int(k) for k in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()]
                except OSError:
                    continue
                pids += kids
                frontier += kids
        return pids

    def sample(self) -> None:
        total = 0
        for pid in self._tree():
            try:
                with open(f"/proc/{pid}/statm", "rb") as fh:
                    total += int(fh.read().split()[1]) * PAGE
            except (OSError, IndexError, ValueError):
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


PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass
class Run:
    """One whole process: wall seconds, CPU seconds (its children included), peak bytes."""

    wall: float
    cpu: float
    peak: int


def command(ws: Workspace, *args: str, memory: bool = False) -> Run:
    """Run ``baocao -C <ws> <args>`` the way a clerk does (a fresh interpreter, the installed entry point).

    With ``memory``, the process tree's RSS is sampled meanwhile (``peak``); timed runs go without:
    the sampling thread takes CPU from a command that uses both cores (~10 % slower at 2 000 files)."""
    script = Path(sys.executable).with_name("baocao")
    exe = (
        [str(script)]
        if script.is_file()
        else [sys.executable, "-c", "import sys; from pipeline.cli import main; sys.exit(main())"]
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with open(os.devnull, "wb") as null, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([*exe, "-C", str(ws.root), *args], stdout=null, stderr=err, env=env)
        with PeakRSS(proc.pid, sample=memory) as mem:
            _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(
                f"baocao {' '.join(args)} thất bại ({proc.returncode}):\n{err.read().decode('utf-8', 'replace')}"
            )
    # Not ru_maxrss: after fork/vfork + exec, Linux counts the parent's (this bench's) size in it.
    return Run(wall, usage.ru_utime + usage.ru_stime, mem.peak)


CHECKS_PER_LAP = 4  # kiem-tra runs in a lap, one after each quarter of the naive loop


def parts(paths: list[Path], k: int) -> list[list[Path]]:
    """``paths`` in ``k`` runs of consecutive files, in order, sizes differing by one at most."""
    return [paths[i * len(paths) // k : (i + 1) * len(paths) // k] for i in range(k)]


def naive(paths: list[Path]) -> float:
    import pandas as pd

    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in paths:
            pd.read_excel(path, sheet_name=None, engine="openpyxl")
    return time.perf_counter() - t0


def stages(ws: Workspace) -> dict[str, float]:
    """The library's stages in this process, through the same call as `bao-cao` (``run.report``), intake on one
    core: read (wall and CPU), aggregate, report; each stage's end is told by ``on_stage``."""
    from pipeline import run

    marks: dict[str, tuple[float, float]] = {}

    def mark(stage: str) -> None:
        marks[stage] = (time.perf_counter(), time.process_time())

    r = run.report(ws, YEAR, overwrite=True, workers=1, on_stage=mark)
    (t0, c0), (t1, c1) = marks[run.START], marks[run.READ]
    return {
        "intake": t1 - t0,
        "intake_cpu": c1 - c0,
        "aggregate": marks[run.AGGREGATE][0] - marks[run.FEEDBACK][0],
        "report": marks[run.WRITE][0] - marks[run.AGGREGATE][0],
        "accepted": len(r.checked.intake.accepted()),
    }


@dataclass
class Row:
    n: int
    stages: dict[str, float]
    naive: list[float] = field(default_factory=list)
    check: list[Run] = field(default_factory=list)
    report: list[Run] = field(default_factory=list)
    peaks: tuple[int, int] = (0, 0)  # bytes: kiem-tra, bao-cao (one run each, sampled)

    def median(self, runs: list[Run], attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in runs)

    def cells(self) -> list[str]:
        naive = statistics.median(self.naive)
        check, report = self.median(self.check, "wall"), self.median(self.report, "wall")
        return [
            f"{self.n:,}".replace(",", " "),
            num(self.stages["intake"], 2),
            num(1000 * self.stages["intake_cpu"] / self.n, 2),
            num(self.stages["aggregate"], 3),
            num(self.stages["report"], 2),
            num(check, 2),
            num(1000 * self.median(self.check, "cpu") / self.n, 2),
            num(self.n / check, 0),
            num(report, 2),
            num(naive, 2),
            num(naive / check, 1) + " ×",
            num(report / naive, 3),
            num(self.peaks[0] / 2**20, 0),
            num(self.peaks[1] / 2**20, 0),
        ]


HEADER = [
    "N",
    "đọc, 1 lõi (s)",
    "ms CPU/tệp (đọc)",
    "tổng hợp (s)",
    "lập báo cáo (s)",
    "`kiem-tra` cả lệnh (s)",
    "ms CPU/tệp (`kiem-tra`)",
    "tệp/giây (`kiem-tra`)",
    "`bao-cao` cả lệnh (s)",
    "cách ngây thơ (s)",
    "`kiem-tra` nhanh hơn ngây thơ",
    "`bao-cao` / ngây thơ",
    "RAM đỉnh `kiem-tra` (MB)",
    "RAM đỉnh `bao-cao` (MB)",
]


def num(value: float, digits: int) -> str:
    """Vietnamese decimal comma, as in the README: 1234.5 → "1 234,5"."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",")


def markdown(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---:|" * len(HEADER)]
    lines += ["| " + " | ".join(r.cells()) + " |" for r in rows]
    return "\n".join(lines)


def machine() -> str:
    try:
        with open("/proc/loadavg") as fh:
            load = "tải trung bình " + ", ".join(fh.read().split()[:3]).replace(".", ",")
    except OSError:
        load = ""
    cpu = platform.processor() or platform.machine()
    return (
        f"{dt.datetime.now():%d/%m/%Y %H:%M}, {platform.system()} {cpu}, {os.cpu_count()} lõi, "
        f"Python {platform.python_version()}" + (f"; {load} lúc bắt đầu" if load else "")
    )


def compiled() -> None:
    """The package's bytecode written, as an installation has it (pip compiles on install, the .exe
    carries it): with PYTHONDONTWRITEBYTECODE set (CI images, some sandboxes) each start would
    otherwise compile every module again, ~0,1 s that no user's start pays."""
    import compileall

    compileall.compile_dir(ROOT / "pipeline", quiet=1)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Đo tốc độ baocao trên N biểu mẫu sinh ngẫu nhiên (hạt giống cố định).")
    ap.add_argument("--n", type=int, action="append", help="số biểu mẫu (lặp lại được); mặc định 30, 520, 2000")
    ap.add_argument("--lap", type=int, default=3, help="số lượt đo mỗi N (lấy trung vị); mặc định 3")
    ap.add_argument("--out", type=Path, default=OUT, help="thư mục giữ các biểu mẫu đã sinh (mặc định bench/out)")
    args = ap.parse_args(argv)
    sizes = args.n or [30, 520, 2000]
    compiled()
    print(f"# {machine()}", flush=True)
    rows: list[Row] = []
    for n in sizes:
        ws, plan = prepare(n, args.out)
        row = Row(n, stages(ws))
        paths = sorted(ws.inbox.rglob("*.xlsx"))
        k = CHECKS_PER_LAP
        for _ in range(max(1, args.lap)):  # round after round, so a busy moment hits every column alike
            # the naive loop in quarters, a kiem-tra run after each: both timed over the same minutes
            lap = 0.0
            for part in parts(paths, k):
                lap += naive(part)
                row.check.append(command(ws, "kiem-tra", "--nam", str(YEAR)))
            row.naive.append(lap)
            row.report.append(command(ws, "bao-cao", "--nam", str(YEAR), "--ghi-de"))
        row.peaks = (  # memory in runs of their own, so the sampling does not slow the timed ones
            command(ws, "kiem-tra", "--nam", str(YEAR), memory=True).peak,
            command(ws, "bao-cao", "--nam", str(YEAR), "--ghi-de", memory=True).peak,
        )
        rows.append(row)
        print(f"  N = {n}: xong ({len(row.naive)} lượt)", file=sys.stderr, flush=True)
    print()
    print(markdown(rows))
    print()
    for row in rows:  # the ratio lap by lap (each lap's naive loop and the kiem-tra runs between its quarters)
        k = CHECKS_PER_LAP
        checks = [row.check[i * k : (i + 1) * k] for i in range(len(row.naive))]
        laps = " · ".join(
            num(naive / row.median(runs, "wall"), 1) + " ×" for naive, runs in zip(row.naive, checks, strict=True)
        )
        print(f"`kiem-tra` nhanh hơn ngây thơ, từng lượt, N = {num(row.n, 0)}: {laps}")
    big = [r for r in rows if r.n >= 4 * rows[0].n]
    if len(rows) >= 2 and big:
        a, b = rows[-2], rows[-1]
        ta, tb = a.median(a.report, "wall"), b.median(b.report, "wall")
        print(
            f"\nThời gian `bao-cao` với N = {b.n} bằng {num(tb / ta, 2)} lần với N = {a.n} "
            f"(tỷ lệ số tệp: {num(b.n / a.n, 2)})."
        )
    print(
        f"\nTrung vị của {max(1, args.lap)} lượt (`kiem-tra`: {CHECKS_PER_LAP} lần mỗi lượt, sau mỗi phần tư cách "
        "ngây thơ); RAM: tổng RSS cây tiến trình (/proc, mỗi 10 ms), đo trong một lần chạy riêng của mỗi lệnh."
    )


if __name__ == "__main__":
    main()
