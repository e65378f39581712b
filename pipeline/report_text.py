"""The documents' Vietnamese text, piece by piece: the date line, a unit's text quoted in a sentence,
lists the Vietnamese way, unit names in an attribution.

Shared by the yearly report (report_context), the phase review and the reminder letter; pure
functions of text and the plan, no rendering.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from .plan import Plan, Signer

NUMBER_BLANK = "      "  # the number is written by the records office: "Số:      /BC-UBND"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # \a \f … would break the XML or the layout


_LOCAL_PREFIX = re.compile(r"^(?:UBND|Ủy ban nhân dân)\s+", re.IGNORECASE)


_ADMIN_WORDS = ("thị trấn", "phường", "xã")


LETTERS = "abcdđeghiklmnopqrstuvxy"  # a), b) … the Vietnamese way (no f, j, w, z)


def ngay_thang(place: str, date: dt.date) -> str:
    """The date line: "Cao Lãnh, ngày 05 tháng 12 năm 2026" (tháng 01, 02 with a leading zero)."""
    month = f"{date.month:02d}" if date.month < 3 else str(date.month)
    return f"{place}, ngày {date.day:02d} tháng {month} năm {date.year}"


def one_paragraph(text: str) -> str:
    """A unit's free text as one paragraph: control characters removed, lines joined by "; "."""
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    lines = [re.sub(r"^\s*(?:[-–•+*]|\d+[.)])\s+", "", ln).strip() for ln in text.split("\n")]
    lines = [re.sub(r"\s+", " ", ln).rstrip(" ;,") for ln in lines if ln.strip()]
    return "; ".join(ln.rstrip(".") if i < len(lines) - 1 else ln for i, ln in enumerate(lines))


_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+")


def excerpt(text: str, limit: int = 240, sentences: int = 2) -> str:
    """A unit's text for the report's body: its first sentence or two within ``limit`` characters,
    cut at a sentence boundary (or, when the first sentence alone is longer, at a word boundary,
    never mid-word), "…" where something was left out. The full text is in the summary workbook."""
    text = one_paragraph(text)
    if len(text) <= limit:
        return text
    parts = _SENTENCE_END.split(text)
    taken = ""
    for part in parts[:sentences]:
        candidate = f"{taken} {part}".strip()
        if len(candidate) > limit:
            break
        taken = candidate
    if not taken:
        head = text[: limit + 1]
        cut = head.rfind(" ")
        taken = head[:cut] if cut > limit // 2 else head[:limit]
    return taken.rstrip(" ,;:.-–") + "…"


def sentence(text: str) -> str:
    """``text`` ending with a full stop (unless it already ends a sentence)."""
    text = text.rstrip(" ;,")
    return text if not text or text[-1] in ".!?…" else text + "."


def join_points(points: Sequence[str]) -> list[str]:
    """List items the Vietnamese way: each ends with ";", the last with "."."""
    out = [p.rstrip(" ;.") + ";" for p in points]
    if out:
        out[-1] = out[-1][:-1] + "."
    return out


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def shorten(text: str, limit: int = 200) -> str:
    """``text`` without its final full stop, cut at a phrase (or word) boundary past ``limit``."""
    text = " ".join(text.split()).rstrip(" .;")
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = max(head.rfind(", "), head.rfind("; "))
    if cut < limit * 0.6:
        cut = head.rfind(" ")
    return head[:cut].rstrip(",;:( ") + "…"


def letter(i: int) -> str:
    return LETTERS[i] if i < len(LETTERS) else str(i + 1)


def short_name(name: str) -> str:
    """ "UBND xã An Bình" → "xã An Bình"; other names unchanged."""
    return _LOCAL_PREFIX.sub("", name)


NAMES_IN_TEXT = 12  # beyond this many units an attribution names the first few and counts the rest


def by_area(plan: Plan) -> bool:
    """Large multi-area plans (a province rolling up districts): the report groups units by area."""
    return len(plan.areas()) > 1 and len(plan.units) > 2 * NAMES_IN_TEXT


def unit_names(plan: Plan, unit_ids: Iterable[str]) -> str:
    """Short names for an attribution: "Phòng Y tế; các xã An Bình, Mỹ Hiệp".

    A long list names the first units and counts the others ("… và 118 đơn vị khác").
    """
    ids = list(unit_ids)
    if len(ids) > NAMES_IN_TEXT:
        shown = NAMES_IN_TEXT // 2
        return f"{unit_names(plan, ids[:shown])} và {len(ids) - shown} đơn vị khác"
    names = [short_name(plan.unit(u).name) if plan.has_unit(u) else u for u in ids]
    groups: dict[str, list[str]] = {}
    order: list[str] = []
    for n in names:
        word = next((w for w in _ADMIN_WORDS if n.lower().startswith(w + " ")), "")
        key = word or n
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(n[len(word) + 1 :] if word else n)
    out = []
    for key in order:
        if key in _ADMIN_WORDS:
            rest = groups[key]
            out.append(f"{key} {rest[0]}" if len(rest) == 1 else f"các {key} {', '.join(rest)}")
        else:
            out.append(key)
    return "; ".join(out)


def listed(items: Sequence[str]) -> list[str]:
    """ND30's list of recipients: "- A;" … "- Z." (each on its own line)."""
    return [f"- {r};" for r in items[:-1]] + [f"- {r}." for r in items[-1:]]


def signature(signer: Signer) -> dict[str, str]:
    """The signature block's tags, the same in every document (report, review, reminder)."""
    return {
        "ky_tham_quyen": signer.authority,
        "ky_thay": signer.on_behalf,
        "ky_chuc_vu": signer.title,
        "ky_ho_ten": signer.name,
    }
