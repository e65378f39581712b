"""Build templates/bao-cao.docx, the Word template of the annual report, with python-docx.

The layout follows Nghị định 30/2020/NĐ-CP (see ../shared/ND30.md): A4, margins 20/20/30/15 mm,
Times New Roman 14 pt, the two-column header and closing tables, page numbers in the header
from page 2, appendices on landscape pages. Every Jinja tag is written as a single run in its
own paragraph or table row, so docxtpl sees it whole; all wording and every name comes from
the context built by ``pipeline.report.build_context`` (nothing about one district here).

Usage:  python tools/make_report_template.py [OUTPUT]     (default: templates/bao-cao.docx)
The output is byte-identical on every run.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH as ALIGN
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.ooxml import stable_package  # noqa: E402
from pipeline.report_docx import EVEN_COLUMNS  # noqa: E402

FONT = "Times New Roman"
PAGE_W, PAGE_H = 210, 297  # mm, A4
TOP, BOTTOM, LEFT, RIGHT = 20, 20, 30, 15  # mm (ND30: 20–25, 20–25, 30–35, 15–20)
TEXT_W = PAGE_W - LEFT - RIGHT  # 165 mm portrait
WIDE_W = PAGE_H - LEFT - RIGHT  # 252 mm landscape
STAMP = dt.datetime(2021, 10, 13)  # the plan's date: any fixed time keeps the bytes stable


def twips(mm: float) -> int:
    return round(mm / 25.4 * 1440)


def el(tag: str, **attrs: str) -> OxmlElement:
    e = OxmlElement(tag)
    for k, v in attrs.items():
        e.set(qn(f"w:{k}"), v)
    return e


def child(parent: OxmlElement, tag: str, **attrs: str) -> OxmlElement:
    """The ``tag`` child of ``parent`` (created if missing), with ``attrs`` set."""
    found = parent.find(qn(tag))
    if found is None:
        found = el(tag)
        parent.append(found)
    for k, v in attrs.items():
        found.set(qn(f"w:{k}"), v)
    return found


# Child order the OOXML schema requires (Word refuses a file whose properties are out of order).
SEQUENCES = {
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd "
           "tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
           "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
           "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
           "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText "
           "vertAlign rtl cs em lang eastAsianLayout specVanish oMath",
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
             "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription",
    "sectPr": "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders "
              "lnNumType pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid "
              "printerSettings sectPrChange",
}  # fmt: skip


def tidy(root: OxmlElement) -> None:
    """Put the children of every pPr, rPr, tblPr and sectPr under ``root`` in schema order."""
    for name, seq in SEQUENCES.items():
        rank = {qn(f"w:{tag}"): i for i, tag in enumerate(seq.split())}
        for parent in root.iter(qn(f"w:{name}")):
            kids = sorted(parent, key=lambda e: rank.get(e.tag, len(rank)))  # stable: same tags keep order
            for kid in kids:
                parent.append(kid)


# --------------------------------------------------------------------------- styles


def set_fonts(rpr: OxmlElement) -> None:
    """Times New Roman for every script (ascii, hAnsi, eastAsia, cs); theme fonts removed."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = el("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{attr}"), FONT)


def setup_styles(doc: Document) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr)
    child(rpr, "w:sz", val="28")
    child(rpr, "w:szCs", val="28")
    child(rpr, "w:lang", val="vi-VN", eastAsia="vi-VN", bidi="ar-SA")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")

    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    set_fonts(normal.element.get_or_add_rPr())
    pf = normal.paragraph_format
    pf.space_before, pf.space_after, pf.line_spacing = Pt(0), Pt(0), 1.0
    for name in ("Header", "Footer"):
        style = doc.styles[name]
        style.font.name = FONT
        set_fonts(style.element.get_or_add_rPr())


def add_style(doc: Document, style_id: str, name: str, base: str = "Normal", *, size: float | None = None,
              bold: bool | None = None, italic: bool | None = None, align: int | None = None,
              first: float | None = None, before: float | None = None, after: float | None = None,
              line: float | None = None,
              keep_next: bool = False, outline: int | None = None) -> None:  # fmt: skip
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.element.set(qn("w:styleId"), style_id)
    style.base_style = doc.styles[base]
    style.quick_style = True
    if size is not None:
        style.font.size = Pt(size)
    style.font.bold, style.font.italic = bold, italic
    pf = style.paragraph_format
    if align is not None:
        pf.alignment = align
    if first is not None:
        pf.first_line_indent = Mm(first)
    if before is not None:
        pf.space_before = Pt(before)
    if after is not None:
        pf.space_after = Pt(after)
    if line is not None:
        pf.line_spacing = line
    pf.keep_with_next = keep_next or None
    if outline is not None:
        child(style.element.get_or_add_pPr(), "w:outlineLvl", val=str(outline))


def report_styles(doc: Document) -> None:
    J, C, L = ALIGN.JUSTIFY, ALIGN.CENTER, ALIGN.LEFT
    add_style(doc, "BCNoiDung", "BC Nội dung", align=J, first=10, before=0, after=6, line=1.15)
    add_style(doc, "BCCanCu", "BC Căn cứ", "BC Nội dung", italic=True)
    add_style(doc, "BCGiuChuKy", "BC Nội dung (liền chữ ký)", "BC Nội dung", keep_next=True)
    add_style(doc, "BCMuc", "BC Mục (I, II…)", "BC Nội dung", bold=True, before=6, keep_next=True, outline=0)
    add_style(doc, "BCMucNho", "BC Mục nhỏ (1, 2…)", "BC Nội dung", bold=True, keep_next=True, outline=1)
    add_style(doc, "BCDiem", "BC Điểm (a, b…)", "BC Nội dung", italic=True, keep_next=True)
    add_style(doc, "BCTieuDe", "BC Tiêu đề", bold=True, align=C, keep_next=True)
    add_style(doc, "BCGiua", "BC Dòng nghiêng giữa", italic=True, align=C, after=6)
    add_style(doc, "BCHinh", "BC Hình", align=C, before=6, keep_next=True)
    add_style(doc, "BCDuong", "BC Đường kẻ", size=2, align=C, keep_next=True)
    add_style(doc, "BCBang", "BC Bảng", size=12, align=L, before=2, after=2)
    add_style(doc, "BCBangGiua", "BC Bảng giữa", "BC Bảng", align=C)
    add_style(doc, "BCBangTieuDe", "BC Bảng tiêu đề", "BC Bảng", bold=True, align=C)
    add_style(doc, "BCTenBang", "BC Tên bảng", bold=True, align=J, before=12, after=3, keep_next=True)
    add_style(doc, "BCGhiChuBang", "BC Ghi chú bảng", italic=True, align=J, after=6, keep_next=True)
    add_style(doc, "BCNoiNhan", "BC Nơi nhận", size=11, align=L)


# --------------------------------------------------------------------------- paragraphs


def para(where, text: str = "", style: str = "Normal", *, bold: bool | None = None,
         italic: bool | None = None, size: float | None = None, align: int | None = None,
         before: float | None = None):  # fmt: skip
    """A paragraph holding ``text`` as ONE run (so a tag is never split)."""
    p = where.add_paragraph(style=style)
    if align is not None:
        p.alignment = align
    if before is not None:
        p.paragraph_format.space_before = Pt(before)
    if text:
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        if size is not None:
            run.font.size = Pt(size)
    return p


def first_para(cell, text: str, style: str = "Normal", **kw):
    """Use a fresh cell's existing empty paragraph for ``text``."""
    p = para(cell, text, style, **kw)
    cell._tc.remove(cell.paragraphs[0]._p)
    return p


def line(where, indent_mm: float) -> None:
    """A short solid line: an empty paragraph with a bottom border, its width set by indents."""
    p = where.add_paragraph(style="BC Đường kẻ")
    p.paragraph_format.left_indent = Mm(indent_mm)
    p.paragraph_format.right_indent = Mm(indent_mm)
    border = child(p._p.get_or_add_pPr(), "w:pBdr")
    border.append(el("w:bottom", val="single", sz="6", space="1", color="000000"))


def loop_para(where, tag: str, style: str = "BC Nội dung") -> None:
    para(where, tag, style)


# --------------------------------------------------------------------------- tables


def table(doc: Document, widths_mm: list[float], *, grid: bool, caption: str = ""):
    t = doc.add_table(rows=0, cols=len(widths_mm))
    tbl_pr = t._tbl.tblPr
    for tag in ("w:tblW", "w:tblLayout", "w:tblBorders", "w:tblCellMar"):
        old = tbl_pr.find(qn(tag))
        if old is not None:
            tbl_pr.remove(old)
    tbl_pr.append(el("w:tblW", w=str(sum(twips(w) for w in widths_mm)), type="dxa"))
    borders = el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if grid:
            borders.append(el(f"w:{side}", val="single", sz="4", space="0", color="000000"))
        else:
            borders.append(el(f"w:{side}", val="nil"))
    tbl_pr.append(borders)
    tbl_pr.append(el("w:tblLayout", type="fixed"))
    margins = el("w:tblCellMar")
    for side in ("left", "right"):
        margins.append(el(f"w:{side}", w="85" if grid else "0", type="dxa"))
    tbl_pr.append(margins)
    if caption:
        tbl_pr.append(el("w:tblCaption", val=caption))
    for col, w in zip(t.columns, widths_mm, strict=True):
        col.width = Mm(w)
    return t


def row(t, texts: list[str], styles: list[str] | str = "BC Bảng", *, header: bool = False,
        bold: bool | None = None, keep: bool = False):  # fmt: skip
    """A table row; ``header`` repeats it on every page, ``keep`` stops it splitting across pages."""
    r = t.add_row()
    if keep or header:
        child(r._tr.get_or_add_trPr(), "w:cantSplit")
    if header:
        child(r._tr.get_or_add_trPr(), "w:tblHeader")
    if isinstance(styles, str):
        styles = [styles] * len(texts)
    widths = [c.width for c in t.columns]
    for cell, text, style, w in zip(r.cells, texts, styles, widths, strict=True):
        cell.width = w
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        first_para(cell, text, style, bold=bold)
    return r


def loop_row(t, tag: str) -> None:
    """A row holding only a {%tr … %} tag (removed when rendering)."""
    row(t, [tag] + [""] * (len(t.columns) - 1))


# --------------------------------------------------------------------------- page setup


def page_number_header(section) -> None:
    """Header: centred PAGE field; first page of each section without number."""
    section.different_first_page_header_footer = True
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    section.header.is_linked_to_previous = False
    p = section.header.paragraphs[0]
    p.alignment = ALIGN.CENTER
    for kind, text in (("begin", ""), ("instr", " PAGE "), ("separate", ""), ("text", "2"), ("end", "")):
        r = p.add_run()
        r.font.size = Pt(13)
        if kind == "instr":
            instr = el("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            r._r.append(instr)
        elif kind == "text":
            r.text = text
        else:
            r._r.append(el("w:fldChar", fldCharType=kind))
    section.first_page_header.is_linked_to_previous = False


def page(section, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(PAGE_H), Mm(PAGE_W)) if landscape else (Mm(PAGE_W), Mm(PAGE_H))
    section.top_margin, section.bottom_margin = Mm(TOP), Mm(BOTTOM)
    section.left_margin, section.right_margin = Mm(LEFT), Mm(RIGHT)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    section.different_first_page_header_footer = True


def new_landscape_section(doc: Document) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    page(section, landscape=True)
    pg = section._sectPr.find(qn("w:pgNumType"))
    if pg is None:
        pg = el("w:pgNumType")
        section._sectPr.append(pg)
        # schema order: pgNumType comes after pgMar/paperSrc… and before cols
        cols = section._sectPr.find(qn("w:cols"))
        if cols is not None:
            cols.addprevious(pg)
    pg.set(qn("w:start"), "1")


def appendix_heading(doc: Document, number: str, title: str) -> None:
    para(doc, f"Phụ lục {number}", "BC Tiêu đề")
    para(doc, title, "BC Tiêu đề")
    para(doc, "{{ kem_theo }}", "BC Dòng nghiêng giữa")
    line(doc, (WIDE_W - 60) / 2)
    para(doc, "", "BC Bảng")


# --------------------------------------------------------------------------- the document


def build() -> bytes:
    doc = Document()
    setup_styles(doc)
    report_styles(doc)
    for p in doc.paragraphs:  # the default document's empty paragraph, if any
        p._p.getparent().remove(p._p)
    page(doc.sections[0], landscape=False)
    page_number_header(doc.sections[0])
    C = ALIGN.CENTER

    # Header: agency | national motto; second row: number | place and date (kept level).
    left_w, right_w = 66, TEXT_W - 66
    head = table(doc, [left_w, right_w], grid=False)
    r = head.add_row()
    for cell, w in zip(r.cells, (left_w, right_w), strict=True):
        cell.width = Mm(w)
    a, b = r.cells
    first_para(a, "{{ co_quan_cap_tren }}", bold=True, size=13, align=C)
    para(a, "{{ co_quan_ten }}", bold=True, size=13, align=C)
    line(a, (left_w - 20) / 2)
    first_para(b, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=13, align=C)
    para(b, "Độc lập - Tự do - Hạnh phúc", bold=True, size=14, align=C)
    line(b, (right_w - 58) / 2)
    r = head.add_row()
    for cell, w in zip(r.cells, (left_w, right_w), strict=True):
        cell.width = Mm(w)
    first_para(r.cells[0], "{{ so_hieu }}", size=13, align=C, before=6)
    first_para(r.cells[1], "{{ ngay_thang }}", italic=True, size=14, align=C, before=6)

    # Title and trích yếu.
    para(doc, "BÁO CÁO", "BC Tiêu đề", before=24)
    para(doc, "{{ trich_yeu }}", "BC Tiêu đề")
    line(doc, (TEXT_W - 50) / 2)
    loop_para(doc, "{%p if kinh_gui %}", "BC Tiêu đề")  # [bao_cao] kinh_gui: optional "Kính gửi: …"
    para(doc, "{{ kinh_gui }}", align=ALIGN.CENTER, before=6)
    loop_para(doc, "{%p endif %}", "BC Tiêu đề")
    para(doc, "", "BC Nội dung")

    # Bases, opening, situation.
    loop_para(doc, "{%p for cc in can_cu %}", "BC Căn cứ")
    para(doc, "{{ cc }}", "BC Căn cứ")
    loop_para(doc, "{%p endfor %}", "BC Căn cứ")
    para(doc, "{{ mo_dau }}", "BC Nội dung")
    loop_para(doc, "{%p for doan in tinh_hinh %}")
    para(doc, "{{ doan }}", "BC Nội dung")
    loop_para(doc, "{%p endfor %}")

    # I. Tasks.
    para(doc, "I. KẾT QUẢ THỰC HIỆN", "BC Mục (I, II…)")
    para(doc, "{{ nhiem_vu_mo_dau }}", "BC Nội dung")
    loop_para(doc, "{%p for nhom in nhiem_vu %}")
    para(doc, "{{ nhom.tieu_de }}", "BC Mục nhỏ (1, 2…)")
    loop_para(doc, "{%p for muc in nhom.muc %}")
    para(doc, "{{ muc.tieu_de }}", "BC Điểm (a, b…)")
    loop_para(doc, "{%p for doan in muc.doan %}")
    para(doc, "{{ doan }}", "BC Nội dung")
    loop_para(doc, "{%p endfor %}")
    loop_para(doc, "{%p endfor %}")
    loop_para(doc, "{%p endfor %}")
    para(doc, "{{ kinh_phi_tieu_de }}", "BC Mục nhỏ (1, 2…)")  # mục IV of the plan: funding
    loop_para(doc, "{%p for doan in kinh_phi %}")
    para(doc, "{{ doan }}", "BC Nội dung")
    loop_para(doc, "{%p endfor %}")

    # II. Indicators: table, closing sentence, chart.
    para(doc, "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", "BC Mục (I, II…)")
    para(doc, "{{ chi_tieu_mo_dau }}", "BC Nội dung")
    # the comparison column (last year, change) comes from a {%tc for %} loop: none without history
    t = table(doc, [12, 57, 20, 20, 6, 26, 6, 18], grid=True, caption=f"{EVEN_COLUMNS}:2")  # 165 mm in all
    row(t, ["STT", "Chỉ tiêu", "Mục tiêu (năm mốc)", "Kết quả {{ ky }}", "{%tc for cot in chi_tieu_cot_so_sanh %}",
            "{{ cot }}", "{%tc endfor %}", "Đánh giá"], "BC Bảng tiêu đề", header=True)  # fmt: skip
    loop_row(t, "{%tr for ct in chi_tieu %}")
    row(t, ["{{ ct.stt }}", "{{ ct.noi_dung }}", "{{ ct.muc_tieu }}", "{{ ct.ket_qua }}", "{%tc for v in ct.so_sanh %}",
            "{{ v }}", "{%tc endfor %}", "{{ ct.danh_gia }}"],
        ["BC Bảng giữa", "BC Bảng", "BC Bảng giữa", "BC Bảng giữa", "BC Bảng giữa", "BC Bảng giữa", "BC Bảng giữa",
         "BC Bảng giữa"], keep=True)  # fmt: skip
    loop_row(t, "{%tr endfor %}")
    para(doc, "{{ chi_tieu_tong_ket }}", "BC Nội dung", before=6)
    loop_para(doc, "{%p if bieu_do %}", "BC Hình")
    para(doc, "{{ bieu_do }}", "BC Hình")
    para(doc, "{{ bieu_do_tieu_de }}", "BC Dòng nghiêng giữa")
    loop_para(doc, "{%p else %}")
    para(doc, "{{ bieu_do_thay_the }}", "BC Nội dung")
    loop_para(doc, "{%p endif %}")
    loop_para(doc, "{%p if bieu_do_xu_huong %}", "BC Hình")
    para(doc, "{{ bieu_do_xu_huong }}", "BC Hình")
    para(doc, "{{ bieu_do_xu_huong_tieu_de }}", "BC Dòng nghiêng giữa")
    loop_para(doc, "{%p endif %}")

    # III–V. Points gathered from the units.
    # (section V keeps with the signature so that never stands alone on a page)
    for heading, name, style in (("III. KHÓ KHĂN, VƯỚNG MẮC", "kho_khan", "BC Nội dung"),
                                 ("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {{ nam_sau }}", "phuong_huong", "BC Nội dung"),
                                 ("V. KIẾN NGHỊ, ĐỀ XUẤT", "kien_nghi", "BC Nội dung (liền chữ ký)")):  # fmt: skip
        para(doc, heading, "BC Mục (I, II…)")
        loop_para(doc, f"{{%p for doan in {name} %}}", style)
        para(doc, "{{ doan }}", style)
        loop_para(doc, "{%p endfor %}", style)

    # Closing: recipients | signature.
    sign = table(doc, [72, TEXT_W - 72], grid=False)
    r = sign.add_row()
    child(r._tr.get_or_add_trPr(), "w:cantSplit")
    a, b = r.cells
    a.width, b.width = Mm(72), Mm(TEXT_W - 72)
    first_para(a, "Nơi nhận:", bold=True, italic=True, size=12, before=12)
    para(a, "{%p for nn in noi_nhan %}", "BC Nơi nhận")
    para(a, "{{ nn }}", "BC Nơi nhận")
    para(a, "{%p endfor %}", "BC Nơi nhận")
    first_para(b, "{{ ky_tham_quyen }}", bold=True, align=C, before=12)
    para(b, "{%p if ky_thay %}", align=C)
    para(b, "{{ ky_thay }}", bold=True, align=C)
    para(b, "{%p endif %}", align=C)
    para(b, "{{ ky_chuc_vu }}", bold=True, align=C)
    for _ in range(5):
        para(b, "", align=C)
    para(b, "{{ ky_ho_ten }}", bold=True, align=C)

    # Phụ lục I: one table per indicator; its value columns come from a {%tc for %} loop.
    new_landscape_section(doc)
    appendix_heading(doc, "I", "SỐ LIỆU CÁC CHỈ TIÊU THEO TỪNG ĐƠN VỊ {{ ky_hoa }}")
    loop_para(doc, "{%p for pl in phu_luc_1 %}", "BC Tên bảng")
    para(doc, "{{ pl.tieu_de }}", "BC Tên bảng")
    para(doc, "{{ pl.mo_ta }}", "BC Ghi chú bảng")
    t = table(doc, [14, 66, 12, WIDE_W - 14 - 66 - 24, 12], grid=True, caption=f"{EVEN_COLUMNS}:2")
    G, B, T = "BC Bảng giữa", "BC Bảng", "BC Bảng tiêu đề"
    row(t, ["STT", "Đơn vị", "{%tc for cot in pl.cot %}", "{{ cot }}", "{%tc endfor %}"], T, header=True)
    loop_row(t, "{%tr for d in pl.dong %}")
    row(t, ["{{ d.stt }}", "{{ d.don_vi }}", "{%tc for v in d.so_lieu %}", "{{ v }}", "{%tc endfor %}"],
        [G, B, G, G, G], keep=True)  # fmt: skip
    loop_row(t, "{%tr endfor %}")
    row(t, ["", "Cộng", "{%tc for v in pl.cong %}", "{{ v }}", "{%tc endfor %}"], [G, B, G, G, G], bold=True,
        keep=True)  # fmt: skip
    loop_para(doc, "{%p endfor %}", "BC Tên bảng")

    # Phụ lục II: every task of the plan's appendix, grouped.
    new_landscape_section(doc)
    appendix_heading(doc, "II", "TÌNH HÌNH THỰC HIỆN CÁC NHIỆM VỤ {{ ky_hoa }}")
    # the plan's own columns (STT, content, lead, partners, period, note) and the year's state and result
    t = table(doc, [12, 62, 30, 34, 20, 24, WIDE_W - 206, 24], grid=True)
    row(t, ["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian", "Tình trạng",
            "Kết quả thực hiện", "Ghi chú"], T, header=True)  # fmt: skip
    loop_row(t, "{%tr for nhom in phu_luc_2 %}")
    row(t, ["{{ nhom.ma }}", "{{ nhom.ten }}", "", "", "", "", "", ""], [G, B, B, B, B, B, B, B], bold=True, keep=True)
    loop_row(t, "{%tr for nv in nhom.dong %}")
    row(t, ["{{ nv.stt }}", "{{ nv.noi_dung }}", "{{ nv.chu_tri }}", "{{ nv.phoi_hop }}", "{{ nv.thoi_gian }}",
            "{{ nv.tinh_trang }}", "{{ nv.ket_qua }}", "{{ nv.ghi_chu }}"], [G, B, B, B, G, G, B, B])  # fmt: skip
    loop_row(t, "{%tr endfor %}")
    loop_row(t, "{%tr endfor %}")

    # Phụ lục III: submission state of every unit.
    new_landscape_section(doc)
    appendix_heading(doc, "III", "TÌNH HÌNH GỬI BÁO CÁO CỦA CÁC ĐƠN VỊ {{ ky_hoa }}")
    t = table(doc, [14, 74, 26, 72, 24, WIDE_W - 210], grid=True)
    row(t, ["STT", "Đơn vị", "Tình trạng", "Tệp đã dùng", "Ngày lập", "Ghi chú"], T, header=True)
    loop_row(t, "{%tr for dv in phu_luc_3 %}")
    row(t, ["{{ dv.stt }}", "{{ dv.don_vi }}", "{{ dv.tinh_trang }}", "{{ dv.tep }}", "{{ dv.ngay_lap }}",
            "{{ dv.ghi_chu }}"], [G, B, G, B, G, B], keep=True)  # fmt: skip
    loop_row(t, "{%tr endfor %}")

    package_rels = doc.part.package.rels
    for rid in [rid for rid, rel in package_rels.items() if rel.reltype.endswith("/thumbnail")]:
        del package_rels[rid]  # python-docx's stock thumbnail shows a page that is not ours
    props = doc.core_properties
    props.title = "Báo cáo kết quả thực hiện kế hoạch"
    props.author = props.last_modified_by = props.comments = props.subject = props.keywords = ""
    props.category = ""
    props.language = "vi-VN"
    props.revision = 1
    tidy(doc.element)
    tidy(doc.styles.element)
    for section in doc.sections:
        for part in (section.header, section.first_page_header):
            tidy(part._element)
    # Keep spaces of tags and texts exactly as written.
    for t_el in doc.element.body.iter(qn("w:t")):
        t_el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    buf = io.BytesIO()
    doc.save(buf)
    return stable_package(buf.getvalue(), STAMP)


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "templates" / "bao-cao.docx"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(build())
    print(f"Đã tạo {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
