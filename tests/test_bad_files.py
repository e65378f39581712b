"""Files that are not forms, and hostile files: each a named Vietnamese rejection, never a crash.

One inbox holds every kind of bad file next to real forms and is read once per module; each
test then checks one file's fate. Nothing in inbox/ may change (``snapshot`` before and after).
"""

from __future__ import annotations

import io
import os
import random
import re
import socket
import struct
import time
import tracemalloc
import unicodedata
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from pipeline.cli import cli
from pipeline.intake import read_data, read_inbox
from pipeline.model import SUBMITTED, IntakeResult, Problem
from pipeline.plan import Plan
from pipeline.workspace import Workspace, init_workspace
from tests.filling import filled_form, rewrite_part, sheet_part, snapshot

YEAR = 2025  # the year the plan asks the most indicators (both lists but the 2030-only one)
MB = 1 << 20
VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)

OLE_HEADER = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16) + struct.pack("<HHHH", 0x3E, 3, 0xFFFE, 9) + bytes(486)


def ole_file(*stream_names: str) -> bytes:
    """A compound file (OLE2) header and one directory sector naming ``stream_names``."""
    entries = b""
    for name in ("Root Entry", *stream_names):
        raw = name.encode("utf-16-le") + b"\0\0"
        entries += raw.ljust(64, b"\0") + struct.pack("<H", len(raw)) + b"\x02" + bytes(61)
    return OLE_HEADER + entries.ljust(512, b"\0")


def add_zeros(data: bytes, part: str, size: int) -> bytes:
    """``data`` (a zip) plus a part of ``size`` zero bytes, compressed while streaming (never all in memory)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        with dst.open(part, "w") as fh:
            chunk = bytes(MB)
            for _ in range(size // MB):
                fh.write(chunk)
    return out.getvalue()


def central_entry(data: bytes | bytearray, part: str) -> int:
    """Offset of ``part``'s record in the zip's central directory."""
    name = part.encode()
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        n = struct.unpack_from("<H", data, pos + 28)[0]
        if bytes(data[pos + 46 : pos + 46 + n]) == name:
            return pos
        pos = data.find(b"PK\x01\x02", pos + 4)
    raise AssertionError(part)


def declare_size(data: bytes, part: str, size: int) -> bytes:
    """Make the local and central headers of ``part`` lie about its decompressed size."""
    buf = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        offset = zf.getinfo(part).header_offset
    struct.pack_into("<I", buf, offset + 22, size)
    struct.pack_into("<I", buf, central_entry(buf, part) + 24, size)
    return bytes(buf)


def replace_part_bytes(data: bytes, part: str, body: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, body if info.filename == part else src.read(info.filename))
    return out.getvalue()


def with_doctype(data: bytes, sheet: str, doctype: str, use: str) -> bytes:
    """The form with ``doctype`` before the root element of ``sheet`` and ``use`` as a cell's inline text."""

    def change(xml: str) -> str:
        xml = re.sub(r"^(<\?xml[^>]*\?>)?", lambda m: (m[1] or '<?xml version="1.0"?>') + doctype, xml, count=1)
        return xml.replace(
            "</sheetData>", f'<row r="99"><c r="C99" t="inlineStr"><is><t>{use}</t></is></c></row></sheetData>'
        )

    return rewrite_part(data, sheet_part(data, sheet), change)


def _laughs() -> str:
    entities = ['<!ENTITY lol "lol">']
    for i in range(1, 10):
        ref = "&lol%s;" % (i - 1 if i > 1 else "")
        entities.append(f'<!ENTITY lol{i} "{ref * 10}">')
    return "<!DOCTYPE lolz [" + "".join(entities) + "]>"


BILLION_LAUGHS = _laughs()  # &lol9; would be 10^9 times "lol"


def unrelated_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append(["STT", "Họ và tên", "Số điện thoại"])
    ws.append([1, "Trần Văn Bình", "0912345678"])
    ws["B3"] = "Mã số: 12/2026"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def word_document() -> bytes:
    import docx

    doc = docx.Document()
    doc.add_paragraph("Báo cáo kết quả thực hiện năm 2026 — UBND xã An Bình")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def is_vietnamese_advice(message: str) -> bool:
    """NFC Vietnamese with its diacritics, saying what to do ("Hãy …")."""
    return (
        unicodedata.is_normalized("NFC", message) and len(VIETNAMESE.findall(message)) >= 5 and "hãy" in message.lower()
    )


# --------------------------------------------------------------------------- one inbox with every kind


@pytest.fixture(scope="module")
def forms(kh178: Plan) -> dict[str, bytes]:
    return {u: filled_form(kh178, u, YEAR) for u in ("xa-an-binh", "tnmt", "xa-my-hiep", "xa-my-long", "ktht")}


@pytest.fixture(scope="module")
def bomb(forms: dict[str, bytes]) -> bytes:
    """A real form plus a part of 200 MB of zeros (≈ 200 KB compressed), its sizes declared honestly."""
    return add_zeros(forms["ktht"], "xl/media/image1.png", 200 * MB)


BAD: dict[str, str] = {  # file in inbox/ → the rejection code it must get
    "rong.xlsx": "tep-rong",
    "van-ban.xlsx": "khong-phai-excel",
    "trang-web.xlsx": "khong-phai-excel",
    "ngau-nhien.xlsx": "khong-phai-excel",
    "bao-cao-cu.xls": "xls-cu",
    "co-mat-khau.xlsx": "co-mat-khau",
    "so-lieu.csv": "khong-phai-bieu-mau",
    "bao-cao.docx": "khong-phai-bieu-mau",
    "ban-scan.pdf": "khong-phai-bieu-mau",
    "danh-sach.xlsx": "khong-phai-bieu-mau",
    "tai-chua-xong.xlsx": "tep-hong",
    "billion-laughs.xlsx": "xml-nguy-hiem",
    "thuc-the-ngoai.xlsx": "xml-nguy-hiem",
    "zip-bom.xlsx": "zip-bom",
    "zip-bom-khai-sai.xlsx": "zip-bom",
    "qua-lon.xlsx": "tep-qua-lon",
    "x.xlsx/": "thu-muc",
}
SKIPPED = [
    "~$xa-an-binh.xlsx",
    ".~lock.xa-an-binh.xlsx#",
    "Thumbs.db",
    "desktop.ini",
    ".DS_Store",
    "email/~$tnmt.xlsx",
    "email/Desktop.ini",
]
NFC_NAME = "Xã Mỹ Hiệp – báo cáo.xlsx"
NFD_NAME = unicodedata.normalize("NFD", "Xã Mỹ Long – báo cáo.xlsx")


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory, forms: dict[str, bytes], bomb: bytes) -> Workspace:
    ws = init_workspace(tmp_path_factory.mktemp("bad") / "ws")
    files = {
        "rong.xlsx": b"",
        "van-ban.xlsx": "Số liệu năm 2026: 3 cuộc tuyên truyền, 40 cửa hàng.\n".encode(),
        "trang-web.xlsx": b"<html><body><table><tr><td>1</td></tr></table></body></html>",
        "ngau-nhien.xlsx": random.Random(4).randbytes(4096),
        "bao-cao-cu.xls": ole_file("Workbook", "\x05SummaryInformation"),
        "co-mat-khau.xlsx": ole_file("EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"),
        "so-lieu.csv": "Đơn vị;Số cuộc\nxa-an-binh;3\n".encode(),
        "bao-cao.docx": word_document(),
        "ban-scan.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
        "danh-sach.xlsx": unrelated_workbook(),
        "tai-chua-xong.xlsx": forms["xa-an-binh"][: len(forms["xa-an-binh"]) // 2],
        "billion-laughs.xlsx": with_doctype(forms["xa-an-binh"], "Chỉ tiêu", BILLION_LAUGHS, "&lol9;"),
        "thuc-the-ngoai.xlsx": with_doctype(
            forms["xa-an-binh"], "Thông tin", '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;"
        ),
        "zip-bom.xlsx": bomb,
        "zip-bom-khai-sai.xlsx": declare_size(bomb, "xl/media/image1.png", 1000),
        "x.xlsx/bieu-mau-tnmt.xlsx": forms["tnmt"],
        "xa-an-binh.xlsx": forms["xa-an-binh"],
        NFC_NAME: forms["xa-my-hiep"],
        NFD_NAME: forms["xa-my-long"],
        "~$xa-an-binh.xlsx": b"\x05Admin" + bytes(48) + b"\x05\x00A\x00d\x00m\x00i\x00n\x00" + bytes(100),
        ".~lock.xa-an-binh.xlsx#": b"Admin,DESKTOP-1,DESKTOP-1,25.11.2026 09:30,file:///C:/Users/Admin/AppData;",
        "Thumbs.db": ole_file("Catalog", "256_1"),
        "desktop.ini": b"[.ShellClassInfo]\r\nIconResource=C:\\icon.ico,0\r\n",
        ".DS_Store": b"\x00\x00\x00\x01Bud1" + bytes(100),
        "email/~$tnmt.xlsx": b"\x05Admin" + bytes(150),
        "email/Desktop.ini": b"[.ShellClassInfo]\r\n",
    }
    for name, data in files.items():
        path = ws.inbox / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    with open(ws.inbox / "qua-lon.xlsx", "wb") as fh:  # sparse: 26,5 MB without writing them
        fh.truncate(26 * MB + MB // 2)
    return ws


@pytest.fixture(scope="module")
def result(kh178: Plan, inbox: Workspace) -> tuple[IntakeResult, float, bool]:
    before = snapshot(inbox.inbox)
    start = time.perf_counter()
    res = read_inbox(inbox, kh178, YEAR)
    seconds = time.perf_counter() - start
    return res, seconds, snapshot(inbox.inbox) == before


def rejected_as(result: IntakeResult, path: str) -> Problem:
    found = [p for prov, p in result.rejected if prov.path == path]
    assert len(found) == 1, [prov.path for prov, _ in result.rejected]
    return found[0]


def test_a_file_too_large_is_sized_the_vietnamese_way(result: tuple[IntakeResult, float, bool]) -> None:
    assert rejected_as(result[0], "qua-lon.xlsx").message.startswith("Tệp lớn 26,5 MB, vượt giới hạn 25 MB ")


# --------------------------------------------------------------------------- the tests


def test_inbox_is_not_changed_by_reading_it(result: tuple) -> None:
    assert result[2] is True


def test_whole_inbox_of_bad_files_is_read_quickly(result: tuple) -> None:
    assert result[1] < 3


@pytest.mark.parametrize(("path", "code"), BAD.items())
def test_bad_file_gets_its_named_vietnamese_rejection(result: tuple, path: str, code: str) -> None:
    problem = rejected_as(result[0], path)
    assert problem.code == code
    assert problem.file == path and problem.text().startswith(path)
    assert problem.is_error and is_vietnamese_advice(problem.message), problem.message


def test_every_rejected_entry_is_one_of_the_bad_files(result: tuple) -> None:
    assert sorted(prov.path for prov, _ in result[0].rejected) == sorted(BAD)


def test_real_forms_next_to_bad_files_are_still_read(result: tuple) -> None:
    states = {s.unit_id: (s.state, s.submission.provenance.path if s.submission else "") for s in result[0].statuses}
    assert states["xa-an-binh"] == (SUBMITTED, "xa-an-binh.xlsx")
    assert states["tnmt"] == (SUBMITTED, "x.xlsx/bieu-mau-tnmt.xlsx")  # inside the folder named like a file
    assert states["ktht"][0] == "chua-nop"  # its form is only inside the zip bombs


def test_nfc_and_nfd_file_names_both_work_and_are_reported_in_nfc(result: tuple) -> None:
    states = {s.unit_id: s for s in result[0].statuses}
    assert states["xa-my-hiep"].state == SUBMITTED and states["xa-my-hiep"].submission.provenance.path == NFC_NAME
    assert states["xa-my-long"].state == SUBMITTED
    assert states["xa-my-long"].submission.provenance.path == unicodedata.normalize("NFC", NFD_NAME)


def test_lock_and_system_files_are_skipped_silently(result: tuple) -> None:
    res = result[0]
    mentioned = {prov.path for prov, _ in res.rejected} | {
        s.submission.provenance.path for s in res.statuses if s.submission
    }
    assert not any(name in path for name in SKIPPED for path in mentioned)
    assert all(s.set_aside == () for s in res.statuses)


def test_folder_named_like_a_file_is_refused_by_name_and_its_form_read(result: tuple) -> None:
    problem = rejected_as(result[0], "x.xlsx/")
    assert "«x.xlsx» là một thư mục" in problem.message and "vẫn được đọc" in problem.message


def test_encrypted_workbook_tells_how_to_remove_the_password(result: tuple) -> None:
    assert "gỡ mật khẩu" in rejected_as(result[0], "co-mat-khau.xlsx").message


def test_legacy_xls_tells_to_save_as_xlsx(result: tuple) -> None:
    assert ".xlsx" in rejected_as(result[0], "bao-cao-cu.xls").message


def test_text_named_xlsx_names_the_file_in_the_message(result: tuple) -> None:
    assert "«van-ban.xlsx»" in rejected_as(result[0], "van-ban.xlsx").message


@pytest.mark.parametrize(("path", "kind"), [("so-lieu.csv", "CSV"), ("bao-cao.docx", "Word"), ("ban-scan.pdf", "PDF")])
def test_other_document_kinds_are_named_as_what_they_are(result: tuple, path: str, kind: str) -> None:
    assert kind in rejected_as(result[0], path).message


def test_cli_on_the_bad_inbox_lists_every_rejection_without_a_traceback(inbox: Workspace) -> None:
    before = snapshot(inbox.inbox)
    res = CliRunner().invoke(cli, ["-C", str(inbox.root), "kiem-tra", "--nam", str(YEAR)])
    assert res.exit_code == 0 and res.exception is None
    assert "Traceback" not in res.output
    assert f"Tệp không dùng được ({len(BAD)}):" in res.stdout
    for path in BAD:
        assert f"  - {path}: " in res.stdout
    assert snapshot(inbox.inbox) == before
    strict = CliRunner().invoke(cli, ["-C", str(inbox.root), "kiem-tra", "--nam", str(YEAR), "--strict"])
    assert strict.exit_code == 1


# --------------------------------------------------------------------------- hostile packages, one by one


def _read_measured(kh178: Plan, data: bytes, name: str) -> tuple[Problem, float, int]:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        res = read_data(data, name, kh178, YEAR)
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert res.submission is None and res.rejection is not None
    return res.rejection, seconds, peak


def test_zip_bomb_is_rejected_quickly_without_inflating_it(kh178: Plan, bomb: bytes) -> None:
    assert len(bomb) < 2 * MB  # 200 MB of zeros inside
    problem, seconds, peak = _read_measured(kh178, bomb, "zip-bom.xlsx")
    assert problem.code == "zip-bom" and "xl/media/image1.png" in problem.message and "200 MB" in problem.message
    assert seconds < 1 and peak < 16 * MB


def test_zip_bomb_whose_declared_size_lies_is_stopped_while_inflating(kh178: Plan, bomb: bytes) -> None:
    liar = declare_size(bomb, "xl/media/image1.png", 1000)
    problem, seconds, peak = _read_measured(kh178, liar, "khai-sai.xlsx")
    assert problem.code == "zip-bom" and "lớn hơn kích thước khai báo" in problem.message
    assert seconds < 1 and peak < 16 * MB


def test_zip_bomb_under_the_part_cap_is_caught_by_its_ratio(kh178: Plan, forms: dict[str, bytes]) -> None:
    problem, seconds, peak = _read_measured(kh178, add_zeros(forms["ktht"], "xl/media/image2.png", 40 * MB), "b.xlsx")
    assert problem.code == "zip-bom" and seconds < 1 and peak < 16 * MB


def test_package_with_thousands_of_parts_is_a_zip_bomb(kh178: Plan, forms: dict[str, bytes]) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(forms["ktht"])) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        for i in range(2_001):
            dst.writestr(f"xl/media/p{i}.bin", b"")
    assert _read_measured(kh178, out.getvalue(), "nhieu.xlsx")[0].code == "zip-bom"


def test_billion_laughs_is_refused_before_any_parser_expands_it(kh178: Plan, forms: dict[str, bytes]) -> None:
    data = with_doctype(forms["xa-an-binh"], "Chỉ tiêu", BILLION_LAUGHS, "&lol9;")
    problem, seconds, peak = _read_measured(kh178, data, "lol.xlsx")
    assert problem.code == "xml-nguy-hiem" and "xl/worksheets/sheet3.xml" in problem.message
    assert seconds < 1 and peak < 16 * MB


def test_external_entity_is_never_fetched(kh178: Plan, forms: dict[str, bytes]) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.settimeout(0.2)
        url = f"http://127.0.0.1:{server.getsockname()[1]}/leak"
        data = with_doctype(forms["xa-an-binh"], "Thông tin", f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "{url}">]>', "&xxe;")
        res = read_data(data, "xxe.xlsx", kh178, YEAR)
        with pytest.raises(TimeoutError):
            server.accept()  # nobody connected
    assert res.rejection is not None and res.rejection.code == "xml-nguy-hiem"


def test_doctype_hidden_in_a_utf16_part_is_found(kh178: Plan, forms: dict[str, bytes]) -> None:
    data = forms["xa-an-binh"]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("xl/workbook.xml").decode()
    evil = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + xml
    res = read_data(replace_part_bytes(data, "xl/workbook.xml", evil.encode("utf-16")), "u16.xlsx", kh178, YEAR)
    assert res.rejection is not None and res.rejection.code == "xml-nguy-hiem"


def test_truncated_workbook_is_damaged_whatever_the_cut(kh178: Plan, forms: dict[str, bytes]) -> None:
    data = forms["xa-an-binh"]
    for cut in (len(data) // 2, len(data) - 30, 100):
        res = read_data(data[:cut], "cat.xlsx", kh178, YEAR)
        assert res.rejection is not None and res.rejection.code == "tep-hong", cut


def test_part_with_a_corrupt_checksum_is_damaged(kh178: Plan, forms: dict[str, bytes]) -> None:
    data = bytearray(forms["xa-an-binh"])
    pos = central_entry(data, "xl/workbook.xml")
    crc = struct.unpack_from("<I", data, pos + 16)[0]
    struct.pack_into("<I", data, pos + 16, crc ^ 1)
    res = read_data(bytes(data), "crc.xlsx", kh178, YEAR)
    assert res.rejection is not None and res.rejection.code == "tep-hong"


def test_symlink_out_of_the_inbox_is_refused_and_not_followed(kh178: Plan, tmp_path: Path, forms: dict) -> None:
    ws = init_workspace(tmp_path / "ws")
    outside = tmp_path / "ngoai-inbox"
    outside.mkdir()
    (outside / "ktht.xlsx").write_bytes(forms["ktht"])
    try:
        (ws.inbox / "loi-tat.xlsx").symlink_to(outside / "ktht.xlsx")
        (ws.inbox / "thu-muc-ngoai").symlink_to(outside, target_is_directory=True)
    except OSError as err:  # Windows without the symlink privilege
        pytest.skip(f"cannot create symlinks here: {err}")
    res = read_inbox(ws, kh178, YEAR)
    assert [(prov.path, p.code) for prov, p in res.rejected] == [
        ("loi-tat.xlsx", "lien-ket-ngoai"),
        ("thu-muc-ngoai", "lien-ket-ngoai"),
    ]
    assert is_vietnamese_advice(res.rejected[0][1].message)
    assert all(s.state == "chua-nop" for s in res.statuses)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX only")
def test_fifo_in_the_inbox_is_refused_without_blocking(kh178: Plan, tmp_path: Path, forms: dict[str, bytes]) -> None:
    ws = init_workspace(tmp_path / "ws")
    os.mkfifo(ws.inbox / "ong.xlsx")
    (ws.inbox / "xa.xlsx").write_bytes(forms["xa-an-binh"])
    res = read_inbox(ws, kh178, YEAR)
    problem = rejected_as(res, "ong.xlsx")
    assert problem.code == "khong-doc-duoc" and is_vietnamese_advice(problem.message)
    assert res.statuses[[u.id for u in kh178.units].index("xa-an-binh")].state == SUBMITTED


@pytest.mark.parametrize("seed", range(4))
def test_a_declaration_is_found_wherever_it_sits_and_however_many_marks_come_before(seed: int) -> None:
    """The fast look for DOCTYPE/ENTITY (from each "!") finds exactly what the pattern finds, also
    after more "!" than it checks one by one."""
    from pipeline.xlsx_safety import _DANGEROUS, _declares_dtd

    rng = random.Random(seed)
    pieces = [b"<", b"!", b"DOCTYPE", b"doctype", b"ENTITY", b" ", b"\n", b"a", b"<!", b"--"]
    for _ in range(20_000):
        text = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        if rng.random() < 0.05:
            text = b"!" * rng.randint(60, 70) + text
        assert _declares_dtd(text) == (_DANGEROUS.search(text) is not None), text
