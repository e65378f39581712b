"""The README stays true: every problem code is explained, and its commands exist."""

from __future__ import annotations

import re

from pipeline.model import CODES
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_problem_code_is_explained_in_the_readme():
    explained = set(re.findall(r"^\| `([a-z0-9-]+)` \|", README, flags=re.MULTILINE))
    assert set(CODES) <= explained, sorted(set(CODES) - explained)
    assert explained <= set(CODES), sorted(explained - set(CODES))


def test_the_first_two_commands_are_make_demo_and_make_test():
    first_block = README.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert commands == ["make demo", "make test"]


def test_ci_runs_the_readme_test_command_then_checks_the_one_file_program():
    """CI ends with `make test` (the README's command) and then `make exe-check`, which builds the
    PyInstaller program the README offers as the one download and runs it alone on a clean PATH."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for line in ci.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert commands[-2:] == ["make test", "make exe-check"]
    assert "`make exe`" in README and "tools/build_exe.py" in README
