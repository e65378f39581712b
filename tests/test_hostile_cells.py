"""Issue #10, reader half: no single file can stop the run.

Each finding of the hostile tester (far cells, non-finite numbers, odd zip entries, binary parts
of real Excel files, cells written twice, formulas in input cells) is built here as a file and
read alone with its exact finding; then all of them lie together in one inbox next to good forms
and ``baocao bao-cao`` (through ``pipeline.cli.main``) still writes the report for the others.
A worker that dies while reading one file (a native crash) names that file and the rest is read.
"""

from __future__ import annotations

import faulthandler
import io
import json
import multiprocessing
import os
import re
import struct
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.intake import read_data, read_inbox
from pipeline.model import SUBMITTED, FileResult
from pipeline.plan import Plan
from pipeline.workspace import Workspace, init_workspace
from tests.filling import (
    cell_of,
    filled_form,
    open_form,
    rewrite_part,
    set_cached_formula,
    sheet_part,
    snapshot,
)

YEAR = 2026
MB = 1 << 20
REAL_EXCEL = Path(__file__).resolve().parent / "data" / "real-excel"  # saved by Microsoft Excel (calamine, MIT)
INPUT = "tui_nhua_cvm_goc"  # every commune reports it in 2026, in sheet «Chỉ tiêu»
BASE = "xa-tan-nghia"  # the commune most tests start from
SHEET = "Chỉ tiêu"


# --------------------------------------------------------------------------- building the files


def where(data: bytes, key: str = f"ct.{INPUT}") -> tuple[str, str]:
    c = cell_of(open_form(data), key)
    return c.parent.title, c.coordinate


def set_cell(data: bytes, sheet: str, ref: str, xml: str) -> bytes:
    """Replace the whole ``<c r=ref>`` element of ``sheet`` by ``xml``."""
    cell = re.compile(r'<c r="' + ref + r'"[^>]*?(?:/>|>.*?</c>)', re.S)

    def change(text: str) -> str:
        assert cell.search(text), ref
        return cell.sub(lambda m: xml, text, count=1)

    return rewrite_part(data, sheet_part(data, sheet), change)


def add_cell(data: bytes, sheet: str, ref: str, xml: str, dimension: str | None = None) -> bytes:
    """Add a row holding ``xml`` (a cell at ``ref``) at the end of ``sheet``'s data, and optionally declare
    the sheet's dimension as ``dimension``."""
    row = re.fullmatch(r"[A-Z]+(\d+)", ref)[1]

    def change(text: str) -> str:
        text = text.replace("</sheetData>", f'<row r="{row}">{xml}</row></sheetData>')
        if dimension:
            text = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>', text)
        return text

    return rewrite_part(data, sheet_part(data, sheet), change)


def add_parts(
    data: bytes,
    parts: dict[str, bytes],
    types: str = "",
    rels: dict[str, str] | None = None,
    workbook: tuple[str, str] | None = None,
) -> bytes:
    """Add ``parts`` to the package, ``types`` (Default/Override elements) to [Content_Types].xml,
    ``rels`` (part → Relationship elements) to existing or new .rels parts, and ``workbook``
    (before, insert) into xl/workbook.xml — the way Excel writes them."""
    rels = dict(rels or {})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "[Content_Types].xml" and types:
                body = body.replace(b"</Types>", types.encode() + b"</Types>")
            if info.filename in rels:
                body = body.replace(b"</Relationships>", rels.pop(info.filename).encode() + b"</Relationships>")
            if info.filename == "xl/workbook.xml" and workbook:
                body = body.replace(workbook[0].encode(), workbook[1].encode() + workbook[0].encode())
            dst.writestr(info, body)
        for name, body in parts.items():
            dst.writestr(name, body)
        for name, items in rels.items():
            dst.writestr(
                name,
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
                f'"http://schemas.openxmlformats.org/package/2006/relationships">{items}</Relationships>',
            )
    return out.getvalue()


REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def with_printer_settings(data: bytes) -> bytes:
    """The printer settings part a real Excel adds once a sheet is printed (issues.xlsx's own bytes)."""
    with zipfile.ZipFile(REAL_EXCEL / "issues.xlsx") as zf:
        settings = zf.read("xl/printerSettings/printerSettings1.bin")
    assert 0 in settings[:2]  # what the old reader took for UTF-16
    sheet = sheet_part(data, SHEET)
    rels = sheet.replace("worksheets/", "worksheets/_rels/") + ".rels"
    return add_parts(
        data,
        {"xl/printerSettings/printerSettings1.bin": settings},
        '<Default Extension="bin" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.printerSettings"/>',
        {
            rels: f'<Relationship Id="rId9" Type="{REL}/printerSettings" '
            'Target="../printerSettings/printerSettings1.bin"/>'
        },
    )


def emf_picture() -> bytes:
    """A small EMF (EMR_HEADER … EMR_EOF): starts 01 00 00 00 and holds bytes that are no UTF-16 at all."""
    header = struct.pack("<II", 1, 108) + struct.pack("<4i", 0, 0, 10, 10) + struct.pack("<4i", 0, 0, 264, 264)
    header += b" EMF" + struct.pack("<IIIHH", 0x10000, 108 + 20, 2, 0, 0) + bytes(108 - 60)
    body = struct.pack("<II", 0x1D, 12) + b"\x00\xd8\x00\xdc"[::-1] + b"\x00\xd8"  # a lone surrogate in UTF-16
    return header + body + struct.pack("<IIIII", 14, 20, 0, 16, 20)


def with_pictures(data: bytes) -> bytes:
    """picture.xlsx's real drawing, its JPEG, and an EMF picture, with their content types and relations."""
    with zipfile.ZipFile(REAL_EXCEL / "picture.xlsx") as zf:
        drawing = zf.read("xl/drawings/drawing1.xml")
        drawing_rels = zf.read("xl/drawings/_rels/drawing1.xml.rels")
        jpeg = zf.read("xl/media/image1.jpg")
    sheet = sheet_part(data, SHEET)
    rels = sheet.replace("worksheets/", "worksheets/_rels/") + ".rels"
    return add_parts(
        data,
        {
            "xl/drawings/drawing1.xml": drawing,
            "xl/drawings/_rels/drawing1.xml.rels": drawing_rels,
            "xl/media/image1.jpg": jpeg,
            "xl/media/image2.emf": emf_picture(),
        },
        '<Default Extension="jpg" ContentType="image/jpeg"/><Default Extension="emf" ContentType="image/x-emf"/>'
        '<Override PartName="/xl/drawings/drawing1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/>',
        {rels: f'<Relationship Id="rId8" Type="{REL}/drawing" Target="../drawings/drawing1.xml"/>'},
    )


def with_external_link(data: bytes, sheet: str, ref: str) -> bytes:
    """An input cell =[1]Sheet1!A1 and the externalLink part Excel writes for it."""
    link = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<externalLink xmlns="http://schemas.openxmlformats'
        b'.org/spreadsheetml/2006/main" xmlns:r="' + REL.encode() + b'"><externalBook r:id="rId1"><sheetNames>'
        b'<sheetName val="Sheet1"/></sheetNames><sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1">'
        b"<v>12</v></cell></row></sheetData></sheetDataSet></externalBook></externalLink>"
    )
    data = add_parts(
        data,
        {"xl/externalLinks/externalLink1.xml": link},
        '<Override PartName="/xl/externalLinks/externalLink1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>',
        {
            "xl/_rels/workbook.xml.rels": f'<Relationship Id="rId99" Type="{REL}/externalLink" '
            'Target="externalLinks/externalLink1.xml"/>',
            "xl/externalLinks/_rels/externalLink1.xml.rels": '<Relationship Id="rId1" '
            f'Type="{REL}/externalLinkPath" Target="file:///C:/bao-cao/so-lieu.xlsx" '
            'TargetMode="External"/>',
        },
        (
            "</workbook>",
            '<externalReferences><externalReference xmlns:r="' + REL + '" r:id="rId99"/></externalReferences>',
        ),
    )
    return set_cached_formula(data, sheet, ref, "[1]Sheet1!A1", 12)


def zip_version_175(data: bytes) -> bytes:
    """Every central directory entry says it needs zip version 17.5 to extract."""
    buf = bytearray(data)
    pos = buf.find(b"PK\x01\x02")
    while pos >= 0:
        struct.pack_into("<H", buf, pos + 6, 175)
        pos = buf.find(b"PK\x01\x02", pos + 4)
    return bytes(buf)


def empty_entry_name(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        dst.writestr(zipfile.ZipInfo(""), b"x")
    return out.getvalue()


def read_measured(plan: Plan, data: bytes, name: str) -> tuple[FileResult, float, int]:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        res = read_data(data, name, plan, YEAR)
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return res, seconds, peak


def findings(res: FileResult) -> list[tuple[str, str, str]]:
    assert res.submission is not None, res.rejection
    return [(p.code, p.sheet, p.cell) for p in res.submission.problems]


@pytest.fixture(scope="module")
def forms(kh178: Plan) -> dict[str, bytes]:
    return {u.id: filled_form(kh178, u.id, YEAR) for u in kh178.units}


@pytest.fixture(scope="module")
def ref(forms: dict[str, bytes]) -> str:
    sheet, cell = where(forms[BASE])
    assert sheet == SHEET
    assert all(where(forms[u]) == (SHEET, cell) for u in ("xa-an-binh", "xa-my-hiep", "xa-my-tho", "xa-gao-giong"))
    return cell


@pytest.fixture(scope="module")
def base_value(kh178: Plan, forms: dict[str, bytes]) -> float:
    return read_data(forms[BASE], "x.xlsx", kh178, YEAR).submission.values[INPUT]


# --------------------------------------------------------------------------- far cells

FAR = {"XFD1048576": "XFD1048576", "XFD30000": "XFD30000", "AAA100000": "AAA100000"}


@pytest.mark.parametrize("far", FAR)
def test_far_cell_is_ignored_with_a_warning_quickly_and_in_little_memory(
    kh178: Plan, forms: dict, far: str, base_value: float
) -> None:
    data = add_cell(forms[BASE], SHEET, far, f'<c r="{far}"><v>7</v></c>', dimension=f"A1:{far}")
    assert len(data) < 20_000
    res, seconds, peak = read_measured(kh178, data, "xa.xlsx")
    assert findings(res) == [("o-ngoai-vung", SHEET, far)]
    assert res.submission.accepted and res.submission.values[INPUT] == base_value
    assert f"ô {far}" in res.submission.problems[0].message
    assert seconds < 1 and peak < 16 * MB


def test_far_cell_written_without_a_reference_is_placed_by_its_row_and_ignored(kh178: Plan, forms: dict) -> None:
    data = add_cell(forms[BASE], SHEET, "A1048576", "<c><v>7</v></c><c><v>8</v></c>")
    res, seconds, peak = read_measured(kh178, data, "xa.xlsx")
    assert findings(res) == [("o-ngoai-vung", SHEET, "A1048576")]
    assert "và 1 ô khác" in res.submission.problems[0].message
    assert seconds < 1 and peak < 16 * MB


def test_tens_of_thousands_of_far_cells_cost_one_pass_and_one_warning(kh178: Plan, forms: dict) -> None:
    many = "".join(f'<c r="XFD{r}"><v>1</v></c>' for r in range(2000, 2000 + 40_000))
    data = add_cell(forms[BASE], SHEET, "XFD2000", many)
    start = time.perf_counter()
    res = read_data(data, "xa.xlsx", kh178, YEAR)
    seconds = time.perf_counter() - start  # without tracemalloc, which slows every allocation
    assert findings(res) == [("o-ngoai-vung", SHEET, "XFD2000")]
    assert "và 39.999 ô khác" in res.submission.problems[0].message
    assert seconds < 1.5 and read_measured(kh178, data, "xa.xlsx")[2] < 100 * MB


def test_sheet_with_more_cells_than_any_form_is_rejected_by_name(kh178: Plan, forms: dict) -> None:
    many = "".join(f'<c r="B{r}"><v>1</v></c>' for r in range(2000, 2000 + 60_000))
    data = add_cell(forms[BASE], SHEET, "B2000", many)
    res, seconds, peak = read_measured(kh178, data, "nhieu-o.xlsx")
    assert res.submission is None and (res.rejection.code, res.rejection.file) == ("tep-qua-lon", "nhieu-o.xlsx")
    assert f"Trang «{SHEET}» có khoảng 60." in res.rejection.message and "tối đa 50.000 ô" in res.rejection.message
    assert seconds < 1 and peak < 100 * MB


def test_the_largest_sheet_allowed_is_read_within_100_mb_and_about_a_second(kh178: Plan, forms: dict) -> None:
    """Just under every limit: an 8 MB sheet part of 49 000 cells, with text outside the BMP (4 bytes a
    character once decoded), half inside the form's area (written twice), half far outside."""
    text = "🙂" + "x" * 110
    near = "".join(f'<c r="C{r % 900 + 30}" t="inlineStr"><is><t>{text}</t></is></c>' for r in range(24_500))
    far = "".join(f'<c r="XFD{r}" t="inlineStr"><is><t>{text}</t></is></c>' for r in range(2000, 26_500))
    data = add_cell(forms[BASE], SHEET, "XFD2000", near + far)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert 7 * MB < zf.getinfo(sheet_part(data, SHEET)).file_size < 8 * MB
    start = time.perf_counter()
    res = read_data(data, "lon.xlsx", kh178, YEAR)
    seconds = time.perf_counter() - start
    codes = {p.code for p in res.submission.problems}
    assert {"o-ngoai-vung", "o-trung"} <= codes
    assert seconds < 3 and read_measured(kh178, data, "lon.xlsx")[2] < 100 * MB


SST_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
PATHOLOGICAL = {  # case → (build from (form, ref), expected outcome); each took seconds to minutes before
    # found by tools/fuzz_reader.py: a 40 000-character word in [Content_Types].xml, 57 s in the attribute regex
    "long-word-in-an-xml-tag": (
        lambda d, r: add_parts(d, {}, '<Default Extension="qq" ContentType="x" ' + "Đ" * 40_000 + "/>"),
        [],
    ),
    "shared-strings-never-closed": (
        lambda d, r: add_parts(d, {"xl/sharedStrings.xml": SST + b"<si><t>x" * 40_000}, SST_TYPE),
        [],
    ),
    "too-many-shared-strings": (
        lambda d, r: add_parts(d, {"xl/sharedStrings.xml": SST + b"<si><t>x</t></si>" * 60_000}, SST_TYPE),
        "tep-qua-lon",
    ),
    "digits-then-a-letter-in-a-number-cell": (
        lambda d, r: set_cell(d, SHEET, r, f'<c r="{r}" t="inlineStr"><is><t>' + "1" * 32_000 + "x</t></is></c>"),
        ["khong-phai-so"],
    ),
    "formula-of-brackets": (lambda d, r: set_cached_formula(d, SHEET, r, "[" * 100_000, 3), ["cong-thuc-ngoai"]),
    "cell-styles-never-closed": (
        lambda d, r: rewrite_part(
            d, "xl/styles.xml", lambda t: t.replace("<cellXfs", "<cellXfs>" * 50_000 + "<cellXfs", 1)
        ),
        [],
    ),
}


@pytest.mark.parametrize("case", PATHOLOGICAL)
def test_input_that_made_a_pattern_quadratic_is_read_in_linear_time(
    kh178: Plan, forms: dict, ref: str, case: str
) -> None:
    build, expected = PATHOLOGICAL[case]
    data = build(forms[BASE], ref)
    start = time.perf_counter()
    res = read_data(data, "x.xlsx", kh178, YEAR)
    seconds = time.perf_counter() - start
    if isinstance(expected, str):
        assert res.submission is None and res.rejection.code == expected
    else:
        assert [p.code for p in res.submission.problems] == expected
    assert seconds < 2


# --------------------------------------------------------------------------- numbers that are not finite

NON_FINITE = ["NaN", "INF", "-inf", "1e999"]


@pytest.mark.parametrize("literal", NON_FINITE)
def test_non_finite_number_in_an_input_cell_is_an_error_at_the_cell(
    kh178: Plan, forms: dict, ref: str, literal: str
) -> None:
    data = set_cell(forms["xa-an-binh"], SHEET, ref, f'<c r="{ref}" t="n"><v>{literal}</v></c>')
    res = read_data(data, "xa.xlsx", kh178, YEAR)
    assert findings(res) == [("so-khong-hop-le", SHEET, ref)]
    problem = res.submission.problems[0]
    assert problem.is_error and "không phải là số hợp lệ" in problem.message and problem.value == literal
    assert res.submission.values[INPUT] is None


def test_number_typed_as_text_too_long_to_be_finite_is_an_error(kh178: Plan, forms: dict, ref: str) -> None:
    digits = "9" * 400
    data = set_cell(forms["xa-an-binh"], SHEET, ref, f'<c r="{ref}" t="inlineStr"><is><t>{digits}</t></is></c>')
    res = read_data(data, "xa.xlsx", kh178, YEAR)
    assert findings(res) == [("so-khong-hop-le", SHEET, ref)]


def test_nan_as_the_year_in_the_id_sheet_is_an_error_and_the_visible_code_identifies(kh178: Plan, forms: dict) -> None:
    data = set_cell(forms["tnmt"], "_id", "B4", '<c r="B4" t="n"><v>NaN</v></c>')
    res = read_data(data, "tnmt.xlsx", kh178, YEAR)
    assert res.submission.unit_id == "tnmt"
    assert findings(res) == [("so-khong-hop-le", "_id", "B4")]
    assert not res.submission.accepted


# --------------------------------------------------------------------------- zip entries, binary parts


def test_zip_entry_needing_version_17_5_is_a_damaged_file(kh178: Plan, forms: dict) -> None:
    with pytest.raises(NotImplementedError):  # what escaped before
        zipfile.ZipFile(io.BytesIO(zip_version_175(forms[BASE])))
    res = read_data(zip_version_175(forms[BASE]), "v175.xlsx", kh178, YEAR)
    assert res.submission is None and (res.rejection.code, res.rejection.file) == ("tep-hong", "v175.xlsx")


def test_zip_entry_with_an_empty_name_is_a_damaged_file(kh178: Plan, forms: dict) -> None:
    res = read_data(empty_entry_name(forms[BASE]), "rong-ten.xlsx", kh178, YEAR)
    assert res.submission is None and res.rejection.code == "tep-hong"
    assert "thành phần không tên" in res.rejection.message


def test_form_carrying_excels_printer_settings_is_read_as_valid(kh178: Plan, forms: dict, base_value: float) -> None:
    res = read_data(with_printer_settings(forms[BASE]), "in.xlsx", kh178, YEAR)
    assert findings(res) == [] and res.submission.values[INPUT] == base_value


def test_form_carrying_real_pictures_and_an_emf_is_read_as_valid(kh178: Plan, forms: dict, base_value: float) -> None:
    res = read_data(with_pictures(forms[BASE]), "anh.xlsx", kh178, YEAR)
    assert findings(res) == [] and res.submission.values[INPUT] == base_value


@pytest.mark.parametrize("name", ["issues.xlsx", "picture.xlsx"])
def test_real_excel_workbooks_are_unrelated_workbooks_not_crashes(kh178: Plan, name: str) -> None:
    res = read_data((REAL_EXCEL / name).read_bytes(), name, kh178, YEAR)
    assert res.submission is None and res.rejection.code == "khong-phai-bieu-mau"


def test_xml_part_declared_as_binary_by_its_content_type_is_not_decoded(kh178: Plan, forms: dict) -> None:
    data = add_parts(
        forms[BASE],
        {"xl/custom/blob.dat": b"\x00\xd8" * 50},
        '<Default Extension="dat" ContentType="application/octet-stream"/>',
    )
    assert findings(read_data(data, "x.xlsx", kh178, YEAR)) == []


# --------------------------------------------------------------------------- cells written twice, formulas


def test_cell_written_twice_is_an_error_at_the_cell(kh178: Plan, forms: dict, ref: str) -> None:
    data = set_cell(
        forms["xa-my-hiep"], SHEET, ref, f'<c r="{ref}" t="n"><v>300</v></c><c r="{ref}" t="n"><v>400</v></c>'
    )
    res = read_data(data, "hai-lan.xlsx", kh178, YEAR)
    assert findings(res) == [("o-trung", SHEET, ref)]
    assert not res.submission.accepted


def test_formula_in_an_input_cell_is_a_warning_naming_cell_and_formula(kh178: Plan, forms: dict, ref: str) -> None:
    res = read_data(set_cached_formula(forms[BASE], SHEET, ref, "250*2", 500), "ct.xlsx", kh178, YEAR)
    assert findings(res) == [("cong-thuc", SHEET, ref)]
    assert res.submission.values[INPUT] == 500 and res.submission.accepted
    assert "«=250*2»" in res.submission.problems[0].message


OUTSIDE = {
    "dde": ("cmd|' /C calc'!A0", "DDE"),
    "dde-excel": ("=EXCEL|'[so-lieu.xlsx]Sheet1'!R1C1", "DDE"),
    "webservice": ('WEBSERVICE("http://example.com/so-lieu")', "hàm web"),
    "filterxml": ('FILTERXML(WEBSERVICE("http://example.com/x.xml"),"//so")', "hàm web"),
}


@pytest.mark.parametrize("case", OUTSIDE)
def test_formula_reaching_outside_the_form_is_an_error_and_its_value_not_used(
    kh178: Plan, forms: dict, ref: str, case: str
) -> None:
    formula, kind = OUTSIDE[case]
    xml_formula = formula.replace("&", "&amp;").replace('"', "&quot;")
    res = read_data(set_cached_formula(forms[BASE], SHEET, ref, xml_formula, 12), "x.xlsx", kh178, YEAR)
    assert findings(res) == [("cong-thuc-ngoai", SHEET, ref)]
    problem = res.submission.problems[0]
    assert kind in problem.message and formula[:10] in problem.message
    assert res.submission.values[INPUT] is None and not res.submission.accepted


def test_external_link_to_another_workbook_is_an_error(kh178: Plan, forms: dict, ref: str) -> None:
    res = read_data(with_external_link(forms[BASE], SHEET, ref), "lien-ket.xlsx", kh178, YEAR)
    assert findings(res) == [("cong-thuc-ngoai", SHEET, ref)]
    assert (
        "liên kết ngoài" in res.submission.problems[0].message and "[1]Sheet1!A1" in res.submission.problems[0].message
    )


def test_control_characters_in_cells_never_reach_the_writers(
    kh178: Plan, forms: dict, ref: str, tmp_path: Path
) -> None:
    """XML 1.0 cannot hold U+0001 or U+0000: typed as a reference or raw, they stopped kiem-tra (found while
    fuzzing this issue: openpyxl refused the feedback workbook)."""
    data = set_cell(forms[BASE], SHEET, ref, f'<c r="{ref}" t="inlineStr"><is><t>5&#1;x\x00</t></is></c>')
    res = read_data(data, "ky-tu.xlsx", kh178, YEAR)
    assert [(p.code, p.value) for p in res.submission.problems] == [("khong-phai-so", "5x")]
    ws = init_workspace(tmp_path / "ws")
    (ws.inbox / "ky-tu.xlsx").write_bytes(data)
    (ws.inbox / "tot.xlsx").write_bytes(forms["xa-an-binh"])
    assert main(["-C", str(ws.root), "kiem-tra", "--nam", str(YEAR)]) == 0
    assert main(["-C", str(ws.root), "bao-cao", "--nam", str(YEAR)]) == 0


# --------------------------------------------------------------------------- all of them in one run


def hostile_inbox(kh178: Plan, forms: dict[str, bytes], ref: str) -> dict[str, tuple[bytes, str, str | None]]:
    """File name → (bytes, unit id or "" when the file is rejected, expected code or None)."""
    c = ref
    f = forms
    return {
        "tot-xa-an-binh.xlsx": (f["xa-an-binh"], "xa-an-binh", None),
        "tot-tnmt.xlsx": (f["tnmt"], "tnmt", None),
        "xfd1048576.xlsx": (
            add_cell(f["ktht"], SHEET, "XFD1048576", '<c r="XFD1048576"><v>7</v></c>', "A1:XFD1048576"),
            "ktht",
            "o-ngoai-vung",
        ),
        "xfd30000.xlsx": (
            add_cell(f["tckh"], SHEET, "XFD30000", '<c r="XFD30000"><v>7</v></c>'),
            "tckh",
            "o-ngoai-vung",
        ),
        "aaa100000.xlsx": (
            add_cell(f["nnptnt"], SHEET, "AAA100000", '<c r="AAA100000"><v>7</v></c>'),
            "nnptnt",
            "o-ngoai-vung",
        ),
        "nan.xlsx": (set_cell(f["xa-my-tho"], SHEET, c, f'<c r="{c}"><v>NaN</v></c>'), "xa-my-tho", "so-khong-hop-le"),
        "inf.xlsx": (
            set_cell(f["xa-my-xuong"], SHEET, c, f'<c r="{c}"><v>INF</v></c>'),
            "xa-my-xuong",
            "so-khong-hop-le",
        ),
        "tru-inf.xlsx": (
            set_cell(f["xa-nhi-my"], SHEET, c, f'<c r="{c}"><v>-inf</v></c>'),
            "xa-nhi-my",
            "so-khong-hop-le",
        ),
        "1e999.xlsx": (
            set_cell(f["xa-phong-my"], SHEET, c, f'<c r="{c}"><v>1e999</v></c>'),
            "xa-phong-my",
            "so-khong-hop-le",
        ),
        "id-nan.xlsx": (set_cell(f["vhtt"], "_id", "B4", '<c r="B4"><v>NaN</v></c>'), "vhtt", "so-khong-hop-le"),
        "zip-17-5.xlsx": (zip_version_175(f["xa-ba-sao"]), "", "tep-hong"),
        "ten-rong.xlsx": (empty_entry_name(f["xa-ba-sao"]), "", "tep-hong"),
        "may-in.xlsx": (with_printer_settings(f["gddt"]), "gddt", None),
        "hinh-anh.xlsx": (with_pictures(f["yte"]), "yte", None),
        "hai-lan.xlsx": (
            set_cell(f["xa-binh-thanh"], SHEET, c, f'<c r="{c}"><v>300</v></c><c r="{c}"><v>400</v></c>'),
            "xa-binh-thanh",
            "o-trung",
        ),
        "cong-thuc.xlsx": (set_cached_formula(f["xa-gao-giong"], SHEET, c, "250*2", 500), "xa-gao-giong", "cong-thuc"),
        "dde.xlsx": (
            set_cached_formula(f["xa-my-hiep"], SHEET, c, "cmd|' /C calc'!A0", 3),
            "xa-my-hiep",
            "cong-thuc-ngoai",
        ),
        "lien-ket.xlsx": (with_external_link(f["xa-my-hoi"], SHEET, c), "xa-my-hoi", "cong-thuc-ngoai"),
        "webservice.xlsx": (
            set_cached_formula(f["xa-my-long"], SHEET, c, "WEBSERVICE(&quot;http://x.vn&quot;)", 3),
            "xa-my-long",
            "cong-thuc-ngoai",
        ),
        "issues.xlsx": ((REAL_EXCEL / "issues.xlsx").read_bytes(), "", "khong-phai-bieu-mau"),
        "picture.xlsx": ((REAL_EXCEL / "picture.xlsx").read_bytes(), "", "khong-phai-bieu-mau"),
    }


@pytest.fixture(scope="module")
def run(kh178: Plan, forms: dict, ref: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict, bool, dict]:
    ws = init_workspace(tmp_path_factory.mktemp("hostile") / "ws")
    files = hostile_inbox(kh178, forms, ref)
    for name, (data, _, _) in files.items():
        (ws.inbox / name).write_bytes(data)
    before = snapshot(ws.inbox)
    code = main(["-C", str(ws.root), "bao-cao", "--nam", str(YEAR)])
    record = json.loads(ws.run_record(YEAR).read_text(encoding="utf-8")) if ws.run_record(YEAR).is_file() else {}
    return code, record, snapshot(ws.inbox) == before, files


def test_bao_cao_over_every_hostile_file_writes_the_report_and_leaves_the_inbox(run: tuple) -> None:
    code, record, unchanged, _ = run
    assert code == 0 and unchanged
    assert record["outputs"]["docx"]["file"] == f"bao-cao-{YEAR}.docx"
    units = {u["unit"]: u for u in record["units"]}
    assert units["xa-an-binh"]["state"] == SUBMITTED and units["tnmt"]["state"] == SUBMITTED


@pytest.mark.parametrize(
    "name",
    [
        "xfd1048576.xlsx",
        "xfd30000.xlsx",
        "aaa100000.xlsx",
        "nan.xlsx",
        "inf.xlsx",
        "tru-inf.xlsx",
        "1e999.xlsx",
        "id-nan.xlsx",
        "zip-17-5.xlsx",
        "ten-rong.xlsx",
        "may-in.xlsx",
        "hinh-anh.xlsx",
        "hai-lan.xlsx",
        "cong-thuc.xlsx",
        "dde.xlsx",
        "lien-ket.xlsx",
        "webservice.xlsx",
        "issues.xlsx",
        "picture.xlsx",
    ],
)
def test_each_hostile_file_has_its_finding_in_the_run_record(run: tuple, name: str) -> None:
    _, record, _, files = run
    _, unit, code = files[name]
    if not unit:
        assert [r["problem"]["code"] for r in record["rejected_files"] if r["file"]["path"] == name] == [code]
        return
    entry = next(u for u in record["units"] if u["unit"] == unit)
    assert entry["file"]["path"] == name
    assert [p["code"] for p in entry["problems"]] == ([code] if code else [])


# --------------------------------------------------------------------------- the last guard, native crashes


def test_unexpected_error_while_reading_is_a_named_loi_doc_rejection(
    kh178: Plan, forms: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.form_reader

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("bất ngờ")

    monkeypatch.setattr(pipeline.form_reader, "read_form", broken)
    res = read_data(forms[BASE], "bat-ngo.xlsx", kh178, YEAR)
    assert res.submission is None and (res.rejection.code, res.rejection.file) == ("loi-doc", "bat-ngo.xlsx")
    assert "KeyError" in res.rejection.message and "Traceback" not in res.rejection.message
    assert "Traceback" in res.rejection.detail and "bất ngờ" in res.rejection.detail


def test_traceback_of_loi_doc_shows_only_with_debug_and_in_the_run_record(
    kh178: Plan, forms: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import pipeline.form_reader

    real = pipeline.form_reader.read_form

    def broken_for_one(data: bytes, pkg: object, prov: object, *args: object, **kwargs: object) -> object:
        if prov.path == "bat-ngo.xlsx":
            raise KeyError("bất ngờ")
        return real(data, pkg, prov, *args, **kwargs)

    monkeypatch.setattr(pipeline.form_reader, "read_form", broken_for_one)
    ws = init_workspace(tmp_path / "ws")
    (ws.inbox / "bat-ngo.xlsx").write_bytes(forms[BASE])
    (ws.inbox / "tnmt.xlsx").write_bytes(forms["tnmt"])
    assert main(["-C", str(ws.root), "kiem-tra", "--nam", str(YEAR)]) == 0
    plain = capsys.readouterr()
    assert "bat-ngo.xlsx" in plain.out and "Traceback" not in plain.out + plain.err
    assert main(["--debug", "-C", str(ws.root), "bao-cao", "--nam", str(YEAR)]) == 0
    debug = capsys.readouterr()
    assert "[--debug] bat-ngo.xlsx:" in debug.err and "KeyError: 'bất ngờ'" in debug.err
    record = json.loads(ws.run_record(YEAR).read_text(encoding="utf-8"))
    (entry,) = record["rejected_files"]
    assert entry["problem"]["code"] == "loi-doc" and "Traceback" in entry["problem"]["detail"]
    assert {u["unit"]: u["state"] for u in record["units"]}["tnmt"] == SUBMITTED


def _abort_on_boom(data: bytes, rel: str, *args: object, **kwargs: object) -> FileResult:
    if "boom" in rel:
        faulthandler.disable()  # no Python traceback dump: just die
        os.abort()  # what a native crash in a reading library does to its process
    return _REAL_READ_DATA(data, rel, *args, **kwargs)


_REAL_READ_DATA = read_data


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="the test patches forked workers")
def test_worker_that_dies_names_its_file_and_every_other_file_is_read(
    kh178: Plan, forms: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.intake

    monkeypatch.setattr(pipeline.intake, "read_data", _abort_on_boom)
    ws: Workspace = init_workspace(tmp_path / "ws")
    units = ["ktht", "tnmt", "xa-an-binh", "xa-my-hiep", "xa-my-long", "tckh"]
    for i, unit in enumerate(units):
        (ws.inbox / f"{i}-{unit}.xlsx").write_bytes(forms[unit])
    (ws.inbox / "boom.xlsx").write_bytes(forms["yte"])
    res = read_inbox(ws, kh178, YEAR, workers=2)
    assert [(prov.path, p.code) for prov, p in res.rejected] == [("boom.xlsx", "loi-doc")]
    assert "dừng đột ngột" in res.rejected[0][1].message
    states = {s.unit_id: s.state for s in res.statuses}
    assert all(states[u] == SUBMITTED for u in units) and states["yte"] == "chua-nop"


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="the test patches forked workers")
def test_the_callers_own_work_runs_once_even_when_the_first_worker_dies(
    kh178: Plan, forms: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``while_reading`` is called after the first task comes back; when that task kills its worker, it is
    called once all the same (``run`` takes the years before from it)."""
    import pipeline.intake

    monkeypatch.setattr(pipeline.intake, "read_data", _abort_on_boom)
    ws: Workspace = init_workspace(tmp_path / "ws")
    (ws.inbox / "!boom.xlsx").write_bytes(forms["yte"])  # first in order: the first task
    for i, unit in enumerate(["ktht", "tnmt", "tckh"]):
        (ws.inbox / f"{i}-{unit}.xlsx").write_bytes(forms[unit])
    calls: list[str] = []
    res = read_inbox(ws, kh178, YEAR, workers=2, while_reading=lambda: calls.append("called"))
    assert calls == ["called"]
    assert [(prov.path, p.code) for prov, p in res.rejected] == [("!boom.xlsx", "loi-doc")]
    assert {s.unit_id: s.state for s in res.statuses}["tnmt"] == SUBMITTED
