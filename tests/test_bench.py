"""Smoke test of the benchmark: at a tiny N it runs end to end and prints its table (no timing asserts)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bench.run import HEADER
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="bench/run.py đo bằng os.wait4 và /proc (Linux, macOS)")


def number(cell: str) -> float:
    """ "1 234,5 ×" → 1234.5 (the table writes numbers the Vietnamese way)."""
    return float(cell.removesuffix(" ×").replace(" ", "").replace(",", "."))


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("bench")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--n", "4", "--lap", "2", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def table(printed: str) -> list[dict[str, str]]:
    lines = [line for line in printed.splitlines() if line.startswith("|")]
    assert printed.startswith("# ") and "lõi, Python 3." in printed.splitlines()[0]
    assert lines[0] == "| " + " | ".join(HEADER) + " |"
    assert lines[1] == "|" + "---:|" * len(HEADER)
    return [dict(zip(HEADER, (c.strip() for c in line.strip("|").split("|")), strict=True)) for line in lines[2:]]


def test_bench_prints_one_row_per_size_with_every_column(table):
    assert len(table) == 1
    row = table[0]
    assert row["N"] == "4"
    assert all(number(v) >= 0 for v in row.values())


def test_bench_ratios_are_computed_from_the_timings_in_the_same_row(table):
    row = {k: number(v) for k, v in table[0].items()}
    check, report, naive = row["`kiem-tra` cả lệnh (s)"], row["`bao-cao` cả lệnh (s)"], row["cách ngây thơ (s)"]
    assert check > 0 and report > 0 and naive > 0
    # the printed ratios are rounded from the printed (rounded) times: compare loosely
    assert row["`kiem-tra` nhanh hơn ngây thơ"] == pytest.approx(naive / check, rel=0.1, abs=0.1)
    assert row["`bao-cao` / ngây thơ"] == pytest.approx(report / naive, rel=0.1, abs=0.01)
    assert row["tệp/giây (`kiem-tra`)"] == pytest.approx(4 / check, rel=0.1, abs=1)


def test_bench_peak_memory_is_that_of_a_python_process_tree(table):
    row = {k: number(v) for k, v in table[0].items()}
    for col in ("RAM đỉnh `kiem-tra` (MB)", "RAM đỉnh `bao-cao` (MB)"):
        assert 15 <= row[col] <= 2000, col
    assert row["ms CPU/tệp (`kiem-tra`)"] > 0 and row["ms CPU/tệp (đọc)"] > 0


def test_bench_prints_the_ratio_of_each_lap(printed):
    """The median hides how far a shared machine moves from lap to lap: each lap's ratio is printed too
    (its naive loop against the median of the kiem-tra runs between its quarters)."""
    line = next(line for line in printed.splitlines() if line.startswith("`kiem-tra` nhanh hơn ngây thơ, từng lượt"))
    assert line.startswith("`kiem-tra` nhanh hơn ngây thơ, từng lượt, N = 4: ")
    laps = line.split(": ", 1)[1].split(" · ")
    assert len(laps) == 2 and all(number(lap) > 0 for lap in laps)


@pytest.mark.parametrize("n", [1, 3, 4, 30, 521])
def test_the_naive_loop_is_cut_into_parts_that_take_every_file_once_in_order(n):
    from pathlib import Path

    from bench.run import CHECKS_PER_LAP, parts

    paths = [Path(f"{i:05d}.xlsx") for i in range(n)]
    got = parts(paths, CHECKS_PER_LAP)
    assert len(got) == CHECKS_PER_LAP
    assert [p for part in got for p in part] == paths
    sizes = [len(part) for part in got]
    assert max(sizes) - min(sizes) <= 1


def test_bench_says_kiem_tra_runs_between_the_quarters_of_each_naive_loop(printed):
    assert "`kiem-tra`: 4 lần mỗi lượt, sau mỗi phần tư cách ngây thơ" in printed
