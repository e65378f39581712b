"""What a clerk sees, compared whole: the demo's console output and the text of the demo's report.

The expected texts are files in tests/golden/. When a change of wording or layout is intended,
regenerate them on purpose and read the diff before committing:

    BAOCAO_GOLDEN=ghi .venv/bin/python -m pytest -q tests/test_golden.py   (or: make golden)
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from pipeline.cli import main

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
YEAR = 2026
REWRITE = os.environ.get("BAOCAO_GOLDEN") == "ghi"


def report_text(data: bytes) -> str:
    """The report as a clerk reads it: paragraphs in order, table rows as cells joined by « | »."""
    body = Document(io.BytesIO(data)).element.body

    def text(el) -> str:
        return "".join(t.text or "" for t in el.iter(qn("w:t")))

    lines = []
    for el in body:
        if el.tag == qn("w:p"):
            lines.append(text(el))
        elif el.tag == qn("w:tbl"):
            for tr in el.iter(qn("w:tr")):
                lines.append(" | ".join(" / ".join(text(p) for p in tc.iter(qn("w:p"))) for tc in tr.iter(qn("w:tc"))))
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def check(name: str, actual: str) -> None:
    path = GOLDEN / name
    if REWRITE:
        path.write_text(actual, encoding="utf-8", newline="\n")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (
        f"{name} khác bản mẫu; nếu thay đổi là cố ý: BAOCAO_GOLDEN=ghi pytest tests/test_golden.py"
    )


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Path]:
    folder = tmp_path_factory.mktemp("golden")
    old = Path.cwd()
    os.chdir(folder)
    try:
        with pytest.MonkeyPatch.context() as mp:
            screen = io.StringIO()  # stdout and stderr as the terminal shows them, interleaved
            mp.setattr(sys, "stdout", screen)
            mp.setattr(sys, "stderr", screen)
            code = main(["demo", "demo", "--nam", str(YEAR)])
    finally:
        os.chdir(old)
    return code, screen.getvalue(), folder / "demo"


def test_demo_console_output_is_the_golden_text(demo_run: tuple[int, str, Path]) -> None:
    code, screen, _ = demo_run
    assert code == 0
    check("demo-console.txt", screen)


def test_demo_report_text_is_the_golden_text(demo_run: tuple[int, str, Path]) -> None:
    folder = demo_run[2]
    data = (folder / "outbox" / f"bao-cao-{YEAR}" / f"bao-cao-{YEAR}.docx").read_bytes()
    check("demo-report.txt", report_text(data))


def test_the_readme_prints_the_golden_demo_output() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    golden = (GOLDEN / "demo-console.txt").read_text(encoding="utf-8")
    assert f"```text\n{golden}```" in readme
