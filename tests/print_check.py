"""Read a printed PDF the way a person looks at it: is every line on the page, is any line over another?

``pdftotext -bbox-layout`` gives each text line's box in points on its page. A printed form
is right when every line lies inside its page and no two lines' boxes overlap (wrapped text
drawn past its row lands on the next row's text; a column past the page edge is cut).

    faults = layout_faults(Path("form.pdf"))  # [] when the print is clean
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

# Boxes are computed from font ascent/descent, and a Vietnamese letter drawn from a fallback
# font (taller ascent) makes its line's box reach into the next line of the same paragraph by
# up to a fifth of a line. Text printed over text crosses by more: when a row is too short,
# its overflowing lines fall at any offset on the next row's lines, and of the two nearest
# pairs one crosses by more than half a line.
OVERLAP_TOLERANCE = 1.0  # points
OVERLAP_SHARE = 0.3  # of the smaller line's height
EDGE_TOLERANCE = 0.5

_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_LINE = re.compile(r'<line xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</line>', re.S)
_WORD = re.compile(r"<word [^>]*>(.*?)</word>", re.S)


@dataclass(frozen=True)
class Line:
    page: int  # 1-based
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    def overlaps(self, other: Line) -> bool:
        """Boxes cross by more than the tolerance sideways, and by more than a third of the
        lower line's height (or the tolerance) up and down."""
        dx = min(self.x1, other.x1) - max(self.x0, other.x0)
        dy = min(self.y1, other.y1) - max(self.y0, other.y0)
        height = min(self.y1 - self.y0, other.y1 - other.y0)
        return dx > OVERLAP_TOLERANCE and dy > max(OVERLAP_TOLERANCE, OVERLAP_SHARE * height)

    def __str__(self) -> str:
        return f"trang {self.page} ({self.x0:.0f},{self.y0:.0f})–({self.x1:.0f},{self.y1:.0f}) «{self.text[:60]}»"


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    lines: tuple[Line, ...]


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def read_pages(pdf: Path, pdftotext: str = "pdftotext") -> list[Page]:
    xml = subprocess.run([pdftotext, "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for n, m in enumerate(_PAGE.finditer(xml), start=1):
        lines = tuple(
            Line(n, float(x0), float(y0), float(x1), float(y1), _unescape(" ".join(_WORD.findall(body))))
            for x0, y0, x1, y1, body in _LINE.findall(m[3])
        )
        pages.append(Page(n, float(m[1]), float(m[2]), lines))
    return pages


def off_page(page: Page) -> list[Line]:
    e = EDGE_TOLERANCE
    return [ln for ln in page.lines if ln.x0 < -e or ln.y0 < -e or ln.x1 > page.width + e or ln.y1 > page.height + e]


def overlapping(page: Page) -> list[tuple[Line, Line]]:
    lines = sorted(page.lines, key=lambda ln: ln.y0)
    pairs = []
    for i, a in enumerate(lines):
        for b in lines[i + 1 :]:
            if b.y0 >= a.y1 - OVERLAP_TOLERANCE:
                break
            if a.overlaps(b):
                pairs.append((a, b))
    return pairs


def layout_faults(pdf: Path, pdftotext: str = "pdftotext") -> list[str]:
    """Every line off its page and every pair of lines printed over each other, as readable text."""
    faults = []
    for page in read_pages(pdf, pdftotext):
        faults += [f"ra ngoài trang: {ln}" for ln in off_page(page)]
        faults += [f"chồng lên nhau: {a} / {b}" for a, b in overlapping(page)]
    return faults


def page_text(pdf: Path, pdftotext: str = "pdftotext") -> list[str]:
    """The text of each page, one printed line per line."""
    return ["\n".join(ln.text for ln in p.lines) for p in read_pages(pdf, pdftotext)]


def pdf_text(pdf: Path, pdftotext: str = "pdftotext") -> str:
    """The PDF's plain text (``pdftotext``), pages separated by form feeds."""
    return subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
