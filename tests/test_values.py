"""Values as people type them → one number, date, yes/no or text (pure functions, no workbook).

The same checks through real forms, as Excel/openpyxl store the cells, are in test_intake.py.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.model import WARNING, Cell
from pipeline.plan import Input
from pipeline.rules import read_date, read_number, read_status, read_yes_no
from pipeline.values import (
    NOT_A_NUMBER,
    PERCENT,
    cell_text,
    excel_serial_date,
    fold,
    format_number,
    parse_date,
    parse_number_text,
    parse_yes_no,
)

COUNT = Input("so_cua_hang_tien_loi", "Tổng số cửa hàng tiện lợi", "so_nguyen", "cửa hàng", ("xa-an-binh",), "x")
AMOUNT = Input("bao_bi_bvtv_phat_sinh", "Khối lượng bao gói", "so_thap_phan", "kg", ("xa-an-binh",), "x")
STATUSES = ("Đã hoàn thành", "Đang thực hiện", "Chưa thực hiện")


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def cell(raw: object, **facts: object) -> Cell:
    return Cell("xa.xlsx", "Chỉ tiêu", "E15", raw, "Tổng số cửa hàng tiện lợi", **facts)


def codes(problems: list) -> list[str]:
    return [p.code for p in problems]


# --------------------------------------------------------------------------- numbers typed as text


@pytest.mark.parametrize(
    ("typed", "whole", "value", "ambiguous"),
    [
        ("40", True, 40, False),
        ("1.250", True, 1250, False),  # thousands dot in a count: Vietnamese convention, not ambiguous
        ("1.250.000", True, 1_250_000, False),
        ("1,250", True, 1250, True),  # a count cannot be 1,25: read as thousands, but say so
        ("1.250", False, 1250, True),  # in a decimal field the dot still groups thousands, flagged
        ("1,250", False, 1.25, True),  # … and the comma is the decimal mark, flagged
        ("85,5", False, 85.5, False),
        ("85,50", False, 85.5, False),
        ("12.5", False, 12.5, False),  # one or two decimals after a dot: a decimal, not thousands
        ("0,5", False, 0.5, False),
        (",5", False, 0.5, False),
        ("1.250,75", False, 1250.75, False),
        ("1,250.75", False, 1250.75, False),
        ("1.000.000,00", False, 1_000_000, False),
        ("1 250", True, 1250, False),  # thousands grouped by a space
        ("1 250 000,5", False, 1_250_000.5, False),
        ("\u00a0 40\u00a0", True, 40, False),  # non-breaking spaces around (pasted from the web)
        ("  40\t", True, 40, False),
        ("1\u00a0250", True, 1250, False),  # non-breaking space grouping thousands
        ("1\u202f250", True, 1250, False),  # narrow no-break space (French-style grouping)
        ("\u200b40", True, 40, False),  # zero-width space from a chat app
        ("４０", True, 40, False),  # full-width digits (Vietnamese IME)
        ("+5", True, 5, False),
        ("-3", True, -3, False),
        ("\u22123", True, -3, False),  # the Unicode minus sign
        ("- 3", True, -3, False),
        ("-0", True, 0, False),
        ("0", True, 0, False),
    ],
)
def test_number_typed_as_text_reads_as_the_number_meant(typed: str, whole: bool, value: float, ambiguous: bool) -> None:
    number = parse_number_text(typed, whole)
    assert number.code == ""
    assert number.value == pytest.approx(value)
    assert number.ambiguous is ambiguous


def test_minus_zero_reads_as_plain_zero() -> None:
    assert str(parse_number_text("-0", True).value) == "0.0"


@pytest.mark.parametrize("typed", ["85%", "85 %", "85\u00a0%", "85,5%", "100 %"])
def test_percent_string_is_the_named_percent_code_not_a_number(typed: str) -> None:
    number = parse_number_text(typed, False)
    assert (number.value, number.code) == (None, PERCENT)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "\u00a0",
        "khoảng 5",
        "5 cửa hàng",
        "12abc",
        "1.2.3",
        "1.25,5",
        "1,5.25",
        "12 5",
        "--5",
        "5-",
        "1e3",
        "nan",
        "inf",
        "không có",
        "x",
    ],
)
def test_text_that_is_not_a_number_gives_not_a_number(typed: str) -> None:
    number = parse_number_text(typed, True)
    assert (number.value, number.code) == (None, NOT_A_NUMBER)


# --------------------------------------------------------------------------- read_number: the rules on one cell


def test_thousands_dot_in_a_count_reads_as_1250_without_a_warning() -> None:
    assert read_number(cell("1.250"), COUNT, 2026) == (1250, [])


def test_count_is_returned_as_an_int() -> None:
    value, problems = read_number(cell(40.0), COUNT, 2026)
    assert value == 40 and isinstance(value, int) and problems == []


def test_decimal_comma_reads_as_85_5() -> None:
    assert read_number(cell("85,5"), AMOUNT, 2026) == (85.5, [])


def test_ambiguous_comma_in_a_count_is_read_as_thousands_with_a_warning() -> None:
    value, problems = read_number(cell("1,250"), COUNT, 2026)
    assert value == 1250
    assert codes(problems) == ["so-mo-ho"] and problems[0].severity == WARNING
    assert "1.250" in problems[0].message


@pytest.mark.parametrize("typed", ["85%", "85 %"])
def test_percent_string_in_a_number_cell_is_an_error(typed: str) -> None:
    value, problems = read_number(cell(typed), COUNT, 2026)
    assert value is None and codes(problems) == ["nhap-phan-tram"] and problems[0].is_error
    assert problems[0].value == typed


def test_85_typed_in_a_percent_cell_is_stored_as_0_85_and_flagged_as_a_percent() -> None:
    value, problems = read_number(cell(0.85, percent=True), COUNT, 2026)
    assert value is None and codes(problems) == ["nhap-phan-tram"]
    assert problems[0].value == "85%"  # shown as the person saw it


def test_negative_count_is_an_error_naming_the_cell() -> None:
    value, problems = read_number(cell(-3.0), COUNT, 2026)
    assert value == -3 and codes(problems) == ["so-am"]
    assert (problems[0].file, problems[0].sheet, problems[0].cell, problems[0].value) == (
        "xa.xlsx",
        "Chỉ tiêu",
        "E15",
        "-3",
    )


def test_decimal_in_a_count_is_an_error_suggesting_the_thousands() -> None:
    value, problems = read_number(cell(1.25), COUNT, 2026)  # "1.250" typed in an en-US Excel
    assert value == 1.25 and codes(problems) == ["khong-phai-so-nguyen"]
    assert "1250" in problems[0].message


def test_text_where_a_number_belongs_is_an_error_with_the_text_found() -> None:
    value, problems = read_number(cell("khoảng 5"), COUNT, 2026)
    assert value is None and codes(problems) == ["khong-phai-so"] and problems[0].value == "khoảng 5"


@pytest.mark.parametrize("raw", [True, dt.date(2026, 1, 1), dt.datetime(2026, 1, 1, 8, 0)])
def test_date_or_boolean_where_a_number_belongs_is_not_a_number(raw: object) -> None:
    value, problems = read_number(cell(raw), COUNT, 2026)
    assert value is None and codes(problems) == ["khong-phai-so"]


@pytest.mark.parametrize("raw", ["", None, "  \u00a0"])
def test_blank_number_cell_is_missing_data_not_zero(raw: object) -> None:
    value, problems = read_number(cell(raw), COUNT, 2026)
    assert value is None and codes(problems) == ["thieu-so-lieu"]


def test_formula_without_a_cached_value_is_named_not_read_as_zero() -> None:
    value, problems = read_number(cell("", formula_pending=True), COUNT, 2026)
    assert value is None and codes(problems) == ["cong-thuc-chua-tinh"]


def test_error_value_in_a_number_cell_is_not_a_number() -> None:
    value, problems = read_number(cell("", error="#DIV/0!"), COUNT, 2026)
    assert value is None and codes(problems) == ["khong-phai-so"] and problems[0].value == "#DIV/0!"


def test_very_large_number_is_read_with_a_warning() -> None:
    value, problems = read_number(cell(2_500_000.0), COUNT, 2026)
    assert value == 2_500_000 and codes(problems) == ["so-qua-lon"] and problems[0].severity == WARNING


# --------------------------------------------------------------------------- yes/no, status, dates


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("Có", True),
        ("có", True),
        ("CÓ", True),
        ("Co", True),
        (" có. ", True),
        (nfd("Có"), True),
        (True, True),
        ("Không", False),
        ("không", False),
        ("KHONG", False),
        (nfd("Không"), False),
        (False, False),
    ],
)
def test_yes_no_in_any_case_with_or_without_diacritics(raw: object, value: bool) -> None:
    assert parse_yes_no(raw) is value


@pytest.mark.parametrize("raw", ["x", "Có/Không", "1", 1.0, "", None])
def test_anything_else_is_not_yes_or_no(raw: object) -> None:
    assert parse_yes_no(raw) is None


def test_yes_no_cell_with_other_text_is_the_named_problem() -> None:
    value, problems = read_yes_no(cell("Đã có"), 2026)
    assert value is None and codes(problems) == ["khong-phai-co-khong"]


def test_task_status_is_matched_without_case_or_diacritics() -> None:
    assert read_status(cell("  dang thuc HIEN "), "I.1.a", True, STATUSES) == ("Đang thực hiện", [])
    assert read_status(cell(nfd("Đã hoàn thành")), "I.1.a", True, STATUSES) == ("Đã hoàn thành", [])


def test_led_task_without_status_is_an_error_but_a_partner_task_is_not() -> None:
    assert codes(read_status(cell(""), "I.2", True, STATUSES)[1]) == ["thieu-trang-thai"]
    assert read_status(cell(""), "I.2", False, STATUSES) == ("", [])


def test_status_outside_the_list_is_named() -> None:
    status, problems = read_status(cell("Xong"), "I.2", False, STATUSES)
    assert status == "Xong" and codes(problems) == ["trang-thai-khong-hop-le"]


@pytest.mark.parametrize(
    "raw",
    [
        "25/11/2026",
        "25-11-2026",
        "25.11.2026",
        "25 / 11 / 2026",
        "2026-11-25",
        "ngày 25 tháng 11 năm 2026",
        nfd("Ngày 25 tháng 11 năm 2026"),
        "25/11/2026 08:30",
        "2026-11-25T08:30:00",
        dt.date(2026, 11, 25),
        dt.datetime(2026, 11, 25, 8, 30),
        46351,
        46351.75,
    ],
)
def test_date_in_every_usual_shape_reads_as_25_11_2026(raw: object) -> None:
    assert parse_date(raw) == dt.date(2026, 11, 25)


def test_serial_date_in_a_1904_workbook() -> None:
    assert parse_date(46351 - 1462, date1904=True) == dt.date(2026, 11, 25)
    assert excel_serial_date(0) is None and excel_serial_date(float("nan")) is None


@pytest.mark.parametrize("raw", ["31/02/2026", "25/11/26", "hôm qua", "", True, None])
def test_not_a_date_gives_none(raw: object) -> None:
    assert parse_date(raw) is None


def test_date_outside_the_reporting_period_is_named() -> None:
    value, problems = read_date(cell("25/11/2019"), 2026)
    assert value is None and codes(problems) == ["ngay-khong-hop-le"] and "2019" in problems[0].message


def test_blank_date_is_a_missing_contact_field() -> None:
    assert codes(read_date(cell(""), 2026)[1]) == ["thieu-thong-tin"]


# --------------------------------------------------------------------------- text


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (None, ""),
        ("", ""),
        ("  \u00a0Nguyễn Thị Lan\u00a0 ", "Nguyễn Thị Lan"),
        (nfd("Nguyễn Thị Lan"), "Nguyễn Thị Lan"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("dòng 1_x000D_\ndòng 2", "dòng 1\ndòng 2"),
        ("\ufeff\u200bTên", "Tên"),
        (1250.0, "1250"),
        (85.5, "85,5"),
        (True, "TRUE"),
        (dt.date(2026, 11, 25), "25/11/2026"),
        (dt.datetime(2026, 11, 25, 8, 30), "25/11/2026 08:30"),
    ],
)
def test_clean_text_is_nfc_trimmed_with_plain_line_ends(raw: object, text: str) -> None:
    assert cell_text(raw) == text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("aĐđ\u0300\u0303 \u00a0\r\n\t_x0D\u200b\ufeff\u00ad1.,"), max_size=30))
def test_clean_text_of_any_text_is_nfc_without_invisibles_trimmed_with_plain_line_ends(raw: str) -> None:
    text = unicodedata.normalize("NFC", raw)
    for ch in "\u200b\u200c\u200d\u2060\ufeff\u00ad":
        text = text.replace(ch, "")
    expected = text.replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n").strip()
    assert cell_text(raw) == expected


def test_fold_drops_case_diacritics_and_extra_spaces() -> None:
    assert fold("  Đã Hoàn  thành ") == "da hoan thanh" == fold(nfd("ĐÃ HOÀN THÀNH"))


@pytest.mark.parametrize(
    ("value", "grouped", "plain"),
    [
        (1250, "1.250", "1250"),
        (85.5, "85,5", "85,5"),
        (-1250, "-1.250", "-1250"),
        (1234.5, "1.234,5", "1234,5"),
        (0.1, "0,1", "0,1"),
        (1e15, "1.000.000.000.000.000", "1000000000000000"),
        (1e16, "10.000.000.000.000.000", "10000000000000000"),
        (1e-11, "0", "0"),
    ],
)
def test_format_number_is_vietnamese_without_a_dangling_separator(value: float, grouped: str, plain: str) -> None:
    assert format_number(value) == grouped
    assert format_number(value, grouping=False) == plain
