"""Start-up: the commands that only read the plan load no heavy library (speed is measured in bench/)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

HEAVY = ("pandas", "numpy", "matplotlib", "docxtpl", "docx", "xlsxwriter", "openpyxl", "jinja2")


def loaded_after(code: str) -> list[str]:
    """The heavy top-level modules present in sys.modules after running ``code`` in a fresh interpreter."""
    probe = code + f"\nimport json, sys\nprint(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    proc = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_importing_the_cli_loads_no_heavy_library():
    assert loaded_after("import pipeline.cli") == []


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["ke-hoach", "--nam", "2026"], ["kiem-tra", "--help"]])
def test_plan_and_help_commands_load_no_heavy_library(args):
    code = (
        "import contextlib, io\nfrom pipeline.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()):\n    assert main({args!r}) == 0"
    )
    assert loaded_after(code) == []


def test_version_is_read_from_metadata_only_when_asked():
    assert loaded_after("import pipeline, sys\nassert 'importlib.metadata' not in sys.modules") == []


def test_checking_an_inbox_of_clean_forms_loads_no_heavy_library(tmp_path):
    """Reading forms needs no workbook writer (openpyxl, numpy) nor the report's libraries; the
    feedback writer loads openpyxl only for units with errors, history workbooks only when there are."""
    from pipeline.plan import load_plan
    from pipeline.workspace import init_workspace
    from tests.filling import filled_form

    ws = init_workspace(tmp_path / "ws")
    plan = load_plan(ws.config)
    for unit in ("ktht", "xa-an-binh"):
        (ws.inbox / f"{unit}.xlsx").write_bytes(filled_form(plan, unit, 2026))
    code = (
        "import contextlib, io\nfrom pipeline.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    assert "
        f"main({['-C', str(ws.root), 'kiem-tra', '--nam', '2026']!r}) == 0"
    )
    assert loaded_after(code) == []
