"""Build templates/nhac-nop.docx, the Word template of the reminder letter (công văn đôn đốc), with python-docx.

ND30 layout of a công văn (see ../shared/ND30.md): the two-column header with the number and, below
it in the left column, the trích yếu "V/v …" (12 pt); the place and date line on the right; then
"Kính gửi:" with the units, the body, and the closing table (Nơi nhận | signature). It reuses the
page, styles and helpers of make_report_template.py; every word comes from the context built by
``pipeline.reminder.reminder_context``.

Usage:  python tools/make_reminder_template.py [OUTPUT]     (default: templates/nhac-nop.docx)
The output is byte-identical on every run.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH as ALIGN
from docx.oxml.ns import qn
from docx.shared import Mm

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_report_template import (
    ROOT,
    STAMP,
    TEXT_W,
    child,
    first_para,
    line,
    loop_para,
    page,
    page_number_header,
    para,
    report_styles,
    setup_styles,
    table,
    tidy,
)

from pipeline.ooxml import stable_package


def build() -> bytes:
    doc = Document()
    setup_styles(doc)
    report_styles(doc)
    for p in doc.paragraphs:
        p._p.getparent().remove(p._p)
    page(doc.sections[0], landscape=False)
    page_number_header(doc.sections[0])
    C = ALIGN.CENTER

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
    para(r.cells[0], "{{ trich_yeu }}", size=12, align=C, before=3)  # công văn: "V/v …" under the number
    first_para(r.cells[1], "{{ ngay_thang }}", italic=True, size=14, align=C, before=6)

    # Kính gửi: one unit on one line; several as a list under it.
    para(doc, "", "BC Nội dung")
    loop_para(doc, "{%p if kinh_gui_mot %}", "BC Tiêu đề")
    para(doc, "{{ kinh_gui_mot }}", align=C, before=6)
    loop_para(doc, "{%p else %}", "BC Tiêu đề")
    para(doc, "Kính gửi:", align=C, before=6)
    loop_para(doc, "{%p for kg in kinh_gui %}")
    p = para(doc, "{{ kg }}")
    p.paragraph_format.left_indent = Mm(45)
    loop_para(doc, "{%p endfor %}")
    loop_para(doc, "{%p endif %}", "BC Tiêu đề")
    para(doc, "", "BC Nội dung")

    loop_para(doc, "{%p for doan in noi_dung %}")
    para(doc, "{{ doan }}", "BC Nội dung")
    loop_para(doc, "{%p endfor %}")

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

    package_rels = doc.part.package.rels
    for rid in [rid for rid, rel in package_rels.items() if rel.reltype.endswith("/thumbnail")]:
        del package_rels[rid]
    props = doc.core_properties
    props.title = "Công văn đôn đốc gửi báo cáo"
    props.author = props.last_modified_by = props.comments = props.subject = props.keywords = ""
    props.category = ""
    props.language = "vi-VN"
    props.revision = 1
    tidy(doc.element)
    tidy(doc.styles.element)
    for section in doc.sections:
        for part in (section.header, section.first_page_header):
            tidy(part._element)
    for t_el in doc.element.body.iter(qn("w:t")):
        t_el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    buf = io.BytesIO()
    doc.save(buf)
    return stable_package(buf.getvalue(), STAMP)


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "templates" / "nhac-nop.docx"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(build())
    print(f"Đã tạo {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
