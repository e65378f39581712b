"""What a file really is, and a hostile-file-proof look inside an .xlsx package.

Type by magic bytes, never by extension. An .xlsx is opened only after every check passed:
entry count, declared sizes and ratios (zip bomb), actual decompressed bytes capped while
inflating (declared sizes can lie), CRC, and no part containing a DOCTYPE/ENTITY declaration
(billion laughs, external entities) — before any XML parser sees it. The few package facts
intake needs beyond cell values (sheet → part, styles, formulas, the saving program) are read
here from the checked parts with small regular expressions; nothing is ever written.
"""

from __future__ import annotations

import html
import re
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from io import BytesIO
from pathlib import PurePosixPath
from typing import Any, TypeVar

from isal import isal_zlib  # ISA-L's inflate: the same output as zlib's, in half the time (README «Đo tốc độ»)

from .model import ERROR, Problem
from .values import format_number

T = TypeVar("T")

MAX_FILE_BYTES = 25 * 1024 * 1024  # a filled form is ~10–60 KB
MAX_ENTRIES = 2_000
MAX_PART_BYTES = 64 * 1024 * 1024  # one part, decompressed
MAX_TOTAL_BYTES = 128 * 1024 * 1024  # all parts, decompressed
MAX_XML_BYTES = 8 * 1024 * 1024  # one XML part (a sheet, the shared strings), decompressed; a form's is ~50 KB
MAX_XML_TOTAL = 24 * 1024 * 1024  # all XML parts kept in memory while reading
MAX_RATIO = 200  # declared decompressed/compressed, for parts over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
EXCEL_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".xltx", ".xltm")
_DANGEROUS = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# every pattern here is linear in its input: no nested or overlapping quantifiers (possessive where
# a run could be tried again from each position), as a hostile part can be megabytes of one word
_ATTR = re.compile(r'(?<![\w:.-])([\w:.-]++)\s*+=\s*+(?:"([^"]*+)"|\'([^\']*+)\')')


class Rejected(Exception):
    """Raised inside intake's reading code only; carries the file-level problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


def reject(code: str, message: str, file: str, expected: str = "") -> Rejected:
    return Rejected(Problem(code, message, ERROR, file=file, expected=expected))


@lru_cache(maxsize=1024)
def _ext(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.start < len(head) - 4:  # not just a character cut at the end of the sample
            text = head.decode("cp1258", errors="replace")
        else:
            text = head[: err.start].decode("utf-8")
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t")
    return printable >= 0.95 * max(1, len(text))


def _not_a_form(kind: str, name: str, advice: str = "") -> Rejected:
    advice = advice or "Hãy gửi lại đúng tệp biểu mẫu Excel (.xlsx) đã phát cho đơn vị."
    return reject("khong-phai-bieu-mau", f"Tệp này là {kind}, không phải biểu mẫu báo cáo. {advice}", name)


def sniff(data: bytes, name: str) -> None:
    """Raise ``Rejected`` unless ``data`` is a zip package (PK); ``name`` is for messages."""
    if not data:
        raise reject(
            "tep-rong", "Tệp rỗng (0 byte): có thể gửi lỗi hoặc tải về chưa xong. Hãy đề nghị đơn vị gửi lại tệp.", name
        )
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_STREAM in data:
            raise reject(
                "co-mat-khau",
                "Tệp Excel được đặt mật khẩu (mã hóa) nên không đọc được. "
                "Hãy đề nghị đơn vị gỡ mật khẩu (Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng mật khẩu: "
                "xóa trống) rồi gửi lại.",
                name,
            )
        if "WordDocument".encode("utf-16-le") in data:
            raise _not_a_form("tệp Word cũ (.doc)", name)
        if "PowerPoint Document".encode("utf-16-le") in data:
            raise _not_a_form("tệp PowerPoint cũ (.ppt)", name)
        raise reject(
            "xls-cu",
            "Tệp ở định dạng Excel 97–2003 (.xls) cũ, không dùng được. Hãy mở tệp bằng Excel "
            "(hoặc LibreOffice), chọn Lưu thành… định dạng «Sổ làm việc Excel (.xlsx)» rồi gửi lại.",
            name,
        )
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return
    if data.startswith(b"%PDF"):
        raise _not_a_form(
            "tệp PDF", name, "PDF không đọc được số liệu; hãy gửi tệp Excel (.xlsx) của biểu mẫu đã điền."
        )
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        raise _not_a_form(
            "ảnh chụp", name, "Ảnh không đọc được số liệu; hãy gửi tệp Excel (.xlsx) của biểu mẫu đã điền."
        )
    if data.startswith((b"Rar!", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b")):
        raise _not_a_form("tệp nén (RAR/7z/gzip)", name, "Hãy giải nén và chép tệp .xlsx bên trong vào inbox/.")
    if data.startswith(b"{\\rtf"):
        raise _not_a_form("văn bản RTF", name)
    head = data[:4096]
    if _looks_like_text(head):
        if _ext(name) in (".csv", ".txt", ".tsv"):
            raise _not_a_form(
                "tệp văn bản/CSV",
                name,
                "CSV không giữ cấu trúc biểu mẫu; hãy gửi tệp Excel (.xlsx) của biểu mẫu đã điền.",
            )
        raise reject(
            "khong-phai-excel",
            "Nội dung tệp là văn bản thuần (hoặc trang web), không phải tệp Excel dù có tên "
            f"«{PurePosixPath(name).name}». Hãy mở biểu mẫu bằng Excel, lưu dạng .xlsx rồi gửi lại.",
            name,
        )
    raise reject(
        "khong-phai-excel",
        "Nội dung tệp không phải Excel (không nhận ra định dạng; có thể tệp hỏng hoặc là loại "
        "tệp khác bị đổi đuôi). Hãy gửi lại tệp biểu mẫu .xlsx.",
        name,
    )


def _inflate(data: bytes, info: zipfile.ZipInfo, name: str) -> bytes:
    """The entry's bytes, never more than its declared size (+1 to detect a lie) in memory."""
    broken = _Broken(info.filename, name)
    off = info.header_offset
    if data[off : off + 4] != b"PK\x03\x04" or len(data) < off + 30:
        raise broken.rejected()
    n, m = struct.unpack("<HH", data[off + 26 : off + 30])
    start = off + 30 + n + m
    raw = data[start : start + info.compress_size]
    if len(raw) != info.compress_size:
        raise broken.rejected()
    key = (info.CRC, info.file_size, info.compress_size, info.compress_type, info.flag_bits & 0x1)
    known = _INFLATED.get(key)
    if known is not None and known[2] == raw:
        known[1] = True
        return known[0]  # the same compressed bytes, sizes and CRC as a part checked before (a template's styles…)
    out = _inflate_checked(raw, info, name, broken)
    if len(out) + len(raw) <= INFLATED_PART_BYTES:
        global _inflated_bytes
        if _inflated_bytes + len(out) + len(raw) > INFLATED_BYTES:  # keep the parts seen twice, forget the rest
            kept = {k: [v[0], False, v[2]] for k, v in _INFLATED.items() if v[1]}
            _INFLATED.clear()
            _INFLATED.update(kept)
            _inflated_bytes = sum(len(v[0]) + len(v[2]) for v in kept.values())
        _INFLATED[key] = [out, False, raw]
        _inflated_bytes += len(out) + len(raw)
    return out


class _Broken:
    """The "tep-hong" rejection of one entry, built only when raised."""

    def __init__(self, entry: str, name: str) -> None:
        self.entry, self.name = entry, name

    def rejected(self) -> Rejected:
        return reject(
            "tep-hong",
            f"Tệp bị hỏng (thành phần «{self.entry}» không đọc được), có thể do tải về hoặc "
            "sao chép chưa xong. Hãy đề nghị đơn vị gửi lại tệp.",
            self.name,
        )


# Parts already inflated and checked in this process, by (CRC, size, compressed size, method, encrypted
# flag), the compressed bytes compared on a hit: every form from one template carries the same theme,
# styles, workbook and properties.
_INFLATED: dict[tuple[int, int, int, int, int], list] = {}  # key → [bytes, used again, compressed bytes]
_inflated_bytes = 0
INFLATED_BYTES = 4 * 1024 * 1024  # remembered in all
INFLATED_PART_BYTES = 256 * 1024  # the largest part remembered


def _inflate_checked(raw: bytes, info: zipfile.ZipInfo, name: str, broken: _Broken) -> bytes:
    if info.flag_bits & 0x1:
        raise reject("co-mat-khau", "Tệp nén có mật khẩu, không đọc được. Hãy gỡ mật khẩu rồi gửi lại.", name)
    if info.compress_type == zipfile.ZIP_STORED:
        out = raw
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        d = isal_zlib.decompressobj(-15)
        try:
            out = d.decompress(raw, info.file_size + 1)  # never more than declared (+1 to see a lie)
        except isal_zlib.error:  # type: ignore[misc]  # (its stub calls the class an instance)
            raise broken.rejected() from None
    else:
        raise reject(
            "tep-hong",
            f"Thành phần «{info.filename}» nén bằng phương pháp không chuẩn của Excel. "
            "Hãy mở tệp bằng Excel, lưu lại dạng .xlsx rồi gửi lại.",
            name,
        )
    if len(out) > info.file_size:
        raise reject(
            "zip-bom",
            f"Tệp có thành phần «{info.filename}» bung ra lớn hơn kích thước khai báo "
            "(dấu hiệu tệp độc hại «zip bomb»); không mở tệp này. Hãy đề nghị đơn vị gửi lại biểu mẫu gốc.",
            name,
        )
    if len(out) != info.file_size or isal_zlib.crc32(out) != info.CRC:
        raise broken.rejected()
    return out


def _declares_dtd(text: bytes) -> bool:
    """Whether an XML part holds a DOCTYPE or ENTITY declaration (``_DANGEROUS``). Looked for from each
    "!" (a byte search at memory speed; a form's parts have a handful), not by a scan for the two
    bytes "<!", which costs a third of opening a form; after 64 "!" the pattern searches the rest."""
    i, seen = text.find(b"!"), 0
    while i >= 0:
        if i and text[i - 1] == 0x3C and _DANGEROUS.match(text, i - 1):
            return True
        seen += 1
        if seen == 64:
            return _DANGEROUS.search(text, i) is not None
        i = text.find(b"!", i + 1)
    return False


def _as_text(part: bytes) -> str:
    """An XML part as text, by the XML rules of encoding detection; never raises.

    Only parts known to be XML (by content type or extension, ``_is_xml``) come here: a binary
    part (printer settings, an EMF picture) is never decoded, whatever its first bytes are.
    """
    if part.startswith(b"\xef\xbb\xbf"):
        return part[3:].decode("utf-8", errors="replace")
    if part.startswith((b"\xff\xfe", b"\xfe\xff")):
        return part.decode("utf-16", errors="replace")
    if part.startswith(b"<\x00"):  # UTF-16 without a byte order mark
        return part.decode("utf-16-le", errors="replace")
    if part.startswith(b"\x00<"):
        return part.decode("utf-16-be", errors="replace")
    return part.decode("utf-8", errors="replace")


_XML_EXTENSIONS = (".xml", ".rels", ".vml")
_TYPES_DEFAULT = re.compile(rb"<(?:\w+:)?Default\b([^>]*)>")
_TYPES_OVERRIDE = re.compile(rb"<(?:\w+:)?Override\b([^>]*)>")


def _content_types(body: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """[Content_Types].xml → (extension → type, part name → type), lower-case keys."""
    text = _as_text(body)
    defaults, overrides = {}, {}
    for m in _TYPES_DEFAULT.finditer(text.encode("utf-8", errors="replace")):
        a = _attrs(m[1].decode("utf-8", errors="replace"))
        defaults["." + a.get("Extension", "").lower()] = a.get("ContentType", "")
    for m in _TYPES_OVERRIDE.finditer(text.encode("utf-8", errors="replace")):
        a = _attrs(m[1].decode("utf-8", errors="replace"))
        overrides[a.get("PartName", "").lstrip("/").lower()] = a.get("ContentType", "")
    return defaults, overrides


def _is_xml(name: str, types: tuple[dict[str, str], dict[str, str]]) -> bool:
    """Whether a part is text (XML) — by its declared content type, else by its extension."""
    defaults, overrides = types
    ctype = overrides.get(name.lower()) or defaults.get(_ext(name), "")
    if ctype:
        return ctype.lower().endswith("xml")
    return _ext(name) in _XML_EXTENSIONS or name == "[Content_Types].xml"


def open_package(data: bytes, name: str) -> Package:
    """Check a PK file and return its XML parts; raise ``Rejected`` with the reason."""
    try:
        zf = zipfile.ZipFile(BytesIO(data))
        infos = zf.infolist()
    except Exception:
        raise reject(
            "tep-hong",
            "Tệp Excel bị hỏng hoặc không trọn vẹn (có thể tải về hoặc sao chép chưa xong). "
            "Hãy đề nghị đơn vị gửi lại tệp.",
            name,
        ) from None
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        if "xl/workbook.bin" in names:
            raise _not_a_form(
                "sổ làm việc nhị phân Excel (.xlsb)", name, "Hãy mở bằng Excel, lưu lại dạng .xlsx rồi gửi lại."
            )
        if "word/document.xml" in names:
            raise _not_a_form("tệp Word (.docx)", name)
        if "ppt/presentation.xml" in names:
            raise _not_a_form("tệp PowerPoint (.pptx)", name)
        if "mimetype" in names and b"opendocument.spreadsheet" in data[:200]:
            raise _not_a_form(
                "bảng tính OpenDocument (.ods)",
                name,
                "Hãy mở bằng LibreOffice, Lưu thành… định dạng Excel 2007-365 (.xlsx) rồi gửi lại.",
            )
        if "mimetype" in names:
            raise _not_a_form("tài liệu OpenDocument", name)
        if _ext(name) in EXCEL_EXTENSIONS:
            raise reject(
                "tep-hong",
                "Tệp có dạng nén của Excel nhưng thiếu phần sổ làm việc (xl/workbook.xml): "
                "tệp hỏng. Hãy đề nghị đơn vị gửi lại tệp.",
                name,
            )
        raise _not_a_form("tệp nén ZIP", name, "Hãy giải nén và chép tệp .xlsx bên trong vào inbox/.")
    bomb = "Tệp có dấu hiệu độc hại («zip bomb»: {why}); không mở tệp này. Hãy đề nghị đơn vị gửi lại biểu mẫu gốc."
    if len(infos) > MAX_ENTRIES:
        raise reject("zip-bom", bomb.format(why=f"{len(infos)} thành phần"), name)
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(1, info.compress_size)
        if (
            info.file_size > MAX_PART_BYTES
            or total > MAX_TOTAL_BYTES
            or (info.file_size > RATIO_FLOOR and ratio > MAX_RATIO)
        ):
            size, times = format_number(round(info.file_size / 2**20)), format_number(round(ratio))
            why = f"thành phần «{info.filename}» bung ra {size} MB, gấp {times} lần"
            raise reject("zip-bom", bomb.format(why=why), name)
    for info in infos:
        if not info.filename.strip("/") or "\x00" in info.filename:
            raise reject(
                "tep-hong",
                "Tệp Excel bị hỏng: có thành phần không tên trong gói nén. "
                "Hãy mở tệp bằng Excel, lưu lại rồi gửi lại, hoặc đề nghị đơn vị gửi lại tệp.",
                name,
            )
    types: tuple[dict[str, str], dict[str, str]] = ({}, {})
    if "[Content_Types].xml" in names:
        body = _inflate(data, zf.getinfo("[Content_Types].xml"), name)
        types = _memo("types", body, b"", lambda: _content_types(body))
    parts: dict[str, bytes] = {}
    kept = 0
    for info in infos:
        if info.filename.endswith("/"):
            continue
        body = _inflate(data, info, name)
        if not _is_xml(info.filename, types):
            continue  # binary (printer settings, pictures): checked (size, CRC) but never decoded
        kept += info.file_size
        if info.file_size > MAX_XML_BYTES or kept > MAX_XML_TOTAL:
            raise reject(
                "tep-qua-lon",
                f"Thành phần «{info.filename}» của tệp lớn {format_number(round(info.file_size / 2**20))} MB, "
                f"quá giới hạn {MAX_XML_BYTES // 2**20} MB của một biểu mẫu (biểu mẫu đã điền chỉ vài chục KB); "
                "không đọc. Hãy đề nghị đơn vị gửi lại đúng biểu mẫu.",
                name,
            )
        text = body
        if body[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(body) >= 2 and 0 in body[:2]):
            text = _as_text(body).encode("utf-8", errors="replace")
        if _declares_dtd(text):
            raise reject(
                "xml-nguy-hiem",
                f"Thành phần «{info.filename}» của tệp chứa khai báo DOCTYPE/ENTITY — "
                "không có trong tệp Excel thật và có thể là tệp độc hại; không mở tệp này. "
                "Hãy đề nghị đơn vị gửi lại biểu mẫu gốc.",
                name,
            )
        parts[info.filename] = body
    return Package(parts)


_NOT_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (control characters, lone surrogates): a file's
    text goes on into the feedback workbook, the summary and the report, whose writers refuse them."""
    return _NOT_XML_CHAR.sub("", text) if _NOT_XML_CHAR.search(text) else text


def _attrs(text: str) -> dict[str, str]:
    return {
        m[1].rsplit(":", 1)[-1]: xml_safe(html.unescape(m[2] if m[2] is not None else m[3]))
        for m in _ATTR.finditer(text)
    }


_SHEET = re.compile(r"<(?:\w+:)?sheet\b([^>]*)/?>")
_REL = re.compile(r"<(?:\w+:)?Relationship\b([^>]*)/?>")
_XFS = re.compile(r"<(?:\w+:)?cellXfs\b[^<>]*+>((?:[^<]++|<(?!/?(?:\w+:)?cellXfs\b))*+)")
_XF = re.compile(r"<(?:\w+:)?xf\b([^>]*?)/?>")
_NUMFMT = re.compile(r"<(?:\w+:)?numFmt\b([^>]*?)/?>")
_PERCENT_BUILTIN = {9, 10}
_DATE_BUILTIN = {*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)}
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')


@dataclass
class Package:
    """The checked XML parts of an .xlsx package, and the few facts read from them."""

    parts: dict[str, bytes]  # XML parts (checked), by zip name
    _text: dict[str, str] = field(default_factory=dict)
    _sheets: dict[str, str] | None = None
    _percent: frozenset[int] | None = None
    _dates: frozenset[int] | None = None
    _rels: dict[str, tuple[str, str]] | None = None

    def text(self, part: str) -> str:
        if part not in self._text:
            self._text[part] = _as_text(self.parts.get(part, b""))
        return self._text[part]

    def decode(self, part: str) -> str:
        """A large part (a sheet, the shared strings) as text, not kept: read once, then freed."""
        return self._text[part] if part in self._text else _as_text(self.parts.get(part, b""))

    def application(self) -> str:
        """ "Microsoft Excel 16.0300", "LibreOffice/7.6…", "… Openpyxl 3.1.5" from docProps/app.xml."""

        def compute() -> str:
            text = self.text("docProps/app.xml")
            app = re.search(r"<(?:\w+:)?Application>([^<]*)<", text)
            ver = re.search(r"<(?:\w+:)?AppVersion>([^<]*)<", text)
            name = html.unescape(app[1]).strip() if app else ""
            if ver and name and ver[1].strip() not in name:
                name = f"{name} {html.unescape(ver[1]).strip()}"
            return xml_safe(name[:200])

        return _memo("application", self.parts.get("docProps/app.xml", b""), b"", compute)

    @property
    def date1904(self) -> bool:
        def compute() -> bool:
            m = re.search(r"<(?:\w+:)?workbookPr\b([^>]*)", self.text("xl/workbook.xml"))
            return m is not None and _attrs(m[1]).get("date1904", "0").lower() in ("1", "true")

        return _memo("date1904", self.parts.get("xl/workbook.xml", b""), b"", compute)

    def workbook_rels(self) -> dict[str, tuple[str, str]]:
        """Relationship id → (type's last word, part name) of xl/workbook.xml."""
        if self._rels is None:

            def compute() -> dict[str, tuple[str, str]]:
                rels = {}
                for m in _REL.finditer(self.text("xl/_rels/workbook.xml.rels")):
                    a = _attrs(m[1])
                    target = a.get("Target", "")
                    target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                    rels[a.get("Id", "")] = (a.get("Type", "").rsplit("/", 1)[-1], str(PurePosixPath(target)))
                return rels

            self._rels = _memo("rels", self.parts.get("xl/_rels/workbook.xml.rels", b""), b"", compute)
        return self._rels

    def sheet_parts(self) -> dict[str, str]:
        """Sheet name → zip part name, via workbook.xml and its relationships."""
        if self._sheets is None:

            def compute() -> dict[str, str]:
                rels, sheets = self.workbook_rels(), {}
                for m in _SHEET.finditer(self.text("xl/workbook.xml")):
                    a = _attrs(m[1])
                    if "name" in a and a.get("id") in rels:
                        sheets[a["name"]] = rels[a["id"]][1]
                return sheets

            self._sheets = _memo(
                "sheets",
                self.parts.get("xl/workbook.xml", b""),
                self.parts.get("xl/_rels/workbook.xml.rels", b""),
                compute,
            )
        return self._sheets

    def shared_strings_part(self) -> str:
        for kind, part in self.workbook_rels().values():
            if kind == "sharedStrings":
                return part
        return "xl/sharedStrings.xml"

    def external_links(self) -> list[str]:
        """Parts that link this workbook to other files (xl/externalLinks/…)."""
        return sorted(p for p in self.parts if p.startswith("xl/externalLinks/") and p.endswith(".xml"))

    def percent_styles(self) -> frozenset[int]:
        """Indexes of cellXfs whose number format shows a percent (built-in 9, 10 or a custom "%")."""
        if self._percent is None:
            self._number_styles()
        assert self._percent is not None
        return self._percent

    def date_styles(self) -> frozenset[int]:
        """Indexes of cellXfs whose number format shows a date or a time."""
        if self._dates is None:
            self._number_styles()
        assert self._dates is not None
        return self._dates

    def _number_styles(self) -> None:
        self._percent, self._dates = _memo("styles", self.parts.get("xl/styles.xml", b""), b"", self._read_styles)

    def _read_styles(self) -> tuple[frozenset[int], frozenset[int]]:
        text = self.text("xl/styles.xml")
        custom = {}
        for m in _NUMFMT.finditer(text):
            a = _attrs(m[1])
            if a.get("numFmtId", "").isdecimal() and len(a["numFmtId"]) < 9:
                custom[int(a["numFmtId"])] = a.get("formatCode", "")
        percent, dates = set(), set()
        xfs = _XFS.search(text)
        for i, m in enumerate(_XF.finditer(xfs[1] if xfs else "")):
            fid = _attrs(m[1]).get("numFmtId", "0")
            fid_n = int(fid) if fid.isdecimal() and len(fid) < 9 else 0
            code = custom.get(fid_n, "")
            if fid_n in _PERCENT_BUILTIN or "%" in code:
                percent.add(i)
            if fid_n in _DATE_BUILTIN or (fid_n not in _PERCENT_BUILTIN and _is_date_format(code)):
                dates.add(i)
        return frozenset(percent), frozenset(dates)


_MEMO: dict[tuple[str, bytes, bytes], Any] = {}
MEMO_ENTRIES = 256  # distinct styles/workbook parts remembered: forms from one template share them


def _memo(kind: str, key: bytes, key2: bytes, compute: Callable[[], T]) -> T:
    """What ``compute`` reads from a package part, remembered by the part's bytes: every form made
    from one template carries the same styles, workbook and content types, so each is read once
    per process. The results are shared: callers treat them as read-only."""
    got = _MEMO.get((kind, key, key2))
    if got is None:
        if len(_MEMO) >= MEMO_ENTRIES:
            _MEMO.clear()
        got = _MEMO[(kind, key, key2)] = compute()
    return got


def _is_date_format(code: str) -> bool:
    """A custom number format that shows a date or time: d, m, y, h or s outside quotes and brackets."""
    if not code or code.lower() == "general":
        return False
    bare = _FORMAT_LITERALS.sub("", code.split(";", 1)[0]).lower()
    return any(ch in bare for ch in "dmyhs")
