"""run.py: one library call per command, the same call for the CLI, the demo and the benchmark."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pipeline import run
from pipeline.model import HAS_ERRORS, LATE, MISSING, SUBMITTED
from pipeline.workspace import Workspace

from .conftest import ROOT

YEAR = 2026


def _functions(path: Path) -> dict[str, ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


def _run_calls(func: ast.FunctionDef) -> list[str]:
    """``run.<name>(…)`` calls in ``func``, sorted."""
    return sorted(
        n.func.attr
        for n in ast.walk(func)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and isinstance(n.func.value, ast.Name)
        and n.func.value.id == "run"
    )


def _imports(func: ast.FunctionDef) -> set[str]:
    return {n.module or "" for n in ast.walk(func) if isinstance(n, ast.ImportFrom)}


def test_each_cli_command_is_one_call_into_run_and_imports_only_printing() -> None:
    functions = _functions(ROOT / "pipeline" / "cli.py")
    calls = {
        name: _run_calls(functions[name])
        for name in ("ke_hoach", "tao_mau", "kiem_tra", "bao_cao", "nhac_nop", "lich_su", "so_ket", "demo")
    }
    assert calls == {
        "ke_hoach": ["plan_for"],
        "tao_mau": ["forms"],
        "kiem_tra": ["check"],
        "bao_cao": ["report"],
        "nhac_nop": ["reminder"],
        "lich_su": ["history", "history_template"],  # --mau or the table
        "so_ket": ["review"],
        "demo": ["demo"],
    }
    printing = {"display", "reminder"}  # text builders (describe_*, paste_text)
    assert all(_imports(functions[name]) <= printing for name in calls)


def test_the_benchmark_times_the_stages_through_the_same_call_as_bao_cao() -> None:
    stages = _functions(ROOT / "bench" / "run.py")["stages"]
    assert _run_calls(stages) == ["report"]
    assert _imports(stages) == {"pipeline"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> run.Reported:
    seen: list[str] = []
    r = run.demo(
        tmp_path_factory.mktemp("demo") / "demo",
        YEAR,
        ROOT,
        ready=lambda ws: seen.append("ready"),
        checked=lambda c: seen.append(f"checked {len(c.intake.statuses)}"),
    )
    assert seen == ["ready", "checked 31"]
    return r


def _states(statuses: list) -> dict[str, int]:
    return {k: sum(1 for s in statuses if s.state == k) for k in (SUBMITTED, LATE, HAS_ERRORS, MISSING)}


def test_demo_returns_the_report_it_made(demo: run.Reported) -> None:
    ws = demo.checked.ws
    assert demo.files.docx == ws.outbox / "bao-cao-2026" / "bao-cao-2026.docx" and demo.files.docx.is_file()
    assert _states(demo.checked.intake.statuses) == {SUBMITTED: 26, LATE: 1, HAS_ERRORS: 1, MISSING: 3}
    assert [p.name for p in demo.checked.feedback] == ["xa-my-hiep.xlsx"]
    assert demo.checked.notices == () and demo.history.empty


def test_report_tells_each_stage_in_order_and_check_reads_the_same(demo: run.Reported) -> None:
    ws = Workspace(demo.checked.ws.root)
    events: list[str] = []
    r = run.report(
        ws, YEAR, overwrite=True, workers=1, on_stage=events.append, checked=lambda c: events.append("checked")
    )
    assert events == ["start", "read", "feedback", "checked", "aggregate", "report"]
    assert list(run.STAGES) == ["start", "read", "feedback", "aggregate", "report"]
    assert r.files.docx.read_bytes() == demo.files.docx.read_bytes()  # same inbox, same bytes
    c = run.check(ws, YEAR)
    assert _states(c.intake.statuses) == _states(r.checked.intake.statuses)
    assert (c.nothing_read, c.complete) == (False, False)  # two required units missing, one with errors


def test_bao_cao_reads_the_years_before_once(demo: run.Reported, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import history

    calls: list[int] = []
    real = history.load_history
    monkeypatch.setattr(history, "load_history", lambda ws, plan, until: calls.append(until) or real(ws, plan, until))
    r = run.report(Workspace(demo.checked.ws.root), YEAR, overwrite=True, workers=1)
    assert calls == [YEAR - 1] and r.history is r.checked.history
