"""The sheet index (cells decoded only when looked at) gives what the full sheet reader gives.

``sheet_index.index_sheet`` takes only sheets in the canonical shape and hands every other one to
``sheet_cells.read_sheet``. These tests hold it to that: on our forms, real Excel files and the
seeded fuzz corpus, every sheet it indexes has the same values and facts, cell for cell, as the
full reader's; it never indexes a sheet the full reader would reject or warn about; and reading
a whole file gives the same result with the index as without it.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import sheet_index
from pipeline.form_reader import Grids, layout_area
from pipeline.intake import read_data
from pipeline.plan import Plan
from pipeline.sheet_cells import read_sheet
from pipeline.sheet_index import SheetIndex, index_sheet, shared_strings
from pipeline.xlsx_safety import Rejected, open_package
from tests.filling import filled_form
from tests.mutations import mutants

YEAR = 2026
REAL_EXCEL = Path(__file__).resolve().parent / "data" / "real-excel"


@pytest.fixture(scope="module")
def corpus(kh178: Plan) -> list[bytes]:
    forms = [filled_form(kh178, u, YEAR) for u in ("ktht", "xa-an-binh", "tnmt", "mttq")]
    real = [p.read_bytes() for p in sorted(REAL_EXCEL.glob("*.xlsx"))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return forms + real + mutants(forms * 2 + real, 400, 15_12_2026)


def test_our_forms_are_indexed_not_decoded_whole(kh178: Plan) -> None:
    pkg = open_package(filled_form(kh178, "ktht", YEAR), "ktht.xlsx")
    grids = Grids(pkg, layout_area(kh178), "ktht.xlsx")
    assert {name: type(sheet).__name__ for name, sheet in grids.sheets.items()} == {
        "Thông tin": "SheetIndex",
        "Chỉ tiêu": "SheetIndex",
        "Nhiệm vụ": "SheetIndex",
        "_id": "SheetIndex",
    }


def test_every_indexed_sheet_reads_as_the_full_reader_reads_it(kh178: Plan, corpus: list[bytes]) -> None:
    area = layout_area(kh178)
    indexed = full = 0
    for i, data in enumerate(corpus):
        try:
            pkg = open_package(data, "x.xlsx")
            parts = pkg.sheet_parts()
            percent, dates = pkg.percent_styles(), pkg.date_styles()
        except Rejected:
            continue
        for name, part in parts.items():
            if part not in pkg.parts:
                continue
            try:
                strings = shared_strings(pkg, "x.xlsx", area.max_cells)
            except Rejected:
                continue
            try:
                expected = read_sheet(pkg, part, area, strings, percent, dates, name, "x.xlsx")
            except Rejected as rej:
                with pytest.raises(Rejected) as got:
                    index_sheet(
                        pkg, part, area, shared_strings(pkg, "x.xlsx", area.max_cells), percent, dates, name, "x.xlsx"
                    )
                assert got.value.problem == rej.problem, i
                full += 1
                continue
            sheet = index_sheet(
                pkg, part, area, shared_strings(pkg, "x.xlsx", area.max_cells), percent, dates, name, "x.xlsx"
            )
            if isinstance(sheet, SheetIndex):
                indexed += 1
                assert (sheet.rows, sheet.facts) == (expected.rows, expected.facts), (i, name)
                assert (sheet.outside, sheet.outside_count, sheet.twice) == ([], 0, []), (i, name)
                assert (expected.outside, expected.outside_count, expected.twice) == ([], 0, []), (i, name)
                for r, row in enumerate(expected.rows):  # and cell by cell, through the lookups the reader uses
                    for c, value in enumerate(row):
                        assert sheet.value(r, c) == value, (i, name, r, c)
                assert [h for h in sheet.head(15) if h[2] != ""] == [h for h in expected.head(15) if h[2] != ""], i
                assert [(r, v) for r, v in sheet.column_a() if v != ""] == [
                    (r, v) for r, v in expected.column_a() if v != ""
                ], (i, name)
            else:
                full += 1
    assert indexed > 1000 and full > 100, (indexed, full)  # both paths are exercised


def test_reading_a_file_gives_the_same_result_with_or_without_the_index(
    kh178: Plan, corpus: list[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = [read_data(data, f"f{i}.xlsx", kh178, YEAR) for i, data in enumerate(corpus)]
    monkeypatch.setattr(sheet_index, "canonical_cells", lambda text, area, strings: None)
    slow = [read_data(data, f"f{i}.xlsx", kh178, YEAR) for i, data in enumerate(corpus)]
    for i, (a, b) in enumerate(zip(fast, slow, strict=True)):
        assert a == b, i
    assert sum(r.submission is not None for r in fast) > 100


# --------------------------------------------------------------------------- every cell type, generated

ODD = [
    "",
    " ",
    "0",
    " 12 ",
    "12.5",
    "-3",
    "1e999",
    "NaN",
    "inf",
    "1E+2",
    "46351",
    "46351.5",
    "2026-11-25",
    "2026-11-25T08:30:00",
    " true ",
    "1",
    "0",
    "TRUE",
    "#DIV/0!",
    " #N/A ",
    "x",
    "&amp;",
    "&#272;&#417;n",
    "&#0;",
    "&lt;b&gt;",
    "3",
    " 3",
    "٣",
    "99",
]
STRINGS = ["Đơn vị", "ct.so_cuoc", "Mã biểu mẫu: KH178-2021/ktht/2026/v1", "", " a "]


@st.composite
def canonical_sheet(draw: st.DrawFn) -> str:
    cells = draw(
        st.lists(
            st.tuples(
                st.sampled_from("ABCEFH"),
                st.integers(1, 20),
                st.sampled_from(["", "0", "1", "2", "7"]),
                st.sampled_from(["", "s", "n", "str", "inlineStr", "b", "e", "d"]),
                st.sampled_from(["none", "v", "is", "is-kept", "rich", "empty-v"]),
                st.sampled_from(ODD),
            ),
            max_size=25,
            unique_by=lambda c: (c[0], c[1]),
        )
    )
    xml = []
    for col, row, style, kind, body, value in cells:
        attrs = f' r="{col}{row}"' + (f' s="{style}"' if style else "") + (f' t="{kind}"' if kind else "")
        inner = {
            "none": None,
            "v": f"<v>{value}</v>",
            "empty-v": "<v></v>",
            "is": f"<is><t>{value}</t></is>",
            "is-kept": f'<is><t xml:space="preserve">{value}</t></is>',
            "rich": f'<is><r><t xml:space="preserve">{value}</t></r><r><t>b</t></r></is>',
        }[body]
        xml.append(f"<c{attrs}/>" if inner is None else f"<c{attrs}>{inner}</c>")
    return f'<worksheet><sheetData><row r="1">{"".join(xml)}</row></sheetData></worksheet>'


@settings(max_examples=400, deadline=None)
@given(canonical_sheet(), st.booleans())
def test_every_cell_type_and_odd_value_reads_as_the_full_reader_reads_it(xml: str, date1904: bool) -> None:
    from pipeline.sheet_cells import Area
    from pipeline.sheet_index import SharedStrings
    from pipeline.xlsx_safety import Package

    wb = f'<workbook><workbookPr date1904="{int(date1904)}"/></workbook>'.encode()
    pkg = Package({"xl/worksheets/sheet1.xml": xml.encode(), "xl/workbook.xml": wb})
    area, percent, dates = Area(1000, 26), frozenset({1}), frozenset({2, 7})
    strings = SharedStrings([f"<t>{s}</t>" for s in STRINGS])
    args = (pkg, "xl/worksheets/sheet1.xml", area, strings, percent, dates, "Chỉ tiêu", "x.xlsx")
    try:
        expected = read_sheet(*args)
    except Rejected as rej:
        with pytest.raises(Rejected) as got:
            index_sheet(*args)
        assert got.value.problem == rej.problem
        return
    sheet = index_sheet(*args)
    assert (sheet.rows, sheet.facts, sheet.outside, sheet.twice) == (
        expected.rows,
        expected.facts,
        expected.outside,
        expected.twice,
    )


# whole references, the longest ones the pattern takes and one digit more
WHOLE_REFERENCES = ["&#", "&amp;", "&#x1ebf;", "&#x0001F600;", "&#0000007871;", "&#00000007871;", "\x01", "ế", " "]
REFERENCE_PIECES = ["&", "#", "x", "X", ";", "amp", "lt", "gt", "quot", "apos", "a", "7871", "1F600", "0", "55296"]


@settings(max_examples=2_000, deadline=None)
@given(st.lists(st.sampled_from([*REFERENCE_PIECES, *WHOLE_REFERENCES]), max_size=20))
def test_references_in_text_read_as_the_xml_rules_say(pieces: list[str]) -> None:
    """``_unescape`` (split on "&", no call per reference) reads exactly what one substitution of the
    reference pattern reads: numeric and the five named references, anything else kept as written."""
    from pipeline.sheet_cells import _ENTITY, _T, _entity, _unescape, rich_text
    from pipeline.xlsx_safety import xml_safe

    text = "".join(pieces)
    assert _unescape(text) == xml_safe(_ENTITY.sub(_entity, text))
    for body in (f"<is><t>{text}</t></is>", f'<t xml:space="preserve">{text}</t>'):  # one run: the fast way
        assert rich_text(body) == "".join(_unescape(m[1] or "") for m in _T.finditer(body))


def sheet_args(xml: bytes, cols: int = 26) -> tuple:
    """``index_sheet``/``read_sheet`` arguments for one sheet part, no shared strings, no special styles."""
    from pipeline.sheet_cells import Area
    from pipeline.sheet_index import SharedStrings
    from pipeline.xlsx_safety import Package

    pkg = Package({"xl/worksheets/sheet1.xml": xml, "xl/workbook.xml": b"<workbook/>"})
    return (
        pkg,
        "xl/worksheets/sheet1.xml",
        Area(100, cols),
        SharedStrings([]),
        frozenset(),
        frozenset(),
        "Chỉ tiêu",
        "x",
    )


def test_column_a_reads_top_to_bottom_however_the_rows_were_written() -> None:
    rows = [f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>k.{r}</t></is></c><c r="B{r}"/></row>' for r in (9, 2, 5)]
    args = sheet_args(f"<worksheet><sheetData>{''.join(rows)}</sheetData></worksheet>".encode())
    sheet = index_sheet(*args)
    assert isinstance(sheet, SheetIndex)
    full = [(r, key) for r, key in read_sheet(*args).column_a() if key != ""]  # (it lists blank rows too)
    assert sheet.column_a() == full == [(1, "k.2"), (4, "k.5"), (8, "k.9")]


def test_a_text_naming_the_sheet_data_tag_does_not_end_the_sheet() -> None:
    """The cells run to the last "sheetData" (the closing tag), not to the first: a unit's text that
    says "sheetData" (an inline string holds it as written) does not hide the cells after it."""
    cells = (
        '<c r="A1" t="inlineStr"><is><t>k.1</t></is></c>'
        '<c r="F1" t="inlineStr"><is><t>Đã sửa thẻ sheetData trong tệp</t></is></c>'
        '<c r="A2" t="inlineStr"><is><t>k.2</t></is></c><c r="E2"><v>7</v></c>'
    )
    args = sheet_args(f"<worksheet><sheetData><row r='1'>{cells}</row></sheetData><pageMargins/></worksheet>".encode())
    for sheet in (index_sheet(*args), read_sheet(*args)):
        assert sheet.value(0, 5) == "Đã sửa thẻ sheetData trong tệp"
        assert sheet.value(1, 4) == 7.0
        assert [key for _, key in sheet.column_a() if key] == ["k.1", "k.2"]
    assert isinstance(index_sheet(*args), SheetIndex)


@settings(max_examples=200, deadline=None)
@given(st.permutations([(r, c) for r in (1, 2, 3, 12, 16) for c in ("A", "B", "Z", "AA")]), st.integers(0, 20))
def test_head_gives_the_first_rows_in_reading_order_however_the_cells_were_written(
    cells: list[tuple[int, str]], keep: int
) -> None:
    """Rows in order, and in each row B before Z before AA, whether the file wrote them so or not."""
    cells = cells[: max(keep, 1)]
    if keep % 2:  # half the cases in the order Excel writes them
        cells = sorted(cells, key=lambda rc: (rc[0], len(rc[1]), rc[1]))
    xml = "".join(f'<c r="{c}{r}" t="inlineStr"><is><t>{c}{r}</t></is></c>' for r, c in cells)
    args = sheet_args(f"<worksheet><sheetData><row>{xml}</row></sheetData></worksheet>".encode(), cols=27)
    sheet = index_sheet(*args)
    assert isinstance(sheet, SheetIndex)
    expected = [(r, c, v) for r, c, v in read_sheet(*args).head(15) if v != ""]
    assert list(sheet.head(15)) == expected
    assert [v for *_, v in expected] == [
        f"{c}{r}" for r, c in sorted(cells, key=lambda rc: (rc[0], len(rc[1]), rc[1])) if r <= 15
    ]
