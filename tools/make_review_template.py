"""Build templates/so-ket.docx, the Word template of the phase review (báo cáo sơ kết), with python-docx.

Same layout rules and helpers as tools/make_report_template.py (Nghị định 30/2020/NĐ-CP: A4,
margins 20/20/30/15 mm, Times New Roman 14 pt, header and closing tables, appendices on landscape
pages); every word and number comes from ``pipeline.review.build_review_context``.

Usage:  python tools/make_review_template.py [OUTPUT]     (default: templates/so-ket.docx)
The output is byte-identical on every run.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_report_template as base
from make_report_template import (
    ALIGN,
    EVEN_COLUMNS,
    ROOT,
    STAMP,
    TEXT_W,
    WIDE_W,
    appendix_heading,
    child,
    first_para,
    line,
    loop_para,
    loop_row,
    new_landscape_section,
    page,
    page_number_header,
    para,
    report_styles,
    row,
    setup_styles,
    table,
    tidy,
)

from pipeline.ooxml import stable_package

G, B, T = "BC Bảng giữa", "BC Bảng", "BC Bảng tiêu đề"


def _header(doc: Document) -> None:
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
    first_para(r.cells[1], "{{ ngay_thang }}", italic=True, size=14, align=C, before=6)


def _closing(doc: Document) -> None:
    C = ALIGN.CENTER
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


def _paragraphs(doc: Document, name: str, style: str = "BC Nội dung") -> None:
    loop_para(doc, f"{{%p for doan in {name} %}}", style)
    para(doc, "{{ doan }}", style)
    loop_para(doc, "{%p endfor %}", style)


def build() -> bytes:
    doc = Document()
    setup_styles(doc)
    report_styles(doc)
    for p in doc.paragraphs:
        p._p.getparent().remove(p._p)
    page(doc.sections[0], landscape=False)
    page_number_header(doc.sections[0])
    _header(doc)

    para(doc, "BÁO CÁO", "BC Tiêu đề", before=24)
    para(doc, "{{ trich_yeu }}", "BC Tiêu đề")
    line(doc, (TEXT_W - 50) / 2)
    para(doc, "", "BC Nội dung")
    loop_para(doc, "{%p for cc in can_cu %}", "BC Căn cứ")
    para(doc, "{{ cc }}", "BC Căn cứ")
    loop_para(doc, "{%p endfor %}", "BC Căn cứ")
    para(doc, "{{ mo_dau }}", "BC Nội dung")

    para(doc, "I. KẾT QUẢ THỰC HIỆN GIAI ĐOẠN {{ giai_doan }}", "BC Mục (I, II…)")
    para(doc, "1. Kết quả thực hiện các chỉ tiêu", "BC Mục nhỏ (1, 2…)")
    para(doc, "{{ chi_tieu_mo_dau }}", "BC Nội dung")
    t = table(doc, [12, 63, 30, 30, 30], grid=True)
    row(t, ["STT", "Chỉ tiêu", "Mục tiêu {{ nam_cuoi }}", "Kết quả", "Đánh giá"], T, header=True)
    loop_row(t, "{%tr for ct in chi_tieu %}")
    row(t, ["{{ ct.stt }}", "{{ ct.noi_dung }}", "{{ ct.muc_tieu }}", "{{ ct.ket_qua }}", "{{ ct.danh_gia }}"],
        [G, B, G, G, G], keep=True)  # fmt: skip
    loop_row(t, "{%tr endfor %}")
    para(doc, "{{ chi_tieu_tong_ket }}", "BC Nội dung", before=6)
    para(doc, "{{ chuoi_mo_dau }}", "BC Nội dung")
    t = table(doc, [12, 63, 10, 60, 20], grid=True, caption=f"{EVEN_COLUMNS}:2")
    row(t, ["STT", "Chỉ tiêu", "{%tc for nam in cac_nam %}", "{{ nam }}", "{%tc endfor %}"], T, header=True)
    loop_row(t, "{%tr for ct in chuoi %}")
    row(t, ["{{ ct.stt }}", "{{ ct.noi_dung }}", "{%tc for v in ct.gia_tri %}", "{{ v }}", "{%tc endfor %}"],
        [G, B, G, G, G], keep=True)  # fmt: skip
    loop_row(t, "{%tr endfor %}")
    loop_para(doc, "{%p if bieu_do %}", "BC Hình")
    para(doc, "{{ bieu_do }}", "BC Hình")
    para(doc, "{{ bieu_do_tieu_de }}", "BC Dòng nghiêng giữa")
    loop_para(doc, "{%p endif %}")

    para(doc, "2. Tình hình thực hiện các nhiệm vụ", "BC Mục nhỏ (1, 2…)")
    _paragraphs(doc, "nhiem_vu")
    para(doc, "3. Kinh phí thực hiện", "BC Mục nhỏ (1, 2…)")
    _paragraphs(doc, "kinh_phi")
    para(doc, "4. Tình hình gửi báo cáo của các đơn vị", "BC Mục nhỏ (1, 2…)")
    _paragraphs(doc, "gui_bao_cao")

    para(doc, "II. ĐÁNH GIÁ CHUNG", "BC Mục (I, II…)")
    _paragraphs(doc, "danh_gia")
    para(doc, "III. PHƯƠNG HƯỚNG, NHIỆM VỤ GIAI ĐOẠN TIẾP THEO", "BC Mục (I, II…)")
    _paragraphs(doc, "phuong_huong", "BC Nội dung (liền chữ ký)")
    _closing(doc)

    new_landscape_section(doc)
    appendix_heading(doc, "I", "TÌNH HÌNH THỰC HIỆN CÁC NHIỆM VỤ QUA CÁC NĂM {{ giai_doan }}")
    t = table(doc, [14, 90, 44, 10, WIDE_W - 168, 10], grid=True, caption=f"{EVEN_COLUMNS}:3")
    row(t, ["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "{%tc for nam in cac_nam %}", "{{ nam }}",
            "{%tc endfor %}"], T, header=True)  # fmt: skip
    loop_row(t, "{%tr for nv in phu_luc_1 %}")
    row(t, ["{{ nv.stt }}", "{{ nv.noi_dung }}", "{{ nv.chu_tri }}", "{%tc for v in nv.tinh_trang %}", "{{ v }}",
            "{%tc endfor %}"], [G, B, B, G, G, G], keep=True)  # fmt: skip
    loop_row(t, "{%tr endfor %}")

    new_landscape_section(doc)
    appendix_heading(doc, "II", "TÌNH HÌNH GỬI BÁO CÁO CỦA CÁC ĐƠN VỊ QUA CÁC NĂM {{ giai_doan }}")
    t = table(doc, [14, 100, 10, WIDE_W - 134, 10], grid=True, caption=f"{EVEN_COLUMNS}:2")
    row(t, ["STT", "Đơn vị", "{%tc for nam in cac_nam %}", "{{ nam }}", "{%tc endfor %}"], T, header=True)
    loop_row(t, "{%tr for dv in phu_luc_2 %}")
    row(t, ["{{ dv.stt }}", "{{ dv.don_vi }}", "{%tc for v in dv.tinh_trang %}", "{{ v }}", "{%tc endfor %}"],
        [G, B, G, G, G], keep=True)  # fmt: skip
    loop_row(t, "{%tr endfor %}")

    package_rels = doc.part.package.rels
    for rid in [rid for rid, rel in package_rels.items() if rel.reltype.endswith("/thumbnail")]:
        del package_rels[rid]
    props = doc.core_properties
    props.title = "Báo cáo sơ kết thực hiện kế hoạch"
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
    out = Path(argv[0]) if argv else ROOT / "templates" / "so-ket.docx"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(build())
    print(f"Đã tạo {out}")
    return 0


if __name__ == "__main__":
    assert base.build  # the yearly report's builder shares every helper used here
    raise SystemExit(main(sys.argv[1:]))
