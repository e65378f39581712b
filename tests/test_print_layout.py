"""The row-height estimator: wraps like a cell, counts wide letters wide, errs generous."""

from __future__ import annotations

import pytest
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from pipeline.print_layout import (
    MAX_ROW_HEIGHT,
    char_width,
    column_points,
    fit_rows,
    line_count,
    row_height,
    text_height,
    text_width,
    wrap,
)


def test_ascii_letters_have_times_new_roman_widths():
    assert char_width("a") == 444 and char_width("m") == 778 and char_width(" ") == 250
    assert char_width("a", bold=True) == 500 and char_width("W", bold=True) == 1000


def test_vietnamese_letters_a_fallback_font_may_draw_count_wider_than_their_base():
    assert char_width("á") == char_width("a") == 444  # in every Times-like font
    assert char_width("ạ") == 650 and char_width("ư") == 650  # maybe from a wider fallback font
    assert char_width("Ư") == 850 and char_width("ộ", bold=True) == 730


def test_text_width_is_the_sum_of_the_letters_with_six_percent_slack():
    assert text_width("aa", 10) == pytest.approx(2 * 444 * 10 / 1000 * 1.06)


def test_column_points_follow_excels_unit():
    assert column_points(10) == (70 + 5) * 0.75
    assert column_points(50) == 266.25


def test_wrap_breaks_at_spaces_and_keeps_hard_line_breaks():
    assert wrap("một hai ba", 1000, 12) == ["một hai ba"]
    width = text_width("một hai", 12) + 1
    assert wrap("một hai ba", width, 12) == ["một hai", "ba"]
    assert wrap("dòng một\ndòng hai", 1000, 12) == ["dòng một", "dòng hai"]
    assert wrap("a\n\nb", 1000, 12) == ["a", "", "b"]  # an empty line takes a line too


def test_a_word_longer_than_the_cell_is_cut_by_characters():
    lines = wrap("x" * 30, text_width("x" * 10, 12), 12)
    assert lines == ["x" * 10] * 3


def test_line_count_of_a_blank_cell_is_one():
    assert line_count(None, 20) == 1 and line_count("", 20) == 1


def test_line_count_grows_with_text_and_shrinks_with_width():
    text = "Tổ chức hội nghị tuyên truyền cho doanh nghiệp, tiểu thương " * 5
    assert line_count(text, 30) > line_count(text, 60) > line_count(text, 120) >= 2


def test_fifty_vietnamese_characters_are_counted_generously():
    # 50 characters at 12 pt: about 285 points counted (LibreOffice draws them in about 240)
    text = "Khối lượng túi nhựa khó phân hủy sử dụng bình quân"
    assert 280 < text_width(text, 12) < 290
    assert line_count(text, 60) == 1  # 311 usable points
    assert line_count(text, 50) == 2  # 259 usable points
    assert line_count(text, 30) == 2


def test_row_height_takes_the_tallest_cell_and_room_to_write():
    short, tall = ("ngắn", 20, 12, False), ("chữ " * 60, 20, 12, False)
    assert row_height([short]) == text_height(1) == 19.0
    assert row_height([short, tall]) == text_height(line_count("chữ " * 60, 20))
    assert row_height([short], min_lines=5) == text_height(5) == 79.0


def test_row_height_is_rounded_up_to_a_quarter_point_and_capped_at_excels_limit():
    assert row_height([("x", 20, 11.1, False)]) == 18.0  # 11.1 × 1.25 + 4 = 17.875 → 18
    assert row_height([("x", 20, 9, False)]) == 15.25  # 9 × 1.25 + 4 = 15.25
    assert row_height([("chữ " * 5000, 20, 12, False)]) == MAX_ROW_HEIGHT


def test_fit_rows_sizes_wrapped_cells_merged_cells_and_leaves_hidden_columns_out():
    wb = Workbook()
    ws = wb.active
    ws.column_dimensions["A"].width = 5
    ws.column_dimensions["A"].hidden = True
    ws.column_dimensions["B"].width = 20
    ws.column_dimensions["C"].width = 20
    wrap_top = Alignment(wrap_text=True, vertical="top")
    text = "Phổ biến, nhân rộng các mô hình về sản xuất sạch hơn " * 3
    ws["A1"] = "ct.rat_dai_" * 20  # a key in the hidden column: no effect
    ws["B1"] = "ngắn"
    ws["B2"] = text
    ws["B2"].alignment = wrap_top
    ws["B3"] = text
    ws["B3"].alignment = wrap_top
    ws.merge_cells("B3:C3")
    ws["B4"] = "Tiêu đề"
    ws["B4"].font = Font(size=14, bold=True)
    fit_rows(ws, min_lines={5: 3})
    assert ws.row_dimensions[1].height == row_height([("x", 20, 11, False)])
    assert ws.row_dimensions[2].height == row_height([(text, 20, 11, False)])
    assert ws.row_dimensions[3].height == row_height([(text, 40, 11, False)]) < ws.row_dimensions[2].height
    assert ws.row_dimensions[4].height == text_height(1, 14)
    assert ws.row_dimensions[5].height == text_height(3)


def test_fit_rows_grow_only_keeps_a_taller_row():
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "x"
    ws.row_dimensions[1].height = 80
    fit_rows(ws, grow_only=True)
    assert ws.row_dimensions[1].height == 80
    fit_rows(ws)
    assert ws.row_dimensions[1].height == row_height([("x", 8.43, 11, False)])


def test_rows_may_grow_keeps_heights_and_drops_only_the_fixed_flag():
    import io
    import zipfile

    from pipeline.print_layout import rows_may_grow

    wb = Workbook()
    wb.active["A1"] = "x"
    wb.active.row_dimensions[1].height = 42
    buf = io.BytesIO()
    wb.save(buf)
    out = rows_may_grow(buf.getvalue())
    with zipfile.ZipFile(io.BytesIO(out)) as zf, zipfile.ZipFile(buf) as before:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
        assert zf.namelist() == before.namelist()
    assert '<row r="1" ht="42"' in sheet and "customHeight" not in sheet
    assert rows_may_grow(out) == out
