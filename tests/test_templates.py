"""The Word templates are the source: their contract, not their bytes.

A clerk edits templates/*.docx in Word or LibreOffice (moves a section, rewords a heading) and the
program must still fill it. So the tests check what the program relies on: every tag is a name the
context builder provides, every tag and marker is documented in templates/README.md, and a copy
edited and saved again by LibreOffice still renders, in the order the clerk chose.
"""

from __future__ import annotations

import copy
import io
import re
from pathlib import Path

import jinja2
import pytest
from docx import Document
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import nodes

from pipeline.aggregate import aggregate
from pipeline.report_context import build_context, report_stamp
from pipeline.report_docx import EVEN_COLUMNS, make_env, render_docx
from tests.conftest import small_intake

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
README = (TEMPLATES / "README.md").read_text(encoding="utf-8")


def template_ast(path: Path) -> nodes.Template:
    """The Jinja tree of a .docx template, as docxtpl prepares it (body, headers, footers)."""
    tpl = DocxTemplate(str(path))
    doc = Document(str(path))
    xml = tpl.patch_xml(tpl.xml_to_string(doc.element.body))
    for rel in doc.part.rels.values():
        if rel.reltype in (tpl.HEADER_URI, tpl.FOOTER_URI):
            xml += tpl.patch_xml(tpl.xml_to_string(rel.target_part.element))
    env: jinja2.Environment = make_env()
    return env.parse(xml)


def tag_names(path: Path) -> set[str]:
    """Every name the template reads: top-level values and the fields of loop items (``ct.stt`` → stt)."""
    tree = template_ast(path)
    targets = [f.target for f in tree.find_all(nodes.For)]
    loop_vars = {n.name for t in targets for n in [t, *t.find_all(nodes.Name)] if isinstance(n, nodes.Name)}
    names = {n.name for n in tree.find_all(nodes.Name) if n.ctx == "load"} - loop_vars
    return names | {g.attr for g in tree.find_all(nodes.Getattr)}


def markers(path: Path) -> set[str]:
    """The program's markers in the template (table captions ``baocao:…``), with the number as N."""
    doc = Document(str(path))
    found = {c.get(qn("w:val"), "") for c in doc.element.body.iter(qn("w:tblCaption"))}
    return {re.sub(r":\d+$", ":N", v) for v in found if v.startswith("baocao:")}


def paragraphs(data: bytes) -> list[str]:
    doc = Document(io.BytesIO(data))
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in doc.element.body.iter(qn("w:p"))]


@pytest.mark.parametrize("name", sorted(p.name for p in TEMPLATES.glob("*.docx")))
def test_templates_readme_names_every_tag_and_marker_of_every_template(name: str) -> None:
    path = TEMPLATES / name
    assert f"`{name}`" in README
    undocumented = sorted(t for t in tag_names(path) | markers(path) if f"`{t}`" not in README)
    assert undocumented == []


def test_the_report_template_uses_the_even_columns_marker_the_renderer_knows() -> None:
    assert markers(TEMPLATES / "bao-cao.docx") == {f"{EVEN_COLUMNS}:N"}
    assert f"`{EVEN_COLUMNS}:N`" in README


@pytest.fixture(scope="module")
def summary(kh178):
    return aggregate(kh178, small_intake(kh178))


def test_every_name_the_report_template_reads_is_a_context_key(summary) -> None:
    env = make_env()
    names = DocxTemplate(str(TEMPLATES / "bao-cao.docx")).get_undeclared_template_variables(jinja_env=env)
    assert names <= set(build_context(summary))
    assert {"trich_yeu", "chi_tieu", "phu_luc_1", "kinh_phi", "ky_ho_ten", "bieu_do"} <= names


def _block(body, first: str, last: str) -> list:
    """The body elements from the paragraph whose text is ``first`` to the one before ``last``."""
    children = list(body)
    texts = ["".join(t.text or "" for t in el.iter(qn("w:t"))) for el in children]
    start, end = texts.index(first), texts.index(last)
    return children[start:end]


def clerk_edit(src: Path, dst: Path) -> None:
    """What a clerk does in Word: section IV moved before III, headings renumbered, a heading reworded."""
    doc = Document(str(src))
    body = doc.element.body
    difficulties = _block(body, "III. KHÓ KHĂN, VƯỚNG MẮC", "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {{ nam_sau }}")
    directions = _block(body, "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {{ nam_sau }}", "V. KIẾN NGHỊ, ĐỀ XUẤT")
    for el in difficulties:  # move III after IV
        body.remove(el)
    anchor = directions[-1]
    for el in difficulties:
        anchor.addnext(el)
        anchor = el

    def retitle(el, old: str, new: str) -> None:
        runs = list(el.iter(qn("w:t")))
        runs[0].text = "".join(t.text or "" for t in runs).replace(old, new)
        for t in runs[1:]:
            t.text = ""

    retitle(directions[0], "IV. PHƯƠNG HƯỚNG", "III. PHƯƠNG HƯỚNG")
    retitle(difficulties[0], "III. KHÓ KHĂN, VƯỚNG MẮC", "IV. KHÓ KHĂN, VƯỚNG MẮC TRONG NĂM")
    doc.save(str(dst))


def test_a_template_edited_in_word_and_resaved_by_libreoffice_renders_in_the_clerks_order(
    summary, libreoffice, tmp_path: Path
) -> None:
    original = paragraphs(render_docx(TEMPLATES / "bao-cao.docx", build_context(summary), report_stamp(summary)))
    edited = tmp_path / "edited" / "bao-cao.docx"
    edited.parent.mkdir()
    clerk_edit(TEMPLATES / "bao-cao.docx", edited)
    resaved = libreoffice(edited, "docx:MS Word 2007 XML", tmp_path / "resaved")
    assert markers(resaved) == set()  # LibreOffice 7 drops table captions: the renderer marks loop tables

    out = paragraphs(render_docx(resaved, build_context(summary), report_stamp(summary)))

    nam_sau = summary.year + 1
    heads = [p for p in out if re.match(r"^[IVX]+\. ", p)]
    assert heads == [
        "I. KẾT QUẢ THỰC HIỆN",
        "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
        f"III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {nam_sau}",
        "IV. KHÓ KHĂN, VƯỚNG MẮC TRONG NĂM",
        "V. KIẾN NGHỊ, ĐỀ XUẤT",
    ]
    # Apart from the two sections' order and headings, the filled report is the same text.
    moved = {
        f"IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {nam_sau}",
        "III. KHÓ KHĂN, VƯỚNG MẮC",
        f"III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {nam_sau}",
        "IV. KHÓ KHĂN, VƯỚNG MẮC TRONG NĂM",
    }
    assert sorted(p for p in out if p and p not in moved) == sorted(p for p in original if p and p not in moved)
    # The appendix tables still get equal value columns.
    assert even_value_columns(render_docx(resaved, build_context(summary), report_stamp(summary)))


def even_value_columns(data: bytes) -> bool:
    """Every marked table's columns after the first N have one width (and there are such tables)."""
    doc = Document(io.BytesIO(data))
    marked = 0
    for tbl in doc.element.body.iter(qn("w:tbl")):
        caption = tbl.find(qn("w:tblPr")).find(qn("w:tblCaption"))
        if caption is None or not caption.get(qn("w:val")).startswith(EVEN_COLUMNS):
            continue
        marked += 1
        n = int(caption.get(qn("w:val")).rsplit(":", 1)[1])
        if len({int(c.get(qn("w:w"))) for c in tbl.find(qn("w:tblGrid"))[n:]}) != 1:
            return False
    return marked > 0


def test_the_template_file_is_read_as_saved_not_rebuilt(tmp_path: Path, summary) -> None:
    """A wording a clerk typed into the template reaches the report (no generator overwrites it)."""
    doc = Document(str(TEMPLATES / "bao-cao.docx"))
    body = doc.element.body
    (head,) = [el for el in body if "".join(t.text or "" for t in el.iter(qn("w:t"))) == "V. KIẾN NGHỊ, ĐỀ XUẤT"]
    extra = copy.deepcopy(head)
    for t in list(extra.iter(qn("w:t")))[1:]:
        t.text = ""
    next(extra.iter(qn("w:t"))).text = "Ghi chú của chuyên viên tổng hợp."
    head.addprevious(extra)
    doc.save(str(tmp_path / "bao-cao.docx"))
    out = paragraphs(render_docx(tmp_path / "bao-cao.docx", build_context(summary), report_stamp(summary)))
    assert out[out.index("V. KIẾN NGHỊ, ĐỀ XUẤT") - 1] == "Ghi chú của chuyên viên tổng hợp."


def test_every_name_the_reminder_template_reads_is_a_context_key(kh178) -> None:
    import datetime as dt

    from pipeline.reminder import Reminder, reminder_context

    reminder = Reminder(2026, dt.date(2026, 12, 12), ("xa-ba-sao",), (("xa-my-hiep", 2, "xa-my-hiep.xlsx"),))
    env = make_env()
    names = DocxTemplate(str(TEMPLATES / "nhac-nop.docx")).get_undeclared_template_variables(jinja_env=env)
    assert names <= set(reminder_context(kh178, reminder))
    assert {"trich_yeu", "kinh_gui", "noi_dung", "ky_ho_ten"} <= names
