"""Fuzzing is part of the tests: 300 seeded mutants of real forms and real Excel files.

Byte flips, truncation, XML element mutations, non-finite numbers, far cells, formulas and odd
zip entries (``tests/mutations.py``). The reader must give a result for every mutant — a form
read with its findings, or a named rejection — never an exception and never the last guard's
``loi-doc`` (which would mean a case nobody foresaw). Then ``baocao kiem-tra`` and ``bao-cao``
over a folder of the mutants exit normally and leave every byte of the inbox as it was. The longer campaign is
``tools/fuzz_reader.py`` (see the README).
"""

from __future__ import annotations

import warnings
from collections import Counter
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.intake import read_data
from pipeline.model import CODES
from pipeline.plan import Plan
from pipeline.workspace import init_workspace
from tests.filling import filled_form, snapshot
from tests.mutations import mutants

YEAR = 2026
SEED = 20261201
CASES = 300
REAL_EXCEL = Path(__file__).resolve().parent / "data" / "real-excel"


def seeds(plan: Plan) -> list[bytes]:
    forms = [filled_form(plan, u, YEAR) for u in ("ktht", "xa-an-binh", "tnmt")]
    real = [p.read_bytes() for p in sorted(REAL_EXCEL.glob("*.xlsx"))]
    assert len(real) == 2
    return forms * 3 + real  # mostly forms: their mutants reach the rules, not only the zip checks


@pytest.fixture(scope="module")
def cases(kh178: Plan) -> list[bytes]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate names it is asked to write
        return mutants(seeds(kh178), CASES, SEED)


def test_mutants_are_deterministic_and_varied(kh178: Plan, cases: list[bytes]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert mutants(seeds(kh178), 5, SEED) == cases[:5]
    assert len(set(cases)) > CASES * 0.9


def test_reader_gives_a_result_for_every_mutant(kh178: Plan, cases: list[bytes]) -> None:
    outcomes: Counter[str] = Counter()
    for i, data in enumerate(cases):
        name = f"dot-bien-{i:03d}.xlsx"
        res = read_data(data, name, kh178, YEAR)  # must not raise
        if res.rejection is not None:
            assert res.submission is None and res.rejection.file == name
            assert res.rejection.code in CODES and res.rejection.code != "loi-doc", (i, res.rejection.detail)
            outcomes[res.rejection.code] += 1
        else:
            assert res.submission is not None
            assert all(p.code in CODES for p in res.submission.problems), i
            outcomes["doc-duoc"] += 1
    # the mutants reach every layer: zip checks, identification, the sheet reader and the rules
    assert outcomes["tep-hong"] > 20 and outcomes["doc-duoc"] > 50 and outcomes["khong-phai-bieu-mau"] > 20, outcomes


def test_kiem_tra_and_bao_cao_over_a_folder_of_mutants_exit_normally_and_change_nothing(
    cases: list[bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = init_workspace(tmp_path / "ws")
    for i, data in enumerate(cases):
        (ws.inbox / f"dot-bien-{i:03d}.xlsx").write_bytes(data)
    before = snapshot(ws.inbox)
    code = main(["-C", str(ws.root), "kiem-tra", "--nam", str(YEAR)])
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    assert "Lỗi không mong đợi" not in out.out + out.err and "Traceback" not in out.err
    assert main(["-C", str(ws.root), "bao-cao", "--nam", str(YEAR)]) in (0, 1)
    out = capsys.readouterr()
    assert "Lỗi không mong đợi" not in out.out + out.err
    assert snapshot(ws.inbox) == before
