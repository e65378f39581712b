"""How tall a spreadsheet row must be for its wrapped text: a small estimator that errs generous.

Neither office program sizes rows for us in a generated file: LibreOffice keeps the height the
file states (or the default, 15 pt) and draws wrapped text past the row's bottom, over the next
rows; Excel sizes a row only when someone types into it. So every writer of a workbook that is
meant to be printed (forms, feedback, summary) sets each row's height from its text.

The estimate wraps the text word by word into the column's width, with the advance widths of
Times New Roman (= Liberation Serif, its metric twin). Vietnamese letters that Liberation Serif
lacks (ạ, ơ, ư, ộ…) are drawn by LibreOffice from a wider fallback font, so they are counted at
that wider width; lines are counted at 1.25 × the font size. Everything errs on the generous
side: a row a little too tall costs a few millimetres of paper, a row too short hides text.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from functools import lru_cache

# fmt: off
# Advance widths (1/1000 em) of Times New Roman for " " … "~" (ASCII 32–126), regular and bold.
_ASCII_REGULAR = (
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500, 500, 500,
    500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667, 722, 611, 556, 722,
    722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611, 333,
    278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500,
    500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541,
)
_ASCII_BOLD = (
    250, 333, 555, 500, 500, 1000, 833, 278, 333, 333, 500, 570, 250, 333, 250, 278, 500, 500, 500, 500,
    500, 500, 500, 500, 500, 500, 333, 333, 570, 570, 570, 500, 930, 722, 667, 722, 722, 667, 611, 778,
    778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722, 722, 667, 333,
    278, 333, 581, 500, 333, 500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278, 833, 556, 500,
    556, 556, 444, 389, 333, 556, 500, 722, 500, 500, 444, 394, 220, 394, 520,
)
# fmt: on
# Vietnamese letters the fonts everyone has draw at their base letter's width …
_SAME_AS_BASE = frozenset("àáãăâđèéêìíĩòóõôùúũỳýÀÁÃĂÂĐÈÉÊÌÍĨÒÓÕÔÙÚŨỲÝ")
# … the others may come from a wider fallback font (DejaVu Serif: up to 0.64/0.84 em regular).
_FALLBACK = {(False, False): 650, (False, True): 850, (True, False): 730, (True, True): 880}  # (bold, upper)
_WIDE = {"—": 1000, "…": 1000, "\t": 1000}
_OTHER = 600  # any other character (punctuation, symbols): about a digit and a bit

LINE_FACTOR = 1.25  # line pitch / font size (LibreOffice: 1.11 for Liberation, 1.16 with DejaVu fallbacks)
ROW_PADDING = 4.0  # points above and below the text of a row
WIDTH_SLACK = 1.06  # text counted 6 % wider than its metrics say
CELL_INSET = 7.0  # points of a column not available to text (cell margins, grid line)
MAX_ROW_HEIGHT = 409.0  # Excel's limit for one row, in points


def char_width(ch: str, bold: bool = False) -> int:
    """Advance width of ``ch`` in 1/1000 em (generous for letters from a fallback font)."""
    code = ord(ch)
    if 32 <= code <= 126:
        return (_ASCII_BOLD if bold else _ASCII_REGULAR)[code - 32]
    if ch in _WIDE:
        return _WIDE[ch]
    if ch.isalpha():
        base = unicodedata.normalize("NFD", ch)[0]
        if ch in _SAME_AS_BASE and 32 <= ord(base) <= 126:
            return char_width(base, bold)
        return _FALLBACK[(bold, ch.isupper())]
    if unicodedata.category(ch).startswith("Z"):
        return char_width(" ", bold)
    return _OTHER


MAX_CHAR_WIDTH = max(*_ASCII_REGULAR, *_ASCII_BOLD, *_WIDE.values(), *_FALLBACK.values(), _OTHER)


@lru_cache(maxsize=1 << 16)
def _units(text: str, bold: bool) -> int:
    """Summed advance widths of ``text`` (1/1000 em). Cached: a summary workbook repeats the same
    words (unit names, states) hundreds of thousands of times."""
    return sum(char_width(ch, bold) for ch in text)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of ``text`` on one line, in points, at font ``size`` (with the slack)."""
    return _units(text, bold) * size / 1000 * WIDTH_SLACK


def column_points(width: float) -> float:
    """Points of a column ``width`` characters wide (Excel's unit: 7 px per character + 5 px, 96 dpi)."""
    return (int(width * 7) + 5) * 0.75


def wrap(text: str, available: float, size: float, bold: bool = False) -> list[str]:
    """``text`` broken into lines no wider than ``available`` points, the way a cell wraps it:
    at spaces, each hard line break kept, a word longer than a line cut by characters."""
    lines: list[str] = []
    space = text_width(" ", size, bold)
    for paragraph in str(text).split("\n"):
        line, used = "", 0.0
        for word in paragraph.split():
            w = text_width(word, size, bold)
            if line and used + space + w <= available:
                line, used = f"{line} {word}", used + space + w
                continue
            if line:
                lines.append(line)
            line, used = "", 0.0
            while w > available:  # a word wider than the cell: the program cuts it anywhere
                cut = 1
                while cut < len(word) and text_width(word[: cut + 1], size, bold) <= available:
                    cut += 1
                lines.append(word[:cut])
                word = word[cut:]
                w = text_width(word, size, bold)
            line, used = word, w
        lines.append(line)
    return lines


def line_count(text: object, width: float, size: float = 12, bold: bool = False) -> int:
    """Lines ``text`` takes in a wrapped cell ``width`` characters wide (a blank cell: 1)."""
    if text is None or text == "":
        return 1
    return _line_count(str(text), width, size, bold)


@lru_cache(maxsize=1 << 14)
def _line_count(text: str, width: float, size: float, bold: bool) -> int:
    available = max(column_points(width) - CELL_INSET, size)
    if "\n" not in text and len(text) * MAX_CHAR_WIDTH * size / 1000 * WIDTH_SLACK < available:
        return 1  # fits even if every character were the widest: no need to wrap it
    return max(1, len(wrap(text, available, size, bold)))


def text_height(lines: int, size: float = 12) -> float:
    """Points for ``lines`` lines of text at font ``size``, padding included."""
    return lines * size * LINE_FACTOR + ROW_PADDING


def row_height(cells: Iterable[tuple[object, float, float, bool]], min_lines: int = 1) -> float:
    """Height in points of a row whose cells are ``(text, column width, font size, bold)``.

    The tallest cell decides; ``min_lines`` keeps room to write by hand on a printed blank form.
    Rounded up to a quarter point; never above Excel's limit of 409 points.
    """
    height = 0.0
    for text, width, size, bold in cells:
        lines = max(min_lines, line_count(text, width, size, bold))
        height = max(height, text_height(lines, size))
    height = height or text_height(min_lines)
    return min(MAX_ROW_HEIGHT, -(-height * 4 // 1) / 4)


def fits(text: object, width: float, size: float = 12, bold: bool = False) -> bool:
    """Whether ``text`` fits in one row of a column ``width`` wide (not above Excel's row limit)."""
    return text_height(line_count(text, width, size, bold), size) <= MAX_ROW_HEIGHT


def _column_width(ws: object, letter: str) -> float:
    dim = ws.column_dimensions[letter]  # type: ignore[attr-defined]
    return float(dim.width) if dim.customWidth else 8.43


def fit_rows(ws: object, min_lines: dict[int, int] | None = None, grow_only: bool = False) -> None:
    """Set the height of every row of an openpyxl worksheet ``ws`` from its text.

    A wrapped cell counts its lines in its column's width (a merged cell: the merged columns);
    a cell that does not wrap counts one line of its font; hidden columns do not count.
    ``min_lines`` (row → lines) keeps room to write by hand in an empty input row;
    ``grow_only`` never makes a row lower than it already is (a form being filled in).
    """
    from openpyxl.utils import get_column_letter

    merged: dict[str, float] = {}
    covered: set[str] = set()
    for rng in ws.merged_cells.ranges:  # type: ignore[attr-defined]
        letters = [get_column_letter(c) for c in range(rng.min_col, rng.max_col + 1)]
        merged[f"{letters[0]}{rng.min_row}"] = sum(_column_width(ws, x) for x in letters)
        covered.update(f"{x}{r}" for x in letters for r in range(rng.min_row, rng.max_row + 1))
    hidden = {k for k, d in ws.column_dimensions.items() if d.hidden}  # type: ignore[attr-defined]
    min_lines = min_lines or {}
    last = max([ws.max_row, *min_lines])  # type: ignore[attr-defined]
    for row in ws.iter_rows(min_row=1, max_row=last):  # type: ignore[attr-defined]
        number = row[0].row
        cells = []
        for cell in row:
            ref = cell.coordinate
            if cell.value is None or cell.column_letter in hidden or (ref in covered and ref not in merged):
                continue
            size = float(cell.font.sz or 11) if cell.font else 11.0
            bold = bool(cell.font and cell.font.b)
            wrapped = bool(cell.alignment and cell.alignment.wrap_text)
            width = merged.get(ref) or _column_width(ws, cell.column_letter)
            cells.append((cell.value if wrapped else "x", width, size, bold))
        if not cells and number not in min_lines:
            continue
        height = row_height(cells or [(None, 10, 12, False)], min_lines.get(number, 1))
        dim = ws.row_dimensions[number]  # type: ignore[attr-defined]
        if grow_only and dim.height:
            height = max(height, float(dim.height))
        dim.height = height


_CUSTOM_HEIGHT = re.compile(rb'(<row\b[^>]*?)\s+customHeight="(?:1|true)"')


def rows_may_grow(xlsx: bytes) -> bytes:
    """The workbook with every row's height kept but not marked as fixed ("customHeight").

    The heights still print as set; but a row not marked fixed is one Excel (and LibreOffice)
    grows when someone types more text into it than it holds — a fixed row would hide the
    text on screen and cut it on paper. Zip entries keep their names, dates and order.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                body = _CUSTOM_HEIGHT.sub(rb"\1", body)
            dst.writestr(info, body)
    return out.getvalue()
