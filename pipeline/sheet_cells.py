"""Cell values straight from a checked package's sheet XML, bounded by the form's area.

No library sizes anything from what a file declares: the ``<dimension>`` tag is ignored, and
one linear pass over each sheet's tags keeps only the cells inside the area the form's layout
can use (``Area``). A cell beyond it (``XFD1048576``) is counted and named, never stored, so
reading costs the same whatever the file claims. The same pass gives what the rules need
beyond the value: a formula and its text, a missing cached value, an error value, a percent
style, a number literal that is not a finite number (``NaN``, ``INF``, ``1e999``), and a cell
written twice. Values have the types the rules expect (python-calamine, used before, gave the
same): str, float, bool, date (a date-formatted whole number), datetime; "" when blank.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .values import format_number
from .xlsx_safety import Package, reject, xml_safe

MAX_MAGNITUDE = 1e15  # beyond Excel's 15 significant digits: no count or quantity of a form is this large
# a <row …> start tag, or a whole <c>: its body cannot run past the next cell (atomic, no backtracking)
_ROW_OR_CELL = re.compile(
    r"<(?:\w+:)?row\b([^<>]*)>"
    r"|<(?:\w+:)?c\b([^<>]*?)(?:/>|>((?:[^<]++|<(?!/?(?:\w+:)?(?:c|row)[\s>/]))*+)(?:</(?:\w+:)?c>|(?=<)|$))"
)
_R = re.compile(r'\br\s*=\s*["\']([^"\']*)["\']')
_T_ATTR = re.compile(r'\bt\s*=\s*["\']([^"\']*)["\']')
_S_ATTR = re.compile(r'\bs\s*=\s*["\'](\d+)["\']')
_V = re.compile(r"<(?:\w+:)?v(?:\s[^>]*)?>([^<]*)</(?:\w+:)?v>")
_F = re.compile(r"<(?:\w+:)?f\b([^>]*?)(?:/>|>([^<]*)</(?:\w+:)?f>)")
_ATTR = re.compile(r'(?<![\w:.-])([\w:.-]++)\s*+=\s*+(?:"([^"]*+)"|\'([^\']*+)\')')
_REF = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")
# linear like _ROW_OR_CELL: a body never runs past the next element of its own kind
_SI = re.compile(r"<(?:\w+:)?si\b[^<>]*?(?:/>|>((?:[^<]++|<(?!/?(?:\w+:)?si[\s>/]))*+))")
_RPH = re.compile(r"<(?:\w+:)?rPh\b[^<>]*?(?:/>|>(?:[^<]++|<(?!/?(?:\w+:)?rPh[\s>/]))*+(?:</(?:\w+:)?rPh>)?)")
_T = re.compile(r"<(?:\w+:)?t\b[^<>]*?(?:/>|>([^<]*+)(?:</(?:\w+:)?t>)?)")


@dataclass(frozen=True)
class Area:
    """The rows and columns (1-based, inclusive) a form's layout can use; nothing beyond is read."""

    rows: int
    cols: int
    max_cells: int = 50_000  # <c> elements in one sheet part, inside the area or not; beyond: rejected


@dataclass(frozen=True)
class CellXml:
    """What the sheet XML says of a cell beyond its value."""

    style: int = 0
    formula: str = ""  # the formula's text ("SUM(E7:E9)"), "" when the cell has none
    cached: bool = True  # a <v> value is present
    error: str = ""  # "#DIV/0!" for an error cell (t="e")
    invalid: str = ""  # a number literal that is not a finite number of a sensible size: "NaN", "1e999"

    @property
    def has_formula(self) -> bool:
        return bool(self.formula)


@dataclass
class SheetCells:
    """A sheet's cells decoded in full, within the form's area."""

    rows: list[list[object]]  # values from A1, dense only within the area ("" when blank)
    facts: dict[str, CellXml] = field(default_factory=dict)  # ref → facts, for cells with anything special
    outside: list[str] = field(default_factory=list)  # the first few references beyond the area
    outside_count: int = 0
    twice: list[str] = field(default_factory=list)  # references written more than once

    # lookups, the same on ``sheet_index.SheetIndex`` (which decodes only the cells looked at)
    def value(self, row: int, col: int) -> object:
        """The value at 0-based ``row``, ``col`` ("" when blank)."""
        cells = self.rows[row] if row < len(self.rows) else []
        return cells[col] if col < len(cells) else ""

    def fact(self, ref: str) -> CellXml | None:
        return self.facts.get(ref)

    def at(self, row: int, col: int, ref: str) -> tuple[object, CellXml | None]:
        """The value and the facts of the cell ``ref`` at 0-based ``row``, ``col``."""
        return self.value(row, col), self.facts.get(ref)

    def column_a(self) -> list[tuple[int, object]]:
        """(0-based row, value) of every row's column A, top to bottom."""
        return [(r, row[0]) for r, row in enumerate(self.rows) if row]

    def head(self, n: int) -> Iterator[tuple[int, int, object]]:
        """(0-based row, 0-based column, value) of the cells in the first ``n`` rows, in reading order."""
        return ((r, c, v) for r, row in enumerate(self.rows[:n]) for c, v in enumerate(row))


def column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _attrs(text: str) -> dict[str, str]:
    return {m[1].rsplit(":", 1)[-1]: m[2] if m[2] is not None else m[3] for m in _ATTR.finditer(text)}


_ENTITY = re.compile(r"&(#[xX][0-9a-fA-F]{1,8}|#[0-9]{1,10}|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _entity(m: re.Match[str]) -> str:
    name = m[1]
    if name[0] != "#":
        return _NAMED[name]
    code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"


@lru_cache(maxsize=4096)  # "#7871" → "ế": a language uses a few hundred references
def _reference(name: str) -> str | None:
    """The text of the reference ``&name;`` (None when ``name`` is not one ``_ENTITY`` takes)."""
    m = _ENTITY.fullmatch(f"&{name};")
    return None if m is None else _entity(m)


def _unescape(text: str) -> str:
    """XML character references and the five XML entities (nothing else: XML has no &nbsp;), and no
    character XML cannot hold (``xml_safe``). The same as ``_ENTITY.sub(_entity, text)``, without a
    call per reference: a text in Vietnamese written by openpyxl is mostly references. A longer text
    is decoded word by word, each word once per process (no reference holds a space): the words of
    the units' results recur from form to form."""
    if "&" not in text:
        return xml_safe(text)
    if len(text) > 48:
        return xml_safe(" ".join(map(_word, text.split(" "))))
    return xml_safe(_references(text))


@lru_cache(maxsize=1 << 14)
def _word(text: str) -> str:
    return _references(text) if "&" in text else text


def _references(text: str) -> str:
    """``text`` with its references decoded (``_unescape`` without ``xml_safe``)."""
    pieces = text.split("&")
    out = [pieces[0]]
    add = out.append
    for i in range(1, len(pieces)):
        piece = pieces[i]
        end = piece.find(";", 1, 12)
        if end > 0:
            got = _reference(piece[:end])
            if got is not None:
                add(got)
                add(piece[end + 1 :])
                continue
        add("&")
        add(piece)
    return "".join(out)


_PLAIN_T = re.compile(
    '(?:<is>)?<t(?: xml:space="preserve")?>([^<&\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]*+)</t>(?:</is>)?'
)  # one run of text with no markup, no reference and no character xml_safe drops


_ONE_RUN = re.compile('(?:<is>)?<t(?: xml:space="preserve")?>([^<]*+)</t>(?:</is>)?')


def rich_text(xml: str) -> str:
    """The text of an ``<si>`` or ``<is>`` body: its ``<t>`` runs, without phonetic runs."""
    plain = _PLAIN_T.fullmatch(xml)
    if plain:  # one run, no markup, no character reference: the common case, read as is
        return plain[1]
    run = _ONE_RUN.fullmatch(xml)
    if run:  # one run with references (openpyxl writes every non-ASCII character as one)
        return _unescape(run[1])
    if "<" not in xml:
        return ""
    if "rPh" in xml:
        xml = _RPH.sub("", xml)
    return "".join(_unescape(m[1] or "") for m in _T.finditer(xml))


def cell_tags(text: str) -> int:
    """About how many cells a sheet part holds (its ``<c>`` tags, any prefix): compared with ``Area.max_cells``."""
    return text.count("<c ") + text.count("<c>") + text.count(":c ")


def string_tags(text: str) -> int:
    """About how many strings a shared strings part holds (its ``<si>`` tags, any prefix)."""
    return text.count("<si>") + text.count("<si ") + text.count(":si>") + text.count(":si ")


def shared_strings(pkg: Package, file: str, limit: int = 50_000) -> list[str]:
    """The workbook's shared strings; ``Rejected`` when there are more than ``limit`` (a form has hundreds)."""
    part = pkg.shared_strings_part()
    if not part or part not in pkg.parts:
        return []
    text = pkg.decode(part)
    count = string_tags(text)
    if count > limit:
        raise reject(
            "tep-qua-lon",
            f"Tệp có khoảng {format_number(count)} chuỗi chữ dùng chung, quá nhiều so với một "
            f"biểu mẫu (tối đa {format_number(limit)}); không đọc tệp này. Có thể đã gửi nhầm tệp hoặc tệp "
            "bị chương trình khác sửa: hãy đề nghị đơn vị gửi lại đúng biểu mẫu.",
            file,
        )
    return [rich_text(m[1] or "") for m in _SI.finditer(text)]


_EPOCH = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)


def serial_to_date(serial: float, date1904: bool) -> dt.date | dt.datetime | float:
    """An Excel date serial as calamine gives it: a date when whole, else a datetime."""
    if not 0 <= serial < 2958466:
        return serial
    moment = (_EPOCH_1904 if date1904 else _EPOCH) + dt.timedelta(milliseconds=round(serial * 86_400_000))
    return moment.date() if moment.time() == dt.time() else moment


def scalar_value(kind: str, v: str | None, is_date: bool, date1904: bool) -> tuple[object, str, str]:
    """(value, error, invalid literal) of a cell that is not a string: boolean, error, ISO date, number."""
    value: object = ""
    error = invalid = ""
    if kind == "b":
        value = (v or "").strip().lower() in ("1", "true") if v not in (None, "") else ""
    elif kind == "e":
        error = (v or "").strip()[:50] or "#N/A"
    elif kind == "d":
        try:
            value = dt.datetime.fromisoformat((v or "").strip())
        except ValueError:
            value = v or ""
    elif v is not None and v.strip():
        literal = v.strip()
        try:
            number = float(literal)
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or abs(number) > MAX_MAGNITUDE:
            invalid = literal[:40]
            value = invalid
        else:
            value = serial_to_date(number, date1904) if is_date else number
    return value, error, invalid


def read_sheet(
    pkg: Package,
    part: str,
    area: Area,
    strings: Sequence[str],
    percent: frozenset[int],
    dates: frozenset[int],
    sheet: str,
    file: str,
) -> SheetCells:
    """One linear pass over the rows and cells of a sheet part; ``Rejected`` only for a shared
    string that does not exist. Cells outside ``area`` are counted, never stored."""
    text = pkg.decode(part)
    start = text.find("sheetData")
    values: dict[tuple[int, int], object] = {}
    out = SheetCells([])
    if start < 0:
        return out
    end = text.rfind("sheetData", start + 9)  # the closing tag: the last one, whatever a text holds
    cells = cell_tags(text)
    if cells > area.max_cells:
        raise reject(
            "tep-qua-lon",
            f"Trang «{sheet}» có khoảng {format_number(cells)} ô, quá nhiều so với một biểu "
            f"mẫu (tối đa {format_number(area.max_cells)} ô); không đọc tệp này. Có thể đã "
            "gửi nhầm tệp hoặc tệp bị chương trình khác sửa: hãy đề nghị đơn vị gửi lại đúng biểu mẫu.",
            file,
        )
    date1904 = pkg.date1904
    shared_formulas: dict[str, str] = {}
    row_no, col_no = 0, 0
    for m in _ROW_OR_CELL.finditer(text, start, end if end > 0 else len(text)):
        if m[1] is not None:  # <row …>
            r = _R.search(m[1])
            row_no = int(r[1]) if r and r[1].isdecimal() and len(r[1]) <= 9 else row_no + 1
            col_no = 0
            continue
        attrs = m[2]
        r = _R.search(attrs)
        hit = _REF.fullmatch(r[1]) if r else None
        if hit:
            col_no, row = column_number(hit[1]), int(hit[2])
        else:
            col_no, row = col_no + 1, row_no
        if not (1 <= row <= area.rows and 1 <= col_no <= area.cols):
            out.outside_count += 1
            if len(out.outside) < 3:
                out.outside.append(r[1][:20] if r else f"{column_letters(min(col_no, 16384))}{row}")
            continue
        _finish(
            attrs, m[3], (row, col_no), values, out, strings, percent, dates, date1904, shared_formulas, sheet, file
        )
    out.rows = dense_rows(values)
    return out


def dense_rows(values: dict[tuple[int, int], object]) -> list[list[object]]:
    """Values by (1-based row, column) as rows from A1, all as wide as the widest, "" where blank."""
    if not values:
        return []
    rows: list[list[object]] = [[""] * max(c for _, c in values) for _ in range(max(r for r, _ in values))]
    for (r, c), v in values.items():
        rows[r - 1][c - 1] = v
    return rows


def _finish(
    attrs: str,
    body: str | None,
    ref: tuple[int, int],
    values: dict[tuple[int, int], object],
    out: SheetCells,
    strings: Sequence[str],
    percent: frozenset[int],
    dates: frozenset[int],
    date1904: bool,
    shared_formulas: dict[str, str],
    sheet: str,
    file: str,
) -> None:
    name = f"{column_letters(ref[1])}{ref[0]}"
    if ref in values:
        out.twice.append(name)
    t = _T_ATTR.search(attrs)
    kind = t[1] if t else "n"
    s = _S_ATTR.search(attrs)
    style = int(s[1]) if s and len(s[1]) < 9 else 0
    body = body or ""
    vm = _V.search(body) if "v" in body else None
    raw_v = vm[1] if vm else None
    v = _unescape(raw_v) if raw_v is not None else None
    formula = ""
    fm = _F.search(body) if "f" in body else None
    if fm:
        formula = _unescape(fm[2] or "").strip()
        fa = _attrs(fm[1])
        si = fa.get("si", "")
        if fa.get("t") == "shared" and si:
            if formula:
                shared_formulas.setdefault(si, formula)
            else:
                formula = shared_formulas.get(si, "")
        formula = formula or "(công thức)"
    value: object = ""
    error = invalid = ""
    if kind == "s":
        idx = (v or "").strip()
        if idx:
            if not idx.isdecimal() or int(idx) >= len(strings):
                raise reject(
                    "tep-hong",
                    f"Tệp Excel bị hỏng: ô {name} của trang «{sheet}» trỏ tới chuỗi chữ không có "
                    "trong tệp. Hãy mở tệp bằng Excel, lưu lại rồi gửi lại, hoặc đề nghị đơn vị gửi lại tệp.",
                    file,
                )
            value = strings[int(idx)]
    elif kind == "inlineStr":
        value = rich_text(body)
    elif kind == "str":
        value = v or ""
    else:
        value, error, invalid = scalar_value(kind, v, style in dates, date1904)
    values[ref] = value
    cached = raw_v is not None and raw_v != ""
    if formula or error or invalid or style in percent:
        out.facts[name] = CellXml(style, formula, cached, error, invalid)
