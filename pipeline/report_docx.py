"""Rendering a document's context into its Word template with docxtpl: nothing here writes content.

The template (templates/*.docx, edited in Word: it is the source) holds the layout; the context
(report_context, review, reminder) holds every word. Rendering always uses a Jinja environment
with ``StrictUndefined`` and autoescape, so a renamed field fails loudly and "&", "<" in a unit's
text cannot swallow the paragraphs after it; charts in the context are drawn (charts.py) and
placed as images; tables whose columns come from a loop get even widths; the package's
timestamps come from the data (ooxml.stable_package), so the same context gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from lxml import etree

from .charts import draw
from .errors import FileSystemError, TemplateError, WorkspaceError, fs_error
from .ooxml import stable_package
from .wording import phan_tram, so_lieu, so_vn

# tblCaption of a table whose columns after the first N share the remaining width equally
# (its value columns come from a {%tc for %} loop): "baocao:cot-deu:2". LibreOffice drops table
# captions when it saves a .docx; a table with a {%tc for %} loop and no caption is then marked at
# render time with N = the position of the loop's first cell (mark_loop_tables).
EVEN_COLUMNS = "baocao:cot-deu"
IMAGES = {"bieu_do": Mm(150), "bieu_do_xu_huong": Mm(160)}  # context keys holding a chart: its width


def jinja_filters() -> dict[str, Any]:
    """Filters available in the template: {{ x|so_vn }}, {{ x|phan_tram }}, {{ d|ngay }}."""
    return {"so_vn": so_vn, "phan_tram": phan_tram, "so_lieu": so_lieu, "ngay": lambda d: d.strftime("%d/%m/%Y")}


def make_env() -> jinja2.Environment:
    """The one Jinja environment of every document: StrictUndefined, autoescape, the number filters."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    env.filters.update(jinja_filters())
    return env


def mark_loop_tables(document: Any) -> None:
    """Mark a table whose first {%tc for %} row has no caption: columns before the loop keep their width."""
    for tbl in document.element.body.iter(qn("w:tbl")):
        tbl_pr = tbl.find(qn("w:tblPr"))
        if tbl_pr is None or tbl_pr.find(qn("w:tblCaption")) is not None:
            continue
        for tr in tbl.findall(qn("w:tr")):
            texts = ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.findall(qn("w:tc"))]
            loop = next((i for i, text in enumerate(texts) if text.lstrip().startswith("{%tc for")), None)
            if loop is not None:
                caption = tbl_pr.makeelement(qn("w:tblCaption"), {qn("w:val"): f"{EVEN_COLUMNS}:{loop}"})
                description = tbl_pr.find(qn("w:tblDescription"))
                if description is not None:
                    description.addprevious(caption)
                else:
                    tbl_pr.append(caption)
                break


def even_out_columns(document: Any) -> None:
    """Give the loop columns of marked tables equal shares of the width left by the first N."""
    for tbl in document.element.body.iter(qn("w:tbl")):
        tbl_pr = tbl.find(qn("w:tblPr"))
        caption = tbl_pr.find(qn("w:tblCaption")) if tbl_pr is not None else None
        value = caption.get(qn("w:val"), "") if caption is not None else ""
        if not value.startswith(EVEN_COLUMNS + ":"):
            continue
        fixed_n = int(value.rsplit(":", 1)[1])
        rows = tbl.findall(qn("w:tr"))
        first = rows[0].findall(qn("w:tc"))
        fixed = [int(tc.find(qn("w:tcPr")).find(qn("w:tcW")).get(qn("w:w"))) for tc in first[:fixed_n]]
        total = int(tbl_pr.find(qn("w:tblW")).get(qn("w:w")))
        n = max(len(tr.findall(qn("w:tc"))) for tr in rows) - fixed_n
        if n <= 0:
            continue
        widths = fixed + [(total - sum(fixed)) // n] * n
        grid = tbl.find(qn("w:tblGrid"))
        for col in list(grid):
            grid.remove(col)
        for w in widths:
            grid.append(grid.makeelement(qn("w:gridCol"), {qn("w:w"): str(w)}))
        for tr in rows:
            for tc, w in zip(tr.findall(qn("w:tc")), widths, strict=False):
                tcw = tc.find(qn("w:tcPr")).find(qn("w:tcW"))
                tcw.set(qn("w:w"), str(w))
                tcw.set(qn("w:type"), "dxa")


_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)


_BLOCKS = ("for", "if", "with", "filter", "macro", "call", "block", "autoescape", "raw")


_FIX_TAG = "Sửa thẻ này trong Word rồi chạy lại (các thẻ được dùng: templates/README.md)."


def _tags(xml: str) -> list[str]:
    """The Jinja tags of docxtpl's prepared XML, in order, as the clerk typed them in Word."""
    return [" ".join(t.split()) for t in _TAG.findall(re.sub(r"<[^>]*>", "", xml))]


def _shown(tag: str, limit: int = 80) -> str:
    return tag if len(tag) <= limit else tag[: limit - 1] + "…"


def _syntax_message(template: Path, env: jinja2.Environment, err: jinja2.TemplateSyntaxError) -> str:
    """Name the tag Jinja stumbles on: the first whose addition breaks the template, or the block never closed."""
    tags = _tags(err.source or "")
    for k in range(len(tags)):
        try:
            env.compile("".join(tags[: k + 1]))
        except jinja2.TemplateSyntaxError as e:
            if "end of template" not in (e.message or ""):
                return f"Mẫu báo cáo {template} có thẻ sai: «{_shown(tags[k])}» ({e.message}). {_FIX_TAG}"
    open_blocks: list[tuple[str, str]] = []
    for tag in tags:
        word = re.match(r"\{%[-+]?\s*(\w+)", tag)
        if word and word[1] in _BLOCKS:
            open_blocks.append((word[1], tag))
        elif word and word[1].startswith("end") and open_blocks and open_blocks[-1][0] == word[1][3:]:
            open_blocks.pop()
    if open_blocks:
        name, tag = open_blocks[-1]
        return (
            f"Mẫu báo cáo {template} có thẻ «{_shown(tag)}» chưa đóng: thiếu thẻ «{{%p end{name} %}}» "
            f"tương ứng. {_FIX_TAG}"
        )
    return f"Mẫu báo cáo {template} có thẻ sai cú pháp ({err.message}). {_FIX_TAG}"


def _undefined_message(template: Path, tpl: DocxTemplate, err: jinja2.UndefinedError) -> str:
    """Name the tag using a field the report does not have (a renamed or mistyped field)."""
    names = re.findall(r"'([^']+)'", str(err))
    name = names[-1] if names else str(err)
    try:
        tags = _tags(tpl.patch_xml(tpl.get_xml()))
    except Exception:  # only for the message; the field name is enough
        tags = []
    tag = next(
        (t for t in tags if re.search(rf"(?<![\w.]){re.escape(name)}\b|\.{re.escape(name)}\b", t)), "{{ " + name + " }}"
    )
    return f"Mẫu báo cáo {template} có thẻ «{_shown(tag)}» dùng trường «{name}» mà báo cáo không có. {_FIX_TAG}"


def open_template(template: Path) -> DocxTemplate:
    """The report template, loaded; missing, unreadable or not a .docx is a one-line error."""
    template = Path(template)
    if not os.path.lexists(template):
        raise WorkspaceError(
            f"Không tìm thấy mẫu báo cáo {template}. Chép lại tệp templates/{template.name} từ bản cài đặt."
        )
    if template.is_dir():
        raise FileSystemError(f"Không đọc được {template}: đó là một thư mục, không phải tệp.")
    try:
        data = template.read_bytes()
    except OSError as err:
        raise fs_error(err, template, reading=True) from None
    tpl = DocxTemplate(io.BytesIO(data))
    try:
        tpl.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError):
        raise TemplateError(
            f"Mẫu báo cáo {template} không phải tệp Word .docx (tệp hỏng, hoặc .doc/.pdf/.xlsx đổi tên). "
            f"Hãy mở bằng Word và lưu dạng .docx, hoặc chép lại templates/{template.name} từ bản cài đặt."
        ) from None
    return tpl


def render_docx(template: Path, context: dict[str, Any], stamp: dt.datetime) -> bytes:
    """Render ``context`` into ``template``; a chart (charts.py) under a key of ``IMAGES`` is drawn and
    placed as an image of that width; the package's timestamps are ``stamp``.

    A wrong tag in the template is a ``TemplateError`` naming the tag.
    """
    tpl = open_template(template)
    ctx = dict(context)
    for key, width in IMAGES.items():
        if ctx.get(key):
            ctx[key] = InlineImage(tpl, io.BytesIO(draw(ctx[key])), width=width)
    env = make_env()
    mark_loop_tables(tpl.docx)
    try:
        tpl.render(ctx, jinja_env=env, autoescape=True)
    except jinja2.TemplateSyntaxError as err:
        raise TemplateError(_syntax_message(template, env, err)) from None
    except jinja2.UndefinedError as err:
        raise TemplateError(_undefined_message(template, tpl, err)) from None
    except etree.XMLSyntaxError as err:
        raise TemplateError(
            f"Mẫu báo cáo {template}: sau khi điền, nội dung không còn là Word hợp lệ ({err}); thường do một "
            f"thẻ {{%p …%}}, {{%tr …%}} không đứng riêng trong đoạn hay dòng bảng của nó. {_FIX_TAG}"
        ) from None
    even_out_columns(tpl.docx)
    buf = io.BytesIO()
    tpl.save(buf)
    return stable_package(buf.getvalue(), stamp)
