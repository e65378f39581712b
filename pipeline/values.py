"""Typed values as people type them → one normalised value, whichever program saved the file.

Pure functions, no Problem objects: each returns the value read (or None) and, when the text
could not be read cleanly, a short code the rules turn into a Vietnamese message
(``rules.py``). The same input gives the same value whether Excel, LibreOffice or openpyxl
wrote the cell: numbers stored as text, decimal commas, thousands dots, non-breaking spaces.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass

# Codes returned by the readers (the rules map them to problems)
NOT_A_NUMBER = "khong-phai-so"
PERCENT = "nhap-phan-tram"
NOT_YES_NO = "khong-phai-co-khong"
BAD_DATE = "ngay-khong-hop-le"

_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # zero-width, BOM, soft hyphen
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARS))
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE_CHARS}]")
_MINUS = "-\u2212\u2012\u2013"  # hyphen-minus, minus sign, figure dash, en dash
_GROUPED_SPACES = re.compile(r"\d{1,3}(?: \d{3})+(?:[.,]\d+)?")
_DIGITS_SEPS = re.compile(r"(?=[.,]*+\d)[\d.,]++")  # digits and separators, at least one digit (linear)


@dataclass(frozen=True)
class Number:
    """A number as read from what a person typed."""

    value: float | None  # None when the text is not a number
    code: str = ""  # NOT_A_NUMBER | PERCENT when value is None
    ambiguous: bool = False  # "1,250" in a count, "1.250" in a decimal field: read, but say how


def cell_text(raw: object) -> str:
    """A cell as text: NFC, no surrounding (incl. non-breaking) spaces, "\\n" line ends."""
    if raw is None or raw == "":
        return ""
    if type(raw) is str:  # the common case, kept cheap: most cells are short plain text
        text = raw
        if not text.isascii():
            text = unicodedata.normalize("NFC", text)
            if _INVISIBLE_RE.search(text):
                text = text.translate(_INVISIBLE)
        if "\r" in text or "_x000D_" in text:
            text = text.replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
        return text.strip()
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float):
        return format_number(raw, grouping=False)
    if isinstance(raw, dt.datetime):
        return f"{raw:%d/%m/%Y %H:%M}" if raw.time() != dt.time() else f"{raw:%d/%m/%Y}"
    if isinstance(raw, dt.date):
        return f"{raw:%d/%m/%Y}"
    text = unicodedata.normalize("NFC", str(raw)).translate(_INVISIBLE)
    text = text.replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def fold(text: str) -> str:
    """Lower case, no diacritics, single spaces: "  Đã Hoàn  thành " → "da hoan thanh"."""
    text = unicodedata.normalize("NFD", cell_text(text)).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())


def format_number(value: float, grouping: bool = True) -> str:
    """Vietnamese style for messages: 1250 → "1.250", 85.5 → "85,5" (no float noise)."""
    if math.isnan(value) or math.isinf(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        text = f"{int(value):,}" if grouping else str(int(value))
        return text.replace(",", ".")
    text = (f"{value:,.10f}" if grouping else f"{value:.10f}").rstrip("0").rstrip(".")  # 1e15: no "1.000,"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def parse_number_text(raw: str, whole: bool) -> Number:
    """Read a number typed as text. ``whole``: the field is a count (so_nguyen).

    Vietnamese convention first (dot = thousands, comma = decimal); a single separator
    followed by exactly three digits is ambiguous and flagged — read as thousands in a count
    (a count cannot be 1,25), by the Vietnamese convention in a decimal field.
    """
    text = unicodedata.normalize("NFKC", raw).translate(_INVISIBLE)
    text = " ".join(text.split())  # NFKC made U+00A0/U+202F plain spaces; strip and squeeze
    if not text:
        return Number(None, NOT_A_NUMBER)
    if text.endswith("%"):
        return Number(None, PERCENT)
    sign = 1.0
    if text[0] in _MINUS or text[0] == "+":
        sign = -1.0 if text[0] in _MINUS else 1.0
        text = text[1:].lstrip()
    if _GROUPED_SPACES.fullmatch(text):
        text = text.replace(" ", "")
    if not _DIGITS_SEPS.fullmatch(text):
        return Number(None, NOT_A_NUMBER)
    value, ambiguous = _separators(text, whole)
    if value is None:
        return Number(None, NOT_A_NUMBER)
    return Number(sign * value if value else 0.0, ambiguous=ambiguous)


def _grouped(text: str, sep: str) -> bool:
    return re.fullmatch(r"\d{1,3}(?:" + re.escape(sep) + r"\d{3})+", text) is not None


def _separators(text: str, whole: bool) -> tuple[float | None, bool]:
    dots, commas = text.count("."), text.count(",")
    if not dots and not commas:
        return float(text), False
    if dots and commas:  # both: the last one is the decimal mark, the other groups thousands
        dec = "." if text.rfind(".") > text.rfind(",") else ","
        thousands = "," if dec == "." else "."
        int_part, _, frac = text.rpartition(dec)
        if thousands in frac or dec in int_part or not frac.isdigit():
            return None, False
        if thousands in int_part and not _grouped(int_part, thousands):
            return None, False
        return float(int_part.replace(thousands, "") + "." + frac), False
    sep = "." if dots else ","
    if dots + commas > 1:  # 1.250.000 or 1,250,000: thousands only
        return (float(text.replace(sep, "")), False) if _grouped(text, sep) else (None, False)
    left, _, right = text.partition(sep)
    if not right.isdigit() and right:
        return None, False
    if len(right) == 3 and 1 <= len(left) <= 3 and not left.startswith("0"):
        as_thousands = float(left + right)
        if whole or sep == ".":  # count, or the Vietnamese thousands dot
            return as_thousands, sep == "," or not whole
        return float(f"{left}.{right}"), True  # decimal comma in a decimal field
    return float(f"{left or '0'}.{right or '0'}"), False


def is_integer(value: float) -> bool:
    return math.isfinite(value) and abs(value - round(value)) < 1e-9


def parse_yes_no(raw: object) -> bool | None:
    """Có/Không in any case, with or without diacritics (NFC or NFD), or a boolean."""
    if isinstance(raw, bool):
        return raw
    if not isinstance(raw, str):
        return None
    folded = fold(raw).rstrip(".")
    return {"co": True, "khong": False}.get(folded)


_DMY = re.compile(r"(?:ngay\s*)?(\d{1,2})\s*(?:[/.-]|\s*thang\s*)\s*(\d{1,2})\s*(?:[/.-]|\s*nam\s*)\s*(\d{4})")
_YMD = re.compile(r"(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})")
_TIME = re.compile(r"(?:\s+|t)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")  # after fold(): ISO "T" is "t"


def excel_serial_date(serial: float, date1904: bool = False) -> dt.date | None:
    if not math.isfinite(serial) or not 1 <= serial < 2958466:
        return None
    base = dt.date(1904, 1, 1) if date1904 else dt.date(1899, 12, 30)
    return base + dt.timedelta(days=int(serial))


def parse_date(raw: object, date1904: bool = False) -> dt.date | None:
    """A date cell, an Excel serial number, or text 25/11/2026, 25-11-2026, 2026-11-25."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return excel_serial_date(float(raw), date1904)
    if not isinstance(raw, str):
        return None
    text = _TIME.sub("", fold(raw))
    for pattern, order in ((_DMY, (2, 1, 0)), (_YMD, (0, 1, 2))):
        m = pattern.fullmatch(text)
        if m:
            y, mo, d = (int(m[i + 1]) for i in order)
            try:
                return dt.date(y, mo, d)
            except ValueError:
                return None
    return None
