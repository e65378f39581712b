"""Byte-stable Office packages and atomic output files.

openpyxl and python-docx stamp the current time into docProps/core.xml and into every zip
entry; ``stable_package`` rewrites both so the same input always gives the same bytes.
``atomic_write`` writes a temporary file beside the target and renames it into place.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from .errors import OutputLockedError

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


def atomic_write(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.replace(tmp, path)
        except PermissionError:
            raise OutputLockedError(
                f"Không ghi được {path}: tệp đang mở trong Word/Excel hoặc bị khóa. "
                "Hãy đóng tệp rồi chạy lại."
            ) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def free_name(path: Path) -> Path:
    """``path`` if it does not exist yet, else the first free ``name (2).ext``, ``name (3).ext``…"""
    path = Path(path)
    if not path.exists():
        return path
    n = 2
    while True:
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
        if not candidate.exists():
            return candidate
        n += 1
