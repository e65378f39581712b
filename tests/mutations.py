"""A seeded mutator of .xlsx forms, for the fuzz test (tests/test_fuzz.py) and the longer
campaign (tools/fuzz_reader.py). Same seed → same mutants, on every machine.

Mutations, picked at random and stacked 1–3 deep: byte flips and truncation of the zip (shallow:
mostly caught by the CRC), and, to reach the reader behind the zip checks, changes inside the
parts before they are zipped again with valid CRCs — XML elements deleted, duplicated, cut,
nested deep; attribute values replaced by odd ones (far references, unknown styles, every cell
type); non-finite and huge numbers; formulas (DDE, links, web functions, shared); cells far
outside the form; parts re-encoded (UTF-16, BOM, declared encodings); odd zip entries (version
17.5, empty names, duplicates, directories, unknown compression, a binary part declared XML).
"""

from __future__ import annotations

import io
import random
import re
import struct
import zipfile

ODD_NUMBERS = [
    "NaN",
    "nan",
    "INF",
    "-inf",
    "Infinity",
    "1e999",
    "-1e999",
    "1e308",
    "1.7976931348623157e308",
    "4.9e-324",
    "-0",
    "",
    " ",
    "0x10",
    "1_000",
    "١٢٣",
    "99999999999999999999999",
    "1e15",
    "-1",
    "2958466",
    "46351.999999",
    "abc",
    "&#0;",
    "1E+2",
]
ODD_REFS = [
    "XFD1048576",
    "XFD30000",
    "AAA100000",
    "A1048577",
    "A0",
    "ZZZZ1",
    "a1",
    "$A$1",
    "A-1",
    "",
    "A99999999",
    "E1",
    "A1",
    "B3",
    "Z1000",
    "AA1",
]
ODD_TYPES = ["s", "str", "inlineStr", "b", "e", "d", "n", "x", ""]
ODD_FORMULAS = [
    "cmd|' /C calc'!A0",
    "[1]Sheet1!A1",
    'WEBSERVICE("http://x")',
    'FILTERXML("<a/>","//a")',
    "SUM(A1:A3)",
    "1/0",
    'RTD("x",,"y")',
    "'C:\\[a.xlsx]S'!A1",
    "A1" * 500,
]
ODD_TEXT = [
    "\x00",
    "\x01",
    "&#1;",
    "&#x1F;",
    "\ufffd",
    "&amp;",
    "&#xD800;",
    "&#1114112;",
    "&lol;",
    "]]>",
    "<![CDATA[x]]>",
    "<?pi x?>",
    "<!-- c -->",
    "_x000D_",
    "\u202e",
    "Đ" * 40000,
]
_ELEMENT = re.compile(rb"<([A-Za-z_][\w.:-]*)\b[^<>]*?(?:/>|>[^<]*</\1>)")
_ATTR_VALUE = re.compile(rb'(\b[\w:]+)="([^"]*)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")


def _read_parts(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(i, zf.read(i.filename)) for i in zf.infolist()]


def _zip(parts: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, body in parts:
            if isinstance(info, str):  # a fixed date, not the clock: the same seed gives the same bytes
                info = zipfile.ZipInfo(info, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, body)
    return out.getvalue()


# --------------------------------------------------------------------------- part-level (valid zip)


def _pick_xml(rng: random.Random, parts: list) -> int:
    xml = [i for i, (info, _) in enumerate(parts) if str(getattr(info, "filename", info)).endswith((".xml", ".rels"))]
    sheets = [i for i in xml if "worksheets/" in parts[i][0].filename]
    pool = sheets * 3 + xml  # sheets three times as likely
    return rng.choice(pool)


def _spans(rng: random.Random, body: bytes, pattern: re.Pattern[bytes]) -> re.Match[bytes] | None:
    found = list(pattern.finditer(body))
    return rng.choice(found) if found else None


def m_delete_element(rng: random.Random, body: bytes) -> bytes:
    m = _spans(rng, body, _ELEMENT)
    return body[: m.start()] + body[m.end() :] if m else body


def m_duplicate_element(rng: random.Random, body: bytes) -> bytes:
    m = _spans(rng, body, _ELEMENT)
    return body[: m.end()] + m[0] * rng.choice([1, 2, 50]) + body[m.end() :] if m else body


def m_cut_part(rng: random.Random, body: bytes) -> bytes:
    return body[: rng.randrange(len(body) + 1)]


def m_attribute(rng: random.Random, body: bytes) -> bytes:
    m = _spans(rng, body, _ATTR_VALUE)
    if not m:
        return body
    name = m[1].decode(errors="replace").rsplit(":", 1)[-1]
    pool = {
        "r": ODD_REFS,
        "t": ODD_TYPES,
        "s": ["0", "1", "99999", "-1", "x", "4294967296"],
        "ref": ["A1:XFD1048576", "A1", "", "Z9:A1"],
    }.get(name, ODD_REFS + ODD_NUMBERS + ["rId99", "../../x.xml"])
    value = rng.choice(pool).encode()
    return body[: m.start(2)] + value + body[m.end(2) :]


def m_number(rng: random.Random, body: bytes) -> bytes:
    m = _spans(rng, body, _VALUE)
    if not m:
        return body
    return body[: m.start(1)] + rng.choice(ODD_NUMBERS).encode() + body[m.end(1) :]


def m_formula(rng: random.Random, body: bytes) -> bytes:
    m = _spans(rng, body, _VALUE)
    if not m:
        return body
    f = rng.choice(ODD_FORMULAS).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").encode()
    shared = rng.random() < 0.3
    tag = b'<f t="shared" si="0" ref="A1:E99">' + f + b"</f>" if shared else b"<f>" + f + b"</f>"
    if rng.random() < 0.3:
        tag = b'<f t="shared" si="0"/>'
    return body[: m.start()] + tag + body[m.start() :]


def m_far_cell(rng: random.Random, body: bytes) -> bytes:
    ref = rng.choice(["XFD1048576", "XFD30000", "AAA100000", "A1048576", "IV65536", "AA5"])
    row = re.sub(r"[A-Z]+", "", ref)
    cell = rng.choice(
        [
            f'<c r="{ref}"><v>{rng.choice(ODD_NUMBERS[:8] + ["7"])}</v></c>',
            f'<c r="{ref}" t="inlineStr"><is><t>x</t></is></c>',
            "<c><v>1</v></c>",
        ]
    )
    new = f'<row r="{row}">{cell}</row>'.encode()
    body = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="A1:{ref}"'.encode(), body, count=1)
    return body.replace(b"</sheetData>", new + b"</sheetData>", 1) if b"</sheetData>" in body else body + new


def m_text(rng: random.Random, body: bytes) -> bytes:
    pos = rng.randrange(len(body) + 1)
    return body[:pos] + rng.choice(ODD_TEXT).encode("utf-8", errors="surrogatepass") + body[pos:]


def m_nest(rng: random.Random, body: bytes) -> bytes:
    depth = rng.choice([100, 5000, 50000])
    pos = body.find(b"<sheetData>")
    nest = b"<is>" * depth + b"<t>x</t>" + b"</is>" * depth
    cell = b'<row r="5"><c r="E5" t="inlineStr">' + nest + b"</c></row>"
    return body[: pos + 11] + cell + body[pos + 11 :] if pos >= 0 else body + nest


def m_encoding(rng: random.Random, body: bytes) -> bytes:
    text = body.decode("utf-8", errors="replace")
    choice = rng.randrange(5)
    if choice == 0:
        return text.encode("utf-16")
    if choice == 1:
        return text.encode("utf-16-le")
    if choice == 2:
        return text.encode("utf-16-be")
    if choice == 3:
        return b"\xef\xbb\xbf" + body
    return body.replace(b"UTF-8", b"ISO-8859-1").replace(b"utf-8", b"UTF-16")


def m_shared_index(rng: random.Random, body: bytes) -> bytes:
    return re.sub(rb'(t="s"[^>]*><v>)\d+', lambda m: m[1] + rng.choice([b"999999", b"-1", b"x", b""]), body, count=1)


PART_MUTATIONS = [
    m_delete_element,
    m_duplicate_element,
    m_cut_part,
    m_attribute,
    m_number,
    m_formula,
    m_far_cell,
    m_text,
    m_nest,
    m_encoding,
    m_shared_index,
]


# --------------------------------------------------------------------------- zip-level


def z_flip(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.choice([1, 2, 8, 64])):
        buf[rng.randrange(len(buf))] ^= 1 << rng.randrange(8)
    return bytes(buf)


def z_truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data))]


def z_version(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    pos = buf.find(b"PK\x01\x02")
    if pos >= 0:
        struct.pack_into("<H", buf, pos + 6, rng.choice([175, 63, 0xFFFF]))
    return bytes(buf)


def z_method(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    pos = buf.find(b"PK\x01\x02")
    if pos >= 0:
        struct.pack_into("<H", buf, pos + 10, rng.choice([1, 12, 14, 99, 93]))
    return bytes(buf)


def z_entries(rng: random.Random, data: bytes) -> bytes:
    parts: list[tuple[zipfile.ZipInfo | str, bytes]] = list(_read_parts(data))
    choice = rng.randrange(7)
    if choice == 0:
        parts.append((zipfile.ZipInfo(""), b"x"))
    elif choice == 1:
        parts.append((parts[rng.randrange(len(parts))][0], b"<x/>"))  # a duplicate name
    elif choice == 2:
        parts.append(("xl/media/", b""))
    elif choice == 3:
        parts.append(("xl/printerSettings/printerSettings1.bin", b"\x00\x00\xd8" + bytes(rng.randbytes(200))))
    elif choice == 4:
        parts.append(("xl/media/image9.xml", b"\x00<" + rng.randbytes(64)))  # binary posing as XML
    elif choice == 5:
        parts = [
            p
            for p in parts
            if getattr(p[0], "filename", p[0])
            != rng.choice(
                ["[Content_Types].xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/worksheets/sheet3.xml"]
            )
        ]
    else:
        parts.append(("../../evil.xml", b"<x/>"))
    return _zip(parts)


ZIP_MUTATIONS = [z_flip, z_truncate, z_version, z_method, z_entries]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One mutant of ``data`` (a valid .xlsx): 1–3 stacked mutations, most of them inside the parts."""
    for _ in range(rng.choice([1, 1, 2, 3])):
        try:
            if rng.random() < 0.7:
                parts = _read_parts(data)
                i = _pick_xml(rng, parts)
                info, body = parts[i]
                parts[i] = (info, rng.choice(PART_MUTATIONS)(rng, body) if body else body)
                data = _zip(parts)
            else:
                data = rng.choice(ZIP_MUTATIONS)(rng, data)
        except Exception:
            data = rng.choice([z_flip, z_truncate])(rng, data) if data else data
    return data


def mutants(seeds: list[bytes], n: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    return [mutate(rng.choice(seeds), rng) for _ in range(n)]
