"""Byte-stable Office packages.

openpyxl and python-docx stamp the current time into docProps/core.xml and into every zip
entry; ``stable_package`` rewrites both so the same input always gives the same bytes.
Files are written into outbox/ by ``outbox.write_set``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def stable_package(data: bytes, stamp: dt.datetime) -> bytes:
    """Return ``data`` (an OOXML zip) with fixed zip times and core.xml dates set to ``stamp``."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = body.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)",
                    lambda m: f"{m[1]}{iso}{m[2]}",
                    text,
                )
                text = re.sub(r"<cp:lastPrinted>[^<]*</cp:lastPrinted>", "", text)
                body = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, body)
    return out.getvalue()


def workbook_bytes(wb: Any, stamp: dt.datetime, title: str) -> bytes:
    """An openpyxl workbook saved with our properties and ``stamp`` as every date (stable bytes)."""
    wb.properties.creator = "baocao"
    wb.properties.title = title
    wb.properties.created = wb.properties.modified = stamp
    buf = io.BytesIO()
    wb.save(buf)
    return stable_package(buf.getvalue(), stamp)
