"""A sheet's cells by reference, decoded only when looked at: the fast, exact twin of ``read_sheet``.

``sheet_cells.read_sheet`` decodes every cell of a sheet; a form's reader looks at a few dozen
of its few hundred cells (column A's row keys, the first rows for the visible form code, the
input cells of the rows the plan needs). ``index_sheet`` checks with a few C-speed passes over
the text that the sheet has the shape Excel, LibreOffice and openpyxl write — every cell
``<c r="E7" s="3" t="s">`` with its reference first, at most a style and a type in that order,
a body of one ``<v>`` or one ``<is>``, no formula, no namespace prefix, no reference written
twice, nothing outside the area, every shared string index in range — then indexes the cells
by reference and decodes one only when it is asked for. A sheet of any other shape goes to
``read_sheet``, which handles them all. For the sheets it takes, the index gives the values and
facts ``read_sheet`` gives, cell for cell (``tests/test_sheet_index.py`` compares the two on
forms, real Excel files and the fuzz corpus).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import compress
from operator import itemgetter

from .sheet_cells import (
    _SI,
    Area,
    CellXml,
    SheetCells,
    _unescape,
    cell_tags,
    column_letters,
    column_number,
    dense_rows,
    read_sheet,
    rich_text,
    scalar_value,
    string_tags,
)
from .sheet_cells import shared_strings as full_shared_strings
from .xlsx_safety import Package

# At each "<c" (any prefix): one cell in the canonical shape — groups: reference, column, row, style,
# type, "<v>…</v>", "<is>…</is>" — or else the tag name of a cell in another shape (group 8).
_CELL = re.compile(  # "(?:…|)" where "(?:…)?" would do: the same matches, a third less work for the engine
    r'<(?:c r="(([A-Z]{1,3})([1-9][0-9]{0,6}))"'
    r'(?: s="([0-9]{1,8})"|)'
    r'(?: t="(s|n|str|inlineStr|b|e|d)"|)'
    r'(?:(?: (?:cm|vm|ph)="[0-9]{1,8}")+|)'
    r"(?:/>|>(?:(<v>[^<]*+</v>)|(<is>(?:<t(?: xml:space=\"preserve\"|)>[^<]*+</t></is>"  # one plain run: the fast way
    r"|[^<]*+(?:<(?!/?(?:\w+:)?(?:c|row|is|v|f)\b)[^<]*+)*+</is>))|)</c>)"
    r"|(c|\w+:c)\b)"
)

# Titles, unit names, labels recur from form to form (and from sheet to sheet): decode each once
_rich_text = lru_cache(maxsize=4096)(rich_text)

Canon = tuple[str, str, str, str, str, str, str, str]  # the groups of _CELL
INDEX_TEXT_LIMIT = 1_000_000  # characters; the largest sheet of a filled form has ~20 000
_REF, _COL, _ROW, _KIND, _VTAG, _OTHER = (
    itemgetter(0),
    itemgetter(1),
    itemgetter(2),
    itemgetter(4),
    itemgetter(5),
    itemgetter(7),
)
_BLANK: tuple[object, CellXml | None] = ("", None)  # a cell the sheet does not have


def _column_order(cell: Canon) -> tuple[int, str]:
    return len(cell[1]), cell[1]  # B before AA


def _top_to_bottom(cells: list[Canon]) -> tuple[list[Canon], list[int]]:
    """The cells and their row numbers, top to bottom (sorted only when written out of order; each
    row keeps the order its cells were written in)."""
    rows = list(map(int, map(_ROW, cells)))
    if rows != sorted(rows):
        order = sorted(range(len(cells)), key=rows.__getitem__)  # stable
        cells, rows = [cells[i] for i in order], [rows[i] for i in order]
    return cells, rows


@lru_cache(maxsize=8)
def _first_rows(n: int) -> frozenset[str]:
    return frozenset(str(i) for i in range(1, n + 1))


class SheetIndex:
    """The cells of one canonical sheet by reference ("E7"), each decoded on first use.

    Offers what ``SheetCells`` offers (``rows``, ``facts``, ``outside``, ``twice``, and the
    lookups ``value``, ``fact``, ``column_a``, ``head``) without decoding the cells nobody asks for.
    """

    outside: list[str]
    outside_count: int
    twice: list[str]

    def __init__(
        self, cells: list[Canon], strings: Sequence[str], percent: frozenset[int], dates: frozenset[int], date1904: bool
    ) -> None:
        self._cells = cells
        # ref → the cell's groups (8), replaced by its (value, facts) (2) once decoded
        self._by_ref: dict[str, Canon | tuple[object, CellXml | None]] = dict(zip(map(_REF, cells), cells, strict=True))
        self._strings, self._percent, self._dates, self._date1904 = strings, percent, dates, date1904
        self.outside, self.outside_count, self.twice = [], 0, []
        self._rows: list[list[object]] | None = None
        self._facts: dict[str, CellXml] | None = None

    def _get(self, ref: str) -> tuple[object, CellXml | None]:
        got = self._by_ref.get(ref, _BLANK)
        if len(got) == 2:
            return got  # decoded before, or no such cell
        decoded = self._by_ref[ref] = self._decode(got)
        return decoded

    def _decode(self, cell: Canon) -> tuple[object, CellXml | None]:
        """``sheet_cells._finish`` for the canonical shape (no formula): the value and, when the cell
        has anything special (error, invalid number, percent style), its facts."""
        _, _, _, s, kind, vtag, inline, _ = cell
        style = int(s) if s else 0
        if not vtag and not inline and kind != "e":  # no <v>, no <is>: blank (an error cell without a value is not)
            return "", CellXml(style, "", False) if style in self._percent else None
        raw_v = vtag[3:-4] if vtag else None
        v = _unescape(raw_v) if raw_v is not None else None
        value: object = ""
        error = invalid = ""
        if kind == "s":
            idx = (v or "").strip()
            value = self._strings[int(idx)] if idx else ""  # every index was checked in range
        elif kind == "inlineStr":
            value = _rich_text(inline or vtag or "")
        elif kind == "str":
            value = v or ""
        else:
            value, error, invalid = scalar_value(kind, v, style in self._dates, self._date1904)
        facts = None
        if error or invalid or style in self._percent:
            facts = CellXml(style, "", raw_v is not None and raw_v != "", error, invalid)
        return value, facts

    # -- lookups (the same on SheetCells)

    def value(self, row: int, col: int) -> object:
        """The value at 0-based ``row``, ``col`` ("" when blank)."""
        return self._get(f"{column_letters(col + 1)}{row + 1}")[0]

    def fact(self, ref: str) -> CellXml | None:
        return self._get(ref)[1]

    def at(self, row: int, col: int, ref: str) -> tuple[object, CellXml | None]:
        """The value and the facts of the cell ``ref`` (at 0-based ``row``, ``col``)."""
        return self._get(ref)

    def column_a(self) -> list[tuple[int, object]]:
        """(0-based row, value) of every cell in column A, top to bottom."""
        column, rows = _top_to_bottom(list(compress(self._cells, map("A".__eq__, map(_COL, self._cells)))))
        return [(r - 1, got[0]) for r, got in zip(rows, map(self._decode, column), strict=True)]

    def head(self, n: int) -> Iterator[tuple[int, int, object]]:
        """(0-based row, 0-based column, value) of the cells in the first ``n`` rows, in reading order;
        each decoded only when the caller gets that far."""
        near, rows = _top_to_bottom(
            list(compress(self._cells, map(_first_rows(n).__contains__, map(_ROW, self._cells))))
        )
        return self._by_rows(near, rows)

    def _by_rows(self, near: list[Canon], rows: list[int]) -> Iterator[tuple[int, int, object]]:
        """``head``'s cells row by row, each row's in column order (B before AA): sorted one row at a
        time, as the caller gets there (identification stops in the third row)."""
        i = 0
        while i < len(near):
            j = bisect_right(rows, rows[i], i)
            for cell in sorted(near[i:j], key=_column_order) if j - i > 1 else near[i:j]:
                yield rows[i] - 1, column_number(cell[1]) - 1, self._get(cell[0])[0]
            i = j

    # -- everything, as read_sheet gives it (the _id sheet, history workbooks)

    @property
    def rows(self) -> list[list[object]]:
        if self._rows is None:
            self._rows = dense_rows({(int(c[2]), column_number(c[1])): self._get(c[0])[0] for c in self._cells})
        return self._rows

    @property
    def facts(self) -> dict[str, CellXml]:
        if self._facts is None:
            got = zip(self._cells, map(self._get, map(_REF, self._cells)), strict=True)
            self._facts = {c[0]: fact for c, (_, fact) in got if fact is not None}
        return self._facts


def canonical_cells(text: str, area: Area, strings: Sequence[str]) -> list[Canon] | None:
    """The cells of a sheet's text when it is in the canonical shape, else None (``read_sheet`` then)."""
    if len(text) > INDEX_TEXT_LIMIT:
        return None  # far larger than a form's sheet: hostile or not ours, the full reader's case
    start = text.find("sheetData")
    if start < 0:
        return None
    end = text.rfind("sheetData", start + 9)  # the closing tag: the last one, whatever a text holds
    end = end if end > 0 else len(text)
    limit = getattr(area, "max_cells", None)
    if limit is not None and len(text) > 3 * limit:  # "<c " is 3 characters: a shorter text cannot have too many
        if cell_tags(text) > limit:
            return None  # read_sheet rejects it, with its message
    cells: list[Canon] = _CELL.findall(text, start, end)
    if not cells:
        return cells
    if "".join(map(_OTHER, cells)):
        return None  # a cell in another shape (or with a namespace prefix) somewhere
    if len(set(map(_REF, cells))) != len(cells):
        return None  # a reference written twice
    if max(map(len, map(_ROW, cells))) >= len(str(area.rows)) and max(map(int, map(_ROW, cells))) > area.rows:
        return None  # outside the area: read_sheet names the cells (rows with fewer digits than the area's are in)
    if (area.cols < 26 or max(map(len, map(_COL, cells))) > 1) and max(
        map(column_number, map(_COL, cells))
    ) > area.cols:
        return None
    if "s" in map(_KIND, cells):
        n = len(strings)
        for vtag in compress(map(_VTAG, cells), map("s".__eq__, map(_KIND, cells))):
            raw = vtag[3:-4]
            if not (raw.isdecimal() and len(raw) < 10 and int(raw) < n):
                return None  # read_sheet says which cell points nowhere (or reads the odd index)
    return cells


def index_sheet(
    pkg: Package,
    part: str,
    area: Area,
    strings: Sequence[str],
    percent: frozenset[int],
    dates: frozenset[int],
    sheet: str,
    file: str,
) -> SheetIndex | SheetCells:
    """The sheet's cells: indexed when the sheet is in the canonical shape, else ``read_sheet``'s."""
    cells = canonical_cells(pkg.decode(part), area, strings)
    if cells is None:
        return read_sheet(pkg, part, area, strings, percent, dates, sheet, file)
    return SheetIndex(cells, strings, percent, dates, pkg.date1904)


class SharedStrings(Sequence[str]):
    """The shared strings table, each string decoded on first use (a form has hundreds; few are read)."""

    def __init__(self, bodies: list[str]) -> None:
        self._bodies = bodies
        self._texts: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self._bodies)

    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        text = self._texts.get(i)
        if text is None:
            text = self._texts[i] = _rich_text(self._bodies[i] or "")
        return text


def shared_strings(pkg: Package, file: str, limit: int = 50_000) -> SharedStrings:
    """``sheet_cells.shared_strings``, each string decoded on first use; ``Rejected`` the same way."""
    part = pkg.shared_strings_part()
    if not part or part not in pkg.parts:
        return SharedStrings([])
    text = pkg.decode(part)
    count = string_tags(text)
    if count > limit:
        full_shared_strings(pkg, file, limit)  # raises, with its message
    return SharedStrings(_SI.findall(text))
