"""Fuzzing campaign for the reader (issue #10): mutated forms for N minutes, findings saved.

    .venv/bin/python tools/fuzz_reader.py --minutes 10            # the seeded mutator, N minutes
    .venv/bin/pip install atheris                                   # optional: coverage guidance
    .venv/bin/python tools/fuzz_reader.py --minutes 10 --atheris   # atheris, same mutator inside

Seeds: every unit's form filled by tests/filling.py (also with Excel's printer settings and
pictures), and the real Excel workbooks of tests/data/real-excel. Mutants come from
tests/mutations.py (the CI fuzz test uses the same mutator for 300 cases). Each case is read by
``intake.read_data`` in a child process; a finding is: an exception out of the reader, a
``loi-doc`` (the last guard caught something nobody foresaw), a case over 1 s, the child's
memory growing over 100 MB, or the child dying (native crash); and each batch of 50 mutants is
then put in an inbox for ``kiem-tra`` and ``bao-cao``, which must exit 0 or 1. Findings are written to
``bench/out/fuzz/`` (the mutant .xlsx and a line in findings.jsonl); the last line printed
is the result to copy into the README.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import resource
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEAR = 2026
OUT = ROOT / "bench" / "out" / "fuzz"
REAL_EXCEL = ROOT / "tests" / "data" / "real-excel"
SLOW_SECONDS = 1.0
MEMORY_MB = 100
_PLAN = None


def seeds() -> list[bytes]:
    from pipeline.plan import load_plan
    from tests.filling import filled_form
    from tests.test_hostile_cells import with_pictures, with_printer_settings

    plan = load_plan(ROOT / "config.toml")
    forms = [filled_form(plan, u.id, YEAR) for u in plan.units]
    extra = [p.read_bytes() for p in sorted(REAL_EXCEL.glob("*.xlsx"))]
    extra += [with_printer_settings(forms[0]), with_pictures(forms[1])]
    return forms + extra


def _plan():
    global _PLAN
    if _PLAN is None:
        from pipeline.plan import load_plan

        _PLAN = load_plan(ROOT / "config.toml")
    return _PLAN


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def read_cases(cases: list[tuple[int, bytes]]) -> list[tuple[int, str, float, float]]:
    """In the child: (case, outcome, seconds, memory growth in MB) per case."""
    from pipeline.intake import read_data

    plan = _plan()
    out = []
    for i, data in cases:
        base = _maxrss_mb()
        start = time.perf_counter()
        try:
            res = read_data(data, f"fuzz-{i}.xlsx", plan, YEAR)
            outcome = res.rejection.code if res.rejection else "doc-duoc"
            if outcome == "loi-doc":
                outcome = "loi-doc: " + (res.rejection.detail.strip().splitlines() or [""])[-1]
        except BaseException as err:
            outcome = f"exception: {type(err).__name__}: {err}"[:300]
        out.append((i, outcome, time.perf_counter() - start, _maxrss_mb() - base))
    return out


def run_commands(cases: list[tuple[int, bytes]]) -> list[int]:
    """In the child: ``kiem-tra`` then ``bao-cao`` over a folder of the cases; their exit codes."""
    import contextlib
    import io
    import tempfile

    from pipeline.cli import main as baocao
    from pipeline.workspace import init_workspace

    with tempfile.TemporaryDirectory() as tmp:
        ws = init_workspace(Path(tmp) / "ws")
        for i, data in cases:
            (ws.inbox / f"fuzz-{i}.xlsx").write_bytes(data)
        codes = []
        for command in ("kiem-tra", "bao-cao"):
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                codes.append(baocao(["-C", str(ws.root), command, "--nam", str(YEAR)]))
        return codes


def _finding(kind: str, i: int, data: bytes, note: str, found: list[dict]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()[:12]
    (OUT / f"{kind}-{digest}.xlsx").write_bytes(data)
    row = {"kind": kind, "case": i, "file": f"{kind}-{digest}.xlsx", "note": note}
    found.append(row)
    with open(OUT / "findings.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"  finding {kind} (case {i}): {note}", flush=True)


def _judge(
    results: list[tuple[int, str, float, float]], batch: dict[int, bytes], found: list[dict], outcomes: dict[str, int]
) -> None:
    for i, outcome, seconds, grew in results:
        key = outcome.split(":", 1)[0]
        outcomes[key] = outcomes.get(key, 0) + 1
        if key in ("loi-doc", "exception"):
            _finding(key, i, batch[i], outcome, found)
        elif seconds > SLOW_SECONDS:
            _finding("cham", i, batch[i], f"{seconds:.2f} s ({outcome})", found)
        elif grew > MEMORY_MB:
            _finding("bo-nho", i, batch[i], f"+{grew:.0f} MB ({outcome})", found)


def campaign(minutes: float, seed: int, batch_size: int = 50) -> None:
    from tests.mutations import mutate

    warnings.simplefilter("ignore")
    pool_seeds = seeds()
    rng = random.Random(seed)
    deadline = time.monotonic() + minutes * 60
    found: list[dict] = []
    outcomes: dict[str, int] = {}
    cases = 0
    pool = ProcessPoolExecutor(max_workers=1)
    while time.monotonic() < deadline:
        batch = {cases + k: mutate(rng.choice(pool_seeds), rng) for k in range(batch_size)}
        cases += batch_size
        try:
            results = pool.submit(read_cases, list(batch.items())).result()
        except BrokenProcessPool:  # a case killed the child: find it, one case per child
            pool = ProcessPoolExecutor(max_workers=1)
            results = []
            for i, data in batch.items():
                try:
                    results += pool.submit(read_cases, [(i, data)]).result()
                except BrokenProcessPool:
                    _finding("crash", i, data, "the child process died", found)
                    pool = ProcessPoolExecutor(max_workers=1)
        _judge(results, batch, found, outcomes)
        try:
            codes = pool.submit(run_commands, list(batch.items())).result()
        except BrokenProcessPool:
            codes = [-1]
            pool = ProcessPoolExecutor(max_workers=1)
        if any(c not in (0, 1) for c in codes):  # 3: "Lỗi không mong đợi"; -1: the child died
            for i, data in batch.items():
                _finding("lenh", i, data, f"kiem-tra/bao-cao over its batch exited {codes}", found)
        if cases % 1000 == 0:
            print(f"{cases} cases, {len(found)} findings, {dict(sorted(outcomes.items()))}", flush=True)
    pool.shutdown()
    summary = {
        "date": dt.date.today().isoformat(),
        "mode": "mutator",
        "seed": seed,
        "minutes": minutes,
        "cases": cases,
        "findings": len(found),
        "outcomes": dict(sorted(outcomes.items())),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "last.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary, ensure_ascii=False))


def with_atheris(minutes: float, seed: int) -> None:
    """Coverage-guided (atheris/libFuzzer) with the structure-aware mutator as its custom mutator."""
    import atheris

    with atheris.instrument_imports(include=["pipeline"]):  # every module the reading goes through
        import pipeline.form_reader
        import pipeline.rules
        import pipeline.sheet_cells
        import pipeline.values
        import pipeline.xlsx_safety  # noqa: F401
        from pipeline.intake import read_data
    from tests.mutations import mutate

    warnings.simplefilter("ignore")
    plan = _plan()
    corpus = OUT / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for data in seeds():
        (corpus / hashlib.sha256(data).hexdigest()[:16]).write_bytes(data)

    def one_input(data: bytes) -> None:
        res = read_data(data, "fuzz.xlsx", plan, YEAR)
        if res.rejection is not None and res.rejection.code == "loi-doc":
            raise AssertionError(res.rejection.detail)

    def custom_mutator(data: bytes, max_size: int, mseed: int) -> bytes:
        out = mutate(data, random.Random(mseed ^ seed))
        return out[:max_size] if len(out) > max_size else out

    args = [
        sys.argv[0],
        str(corpus),
        f"-max_total_time={int(minutes * 60)}",
        f"-seed={seed}",
        "-max_len=4000000",
        "-timeout=5",
        "-rss_limit_mb=2048",
        f"-artifact_prefix={OUT}/",
    ]
    atheris.Setup(args, one_input, custom_mutator=custom_mutator)
    atheris.Fuzz()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--seed", type=int, default=int(time.time()) % 100_000)
    ap.add_argument("--atheris", action="store_true", help="coverage-guided with atheris (pip install atheris)")
    args = ap.parse_args()
    print(f"seed {args.seed}, {args.minutes} min, findings → {OUT}", flush=True)
    if args.atheris:
        with_atheris(args.minutes, args.seed)
    else:
        campaign(args.minutes, args.seed)


if __name__ == "__main__":
    main()
